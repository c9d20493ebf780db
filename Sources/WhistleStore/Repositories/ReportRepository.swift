import Foundation
import SQLKit
import WhistleCore

/// What bulletins are read from: the volume rollup, the unit tallies, and the orders needing attention now.
public struct ReportRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Demands received over the days `from`…`through`, along every dimension bulletins report on.
    public func volumes(from: CalendarDay, through: CalendarDay) async throws -> [DemandVolume.Dimension: [String: Int]] {
        var volumes: [DemandVolume.Dimension: [String: Int]] = [:]
        for dimension in DemandVolume.Dimension.reported {
            volumes[dimension] = try await self.volumes(dimension, from: from, through: through)
        }
        return volumes
    }

    /// Demands received over the days `from`…`through` by key of one dimension.
    public func volumes(_ dimension: DemandVolume.Dimension, from: CalendarDay, through: CalendarDay) async throws -> [String: Int] {
        try await VolumeRollup.volumes(dimension, from: from, through: through, store: store)
    }

    /// Demands received over the days `from`…`through` by key of one dimension keyed by division codes (`area`:
    /// streets and districts; `place`: communities and grids), for the keys under a division code only.
    public func volumes(
        _ dimension: DemandVolume.Dimension, under division: String, from: CalendarDay, through: CalendarDay
    ) async throws -> [String: Int] {
        try await VolumeRollup.volumes(dimension, under: division, from: from, through: through, store: store)
    }

    /// One unit's tally over the days `from`…`through`.
    public func tally(of unit: String, from: CalendarDay, through: CalendarDay) async throws -> UnitTally {
        try await TallyRollup.tally(of: unit, from: from, through: through, store: store)
    }

    /// Each unit's tally over the days `from`…`through`.
    public func tallies(from: CalendarDay, through: CalendarDay) async throws -> [String: UnitTally] {
        try await TallyRollup.tallies(from: from, through: through, store: store)
    }

    /// Open primary orders overdue and pending now (超期待处置), by unit.
    public func overduePending() async throws -> [String: Int] {
        try await store.read { db in
            var counts: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT unit_code, COUNT(*) AS n FROM work_orders WHERE (overdue OR supervised) AND overdue AND role = 'primary' GROUP BY unit_code
                """).all() {
                counts[try row.decode(column: "unit_code", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    /// Open primary orders needing attention now.
    public enum Attention: Sendable {
        /// 超期待处置 (红灯): the resolution deadline passed with no result.
        case overdue
        /// 督办
        case supervised
        /// 黄灯 at the instant: the resolution clock past the yellow threshold, the deadline not yet reached.
        case yellow(at: Date)

        /// The rows, on `work_orders o`; each first condition repeats its partial index's own, so both engines use it.
        var condition: SQLQueryString {
            switch self {
            case .overdue: "(o.overdue OR o.supervised) AND o.overdue AND o.role = 'primary'"
            case .supervised: "(o.overdue OR o.supervised) AND o.supervised AND o.role = 'primary'"
            case let .yellow(now):
                "o.yellow_at IS NOT NULL AND o.role = 'primary' AND o.yellow_at <= \(bind: now.millisecondsSince1970) AND o.due_at > \(bind: now.millisecondsSince1970)"
            }
        }

        /// The first `limit` rows, and in which order: the oldest demands overdue or supervised; the nearest
        /// deadlines on yellow, picked from the orders alone before their demands are joined (a city has thousands).
        func first(_ limit: Int, where condition: SQLQueryString) -> (condition: SQLQueryString, order: SQLQueryString) {
            switch self {
            case .overdue, .supervised: (condition, "d.sort_key DESC")
            case .yellow: ("o.id IN (SELECT o.id FROM work_orders o WHERE \(condition) ORDER BY o.due_at, o.id LIMIT \(bind: limit))", "o.due_at, o.id")
            }
        }
    }

    /// Whose orders: the whole city's, one unit's, or those of every unit under a division code (a district's
    /// departments, streets and communities).
    public enum Scope: Sendable, Equatable {
        case city
        case unit(String)
        case area(String)

        var condition: SQLQueryString {
            switch self {
            case .city: "1 = 1"
            case let .unit(code): "o.unit_code = \(bind: code)"
            // Not a range: unit codes mix digits and "-", which collations order differently.
            case let .area(code): "substr(o.unit_code, 1, \(unsafeRaw: String(code.count))) = \(bind: code)"
            }
        }
    }

    /// Open primary orders needing attention now: how many, and the first `limit` with their demands.
    public func orders(_ attention: Attention, in scope: Scope = .city, limit: Int) async throws -> (count: Int, first: [(demand: Demand, order: WorkOrder)]) {
        try await store.read { db in
            let condition: SQLQueryString = "\(attention.condition) AND \(scope.condition)"
            let count = try await db.raw("SELECT COUNT(*) AS n FROM work_orders o WHERE \(condition)").first()?.decode(column: "n", as: Int.self) ?? 0
            let first = attention.first(limit, where: condition)
            return (count, try await DemandRepository.orders(where: first.condition, orderedBy: first.order, limit: limit, in: db))
        }
    }
}
