import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import WhistleCore
import WhistleServer
import WhistleStore

@main
struct Whistle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whistle",
        abstract: "Whistle 吹哨 · 接诉即办 — the case platform of grassroots governance.",
        discussion: """
            Start with the demo city (Beijing) on an embedded SQLite file:
              whistle serve --demo
            then open http://127.0.0.1:8080/api/v1/units/110105/children

            Every option can also come from the environment (WHISTLE_DB_URL, WHISTLE_HTTP_PORT, …) or from a
            JSON file given with --config ({"db": {"url": "…"}, "http": {"port": 8080}}); the command line wins.
            """,
        subcommands: [Serve.self, Migrate.self, Import.self, DemoCityReport.self])
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Database: sqlite:PATH (default sqlite:whistle.sqlite) or postgres://user:password@host:port/database.")
    var db: String?

    @Option(name: .long, help: "A JSON configuration file (keys such as db.url, http.port, log.level).")
    var config: String?

    var overrides: [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let db { values["db.url"] = .init(.string(db), isSecret: true) }
        return values
    }

    func settings(_ extra: [AbsoluteConfigKey: ConfigValue] = [:]) async throws -> (ConfigReader, ServerSettings) {
        let reader = try await ConfigReader.whistle(overrides: overrides.merging(extra) { $1 }, configFile: config)
        return (reader, try ServerSettings(reader: reader))
    }

    /// Opens the store, runs `body` with it, and closes it.
    func withStore<R: Sendable>(_ body: @Sendable @escaping (any Store) async throws -> R) async throws -> R {
        let (_, settings) = try await settings()
        LoggingSystem.bootstrapWhistle(format: .text, level: .warning)
        let store = try await openStore(settings.database, logger: Logger(label: "whistle"))
        return try await store.withRunning { try await body($0) }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Whistle server (API, console, background services) until SIGTERM or SIGINT.")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Load the Beijing demo city into the database if it has no units yet.")
    var demo = false

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default 8080).")
    var port: Int?

    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations at start (run `whistle migrate` instead).")
    var noMigrate = false

    @Option(help: "Log format: json (default) or text.")
    var logFormat: String?

    @Option(help: "Log level: trace, debug, info (default), notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if demo { values["demo"] = true }
        if let host { values["http.host"] = .init(.string(host), isSecret: false) }
        if let port { values["http.port"] = .init(.int(port), isSecret: false) }
        if noMigrate { values["db.migrate"] = false }
        if let logFormat { values["log.format"] = .init(.string(logFormat), isSecret: false) }
        if let logLevel { values["log.level"] = .init(.string(logLevel), isSecret: false) }
        let (reader, _) = try await database.settings(values)
        // runService handles SIGTERM and SIGINT with a graceful shutdown.
        try await buildApplication(reader: reader).runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations (safe to run from several servers at once).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let applied = try await database.withStore { try await Migrator.migrate($0) }
        print(applied.isEmpty ? "数据库已是最新 database is up to date" : "已应用 applied: \(applied.joined(separator: ", "))")
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load data into the city. A file with any bad row is refused whole and changes nothing.",
        subcommands: [Divisions.self, Grids.self])

    struct Divisions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import units from a CSV file with the columns code,name,kind,parent_code[,population,calendar].",
            discussion: """
                kind is one of: \(UnitKind.allCases.map(\.rawValue).joined(separator: ", ")).
                Codes: district 6 digits, street/township/area 9, community/village 12, grid 15 (each nested in its
                parent's code); organisations AREA-TAG, e.g. 110105-CGW. Existing units are updated, new ones added.
                """)

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file (UTF-8, header on the first line).") var file: String

        func run() async throws {
            let rows = try DivisionsFile.parse(readText(file), file: file).get()
            let summary = try await database.withStore { store in
                try await Migrator.migrate(store)
                return try await UnitRepository(store: store).importUnits(rows, file: file, now: Date())
            }
            print("已导入 imported \(file): 新增 new \(summary.inserted), 更新 updated \(summary.updated)")
        }
    }

    struct Grids: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import grid boundaries from a GeoJSON FeatureCollection (properties.code = the 15-digit grid code).")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The GeoJSON file.") var file: String

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let grids = try GridBoundaryFile.parse(data, file: file).get()
            let count = try await database.withStore { store in
                try await Migrator.migrate(store)
                return try await UnitRepository(store: store).setBoundaries(grids, file: file, now: Date())
            }
            print("已导入 imported \(count) 个网格边界 grid boundaries from \(file)")
        }
    }
}

struct DemoCityReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-city",
        abstract: "Print how the bundled Beijing demo city was joined: counts, and the names that did not match.")

    func run() throws {
        let (units, report) = try DemoCity.build()
        print(report)
        print("单位总数 units in all: \(units.count)")
    }
}

func readText(_ path: String) throws -> String {
    do {
        return try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
    } catch {
        throw ValidationError("无法读取 cannot read \(path): \(error.localizedDescription)")
    }
}
