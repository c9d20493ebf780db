import Crypto
import Foundation
import SQLKit
import WhistleCore

/// The append-only, hash-chained audit log. Every entry's hash covers its sequence number, its content
/// and the previous entry's hash; a one-row head holds the last sequence number and hash, so editing,
/// deleting or appending a row behind Whistle's back breaks the chain at a place `verify` names.
public enum AuditLog {
    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// Appends entries inside the caller's transaction. On PostgreSQL the head row is locked until the
    /// transaction ends, so concurrent writers chain one after the other instead of forking the chain.
    public static func append(_ entries: [AuditEntry], engine: Engine, in db: any SQLDatabase) async throws {
        guard !entries.isEmpty else { return }
        let lock: SQLQueryString = engine == .postgres ? " FOR UPDATE" : ""
        guard let head = try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1\(lock)").first() else {
            throw AuditError.headMissing
        }
        var seq = try head.decode(column: "seq", as: Int64.self)
        var hash = try head.decode(column: "hash", as: String.self)
        var rows: [[any SQLExpression]] = []
        for entry in entries {
            seq += 1
            let record = try Record(seq: seq, entry: entry)
            let next = record.hash(after: hash)
            rows.append([
                SQLBind(seq), SQLBind(record.at), SQLBind(record.subjectType), SQLBind(record.subjectID), SQLBind(record.kind),
                SQLBind(record.actor), SQLBind(record.reason), SQLBind(record.payload), SQLBind(hash), SQLBind(next),
            ])
            hash = next
        }
        // Many rows a statement: one round trip for a batch of intakes instead of one per event.
        for chunk in rows.chunked(by: 100) {
            try await db.insert(into: "audit_events")
                .columns("seq", "at", "subject_type", "subject_id", "kind", "actor", "reason", "payload", "prev_hash", "hash")
                .rows(Array(chunk)).run()
        }
        try await db.raw("UPDATE audit_head SET seq = \(bind: seq), hash = \(bind: hash) WHERE id = 1").run()
    }

    /// The entries about one subject, oldest first.
    public static func entries(subjectType: String, subjectID: String, in db: any SQLDatabase) async throws -> [AuditEntry] {
        try await db.raw("""
            SELECT seq, at, subject_type, subject_id, kind, actor, reason, payload FROM audit_events
            WHERE subject_type = \(bind: subjectType) AND subject_id = \(bind: subjectID) ORDER BY seq
            """).all().map { try Record(row: $0).entry() }
    }

    /// The newest `limit` entries of one kind about subjects of these types, newest first.
    public static func latest(_ kind: String, about subjectTypes: [String], limit: Int, in db: any SQLDatabase) async throws -> [AuditEntry] {
        try await db.raw("""
            SELECT seq, at, subject_type, subject_id, kind, actor, reason, payload FROM audit_events
            WHERE subject_type IN (\(binds: subjectTypes)) AND kind = \(bind: kind) ORDER BY seq DESC LIMIT \(bind: limit)
            """).all().map { try Record(row: $0).entry() }
    }

    /// The entries about subjects of one type after sequence number `seq`, oldest first, with their numbers.
    public static func entries(subjectType: String, after seq: Int64, limit: Int, in db: any SQLDatabase) async throws -> [(seq: Int64, entry: AuditEntry)] {
        try await db.raw("""
            SELECT seq, at, subject_type, subject_id, kind, actor, reason, payload FROM audit_events
            WHERE subject_type = \(bind: subjectType) AND seq > \(bind: seq) ORDER BY seq LIMIT \(bind: limit)
            """).all().map { let record = try Record(row: $0); return (record.seq, try record.entry()) }
    }

    /// The outcome of checking the whole chain.
    public struct Verification: Sendable, Equatable, CustomStringConvertible {
        public var checked: Int64
        /// The first broken link: the sequence number where the chain stops holding, and why.
        public var broken: (seq: Int64, reason: String)?

        public var isIntact: Bool { broken == nil }

        public static func == (lhs: Verification, rhs: Verification) -> Bool {
            lhs.checked == rhs.checked && lhs.broken?.seq == rhs.broken?.seq && lhs.broken?.reason == rhs.broken?.reason
        }

        public var description: String {
            if let broken {
                return "审计链在第 \(broken.seq) 条断裂 audit chain broken at entry \(broken.seq): \(broken.reason) (checked \(checked))"
            }
            return "审计链完整 audit chain intact: \(checked) entries"
        }
    }

    /// Recomputes the chain from the first entry, page by page, and compares it with the head.
    public static func verify(_ store: any Store, pageSize: Int = 5_000) async throws -> Verification {
        var expectedSeq: Int64 = 1
        var hash = genesis
        while true {
            let page = try await store.read { [expectedSeq] db in
                try await db.raw("""
                    SELECT seq, at, subject_type, subject_id, kind, actor, reason, payload, prev_hash, hash FROM audit_events
                    WHERE seq >= \(bind: expectedSeq) ORDER BY seq LIMIT \(bind: pageSize)
                    """).all().map { row in
                    (record: try Record(row: row), previous: try row.decode(column: "prev_hash", as: String.self),
                     hash: try row.decode(column: "hash", as: String.self))
                }
            }
            for item in page {
                let checked = expectedSeq - 1
                guard item.record.seq == expectedSeq else {
                    return Verification(checked: checked, broken: (expectedSeq, "条目缺失 entry missing (next present is \(item.record.seq))"))
                }
                guard item.previous == hash else {
                    return Verification(checked: checked, broken: (expectedSeq, "前一哈希不符 previous hash does not match"))
                }
                let recomputed = item.record.hash(after: hash)
                guard recomputed == item.hash else {
                    return Verification(checked: checked, broken: (expectedSeq, "内容被修改 content was altered"))
                }
                hash = recomputed
                expectedSeq += 1
            }
            if page.count < pageSize { break }
        }
        let checked = expectedSeq - 1
        let head = try await store.read { db in
            try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first().map {
                (try $0.decode(column: "seq", as: Int64.self), try $0.decode(column: "hash", as: String.self))
            }
        }
        guard let head else { throw AuditError.headMissing }
        if head.0 != checked || head.1 != hash {
            return Verification(checked: checked, broken: (checked + 1, "末尾条目缺失或链头被改 trailing entries missing or head altered (head says \(head.0))"))
        }
        return Verification(checked: checked, broken: nil)
    }

    /// A row as stored: the entry flattened into columns, the rest as canonical JSON.
    struct Record {
        var seq: Int64
        var at: Int64
        var subjectType: String
        var subjectID: String
        var kind: String
        var actor: String?
        var reason: String?
        var payload: String

        private struct Payload: Codable {
            var details: [String: String]
            var attachments: [String]
        }

        init(seq: Int64, entry: AuditEntry) throws {
            self.seq = seq
            at = entry.at.millisecondsSince1970
            subjectType = entry.subjectType
            subjectID = entry.subjectID
            kind = entry.kind
            actor = entry.actor.map { "\($0.personID)|\($0.role)|\($0.unitCode)" }
            reason = entry.reason
            payload = String(decoding: try Self.encoder.encode(Payload(details: entry.details, attachments: entry.attachments)), as: UTF8.self)
        }

        init(row: any SQLRow) throws {
            seq = try row.decode(column: "seq", as: Int64.self)
            at = try row.decode(column: "at", as: Int64.self)
            subjectType = try row.decode(column: "subject_type", as: String.self)
            subjectID = try row.decode(column: "subject_id", as: String.self)
            kind = try row.decode(column: "kind", as: String.self)
            actor = try row.decode(column: "actor", as: String?.self)
            reason = try row.decode(column: "reason", as: String?.self)
            payload = try row.decode(column: "payload", as: String.self)
        }

        func entry() throws -> AuditEntry {
            let decoded = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8))
            let actorParts = actor?.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return AuditEntry(
                subjectType: subjectType, subjectID: subjectID, kind: kind, at: Date(millisecondsSince1970: at),
                actor: actorParts.flatMap { $0.count == 3 ? AuditActor(personID: $0[0], role: $0[1], unitCode: $0[2]) : nil },
                reason: reason, details: decoded.details, attachments: decoded.attachments)
        }

        /// SHA-256 over the previous hash and every column, each length-prefixed so no two rows hash alike.
        func hash(after previous: String) -> String {
            var hasher = SHA256()
            for field in [previous, String(seq), String(at), subjectType, subjectID, kind, actor ?? "\u{0}", reason ?? "\u{0}", payload] {
                let bytes = Array(field.utf8)
                hasher.update(data: Array("\(bytes.count):".utf8))
                hasher.update(data: bytes)
            }
            return hasher.finalize().hexString
        }

        static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return encoder
        }()
    }
}

public enum AuditError: Error, Sendable, CustomStringConvertible {
    case headMissing

    public var description: String { "审计链头缺失 audit head row missing: run `whistle migrate`" }
}
