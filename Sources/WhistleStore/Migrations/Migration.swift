import Foundation
import SQLKit

/// One step of the schema, identified by an ever-increasing number. Statements are plain SQL; the few
/// spellings that differ between the engines are chosen from `engine`.
public struct Migration: Sendable {
    public let id: Int
    public let name: String
    let statements: @Sendable (Engine) -> [String]
}

/// Applies the ordered ``Migration/all`` list once each, recording them in `schema_migrations`.
public enum Migrator {
    /// Arbitrary constant naming Whistle's migration lock among PostgreSQL advisory locks.
    static let advisoryLockKey = 0x5748_4953_544C_45

    /// Applies every migration not yet applied, each in its own transaction; returns the names applied.
    /// On PostgreSQL an advisory lock makes concurrent servers wait for each other instead of racing.
    @discardableResult
    public static func migrate(_ store: any Store, now: Date = Date()) async throws -> [String] {
        try await store.write { db in
            try await lock(db, engine: store.engine)
            try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (id BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").run()
        }
        var applied: [String] = []
        for migration in Migration.all {
            let didApply = try await store.write { db in
                try await lock(db, engine: store.engine)
                let done = try await db.raw("SELECT id FROM schema_migrations WHERE id = \(bind: migration.id)").first()
                guard done == nil else { return false }
                for statement in migration.statements(store.engine) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("INSERT INTO schema_migrations (id, name, applied_at) VALUES (\(bind: migration.id), \(bind: migration.name), \(bind: now.millisecondsSince1970))").run()
                return true
            }
            if didApply { applied.append(migration.name) }
        }
        return applied
    }

    /// Holds the migration lock until the transaction ends. On SQLite the writer lock already serialises.
    private static func lock(_ db: any SQLDatabase, engine: Engine) async throws {
        if engine == .postgres {
            try await db.raw("SELECT pg_advisory_xact_lock(\(literal: advisoryLockKey))").run()
        }
    }

    /// The names of migrations not yet applied (for readiness checks); all of them on an empty database.
    public static func pending(_ store: any Store) async throws -> [String] {
        let ids: Set<Int> = try await store.read { db in
            let exists = try await db.raw(SQLQueryString(store.engine == .postgres
                ? "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
                : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")).first()
            guard exists != nil else { return [] }
            return Set(try await db.raw("SELECT id FROM schema_migrations").all().map { try $0.decode(column: "id", as: Int.self) })
        }
        return Migration.all.filter { !ids.contains($0.id) }.map(\.name)
    }
}

extension Date {
    /// Whistle stores instants as integer milliseconds since 1970 on both engines: identical comparisons and
    /// round trips everywhere (SQLite REAL seconds and PostgreSQL microseconds would differ).
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
