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

    /// Adds the change of demands' contributions to both rollups (unit tallies and volumes), in the caller's
    /// transaction; `before` is `nil` for a demand just received.
    static func record(_ changes: [(before: Demand?, after: Demand)], rules: LoopRules, in db: any SQLDatabase) async throws {
        let calendar = { (unit: String) in rules.calendar(forUnit: unit) }
        let tallies = DayTally.difference(
            from: changes.flatMap { $0.before.map { DayTally.contributions(of: $0, calendar: calendar) } ?? [] },
            to: changes.flatMap { DayTally.contributions(of: $0.after, calendar: calendar) })
        try await add(tallies, in: db)
        try await VolumeRollup.add(DemandVolume.difference(
            from: changes.flatMap { $0.before.map(DemandVolume.contributions) ?? [] },
            to: changes.flatMap { DemandVolume.contributions(of: $0.after) }), in: db)
    }

    static func add(_ change: [DayTally], in db: any SQLDatabase) async throws {
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

    /// One unit's tally over the days `from`…`through`: a range of the primary key.
    static func tally(of unit: String, from: CalendarDay, through: CalendarDay, store: any Store) async throws -> UnitTally {
        try await store.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: sums) FROM unit_day_tallies
                WHERE unit_code = \(bind: unit) AND day >= \(bind: from.description) AND day <= \(bind: through.description)
                """).first().map(tally(from:)) ?? .zero
        }
    }

    /// Each unit's tally summed over the days `from`…`through` (Beijing dates); units with nothing are absent.
    public static func tallies(from: CalendarDay, through: CalendarDay, store: any Store) async throws -> [String: UnitTally] {
        try await store.read { db in
            var tallies: [String: UnitTally] = [:]
            for row in try await db.raw("""
                SELECT unit_code, \(unsafeRaw: sums) FROM unit_day_tallies
                WHERE day >= \(bind: from.description) AND day <= \(bind: through.description) GROUP BY unit_code
                """).all() {
                tallies[try row.decode(column: "unit_code", as: String.self)] = try tally(from: row)
            }
            return tallies
        }
    }

    /// Every column summed (none when no row matches); PostgreSQL sums BIGINT as NUMERIC, so cast back and both
    /// engines answer integers.
    private static let sums = columns.map { "CAST(COALESCE(SUM(\($0.name)), 0) AS BIGINT) AS \($0.name)" }.joined(separator: ", ")

    private static func tally(from row: any SQLRow) throws -> UnitTally {
        var tally = UnitTally.zero
        for column in columns { tally[keyPath: column.path] = try row.decode(column: column.name, as: Int.self) }
        return tally
    }
}

/// Demands received per Beijing day along each ``DemandVolume/Dimension`` (`demand_day_volumes`), kept with
/// the unit tallies by ``TallyRollup/record(_:rules:in:)``.
enum VolumeRollup {
    static func add(_ change: [DemandVolume], in db: any SQLDatabase) async throws {
        for entry in change {
            try await db.raw("""
                INSERT INTO demand_day_volumes (day, dimension, key, received)
                VALUES (\(bind: entry.day.description), \(bind: entry.dimension.rawValue), \(bind: entry.key), \(bind: entry.count))
                ON CONFLICT (day, dimension, key) DO UPDATE SET received = demand_day_volumes.received + excluded.received
                """).run()
        }
    }

    /// Demands received over the days `from`…`through` by key of `dimension`; keys with none are absent.
    static func volumes(_ dimension: DemandVolume.Dimension, from: CalendarDay, through: CalendarDay, store: any Store) async throws -> [String: Int] {
        try await store.read { db in
            var volumes: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT key, CAST(SUM(received) AS BIGINT) AS received FROM demand_day_volumes
                WHERE dimension = \(bind: dimension.rawValue) AND day >= \(bind: from.description) AND day <= \(bind: through.description)
                GROUP BY key
                """).all() {
                let count = try row.decode(column: "received", as: Int.self)
                if count != 0 { volumes[try row.decode(column: "key", as: String.self)] = count }
            }
            return volumes
        }
    }

    /// ``volumes(_:from:through:store:)`` for the keys under a division code only (`area`, `place`): a range of
    /// the (dimension, key, day) index, however many streets and places the city has.
    static func volumes(
        _ dimension: DemandVolume.Dimension, under division: String, from: CalendarDay, through: CalendarDay, store: any Store
    ) async throws -> [String: Int] {
        // Keys are digits only: those under "110105" lie in ["110105", "110106"), in any collation.
        guard !division.isEmpty, division.count < 15, division.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(division) else { return [:] }
        let end = (number + 1).zeroPadded(division.count)
        return try await store.read { db in
            var volumes: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT key, CAST(SUM(received) AS BIGINT) AS received FROM demand_day_volumes
                WHERE dimension = \(bind: dimension.rawValue) AND key >= \(bind: division) AND key < \(bind: end)
                AND day >= \(bind: from.description) AND day <= \(bind: through.description)
                GROUP BY key
                """).all() {
                let count = try row.decode(column: "received", as: Int.self)
                if count != 0 { volumes[try row.decode(column: "key", as: String.self)] = count }
            }
            return volumes
        }
    }
}
