import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// The configuration in force, for everyone signed in: holiday schedules and rule versions. They are set
/// with `whistle calendar import` and `whistle rules set`, and apply when servers next start.
extension WhistleAPIHandler {
    func listCalendars(_ input: Operations.ListCalendars.Input) async throws -> Operations.ListCalendars.Output {
        _ = try RequestActor.required()
        return .ok(.init(body: .json(.init(items: configuration.schedules.map { schedule in
            .init(year: schedule.year, source: schedule.source,
                  holidays: schedule.holidays.map { .init(nameZh: $0.nameZh, nameEn: $0.nameEn, firstDay: $0.firstDay.description, lastDay: $0.lastDay.description) },
                  makeUpWorkdays: schedule.makeUpWorkdays.map(\.description))
        }))))
    }

    func listPolicies(_ input: Operations.ListPolicies.Input) async throws -> Operations.ListPolicies.Output {
        _ = try RequestActor.required()
        let policies = configuration.policies
        // Each version exactly as `whistle rules show` prints it and `rules set` reads it.
        func objects<Object: Decodable>(_ versions: [some Encodable]) throws -> [Object] {
            try versions.map { try JSONDecoder().decode(Object.self, from: PolicyRepository.encoder.encode($0)) }
        }
        return .ok(.init(body: .json(.init(loop: try objects(policies.loop), whistle: try objects(policies.whistle)))))
    }
}
