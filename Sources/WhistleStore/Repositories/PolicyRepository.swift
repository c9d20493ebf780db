import Foundation
import SQLKit
import WhistleCore

/// A kind of local rules kept as versions by effective day, one table each.
public protocol StoredPolicy: EffectiveDated, Codable, Sendable {
    /// The table holding the versions (`effective_from`, `document`, `saved_at`).
    static var table: String { get }
    /// The audit subject type of a saved version.
    static var auditSubject: String { get }
}

extension LoopPolicy: StoredPolicy {
    public static let table = "loop_policies"
    public static let auditSubject = "policy"
}

extension WhistlePolicy: StoredPolicy {
    public static let table = "whistle_policies"
    public static let auditSubject = "whistle_policy"
}

extension AssessmentScheme: StoredPolicy {
    public static let table = "assessment_schemes"
    public static let auditSubject = "assessment_scheme"
}

/// Versions of local rules, one per effective day (`whistle rules set`): the closed loop's, the whistle's and
/// the assessment's.
/// Setting a version for a day that has one replaces it; every change is in the audit log with the document
/// it set.
public struct PolicyRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Stores a version; `actor` is who saved it in the console (`nil` from the command line). A version of the
    /// loop's rules retimes the open demands when it takes effect (``Retiming``).
    public func save<Policy: StoredPolicy>(_ policy: Policy, by actor: AuditActor? = nil, now: Date) async throws {
        let document = String(decoding: try Self.encoder.encode(policy), as: UTF8.self)
        let day = policy.effectiveFrom.description
        try await store.write { db in
            try await db.raw("""
                INSERT INTO \(ident: Policy.table) (effective_from, document, saved_at) VALUES (\(bind: day), \(bind: document), \(bind: now.millisecondsSince1970))
                ON CONFLICT (effective_from) DO UPDATE SET document = excluded.document, saved_at = excluded.saved_at
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: Policy.auditSubject, subjectID: day, kind: "\(Policy.auditSubject).saved", at: now, actor: actor,
                details: ["document": document])],
                                      engine: store.engine, in: db)
            if policy is LoopPolicy {
                // The open demands' yellow and supervision timers follow the version when it takes effect.
                let retiming = try Retiming.start(.loopRules(effectiveFrom: policy.effectiveFrom), at: max(now, policy.start))
                try await TimerQueue.schedule([retiming], for: retiming.subjectID, in: db)
            }
        }
    }

    /// Every stored version, oldest first.
    public func all<Policy: StoredPolicy>(_ type: Policy.Type) async throws -> [Policy] {
        try await store.read { db in
            try await db.raw("SELECT document FROM \(ident: Policy.table) ORDER BY effective_from").all().map {
                try JSONDecoder().decode(Policy.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
            }
        }
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()
}
