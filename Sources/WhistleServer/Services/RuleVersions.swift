import Foundation
import Logging
import ServiceLifecycle
import WhistleCore
import WhistleStore

/// Keeps this server's ``LoopConfiguration`` what the store holds: it reloads the holiday schedules, the
/// units' business hours and the rule versions every `reload` (`dispatch.reload`), so a version saved on any
/// node, or with `whistle rules set` and `whistle calendar import`, applies everywhere without a restart; a
/// version saved in this server's console applies here at once.
final class RuleVersions: Service, Sendable {
    let configuration: LoopConfiguration
    let store: any Store
    let reload: Duration
    let clock: @Sendable () -> Date
    let logger: Logger

    init(configuration: LoopConfiguration, store: any Store, reload: Duration, clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.reload = reload
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.reload) }
            do {
                if try await Migrator.pending(store).isEmpty { try await reload() }
            } catch {
                logger.warning("rule versions not reloaded", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    /// Loads what the store holds now (after a unit's business hours changed, say).
    func reload() async throws {
        try await configuration.load(from: store)
    }

    /// Saves a version of local rules (the closed loop's, the whistle's or the assessment's) and applies it.
    func save<Policy: StoredPolicy>(_ policy: Policy, by actor: Actor) async throws {
        try await PolicyRepository(store: store).save(policy, by: AuditActor(actor), now: clock())
        try await reload()
    }

    /// Saves a year's holiday schedule (replacing the bundled or imported one of that year) and applies it.
    func save(_ schedule: HolidaySchedule, by actor: Actor) async throws {
        try await CalendarRepository(store: store).save(schedule, by: AuditActor(actor), now: clock())
        try await reload()
    }
}
