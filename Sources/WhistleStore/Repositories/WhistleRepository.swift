import Foundation
import SQLKit
import WhistleCore

/// Whistles (街乡吹哨、部门报到). Every change is decided by ``WhistleMachine``; the repository applies the
/// decision in one transaction, as ``DemandRepository`` does for demands: the document with its new version
/// (optimistic), the summoned units' rows, the events in the audit chain, and the report-in timers.
public struct WhistleRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Blows a whistle. The number is `S`, the Beijing date and the day's sequence (`S20261121-0001`).
    public func raise(_ draft: WhistleDraft, by actor: Actor, at now: Date, policy: WhistlePolicy) async throws -> Whistle {
        try await store.write { [store] db in
            let units = try await UnitRepository.units(Set([draft.whistlingUnit] + draft.summons.map(\.unitCode)), in: db)
            // Decided before a number is taken, so a refusal leaves no gap in the day's sequence.
            _ = try WhistleMachine.decide(nil, .raise(draft, id: "check", number: "check"), by: actor, at: now, policy: policy, units: units)
            let day = DemandRepository.day(of: now)
            let sequence = try await DemandRepository.next(counter: "whistle:\(day)", in: db)
            let number = "S\(day)-\(sequence.zeroPadded(4))"
            let decision = try WhistleMachine.decide(
                nil, .raise(draft, id: UUID().uuidString.lowercased(), number: number), by: actor, at: now, policy: policy, units: units)
            let whistle = decision.whistle
            try await db.insert(into: "whistles")
                .columns("id", "number", "version", "status", "whistling_unit", "district_code", "raised_at", "updated_at", "sort_key", "document")
                .values(
                    SQLBind(whistle.id), SQLBind(whistle.number), SQLBind(whistle.version), SQLBind(whistle.status.rawValue),
                    SQLBind(whistle.whistlingUnit), SQLBind(whistle.districtCode), SQLBind(whistle.raisedAt.millisecondsSince1970),
                    SQLBind(whistle.updatedAt.millisecondsSince1970), SQLBind(Self.sortKey(whistle)), SQLBind(try Self.encode(whistle)))
                .run()
            try await Self.record(decision, engine: store.engine, policy: policy, in: db)
            return whistle
        }
    }

    /// Applies one command. `expectedVersion` (from If-Match) refuses a command based on a stale read.
    public func apply(
        _ command: WhistleCommand, to id: String, expectedVersion: Int?, by actor: Actor, at now: Date, policy: WhistlePolicy
    ) async throws -> Whistle {
        try await store.write { [store] db in
            try await Self.apply(command, to: id, expectedVersion: expectedVersion, by: actor, at: now, policy: policy, engine: store.engine, in: db)
        }
    }

    /// ``apply(_:to:expectedVersion:by:at:policy:)`` inside the caller's transaction; `actor` is `nil` for the
    /// deadline service.
    static func apply(
        _ command: WhistleCommand, to id: String, expectedVersion: Int?, by actor: Actor?, at now: Date, policy: WhistlePolicy,
        engine: Engine, in db: any SQLDatabase
    ) async throws -> Whistle {
        let whistle = try await load(id, in: db)
        if let expectedVersion, expectedVersion != whistle.version {
            throw WhistleStoreError.versionConflict(id: id, expected: expectedVersion, actual: whistle.version)
        }
        let decision = try WhistleMachine.decide(whistle, command, by: actor, at: now, policy: policy)
        let updated = try await db.raw("""
            UPDATE whistles SET version = \(bind: decision.whistle.version), status = \(bind: decision.whistle.status.rawValue),
                updated_at = \(bind: decision.whistle.updatedAt.millisecondsSince1970), document = \(bind: try encode(decision.whistle))
            WHERE id = \(bind: id) AND version = \(bind: whistle.version) RETURNING id
            """).first()
        guard updated != nil else { throw WhistleStoreError.versionConflict(id: id, expected: whistle.version, actual: nil) }
        try await record(decision, engine: engine, policy: policy, in: db)
        return decision.whistle
    }

    /// Marks a unit absent for a fired report-in timer (the deadline service, in its transaction).
    static func fire(_ scheduled: ScheduledTimer, at now: Date, policy: WhistlePolicy, engine: Engine, in db: any SQLDatabase) async throws {
        let timer = try DemandRepository.decoder.decode(WhistleTimer.self, from: Data(scheduled.payload.utf8))
        _ = try await apply(timer.command, to: timer.whistleID, expectedVersion: nil, by: nil, at: now, policy: policy, engine: engine, in: db)
    }

    /// The whistle if `actor` may see it; one they may not see is reported absent, so its existence does not leak.
    public func whistle(id: String, visibleTo actor: Actor) async throws -> Whistle {
        let whistle = try await whistle(id: id)
        guard WhistleAccess.canView(whistle, as: actor) else { throw WhistleStoreError.notFound(id) }
        return whistle
    }

    public func whistle(id: String) async throws -> Whistle {
        try await store.read { try await Self.load(id, in: $0) }
    }

    /// Newest first. `involving`: only whistles blown by the unit or inside its area (a division's code is a
    /// prefix of its whistlers'), or that summoned it; `district`: only the district's.
    public func list(
        status: WhistleStatus?, involving unit: String?, district: String?, after cursor: String?, limit: Int
    ) async throws -> Page<Whistle> {
        var query: SQLQueryString = "SELECT w.document, w.sort_key FROM whistles w WHERE 1 = 1"
        if let status { query = query + " AND w.status = \(bind: status.rawValue)" }
        if let district { query = query + " AND w.district_code = \(bind: district)" }
        if let unit {
            let area: SQLQueryString = unit.contains("-") ? "w.whistling_unit = \(bind: unit)" : "w.whistling_unit LIKE \(bind: unit + "%")"
            query = query + " AND (\(area) OR EXISTS (SELECT 1 FROM whistle_summons s WHERE s.whistle_id = w.id AND s.unit_code = \(bind: unit)))"
        }
        if let cursor { query = query + " AND w.sort_key > \(bind: cursor)" }
        query = query + " ORDER BY w.sort_key LIMIT \(bind: limit + 1)"
        let finalQuery = query
        let rows = try await store.read { db in
            try await db.raw(finalQuery).all().map {
                (try Self.decode($0.decode(column: "document", as: String.self)), try $0.decode(column: "sort_key", as: String.self))
            }
        }
        return Page(fetched: rows, limit: limit)
    }

    /// The whistle's audit trail.
    public func events(of id: String) async throws -> [AuditEntry] {
        try await store.read { db in
            _ = try await Self.load(id, in: db)
            return try await AuditLog.entries(subjectType: "whistle", subjectID: id, in: db)
        }
    }

    /// Whistle events after the audit sequence number `seq`, oldest first, with the whistles they are about
    /// as they are now (for the live stream's access checks).
    public func changes(after seq: Int64, limit: Int) async throws -> (events: [(seq: Int64, entry: AuditEntry)], whistles: [String: Whistle]) {
        try await store.read { db in
            let events = try await AuditLog.entries(subjectType: "whistle", after: seq, limit: limit, in: db)
            var whistles: [String: Whistle] = [:]
            for id in Set(events.map(\.entry.subjectID)) { whistles[id] = try await Self.load(id, in: db) }
            return (events, whistles)
        }
    }

    /// The sequence number of the latest whistle event (0 when there is none).
    public func latestChange() async throws -> Int64 {
        try await store.read { db in
            try await db.raw("SELECT MAX(seq) AS seq FROM audit_events WHERE subject_type = 'whistle'").first()?
                .decode(column: "seq", as: Int64?.self) ?? 0
        }
    }

    /// The whistles raised in `[from, to)`, optionally of one district.
    public func raised(from: Date, to: Date, district: String?) async throws -> [Whistle] {
        var query: SQLQueryString = "SELECT document FROM whistles WHERE raised_at >= \(bind: from.millisecondsSince1970) AND raised_at < \(bind: to.millisecondsSince1970)"
        if let district { query = query + " AND district_code = \(bind: district)" }
        let finalQuery = query
        return try await store.read { db in
            try await db.raw(finalQuery).all().map { try Self.decode($0.decode(column: "document", as: String.self)) }
        }
    }

    /// Demands received in `[from, to)` inside each division (its code a prefix of the demand's area code).
    public func demandCounts(in divisions: [String], from: Date, to: Date) async throws -> [String: Int] {
        // The sort key inverts the creation instant, so the period is a key range (see DemandRepository.sortKey).
        let low = DemandRepository.sortKey(createdAt: to, id: ""), high = DemandRepository.sortKey(createdAt: from, id: "~")
        return try await store.read { db in
            var counts: [String: Int] = [:]
            for division in divisions {
                counts[division] = try await db.raw("""
                    SELECT COUNT(*) AS n FROM demands WHERE sort_key > \(bind: low) AND sort_key <= \(bind: high)
                    AND area_code LIKE \(bind: division + "%")
                    """).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return counts
        }
    }

    // MARK: - Rows

    static func load(_ id: String, in db: any SQLDatabase) async throws -> Whistle {
        guard let row = try await db.raw("SELECT document FROM whistles WHERE id = \(bind: id)").first() else {
            throw WhistleStoreError.notFound(id)
        }
        return try decode(try row.decode(column: "document", as: String.self))
    }

    /// Events into the audit chain, the summoned units' rows, report-in timers rescheduled from the new state.
    private static func record(_ decision: WhistleDecision, engine: Engine, policy: WhistlePolicy, in db: any SQLDatabase) async throws {
        try await AuditLog.append(decision.events.map(\.auditEntry), engine: engine, in: db)
        let whistle = decision.whistle
        for summons in whistle.summons {
            try await db.raw("""
                INSERT INTO whistle_summons (whistle_id, unit_code, status, raised_at)
                VALUES (\(bind: whistle.id), \(bind: summons.unitCode), \(bind: summons.status.rawValue), \(bind: whistle.raisedAt.millisecondsSince1970))
                ON CONFLICT (whistle_id, unit_code) DO UPDATE SET status = excluded.status
                """).run()
        }
        let timers = try WhistleMachine.dueTimers(whistle, policy: policy).map { timer in
            ScheduledTimer(key: timer.key, subjectID: whistle.id, kind: WhistleTimer.kind, dueAt: timer.at,
                           payload: String(decoding: try DemandRepository.encoder.encode(timer), as: UTF8.self))
        }
        try await TimerQueue.schedule(timers, for: whistle.id, in: db)
    }

    /// Ascending order of the key is newest first.
    static func sortKey(_ whistle: Whistle) -> String { DemandRepository.sortKey(createdAt: whistle.raisedAt, id: whistle.id) }

    static func encode(_ whistle: Whistle) throws -> String { String(decoding: try DemandRepository.encoder.encode(whistle), as: UTF8.self) }
    static func decode(_ document: String) throws -> Whistle { try DemandRepository.decoder.decode(Whistle.self, from: Data(document.utf8)) }
}

extension WhistleTimer {
    /// The timer kind in the timer table.
    static let kind = "whistle.report_in"
}

extension WhistleEvent {
    /// The event as an audit entry about its whistle.
    var auditEntry: AuditEntry {
        var details = details
        if let unitCode { details["unit"] = unitCode }
        return AuditEntry(
            subjectType: "whistle", subjectID: whistleID, kind: kind.rawValue, at: at,
            actor: actor.map(AuditActor.init),
            reason: reason, details: details, attachments: attachments)
    }
}

/// Refusals of the whistle store.
public enum WhistleStoreError: DomainError, Equatable {
    case notFound(String)
    case versionConflict(id: String, expected: Int, actual: Int?)

    public var code: String {
        switch self {
        case .notFound: "whistle.not_found"
        case .versionConflict: "whistle.version_conflict"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .notFound: .notFound
        case .versionConflict: .conflict
        }
    }

    public var messageZh: String {
        switch self {
        case let .notFound(id): "吹哨“\(id)”不存在"
        case let .versionConflict(id, expected, _): "吹哨“\(id)”已被他人修改（您看到的是第 \(expected) 版），请刷新后重试"
        }
    }

    public var messageEn: String {
        switch self {
        case let .notFound(id): "whistle \"\(id)\" does not exist"
        case let .versionConflict(id, expected, _): "whistle \"\(id)\" was changed by someone else (you saw version \(expected)); reload and retry"
        }
    }
}
