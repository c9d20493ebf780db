import ArgumentParser
import Foundation
import Logging
import WhistleCore
import WhistleServer
import WhistleStore

/// `whistle simulate`: a generated stretch of demands and their lives on the database's city.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill the database with generated demands, orders, callbacks and reopenings on its city, for demos, tests and benchmarks.",
        discussion: """
            Every demand goes through the real closed loop (intake, dispatch by the duty rules, sign-for, contact, result,
            extensions, returns, callbacks, reopenings, closing), timed on the city's working calendars and lived up to
            --now; recent ones stay open at whatever stage they reached. The same seed gives the same city.
              whistle simulate --demo --from 2026-10-19 --through 2026-11-18 --demands-per-year 25000000
            """)

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Load the Beijing demo city first if the database has no units.") var demo = false
    @Option(help: "The scale: demands a year (Beijing 2025: 25,000,000).") var demandsPerYear = 25_000_000
    @Option(help: "First day received (YYYY-MM-DD).") var from: String
    @Option(help: "Last day received (YYYY-MM-DD).") var through: String
    @Option(help: "Lives end at this instant (ISO 8601); default: 30 days after --through, or now if earlier.") var now: String?
    @Option(help: "Seed of the generator.") var seed: UInt64 = 2025
    @Option(help: "Demands written a transaction.") var batch = 2_000

    func validate() throws {
        guard let first = CalendarDay(from), let last = CalendarDay(through), first <= last, last.dayNumber - first.dayNumber < 3_660 else {
            throw ValidationError("--from 与 --through 应为 YYYY-MM-DD 且不倒置 / --from and --through must be YYYY-MM-DD, in order, at most ten years apart")
        }
        guard (1...100_000_000).contains(demandsPerYear) else { throw ValidationError("--demands-per-year 应为 1–100,000,000") }
        guard (1...50_000).contains(batch) else { throw ValidationError("--batch 应为 1–50,000") }
        if let now, (try? Date(now, strategy: .iso8601)) == nil { throw ValidationError("--now 应为 ISO 8601 时间 / --now must be ISO 8601") }
    }

    func run() async throws {
        let (first, last) = (CalendarDay(from)!, CalendarDay(through)!)
        let end = try now.map { try Date($0, strategy: .iso8601) } ?? min(Date(), last.adding(days: 31).startInBeijing)
        let (demandsPerYear, seed, batch, demo) = (demandsPerYear, seed, batch, demo)
        let started = ContinuousClock.now
        let summary = try await database.withStore { store in
            try await Migrator.migrate(store)
            if demo { try await DemoCity.seedIfEmpty(store, now: Date(), logger: Logger(label: "whistle")) }
            return try await CitySimulator.run(
                store: store, demandsPerYear: demandsPerYear, from: first, through: last, seed: seed, now: end, batch: batch
            ) { day, summary in
                FileHandle.standardError.write(Data("\(day): \(summary.demands) 件诉求 demands, \(summary.events) 个事件 events\n".utf8))
            }
        }
        let seconds = (ContinuousClock.now - started).components.seconds
        print("已生成 generated: \(summary.demands) 件诉求 demands, \(summary.events) 个事件 events in \(seconds) s")
        if summary.refused > 0 {
            throw ValidationError("""
                \(summary.refused) 件诉求的生命周期被闭环拒绝 lives were cut short by a refused step (kept as far as they got): the city's rules \
                and the generator disagree, e.g.
                \(summary.refusals.joined(separator: "\n"))
                """)
        }
    }
}
