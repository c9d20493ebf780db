import struct Foundation.URLComponents
import Logging
import SQLKit
import ServiceLifecycle

/// The two database engines Whistle runs on.
public enum Engine: String, Sendable, CaseIterable {
    /// Embedded default: one file on disk, WAL, durable commits.
    case sqlite
    /// Shared by several stateless servers.
    case postgres
}

/// Where the data lives, parsed from `sqlite:PATH` or `postgres://user:password@host:port/database`.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String, maximumBatch: Int = 256)
    case postgres(host: String, port: Int, user: String, password: String?, database: String, requireTLS: Bool)

    /// Parses a database URL; a bare path is read as an SQLite file.
    public init(parsing text: String) throws(StoreError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "", options: .anchored)
            guard !path.isEmpty else { throw .invalidDatabaseURL(text) }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty else { throw .invalidDatabaseURL(text) }
            let database = String(url.path.drop(while: { $0 == "/" }))
            let sslMode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value
            self = .postgres(
                host: host, port: url.port ?? 5432, user: url.user?.removingPercentEncoding ?? "postgres",
                password: url.password?.removingPercentEncoding, database: database.isEmpty ? "whistle" : database,
                requireTLS: sslMode == "require" || sslMode == "verify-full")
        } else if !text.isEmpty, !text.contains("://") {
            self = .sqlite(path: text)
        } else {
            throw .invalidDatabaseURL(text)
        }
    }

    public var engine: Engine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The location without its password, for logs.
    public var description: String {
        switch self {
        case let .sqlite(path, _): "sqlite:\(path)"
        case let .postgres(host, port, user, _, database, _): "postgres://\(user)@\(host):\(port)/\(database)"
        }
    }
}

/// The one storage interface every repository is written against. `read` runs on a connection that sees
/// committed data; `write` runs its body in one transaction that commits durably or not at all.
/// A store is a `Service`: it must be running (in the server's ServiceGroup, or ``withRunning(_:)``) to be used.
public protocol Store: Service, Sendable {
    var engine: Engine { get }
    func read<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func write<R: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> R) async throws -> R
}

extension Store {
    /// Runs the store's service for the duration of `body`: for commands and tests outside a ServiceGroup.
    public func withRunning<R: Sendable>(_ body: @Sendable (Self) async throws -> R) async throws -> R {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }
}

/// Opens the store a location names.
public func openStore(_ location: DatabaseLocation, logger: Logger) async throws -> any Store {
    switch location {
    case let .sqlite(path, maximumBatch):
        try await SQLiteStore(path: path, maximumBatch: maximumBatch, logger: logger)
    case let .postgres(host, port, user, password, database, requireTLS):
        PostgresStore(host: host, port: port, user: user, password: password, database: database, requireTLS: requireTLS, logger: logger)
    }
}

/// Failures of the storage layer itself.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidDatabaseURL(String)
    case migrationsPending([String])

    public var description: String {
        switch self {
        case let .invalidDatabaseURL(text):
            "数据库地址无效 invalid database URL \"\(text)\": use sqlite:PATH or postgres://user:password@host:port/database"
        case let .migrationsPending(names):
            "数据库结构未升级 database migrations pending: \(names.joined(separator: ", ")) — run `whistle migrate`"
        }
    }
}

