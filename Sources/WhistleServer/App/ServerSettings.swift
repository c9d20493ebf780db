import Configuration
import Logging
import WhistleStore

/// Everything the server reads from configuration, with its defaults. Sources, highest first: command line,
/// environment (`WHISTLE_` + the key in capitals, e.g. `WHISTLE_DB_URL`), the JSON config file
/// (`--config`), then these defaults.
public struct ServerSettings: Sendable {
    /// `db.url`: `sqlite:PATH` or `postgres://user:password@host:port/database`.
    public var database: DatabaseLocation
    /// `db.migrate`: apply pending migrations at start (otherwise `/readyz` reports them until `whistle migrate`).
    public var migrateOnStart: Bool
    /// `demo`: load the Beijing demo city into an empty database.
    public var demo: Bool
    /// `log.level`: trace, debug, info, notice, warning, error, critical.
    public var logLevel: Logger.Level
    /// `log.format`: `json` (one object a line, for collectors) or `text`.
    public var logFormat: LogFormat
    /// `intake.batch`: most submissions received in one transaction (1 = one transaction each).
    public var intakeBatch: Int
    /// `intake.public.perMinute`: anonymous submissions a client may make per minute (token bucket).
    public var publicIntakePerMinute: Int
    /// `http.trustForwardedFor`: take the client address from X-Forwarded-For (only behind a trusted proxy).
    public var trustForwardedFor: Bool
    /// `deadlines.enabled`: run the deadline service in this server.
    public var deadlinesEnabled: Bool
    /// `deadlines.interval`: seconds between sweeps for due deadline timers when none was due.
    public var deadlineInterval: Duration
    /// `deadlines.batch`: timers fired per transaction.
    public var deadlineBatch: Int
    /// `stream.interval`: seconds between looks at the audit log for whistle changes to push to live boards.
    public var streamInterval: Duration
    /// `dispatch.reload`: seconds between checks whether units, taxonomy, duty rules or classifiers changed,
    /// and between reloads of the rule versions and holiday schedules.
    public var dispatchReload: Duration
    /// `classifier.retrain`: days between retrainings of the suggestion classifiers (0: only `whistle classifier train`).
    public var classifierRetrainDays: Double
    /// `classifier.limit`: most closed demands a training learns from, newest first.
    public var classifierLimit: Int
    /// `open311.perMinute`: Open311 requests one client application (API key) may file a minute.
    public var open311PerMinute: Int
    /// `auth.sessionHours`: how long a console session lasts.
    public var sessionHours: Double
    /// `auth.secureCookies`: send the session cookie over HTTPS only (browsers also allow it on localhost).
    public var secureCookies: Bool
    /// `auth.passwordRounds`: PBKDF2 rounds for new password hashes.
    public var passwordRounds: Int

    public enum LogFormat: String, Sendable { case json, text }

    public static let defaultDatabaseURL = "sqlite:whistle.sqlite"

    public init(reader: ConfigReader) throws {
        database = try DatabaseLocation(parsing: reader.string(forKey: "db.url", default: Self.defaultDatabaseURL))
        if case let .sqlite(path, _) = database {
            // `db.sqlite.batch`: most writes committed together by the SQLite writer (group commit; 1 = off).
            database = .sqlite(path: path, maximumBatch: max(1, reader.int(forKey: "db.sqlite.batch", default: 256)))
        }
        migrateOnStart = reader.bool(forKey: "db.migrate", default: true)
        demo = reader.bool(forKey: "demo", default: false)
        logLevel = Logger.Level(rawValue: reader.string(forKey: "log.level", default: "info")) ?? .info
        logFormat = LogFormat(rawValue: reader.string(forKey: "log.format", default: "json")) ?? .json
        intakeBatch = max(1, reader.int(forKey: "intake.batch", default: 128))
        publicIntakePerMinute = max(1, reader.int(forKey: "intake.public.perMinute", default: 10))
        trustForwardedFor = reader.bool(forKey: "http.trustForwardedFor", default: false)
        deadlinesEnabled = reader.bool(forKey: "deadlines.enabled", default: true)
        deadlineInterval = .milliseconds(Int(max(0.05, reader.double(forKey: "deadlines.interval", default: 5)) * 1000))
        deadlineBatch = max(1, reader.int(forKey: "deadlines.batch", default: 100))
        streamInterval = .milliseconds(Int(max(0.05, reader.double(forKey: "stream.interval", default: 0.25)) * 1000))
        dispatchReload = .milliseconds(Int(max(0.05, reader.double(forKey: "dispatch.reload", default: 30)) * 1000))
        classifierRetrainDays = max(0, reader.double(forKey: "classifier.retrain", default: 7))
        classifierLimit = max(100, reader.int(forKey: "classifier.limit", default: 200_000))
        open311PerMinute = max(1, reader.int(forKey: "open311.perMinute", default: 120))
        sessionHours = min(24 * 30, max(0.1, reader.double(forKey: "auth.sessionHours", default: 12)))
        secureCookies = reader.bool(forKey: "auth.secureCookies", default: true)
        passwordRounds = max(1_000, reader.int(forKey: "auth.passwordRounds", default: PasswordHash.defaultRounds))
    }
}

extension ConfigReader {
    /// The reader Whistle's commands use: `overrides` (from the command line) first, then the environment,
    /// then the JSON file at `configFile` if given.
    public static func whistle(overrides: [AbsoluteConfigKey: ConfigValue], configFile: String?) async throws -> ConfigReader {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "command line", values: overrides),
            EnvironmentVariablesProvider().prefixKeys(with: ["whistle"]),
        ]
        if let configFile {
            let location = ConfigReader(provider: InMemoryProvider(values: ["filePath": .init(.string(configFile), isSecret: false)]))
            providers.append(try await FileProvider<JSONSnapshot>(config: location))
        }
        return ConfigReader(providers: providers)
    }
}
