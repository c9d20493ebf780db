import Foundation
import Logging
import SQLKit
import WhistleStore

/// Gives each test a fresh, migrated database on an engine: a new SQLite file, or a new PostgreSQL
/// database created through `WHISTLE_TEST_POSTGRES_URL` (an admin connection URL) and dropped afterwards.
public enum TestDatabase {
    public static let postgresAdminURL = ProcessInfo.processInfo.environment["WHISTLE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// SQLite always; PostgreSQL when a server is configured.
    public static var engines: [Engine] { postgresAdminURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    public static let logger = Logger(label: "whistle.test")

    public static func temporarySQLitePath() -> String {
        FileManager.default.temporaryDirectory.appending(path: "whistle-test-\(UUID().uuidString).sqlite").path
    }

    /// Runs `body` with a store on a fresh database of `engine`.
    public static func withStore<R: Sendable>(_ engine: Engine, migrated: Bool = true, _ body: @Sendable @escaping (any Store) async throws -> R) async throws -> R {
        try await withLocation(engine) { location in
            let store = try await openStore(location, logger: logger)
            return try await store.withRunning { store in
                if migrated { try await Migrator.migrate(store) }
                return try await body(store)
            }
        }
    }

    /// Runs `body` with the location of a fresh, empty database of `engine`, removed afterwards.
    public static func withLocation<R: Sendable>(_ engine: Engine, _ body: @Sendable @escaping (DatabaseLocation) async throws -> R) async throws -> R {
        switch engine {
        case .sqlite:
            let path = temporarySQLitePath()
            defer { removeSQLite(path) }
            return try await body(.sqlite(path: path))
        case .postgres:
            guard let postgresAdminURL, case let .postgres(host, port, user, password, _, tls) = try DatabaseLocation(parsing: postgresAdminURL) else {
                throw StoreError.invalidDatabaseURL("WHISTLE_TEST_POSTGRES_URL")
            }
            let name = "whistle_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
            let admin = try await openStore(try DatabaseLocation(parsing: postgresAdminURL), logger: logger)
            try await admin.withRunning { admin in
                try await admin.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            }
            do {
                let result = try await body(.postgres(host: host, port: port, user: user, password: password, database: name, requireTLS: tls))
                try await dropPostgres(name)
                return result
            } catch {
                try? await dropPostgres(name)
                throw error
            }
        }
    }

    private static func dropPostgres(_ name: String) async throws {
        guard let postgresAdminURL else { return }
        let admin = try await openStore(try DatabaseLocation(parsing: postgresAdminURL), logger: logger)
        try await admin.withRunning { admin in
            try await admin.read { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
        }
    }
    /// Removes an SQLite file with its WAL and shared-memory files.
    public static func removeSQLite(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
