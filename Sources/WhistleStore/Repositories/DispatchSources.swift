import Foundation
import SQLKit
import WhistleCore

/// What dispatch suggestions are built from (units with their boundaries, the taxonomy, duty rules, the
/// newest classifiers), and a cheap fingerprint of all of it, so a server rebuilds its copy only when
/// something changed on any node.
public struct DispatchSources: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Changes whenever a unit, category or duty rule is added or changed (classifier versions are checked
    /// on their own: a new model needs no rebuild of the place index).
    public func fingerprint() async throws -> String {
        try await store.read { db in
            let row = try await db.raw("""
                SELECT (SELECT COUNT(*) FROM units) AS a, (SELECT MAX(updated_at) FROM units) AS b,
                       (SELECT COUNT(*) FROM categories) AS c, (SELECT MAX(updated_at) FROM categories) AS d,
                       (SELECT COUNT(*) FROM duty_rules) AS e, (SELECT MAX(updated_at) FROM duty_rules) AS f
                """).first()
            return try ["a", "b", "c", "d", "e", "f"].map { try row?.decode(column: $0, as: Int64?.self).map(String.init) ?? "-" }.joined(separator: "/")
        }
    }

    /// Every unit, boundaries included.
    public func units() async throws -> [OrgUnit] {
        try await store.read { db in
            try await db.raw("SELECT \(unsafeRaw: UnitRepository.columns) FROM units").all().map(UnitRepository.unit(from:))
        }
    }
}
