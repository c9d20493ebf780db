import Foundation
import SQLKit
import WhistleCore

/// The taxonomy (诉求分类, SPEC §7) as stored: one row a category, never deleted (a retired category stays
/// for the demands filed under it). Every change is checked against the whole taxonomy by ``Taxonomy`` and
/// recorded in the audit log with the category it wrote.
public struct TaxonomyRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Every category, retired ones included, parents before children.
    public func taxonomy() async throws -> Taxonomy {
        try await store.read { try await Self.load(in: $0) }
    }

    /// Adds the file's categories and updates those it names again; categories it leaves out stay as they are.
    /// The result must be a valid taxonomy, or nothing is written. Returns (added, updated).
    public func importCategories(_ categories: [WhistleCore.Category], file: String, by actor: AuditActor? = nil, now: Date) async throws -> (added: Int, updated: Int) {
        try await store.write { [store] db in
            let current = try await Self.load(in: db)
            var merged = current.categories
            var added = 0, updated = 0
            for category in categories {
                if let index = merged.firstIndex(where: { $0.code == category.code }) {
                    if merged[index] != category { merged[index] = category; updated += 1 }
                } else {
                    merged.append(category)
                    added += 1
                }
            }
            let taxonomy = try Taxonomy(merged)
            let changed = taxonomy.categories.filter { current.category($0.code) != $0 }
            try await Self.save(changed, kind: "category.imported", reason: file, by: actor, engine: store.engine, now: now, in: db)
            return (added, updated)
        }
    }

    /// Applies one edit (add, rename, deadline class, service code, retire) and returns the category it names.
    public func apply(_ change: CategoryChange, by actor: Actor, now: Date) async throws -> WhistleCore.Category {
        try await store.write { [store] db in
            let current = try await Self.load(in: db)
            let next = try current.applying(change)
            let changed = next.categories.filter { current.category($0.code) != $0 }
            try await Self.save(changed, kind: "category.\(change.action)", reason: nil, by: AuditActor(actor), engine: store.engine, now: now, in: db)
            return next.category(change.code)!
        }
    }

    static func load(in db: any SQLDatabase) async throws -> Taxonomy {
        let categories = try await db.raw("SELECT document FROM categories").all().map {
            try JSONDecoder().decode(WhistleCore.Category.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
        return try Taxonomy(categories)
    }

    private static func save(
        _ categories: [WhistleCore.Category], kind: String, reason: String?, by actor: AuditActor?, engine: Engine, now: Date, in db: any SQLDatabase
    ) async throws {
        // Parents first: a new category's parent row must exist before it.
        for category in categories.sorted(by: { $0.level < $1.level }) {
            let document = String(decoding: try PolicyRepository.encoder.encode(category), as: UTF8.self)
            try await db.raw("""
                INSERT INTO categories (code, parent_code, service_code, active, document, updated_at)
                VALUES (\(bind: category.code), \(bind: category.parentCode), \(bind: category.serviceCode), \(bind: category.active), \(bind: document), \(bind: now.millisecondsSince1970))
                ON CONFLICT (code) DO UPDATE SET service_code = excluded.service_code, active = excluded.active,
                    document = excluded.document, updated_at = excluded.updated_at
                """).run()
        }
        try await AuditLog.append(categories.map { category in
            AuditEntry(subjectType: "category", subjectID: category.code, kind: kind, at: now, actor: actor, reason: reason,
                       details: ["document": String(decoding: (try? PolicyRepository.encoder.encode(category)) ?? Data(), as: UTF8.self)])
        }, engine: engine, in: db)
    }
}

extension CategoryChange {
    /// The audit name of the change.
    var action: String {
        switch self {
        case .add: "added"
        case .rename: "renamed"
        case .setDeadlineClass: "deadline_class_set"
        case .setServiceCode: "service_code_set"
        case .retire: "retired"
        case .setAttributes: "attributes_set"
        }
    }
}
