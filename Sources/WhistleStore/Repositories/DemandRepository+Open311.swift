import Foundation
import SQLKit
import WhistleCore

extension DemandRepository {
    /// What an Open311 `GET requests` asks for: demands received through `channels` in `received` (newest
    /// first), optionally only some numbers, categories, open or closed ones, or those changed in `updated`.
    public struct PublicQuery: Sendable {
        public var channels: Set<Channel>
        public var numbers: [String]?
        public var categories: [String]?
        public var open: Bool?
        public var received: ClosedRange<Date>
        public var updated: ClosedRange<Date>?
        public var offset: Int
        public var limit: Int

        public init(
            channels: Set<Channel>, numbers: [String]?, categories: [String]?, open: Bool?, received: ClosedRange<Date>,
            updated: ClosedRange<Date>?, offset: Int, limit: Int
        ) {
            self.channels = channels
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
        var sql: SQLQueryString = """
            SELECT document FROM demands WHERE sort_key >= \(bind: newest) AND sort_key < \(bind: beforeOldest)
            AND channel IN (\(binds: query.channels.map(\.rawValue).sorted()))
            """
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

extension DemandRepository {
    /// The events of demands recorded in `window`, oldest first, at most `limit`, each with its demand (for
    /// FixMyStreet's `servicerequestupdates`; the caller decides what the public may see).
    public func events(in window: ClosedRange<Date>, limit: Int) async throws -> [(seq: Int64, entry: AuditEntry, demand: Demand)] {
        try await store.read { db in
            let rows = try await db.raw("""
                SELECT seq, at, subject_type, subject_id, kind, actor, reason, payload FROM audit_events
                WHERE subject_type = 'demand' AND at BETWEEN \(bind: window.lowerBound.millisecondsSince1970) AND \(bind: window.upperBound.millisecondsSince1970)
                ORDER BY seq LIMIT \(bind: limit)
                """).all().map { try AuditLog.Record(row: $0) }
            var demands: [String: Demand] = [:]
            var events: [(Int64, AuditEntry, Demand)] = []
            for record in rows {
                let entry = try record.entry()
                if demands[entry.subjectID] == nil { demands[entry.subjectID] = try await Self.load(entry.subjectID, in: db) }
                events.append((record.seq, entry, demands[entry.subjectID]!))
            }
            return events
        }
    }

    /// Records what a resident added to a demand through an Open311 client (a comment, a photo, "still not
    /// fixed"): an event in the demand's trail, not a step of the loop. A client's `updateID` is recorded
    /// once; sending it again changes nothing. Returns false for a repeat.
    public func recordResidentUpdate(
        number: String, updateID: String, client: String, description: String, media: [String], at now: Date
    ) async throws -> Bool {
        try await store.write { [store] db in
            guard let row = try await db.raw("SELECT id FROM demands WHERE number = \(bind: number)").first() else {
                throw DemandStoreError.notFound(number)
            }
            let id = try row.decode(column: "id", as: String.self)
            let earlier = try await AuditLog.entries(subjectType: "demand", subjectID: id, in: db)
            guard !earlier.contains(where: { $0.kind == "demand.resident_update" && $0.details["updateID"] == updateID && $0.details["client"] == client }) else {
                return false
            }
            try await AuditLog.append([AuditEntry(
                subjectType: "demand", subjectID: id, kind: "demand.resident_update", at: now, reason: description,
                details: ["updateID": updateID, "client": client], attachments: media)], engine: store.engine, in: db)
            return true
        }
    }
}
