import Foundation
import SQLKit
import WhistleCore

/// Published rankings (rule 18): each publication a new, immutable snapshot with the scheme it used; later
/// events change the live figures (``TallyRollup``), never a published table.
public struct RankingRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Stores a snapshot; returns its id.
    @discardableResult
    public func publish(_ snapshot: RankingSnapshot, by actor: Actor) async throws -> String {
        let id = UUID().uuidString.lowercased()
        let document = String(decoding: try DemandRepository.encoder.encode(snapshot), as: UTF8.self)
        try await store.write { [store] db in
            try await db.raw("""
                INSERT INTO ranking_snapshots (id, period_label, unit_group, published_at, document)
                VALUES (\(bind: id), \(bind: snapshot.periodLabel), \(bind: snapshot.group.rawValue), \(bind: snapshot.publishedAt.millisecondsSince1970), \(bind: document))
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: "ranking", subjectID: id, kind: "ranking.published", at: snapshot.publishedAt, actor: AuditActor(actor),
                details: ["period": snapshot.periodLabel, "group": snapshot.group.rawValue, "scheme": snapshot.schemeEffectiveFrom.description])],
                                      engine: store.engine, in: db)
        }
        return id
    }

    /// The snapshots of a period and group, newest first, with their ids.
    public func snapshots(period: String, group: UnitGroup) async throws -> [(id: String, snapshot: RankingSnapshot)] {
        try await store.read { db in
            try await db.raw("""
                SELECT id, document FROM ranking_snapshots WHERE period_label = \(bind: period) AND unit_group = \(bind: group.rawValue)
                ORDER BY published_at DESC, id
                """).all().map {
                (try $0.decode(column: "id", as: String.self),
                 try DemandRepository.decoder.decode(RankingSnapshot.self, from: Data(try $0.decode(column: "document", as: String.self).utf8)))
            }
        }
    }
}
