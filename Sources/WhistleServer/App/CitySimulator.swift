import Foundation
import Logging
import WhistleCore
import WhistleStore

/// `whistle simulate`: fills a database holding a city (the demo city, or any imported one) with a
/// generated stretch of demands and their whole lives (``CitySimulation``), routed by the city's duty rules
/// and timed on its calendars, numbered by the day counters like real intake.
public enum CitySimulator {
    public struct Summary: Sendable {
        public var demands = 0
        public var events = 0
        /// Lives the loop cut short by refusing a step (kept as far as they got); should be 0.
        public var refused = 0
        /// The first few of those: the demand's number and the refusal, to find what the generator and the rules disagree on.
        public var refusals: [String] = []
    }

    /// Simulates the days `from`…`through` at `demandsPerYear`, lived up to `now`, writing `batch` demands a
    /// transaction; generating the next batch overlaps writing the last. `progress` hears of every day done.
    public static func run(
        store: any Store, demandsPerYear: Int, from: CalendarDay, through: CalendarDay, seed: UInt64, now: Date, batch: Int = 2_000,
        progress: @Sendable (CalendarDay, Summary) -> Void = { _, _ in }
    ) async throws -> Summary {
        let configuration = try LoopConfiguration(bundled: try LoopConfiguration.bundledSchedules())
        try await configuration.load(from: store)
        let rules = configuration.rules(at: now)
        let simulation = try await simulation(store: store, rules: rules, seed: seed, demandsPerYear: demandsPerYear)
        let demands = DemandRepository(store: store)
        var summary = Summary()
        var day = from
        while day <= through {
            let numbers = try await demands.reserveNumbers(on: day, count: simulation.volume(on: day))
            var chunks = stride(from: numbers.lowerBound, to: numbers.upperBound, by: batch).map { $0..<min($0 + Int64(batch), numbers.upperBound) }[...]
            var pending = chunks.popFirst().map { [day] range in Task { simulation.demands(on: day, sequences: range, now: now) } }
            while let current = pending {
                pending = chunks.popFirst().map { [day] range in Task { simulation.demands(on: day, sequences: range, now: now) } }
                let lives = await current.value
                try await demands.importHistory(lives.map { ($0.demand, $0.events) }, rules: rules)
                summary.demands += lives.count
                summary.events += lives.reduce(0) { $0 + $1.events.count }
                for life in lives {
                    guard let refusal = life.refusal else { continue }
                    summary.refused += 1
                    if summary.refusals.count < 5 { summary.refusals.append("\(life.demand.number): [\(refusal.code)] \(refusal.messageEn)") }
                }
            }
            progress(day, summary)
            day = day.next
        }
        return summary
    }

    /// The city as the simulation sees it: streets with their communities and residents, the active leaf
    /// categories with their deadline classes, and the duty rules routing them.
    static func simulation(store: any Store, rules: LoopRules, seed: UInt64, demandsPerYear: Int) async throws -> CitySimulation {
        let units = try await DispatchSources(store: store).units()
        let taxonomy = try await TaxonomyRepository(store: store).taxonomy()
        let advisor = DispatchAdvisor(units: units, taxonomy: taxonomy, rules: try await DutyRuleRepository(store: store).rules(), categoryModel: nil, unitModel: nil)
        let router = DutyRouter(rules: try await DutyRuleRepository(store: store).rules(), taxonomy: taxonomy)
        let communities = Dictionary(grouping: units.filter { [.community, .village].contains($0.kind) && $0.code.count == 12 }) { $0.parentCode ?? "" }
        let streets = units.filter { [.street, .township, .area].contains($0.kind) && $0.code.count == 9 }.map { street in
            let own = communities[street.code] ?? []
            // Residents: the street's own figure, else its communities', else a typical 2,500 a community.
            let population = street.population ?? own.compactMap(\.population).reduce(0, +)
            return CitySimulation.Street(
                code: street.code, name: street.name, districtCode: String(street.code.prefix(6)), communities: own.map(\.code),
                population: population > 0 ? population : max(own.count, 1) * 2_500)
        }
        let categories = taxonomy.leaves.map {
            CitySimulation.Category(code: $0.code, deadlineClass: taxonomy.deadlineClass(of: $0.code).flatMap { rules.deadlineClass($0)?.code } ?? "general", nameZh: $0.name)
        }
        let known = Set(units.map(\.code))
        return CitySimulation(streets: streets, categories: categories, rules: rules, seed: seed, demandsPerYear: demandsPerYear) { category, area, at in
            router.route(category: category, place: advisor.chain(of: area), at: at).map(\.primary).flatMap { known.contains($0) ? $0 : nil }
        }
    }
}
