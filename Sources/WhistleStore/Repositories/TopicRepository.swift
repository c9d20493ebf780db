import Foundation
import SQLKit
import WhistleCore

/// 每月一题 topics: added (audited), never changed or deleted.
public struct TopicRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public func add(_ topic: MonthlyTopic, by actor: Actor) async throws {
        let document = String(decoding: try DemandRepository.encoder.encode(topic), as: UTF8.self)
        try await store.write { [store] db in
            try await db.raw("""
                INSERT INTO monthly_topics (id, month, created_at, document)
                VALUES (\(bind: topic.id), \(bind: topic.month), \(bind: topic.createdAt.millisecondsSince1970), \(bind: document))
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: "topic", subjectID: topic.id, kind: "topic.created", at: topic.createdAt, actor: AuditActor(actor),
                details: ["month": topic.month, "theme": topic.theme, "problems": String(topic.problems.count)])], engine: store.engine, in: db)
        }
    }

    /// Every topic, newest month first.
    public func all() async throws -> [MonthlyTopic] {
        try await store.read { db in
            try await db.raw("SELECT document FROM monthly_topics ORDER BY month DESC, created_at DESC").all().map {
                try DemandRepository.decoder.decode(MonthlyTopic.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
            }
        }
    }
}
