import Logging
import NIOCore
import SQLKit
import SQLiteKit
import ServiceLifecycle

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit is on disk before
/// `write` returns. Readers use their own connections and run in parallel with the writer.
///
/// Writes use group commit: one writer task takes every `write` waiting at that moment, runs each body in
/// its own savepoint inside one `BEGIN IMMEDIATE` transaction, and commits once, so one fsync serves the
/// whole batch. A body that throws rolls back only its savepoint; if the commit itself fails, every
/// body of the batch fails. Nobody's answer is sent before the commit that holds their write.
public final class SQLiteStore: Store {
    public let engine = Engine.sqlite
    public let path: String
    private let writer: SQLiteConnection
    private let readers: ConnectionPool<SQLiteConnection>
    private let writes: BatchingQueue<PendingWrite>

    private struct PendingWrite: Sendable {
        let body: @Sendable (any SQLDatabase) async throws -> any Sendable
        let done: CheckedContinuation<any Sendable, any Error>
    }

    /// Opens (creating if needed) the database file with one writer and `readers` reader connections.
    /// `maximumBatch` bounds the writes per transaction, so a flood cannot grow one without end (1 turns
    /// group commit off: one transaction and one fsync per write).
    public init(path: String, readers readerCount: Int = 4, maximumBatch: Int = 256, logger: Logger) async throws {
        self.path = path
        let writer = try await Self.connect(path, logger: logger, pragmas: [
            "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000",
        ])
        self.writer = writer
        writes = BatchingQueue(maximumBatch: maximumBatch) { batch in await Self.commit(batch, on: writer) }
        var readerConnections: [SQLiteConnection] = []
        do {
            for _ in 0..<max(1, readerCount) {
                readerConnections.append(try await Self.connect(path, logger: logger, pragmas: [
                    "PRAGMA query_only=ON", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000",
                ]))
            }
        } catch {
            // A connection must be closed before it is released; nothing else would close these.
            await Self.close(readerConnections + [writer])
            throw error
        }
        readers = ConnectionPool(readerConnections)
    }

    /// Closes connections through their future-based close, which runs to the end even in a cancelled task.
    private static func close(_ connections: [SQLiteConnection]) async {
        for connection in connections {
            let closed: EventLoopFuture<Void> = connection.close()
            try? await closed.get()
        }
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

    public func write<R: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> R) async throws -> R {
        let result = try await withCheckedThrowingContinuation { (done: CheckedContinuation<any Sendable, any Error>) in
            writes.submit(PendingWrite(body: { try await body($0) }, done: done))
        }
        return result as! R  // the continuation is resumed with exactly what `body` returned
    }

    private static func commit(_ batch: [PendingWrite], on writer: SQLiteConnection) async {
        let db = writer.sql(queryLogLevel: .trace)
        var outcomes: [Result<any Sendable, any Error>] = []
        do {
            try await db.raw("BEGIN IMMEDIATE").run()
            for write in batch {
                try await db.raw("SAVEPOINT write").run()
                do {
                    outcomes.append(.success(try await write.body(db)))
                    try await db.raw("RELEASE write").run()
                } catch {
                    try await db.raw("ROLLBACK TO write").run()
                    try await db.raw("RELEASE write").run()
                    outcomes.append(.failure(error))
                }
            }
            try await db.raw("COMMIT").run()
        } catch {
            try? await db.raw("ROLLBACK").run()
            for write in batch { write.done.resume(throwing: error) }
            return
        }
        for (write, outcome) in zip(batch, outcomes) { write.done.resume(with: outcome) }
    }

    /// Waits for shutdown or cancellation, then closes every connection (the writer last, so the WAL is
    /// checkpointed).
    public func run() async throws {
        try? await gracefulShutdown()
        await Self.close(readers.all + [writer])
    }
}
