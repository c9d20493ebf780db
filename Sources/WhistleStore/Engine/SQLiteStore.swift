import Logging
import NIOCore
import SQLKit
import SQLiteKit
import ServiceLifecycle

/// The embedded store: one SQLite file in WAL mode. All writes go through one connection behind an async
/// lock and start with `BEGIN IMMEDIATE`, so a transaction never fails half-way on a lock upgrade; readers
/// use their own connections and run in parallel with the writer. `synchronous=FULL`: a commit is on disk
/// before `write` returns.
public final class SQLiteStore: Store {
    public let engine = Engine.sqlite
    public let path: String
    private let writer: ConnectionPool<SQLiteConnection>
    private let readers: ConnectionPool<SQLiteConnection>

    /// Opens (creating if needed) the database file with one writer and `readers` reader connections.
    public init(path: String, readers readerCount: Int = 4, logger: Logger) async throws {
        self.path = path
        let writerConnection = try await Self.connect(path, logger: logger, pragmas: [
            "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000",
        ])
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<max(1, readerCount) {
            readerConnections.append(try await Self.connect(path, logger: logger, pragmas: [
                "PRAGMA query_only=ON", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000",
            ]))
        }
        writer = ConnectionPool([writerConnection])
        readers = ConnectionPool(readerConnections)
    }

    private static func connect(_ path: String, logger: Logger, pragmas: [String]) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        for pragma in pragmas {
            _ = try await connection.query(pragma)
        }
        return connection
    }

    public func read<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await readers.withConnection { try await body($0.sql(queryLogLevel: .trace)) }
    }

    public func write<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await writer.withConnection { connection in
            let db = connection.sql(queryLogLevel: .trace)
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Waits for shutdown or cancellation, then closes every connection (the writer last, so the WAL is
    /// checkpointed). The future-based close runs to the end even though this task is being cancelled.
    public func run() async throws {
        try? await gracefulShutdown()
        for connection in readers.all + writer.all {
            let closed: EventLoopFuture<Void> = connection.close()
            try? await closed.get()
        }
    }
}
