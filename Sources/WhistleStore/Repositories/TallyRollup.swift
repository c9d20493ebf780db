import Foundation
import SQLKit
import WhistleCore

/// The rollup of assessment counts per unit and Beijing day (`unit_day_tallies`), changed in the transaction
/// of every demand decision by the difference of the demand's contributions before and after
/// (``DayTally/contributions(of:calendar:)``); read as sums over a period.
public enum TallyRollup {
    /// Each stored count: its column and where it lives in a ``UnitTally``.
    static let columns: [(name: String, path: any WritableKeyPath<UnitTally, Int> & Sendable)] = [
        ("valid", \.callbacks.valid), ("contacted", \.callbacks.contacted), ("solved", \.callbacks.solved),
        ("satisfied", \.callbacks.satisfied), ("basically_satisfied", \.callbacks.basicallySatisfied),
        ("unsatisfied", \.callbacks.unsatisfied), ("invalid", \.callbacks.invalid),
        ("unreasonable_valid", \.unreasonable.valid), ("unreasonable_contacted", \.unreasonable.contacted),
        ("unreasonable_solved", \.unreasonable.solved), ("unreasonable_satisfied", \.unreasonable.satisfied),
        ("unreasonable_basically_satisfied", \.unreasonable.basicallySatisfied),
        ("unreasonable_unsatisfied", \.unreasonable.unsatisfied), ("unreasonable_invalid", \.unreasonable.invalid),
        ("filed", \.filed), ("closed", \.closed), ("closed_on_time", \.closedOnTime), ("to_handle", \.toHandle),
        ("handled", \.handled), ("handled_on_time", \.handledOnTime), ("reworked", \.reworked), ("extended", \.extended),
    ]

    /// Adds the change of a demand's contributions to the rollup, in the caller's transaction.
    static func record(from before: Demand?, to after: Demand, rules: LoopRules, in db: any SQLDatabase) async throws {
        let calendar = { (unit: String) in rules.calendar(forUnit: unit) }
        let change = DayTally.difference(
            from: before.map { DayTally.contributions(of: $0, calendar: calendar) } ?? [],
            to: DayTally.contributions(of: after, calendar: calendar))
        let names = columns.map(\.name)
        for entry in change {
            let values = columns.map { SQLBind(entry.tally[keyPath: $0.path]) }
            try await db.raw("""
                INSERT INTO unit_day_tallies (unit_code, day, \(unsafeRaw: names.joined(separator: ", ")))
                VALUES (\(bind: entry.unitCode), \(bind: entry.day.description), \(SQLList(values)))
                ON CONFLICT (unit_code, day) DO UPDATE SET \(unsafeRaw: names.map { "\($0) = unit_day_tallies.\($0) + excluded.\($0)" }.joined(separator: ", "))
                """).run()
        }
    }

    /// Each unit's tally summed over the days `from`…`through` (Beijing dates); units with nothing are absent.
    public static func tallies(from: CalendarDay, through: CalendarDay, store: any Store) async throws -> [String: UnitTally] {
        // PostgreSQL sums BIGINT as NUMERIC: cast back so both engines answer integers.
        let sums = columns.map { "CAST(SUM(\($0.name)) AS BIGINT) AS \($0.name)" }.joined(separator: ", ")
        return try await store.read { db in
            var tallies: [String: UnitTally] = [:]
            for row in try await db.raw("""
                SELECT unit_code, \(unsafeRaw: sums) FROM unit_day_tallies
                WHERE day >= \(bind: from.description) AND day <= \(bind: through.description) GROUP BY unit_code
                """).all() {
                var tally = UnitTally.zero
                for column in columns { tally[keyPath: column.path] = try row.decode(column: column.name, as: Int.self) }
                tallies[try row.decode(column: "unit_code", as: String.self)] = tally
            }
            return tallies
        }
    }
}
