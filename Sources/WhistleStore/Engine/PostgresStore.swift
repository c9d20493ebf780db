import Logging
import PostgresKit
import PostgresNIO
import SQLKit

/// The shared store: PostgreSQL through PostgresNIO's pooled `PostgresClient`, SQLKit on each leased
/// connection, transactions by `withTransaction` (BEGIN/COMMIT/ROLLBACK done by PostgresNIO).
public final class PostgresStore: Store {
    public let engine = Engine.postgres
    private let client: PostgresClient
    private let logger: Logger

    public init(host: String, port: Int, user: String, password: String?, database: String, requireTLS: Bool, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = 20
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public func read<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { try await body($0.sql(queryLogLevel: .trace)) }
    }

    public func write<R: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> R) async throws -> R {
        do {
            return try await client.withTransaction(logger: logger) { try await body($0.sql(queryLogLevel: .trace)) }
        } catch let error as PostgresTransactionError {
            // Callers see the same errors on both engines: the body's own refusal, once rolled back.
            if let refusal = error.closureError, error.rollbackError == nil { throw refusal }
            throw error
        }
    }

    public func run() async {
        await client.run()
    }
}
