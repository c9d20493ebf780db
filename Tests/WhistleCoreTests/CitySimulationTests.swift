import Foundation
import Testing
import WhistleCore

/// The demo city (bundled Beijing divisions, demo taxonomy and duty list) under the Beijing loop rules on the
/// shipped 2025/2026 calendars: the centre and the public-service enterprises work round the clock.
enum SimulationFixtures {
    static let units = try! BeijingDemoCity.build(from: BeijingDemoCityTests.sources()).units
    static let streets: [CitySimulation.Street] = {
        let communities = Dictionary(grouping: units.filter { [.community, .village].contains($0.kind) }, by: { $0.parentCode ?? "" })
        return units.filter { [.street, .township, .area].contains($0.kind) }.map {
            CitySimulation.Street(code: $0.code, name: $0.name, districtCode: $0.parentCode ?? "",
                                  communities: communities[$0.code]?.map(\.code) ?? [], population: $0.population ?? 0)
        }
    }()
    static let taxonomy = try! DispatchDemoDataTests.taxonomy()
    static let router = DutyRouter(rules: try! DispatchDemoDataTests.rules(), taxonomy: taxonomy)
    static let categories = taxonomy.leaves.map {
        CitySimulation.Category(code: $0.code, deadlineClass: taxonomy.deadlineClass(of: $0.code)!, nameZh: $0.name)
    }
    static let rules: LoopRules = {
        let roundTheClock = Set(units.filter { $0.calendarCode == "24x7" }.map(\.code))
        return LoopRules.beijingDefault { roundTheClock.contains($0) ? LoopFixtures.hotline : LoopFixtures.office }
    }()

    /// Small yearly scales keep a whole day to about a thousand demands.
    static func simulation(seed: UInt64 = 12_345, demandsPerYear: Int = 400_000) -> CitySimulation {
        CitySimulation(streets: streets, categories: categories, rules: rules, seed: seed, demandsPerYear: demandsPerYear) { category, area, at in
            // The division chain, most specific first: community, street, district, city.
            let place = [12, 9, 6].filter { $0 <= area.count }.map { String(area.prefix($0)) } + ["110000"]
            return router.route(category: category, place: place, at: at)?.primary
        }
    }

    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    /// Demands and events as sorted JSON, to compare runs.
    static func json(_ demands: [SimulatedDemand]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(demands.map(\.demand)) + encoder.encode(demands.map(\.events))
    }
}

@Suite("City simulation")
struct CitySimulationTests {
    typealias F = SimulationFixtures
    let simulation = F.simulation()
    let now = CalendarFixtures.bj("2026-03-01 00:00")

    @Test func theSameKeysGiveTheSameDemandsWhateverTheChunks() throws {
        let day = F.day("2025-06-16")
        let whole = simulation.demands(on: day, sequences: 1..<1001, now: now)
        let again = F.simulation().demands(on: day, sequences: 1..<1001, now: now)
        let chunks = [simulation.demands(on: day, sequences: 501..<1001, now: now), simulation.demands(on: day, sequences: 1..<501, now: now)]
        #expect(whole.count == 1000)
        #expect(try F.json(whole) == F.json(again))
        #expect(try F.json(whole) == F.json(chunks[1] + chunks[0]))
        #expect(Set(whole.map(\.demand.id)).count == 1000)
        #expect(whole.allSatisfy { $0.demand.id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil })
        let other = F.simulation(seed: 7).demands(on: day, sequences: 1..<1001, now: now)
        #expect(Set(other.map(\.demand.id)).isDisjoint(with: whole.map(\.demand.id)))
    }

    @Test func aLaterNowOnlyExtendsEachLife() {
        let day = F.day("2025-06-16")
        let early = simulation.demands(on: day, sequences: 1..<301, now: CalendarFixtures.bj("2025-06-18 12:00"))
        let late = simulation.demands(on: day, sequences: 1..<301, now: now)
        #expect(early.map(\.demand.id) == late.map(\.demand.id))
        for (a, b) in zip(early, late) {
            #expect(Array(b.events.prefix(a.events.count)) == a.events, "\(a.demand.number)")
            #expect(a.events.allSatisfy { $0.at <= CalendarFixtures.bj("2025-06-18 12:00") })
        }
        #expect(Set(early.map(\.demand.status)).isSuperset(of: [.answered, .inProgress, .resultReported, .callbackDone, .closed]))
        #expect(early.count { $0.demand.status == .closed } < late.count { $0.demand.status == .closed })
    }

    @Test func everyDemandWentThroughTheMachine() {
        let day = F.day("2025-11-03")
        let volume = simulation.volume(on: day)
        let demands = simulation.demands(on: day, sequences: 1..<Int64(volume + 1), now: now)
        #expect(demands.count == volume)
        #expect(demands.allSatisfy { $0.refusal == nil })
        #expect(demands.enumerated().allSatisfy { $1.demand.number == "20251103-\(($0 + 1).zeroPadded(7))" })
        #expect(zip(demands, demands.dropFirst()).allSatisfy { $0.demand.createdAt <= $1.demand.createdAt })
        for simulated in demands {
            let demand = simulated.demand, events = simulated.events
            #expect(CalendarDay(beijing: demand.createdAt) == day)
            let opening: LoopEventKind = switch demand.status {
            case .answered: .demandAnswered
            case .transferred: .demandTransferred
            default: .demandReceived
            }
            #expect(events.first?.kind == opening)
            #expect(events.allSatisfy { $0.demandID == demand.id && $0.details["from"] != nil && $0.details["to"] != nil })
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.at <= $1.at })
            // Every accepted command adds one version; its first event stands for it, the others go with it
            // (the orders of a dispatch, a re-dispatch, a reopening or a closing, 超期's automatic 催办, 延期告知).
            let companions: Set<LoopEventKind> = [.orderDispatched, .orderClosed, .orderReopened, .demandDeadlineNotice]
            let commands = events.count { !companions.contains($0.kind) && !($0.kind == .orderUrged && $0.details["automatic"] == "true") }
            #expect(demand.version == commands)
            #expect(events.last?.at == demand.updatedAt)
            #expect(demand.complainant.phone.map(DemandDraft.isPhoneNumber) ?? true)
            if demand.status == .closed {
                #expect(demand.closedAt != nil && demand.lastCallback != nil && demand.openOrders.isEmpty)
            }
        }
    }

    @Test func mixAndRatesLandWhereBeijingReportsThem() {
        // 20 days spread over 2025, about 20,000 demands, all long past.
        let days = (0..<20).map { F.day("2025-01-08").adding(days: 18 * $0) }
        let demands = days.flatMap { simulation.demands(on: $0, sequences: 1..<Int64(simulation.volume(on: $0) + 1), now: now) }
        #expect(demands.count > 19_000)
        #expect(demands.allSatisfy { $0.refusal == nil })
        func share(_ base: [SimulatedDemand], _ included: (SimulatedDemand) -> Bool) -> Double {
            Double(base.count(where: included)) / Double(base.count)
        }
        #expect((0.78...0.82).contains(share(demands) { $0.demand.channel == .phone }))
        #expect((0.33...0.37).contains(share(demands) { $0.demand.type == .consultation }))
        #expect((0.2...0.27).contains(share(demands) { $0.demand.status == .answered }))
        #expect((0.02...0.04).contains(share(demands) { $0.demand.complainant.confidential }))
        #expect(share(demands) { $0.demand.status == .transferred } > 0)

        let dispatched = demands.filter { $0.demand.dispatchedAt != nil }
        #expect(share(dispatched) { $0.demand.status == .closed } > 0.99)
        #expect((0.01...0.08).contains(share(dispatched) { $0.demand.reopenCount > 0 }))
        #expect((0.01...0.04).contains(share(dispatched) { $0.demand.orders.contains { !$0.extensions.isEmpty } }))
        #expect((0.005...0.03).contains(share(dispatched) { $0.demand.orders.count > 1 }))
        #expect(share(dispatched) { $0.events.contains { $0.kind == .orderReturnRejected } } > 0)
        #expect(share(dispatched) { $0.demand.flags.unreasonable != nil } > 0)
        #expect((0.01...0.1).contains(share(dispatched) { $0.events.contains { $0.kind == .orderOverdue } }))
        #expect(share(dispatched) { $0.demand.callbacks.contains { !$0.outcome.isValid } } > 0.02)
        let latencies = dispatched.map { $0.demand.dispatchedAt!.timeIntervalSince($0.demand.createdAt) }.sorted()
        #expect((120...600).contains(latencies[latencies.count / 2]))

        // The three rates, as the assessment computes them from the daily rollup.
        let tallies = demands.flatMap { DayTally.contributions(of: $0.demand, calendar: F.rules.calendar(forUnit:)) }
        let city = tallies.reduce(UnitTally.zero) { $0 + $1.tally }
        let score = Assessment.score(tally: city, scheme: .beijing)!
        #expect((0.97...1).contains(score.responseRate))
        #expect((0.91...0.97).contains(score.resolutionRate))
        #expect((0.92...0.98).contains(score.satisfactionRate))
        #expect(city.filed == dispatched.count)
        #expect(Double(city.handledOnTime) / Double(city.handled) > 0.9)

        // Units differ persistently: some score clearly worse than others.
        let byUnit = Dictionary(grouping: tallies, by: \.unitCode).mapValues { $0.reduce(UnitTally.zero) { $0 + $1.tally } }
        let results = byUnit.values.filter { $0.callbacks.valid >= 50 }.compactMap { Assessment.score(tally: $0, scheme: .beijing)?.result }
        #expect(results.max()! - results.min()! > 5)
    }

    @Test func recentDemandsAreStillOpenAndLaterOnesNotYetReceived() {
        let day = F.day("2025-09-01")
        let evening = day.startInBeijing.addingTimeInterval(20 * 3600)
        let volume = simulation.volume(on: day)
        let demands = simulation.demands(on: day, sequences: 1..<Int64(volume + 1), now: evening)
        #expect(demands.count < volume * 9 / 10 && demands.count > volume * 3 / 4)
        #expect(demands.allSatisfy { $0.demand.createdAt <= evening && $0.events.allSatisfy { $0.at <= evening } && $0.refusal == nil })
        // Callbacks come a day after the result at the earliest, so nothing dispatched today has closed.
        let dispatched = demands.filter { $0.demand.dispatchedAt != nil }
        #expect(!dispatched.contains { $0.demand.status == .closed })
        #expect(dispatched.contains { $0.demand.status == .dispatched } && dispatched.contains { $0.demand.status == .inProgress })
        #expect(dispatched.contains { $0.demand.status == .resultReported })
    }

    @Test func volumeFollowsTheWeekAndSumsToTheYear() {
        let simulation = F.simulation(demandsPerYear: 25_000_000)
        let year = (0..<365).map { F.day("2025-01-01").adding(days: $0) }
        let total = year.reduce(0) { $0 + simulation.volume(on: $1) }
        #expect(abs(Double(total) / 25_000_000 - 1) < 0.02)
        func mean(_ days: [CalendarDay]) -> Double { Double(days.reduce(0) { $0 + simulation.volume(on: $1) }) / Double(days.count) }
        let mondays = mean(year.filter { $0.weekday == .monday }), sundays = mean(year.filter { $0.weekday == .sunday })
        #expect(mondays > 1.2 * sundays)
        #expect(mean(year.filter { $0.month == 7 }) > 1.2 * mean(year.filter { $0.month == 2 }))
        #expect((60_000...80_000).contains(Int(mean(year))))
    }

    @Test func heatingComplaintsPeakInWinter() {
        let heating = Set(F.categories.filter { $0.nameZh.map { ["供暖", "暖气", "供热"].contains(where: $0.contains) } ?? false }.map(\.code))
        func share(_ day: String) -> Double {
            let demands = simulation.demands(on: F.day(day), sequences: 1..<1001, now: now)
            return Double(demands.count { $0.demand.categoryCode.map(heating.contains) ?? false }) / 1000
        }
        #expect(share("2025-01-06") > 3 * share("2025-07-07"))
    }
}
