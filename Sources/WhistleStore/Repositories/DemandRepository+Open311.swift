import Foundation
import SQLKit
import WhistleCore

extension DemandRepository {
    /// What an Open311 `GET requests` asks for: demands received in `received` (newest first), optionally only
    /// some numbers, categories, open or closed ones, or those changed in `updated`.
    public struct PublicQuery: Sendable {
        public var numbers: [String]?
        public var categories: [String]?
        public var open: Bool?
        public var received: ClosedRange<Date>
        public var updated: ClosedRange<Date>?
        public var offset: Int
        public var limit: Int

        public init(numbers: [String]?, categories: [String]?, open: Bool?, received: ClosedRange<Date>, updated: ClosedRange<Date>?, offset: Int, limit: Int) {
            self.numbers = numbers
            self.categories = categories
            self.open = open
            self.received = received
            self.updated = updated
            self.offset = offset
            self.limit = limit
        }
    }

    /// Demands for the public Open311 view; the time range is a range of sort keys (newest first), so the
    /// query walks the sort-key index.
    public func publicDemands(_ query: PublicQuery) async throws -> [Demand] {
        let newest = Self.sortKey(createdAt: query.received.upperBound, id: "")
        let beforeOldest = Self.sortKey(createdAt: query.received.lowerBound.addingTimeInterval(-0.001), id: "")
        var sql: SQLQueryString = "SELECT document FROM demands WHERE sort_key >= \(bind: newest) AND sort_key < \(bind: beforeOldest)"
        if let numbers = query.numbers { sql = sql + " AND number IN (\(binds: numbers))" }
        if let categories = query.categories { sql = sql + " AND category_code IN (\(binds: categories))" }
        if let open = query.open {
            sql = sql + " AND status \(unsafeRaw: open ? "NOT IN" : "IN") ('closed', 'merged', 'transferred', 'answered')"
        }
        if let updated = query.updated {
            sql = sql + " AND updated_at BETWEEN \(bind: updated.lowerBound.millisecondsSince1970) AND \(bind: updated.upperBound.millisecondsSince1970)"
        }
        sql = sql + " ORDER BY sort_key LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)"
        let finalQuery = sql
        return try await store.read { db in
            try await db.raw(finalQuery).all().map { try Self.decode(try $0.decode(column: "document", as: String.self)) }
        }
    }

    /// The demand with this number (工单编号), if any.
    public func demand(number: String) async throws -> Demand? {
        try await store.read { db in
            try await db.raw("SELECT document FROM demands WHERE number = \(bind: number)").first().map {
                try Self.decode(try $0.decode(column: "document", as: String.self))
            }
        }
    }
}
