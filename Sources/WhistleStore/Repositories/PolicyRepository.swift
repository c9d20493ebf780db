import Foundation
import SQLKit
import WhistleCore

/// Versions of the closed loop's rules, one per effective day (`whistle rules set`). Setting a version for a
/// day that has one replaces it; every change is in the audit log with the document it set.
public struct PolicyRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public func save(_ policy: LoopPolicy, now: Date) async throws {
        let document = String(decoding: try Self.encoder.encode(policy), as: UTF8.self)
        let day = policy.effectiveFrom.description
        try await store.write { db in
            try await db.raw("""
                INSERT INTO loop_policies (effective_from, document, saved_at) VALUES (\(bind: day), \(bind: document), \(bind: now.millisecondsSince1970))
                ON CONFLICT (effective_from) DO UPDATE SET document = excluded.document, saved_at = excluded.saved_at
                """).run()
            try await AuditLog.append([AuditEntry(subjectType: "policy", subjectID: day, kind: "policy.saved", at: now, details: ["document": document])],
                                      engine: store.engine, in: db)
        }
    }

    /// Every stored version, oldest first.
    public func all() async throws -> [LoopPolicy] {
        try await store.read { db in
            try await db.raw("SELECT document FROM loop_policies ORDER BY effective_from").all().map {
                try JSONDecoder().decode(LoopPolicy.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
            }
        }
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()
}
