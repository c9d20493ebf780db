import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import WhistleCore
import WhistleServer
import WhistleStore

@main
struct WhistleCLI: AsyncParsableCommand {
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
        subcommands: [Serve.self, Migrate.self, Import.self, User.self, Token.self, Calendar.self, Rules.self, Audit.self, Classifier.self, Open311.self, Report.self, Simulate.self, DemoCityReport.self])

    /// A refusal the domain explains (a rejected import, an unknown unit) is printed as its message in Chinese
    /// and English, not as a Swift value.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as any DomainError {
            FileHandle.standardError.write(Data("错误 Error [\(error.code)]: \(error.messageZh)\n\(error.messageEn)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
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
        subcommands: [Divisions.self, Grids.self, Taxonomy.self, Duties.self])

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
            abstract: "Import grid and community boundaries from a GeoJSON FeatureCollection (properties.code = the 15-digit grid or 12-digit community code).")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The GeoJSON file.") var file: String

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let grids = try GridBoundaryFile.parse(data, file: file).get()
            let count = try await database.withStore { store in
                try await Migrator.migrate(store)
                return try await UnitRepository(store: store).setBoundaries(grids, file: file, now: Date())
            }
            print("已导入 imported \(count) 个网格和社区边界 grid and community boundaries from \(file)")
        }
    }

    struct Taxonomy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import categories (诉求分类) from CSV: code,name[,parent_code,deadline_class,service_code,gbt47678,gbt30428,active], or level1,level2,level3.",
            discussion: """
                The file is a whole taxonomy (every category's parent is in it). Codes are 1–3 dot-separated upper-case
                segments, e.g. CX.SZ.DLPS (the parent is the code without its last segment). In the level1,level2,level3
                form codes are derived from the names (stable hashes). Stored categories the file names again are updated;
                those it leaves out stay as they are. Nothing is ever deleted: retire a category instead.
                """)

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file (UTF-8, header on the first line).") var file: String

        func run() async throws {
            let categories = try TaxonomyFile.parse(readText(file), file: file).get()
            let result = try await database.withStore { store in
                try await Migrator.migrate(store)
                return try await TaxonomyRepository(store: store).importCategories(categories, file: file, now: Date())
            }
            print("已导入 imported \(file): 新增 new \(result.added), 更新 updated \(result.updated)")
        }
    }

    struct Duties: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import duty rules (职责清单/派单规则) from CSV: [id,]category,area,primary[,co_handlers,priority,effective_from,effective_until,note].",
            discussion: """
                primary and co_handlers (separated by ; or 、) are unit codes or templates on the demand's place:
                {street}-ZFD, {district}-CGW, {street}. The most specific rule wins: grid over community over street over
                district over city, then the more specific category, then priority, then the later start. Rules already
                stored under the same id are skipped when identical and refused otherwise (end a rule and add a new one).
                """)

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file (UTF-8, header on the first line).") var file: String

        func run() async throws {
            let rules = try DutyListFile.parse(readText(file), file: file).get()
            let added = try await database.withStore { store in
                try await Migrator.migrate(store)
                return try await DutyRuleRepository(store: store).add(rules, file: file, by: nil, now: Date())
            }
            print("已导入 imported \(file): 新增规则 rules added \(added), 已存在 already stored \(rules.count - added)")
        }
    }
}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "People and the roles they hold at units.", subcommands: [Add.self, Password.self])

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a person's password for the web console (read from standard input, at least 10 characters).",
            discussion: "echo 'correct horse battery' | whistle user password --id a1001")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The person's identifier.") var id: String

        func run() async throws {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("请从标准输入提供密码 give the password on standard input")
            }
            let (_, settings) = try await database.settings()
            try await database.withStore { [id] store in
                try await SessionRepository(store: store, rounds: settings.passwordRounds).setPassword(password, for: id, now: Date())
            }
            print("已设置密码 password set for \(id)")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person (if new) and grant them a role at a unit.",
            discussion: "Roles: \(Role.allCases.map { "\($0.rawValue) (\($0.nameZh))" }.joined(separator: ", ")).")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The person's identifier, e.g. an employee number.") var id: String
        @Option(help: "The person's name.") var name: String
        @Option(help: "The person's phone.") var phone: String?
        @Option(help: "The role to grant.") var role: String
        @Option(help: "The unit code the role is held at, e.g. 110000-RXZX or 110105026.") var unit: String

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("未知角色 unknown role \(self.role)") }
            try await database.withStore { [self] store in
                try await Migrator.migrate(store)
                let people = PeopleRepository(store: store)
                if try await people.person(id: id) == nil {
                    try await people.add(Person(id: id, name: name, phone: phone), now: Date())
                }
                try await people.grant(RoleAssignment(personID: id, role: role, unitCode: unit), now: Date())
            }
            print("已授予 granted \(role.nameZh) (\(role.rawValue)) @ \(unit) to \(id)")
        }
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bearer tokens for integrations and tools.", subcommands: [Issue.self, Revoke.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token acting as a person in a role they hold; printed once.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The person's identifier.") var user: String
        @Option(help: "A role the person holds.") var role: String
        @Option(help: "The unit code the role is held at.") var unit: String
        @Option(help: "What the token is for.") var label: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("未知角色 unknown role \(self.role)") }
            let token = try await database.withStore { [self] store in
                try await TokenRepository(store: store).issue(for: RoleAssignment(personID: user, role: role, unitCode: unit), label: label, now: Date())
            }
            print(token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token.") var token: String

        func run() async throws {
            let revoked = try await database.withStore { [token] in try await TokenRepository(store: $0).revoke(token, now: Date()) }
            guard revoked else { throw ValidationError("未知或已吊销的令牌 unknown or already revoked token") }
            print("已吊销 revoked")
        }
    }
}

struct Open311: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open311", abstract: "Open311 GeoReport v2 client applications and their API keys.", subcommands: [Key.self])

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "API keys for filing requests through /open311/v2.", subcommands: [Issue.self, Revoke.self])

        struct Issue: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Issue a key for a client application (printed once, stored hashed).")

            @OptionGroup var database: DatabaseOptions
            @Option(help: "The client application, e.g. 朝阳区随手拍.") var client: String

            func run() async throws {
                let client = client.trimmingCharacters(in: .whitespaces)
                guard !client.isEmpty else { throw ValidationError("--client 不能为空 must not be empty") }
                print(try await database.withStore { try await Open311KeyRepository(store: $0).issue(client: client, now: Date()) })
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a key.")

            @OptionGroup var database: DatabaseOptions
            @Argument(help: "The key.") var key: String

            func run() async throws {
                guard try await database.withStore({ [key] in try await Open311KeyRepository(store: $0).revoke(key, now: Date()) }) else {
                    throw ValidationError("未知或已吊销的密钥 unknown or already revoked key")
                }
                print("已吊销 revoked")
            }
        }
    }
}

struct Calendar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Working calendars: official holiday schedules as data.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a year's holiday schedule (JSON as in Resources/calendars, or iCalendar .ics); running servers apply it within dispatch.reload seconds and retime the open demands.",
            discussion: "iCalendar: all-day events; a SUMMARY with 补班/上班 marks a make-up working day, anything else a holiday.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The .json or .ics file.") var file: String
        @Option(help: "The year to take from an iCalendar feed (required for .ics).") var year: Int?
        @Option(help: "Where the schedule comes from (the State Council notice), for an iCalendar feed.") var source: String?

        func run() async throws {
            let schedule: HolidaySchedule
            if file.lowercased().hasSuffix(".ics") {
                guard let year else { throw ValidationError("iCalendar 需要 --year / an iCalendar feed needs --year") }
                schedule = try HolidaySchedule.importICalendar(try readText(file), year: year, source: source)
            } else {
                schedule = try HolidaySchedule.decode(from: Data(try readText(file).utf8))
            }
            try await database.withStore { store in
                try await Migrator.migrate(store)
                try await CalendarRepository(store: store).save(schedule, now: Date())
            }
            print("已导入 imported \(schedule.year): \(schedule.holidays.count) 个节假日 holidays, \(schedule.makeUpWorkdays.count) 个调休上班日 make-up working days")
        }
    }
}

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Versions of local rules by effective day: the closed loop's (deadline classes, return window, thresholds), with --whistle the whistle's (report-in minutes, sign-in distance, score scale), with --assessment the assessment's (rate weights, period, whistle share).",
        subcommands: [Show.self, Set.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the stored versions as JSON, or with --template the defaults to start from.")

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print the defaults instead of the stored versions.") var template = false
        @Flag(help: "The whistle's rules instead of the closed loop's.") var whistle = false
        @Flag(help: "The assessment scheme instead of the closed loop's rules.") var assessment = false

        func run() async throws {
            if assessment { try await show(AssessmentScheme.beijing) } else if whistle { try await show(WhistlePolicy.default) } else { try await show(LoopPolicy.beijing) }
        }

        private func show<Policy: StoredPolicy>(_ defaults: Policy) async throws {
            let policies = template ? [defaults] : try await database.withStore { try await PolicyRepository(store: $0).all(Policy.self) }
            for policy in policies { print(String(decoding: try PolicyRepository.encoder.encode(policy), as: UTF8.self)) }
            if policies.isEmpty { print("未保存任何版本，使用默认规则 no version stored: the defaults apply (see --template)") }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a version from a JSON file (as printed by `show --template`); it applies from its effectiveFrom day; running servers load it within dispatch.reload seconds.")

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "The file holds the whistle's rules instead of the closed loop's.") var whistle = false
        @Flag(help: "The file holds an assessment scheme.") var assessment = false
        @Argument(help: "The JSON file.") var file: String

        func run() async throws {
            if assessment { try await save(AssessmentScheme.self) } else if whistle { try await save(WhistlePolicy.self) } else { try await save(LoopPolicy.self) }
        }

        private func save<Policy: StoredPolicy>(_ type: Policy.Type) async throws {
            let policy: Policy
            do {
                policy = try JSONDecoder().decode(Policy.self, from: Data(try readText(file).utf8))
            } catch let error as any DomainError {
                throw ValidationError("\(file): \(error.messageZh) (\(error.messageEn))")
            } catch {
                throw ValidationError("\(file): 不是有效的规则文件 not a valid rules file: \(error)")
            }
            try await database.withStore { store in
                try await Migrator.migrate(store)
                try await PolicyRepository(store: store).save(policy, now: Date())
            }
            print("已保存 saved: 自 \(policy.effectiveFrom) 起施行 in force from \(policy.effectiveFrom)")
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit chain and report the first broken link; exits 1 if the log was edited or cut.")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let verification = try await database.withStore { try await AuditLog.verify($0) }
            print(verification)
            if !verification.isIntact { throw ExitCode.failure }
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
