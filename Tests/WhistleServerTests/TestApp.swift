import Configuration
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import WhistleCore
import WhistleServer
import WhistleStore
import WhistleTestSupport

/// Builds the real application on a fresh SQLite file, optionally with a small city already imported.
enum TestApp {
    static let smallCity = """
        code,name,kind,parent_code,population,calendar
        110000,北京市,city,,21893095,
        110105,朝阳区,district,110000,3452460
        110105026,望京街道,street,110105,
        110105027,大屯街道,street,110105,
        110105026001,望京西园一区社区,community,110105026,5000
        110105-CGW,朝阳区城市管理委员会,department,110105,
        110105-JTW,朝阳区交通局,department,110105,
        110000-RXZX,北京市12345市民服务热线中心,department,110000,,24x7
        110000-ZLS,北京市自来水集团有限责任公司,enterprise,110000,,24x7
        """

    /// People of the small city, each with one role and a token: name → (role, unit).
    static let people: [String: (Role, String)] = [
        "agent": (.hotlineAgent, "110000-RXZX"), "dispatcher": (.dispatcher, "110000-RXZX"),
        "callback": (.callbackAgent, "110000-RXZX"), "cgw": (.departmentHandler, "110105-CGW"),
        "jtw": (.departmentHandler, "110105-JTW"), "wangjing": (.streetCoordinator, "110105026"),
        "datun": (.streetCoordinator, "110105027"), "cgw-leader": (.unitLeader, "110105-CGW"),
        "supervisor": (.supervisor, "110105"),
    ]

    static func withClient(
        seed: String? = smallCity, settings: [AbsoluteConfigKey: ConfigValue] = [:],
        _ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withClient(seed: seed, settings: settings) { client, _ in try await test(client) }
    }

    /// The application on the small city with its people; `tokens` maps a person's name to their bearer token.
    static func withClient(
        seed: String? = smallCity, people: [String: (Role, String)] = people, settings: [AbsoluteConfigKey: ConfigValue] = [:],
        mode: TestingSetup = .router, clock: @escaping @Sendable () -> Date = Date.init,
        prepare: @Sendable @escaping (any Store) async throws -> Void = { _ in },
        _ test: @Sendable @escaping (any TestClientProtocol, _ tokens: [String: String]) async throws -> Void
    ) async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        var tokens: [String: String] = [:]
        if let seed {
            let store = try await SQLiteStore(path: path, logger: TestDatabase.logger)
            tokens = try await store.withRunning { store in
                try await Migrator.migrate(store)
                _ = try await UnitRepository(store: store).importUnits(try DivisionsFile.parse(seed, file: "city.csv").get(), file: "city.csv", now: Date())
                var tokens: [String: String] = [:]
                for (name, (role, unit)) in people {
                    try await PeopleRepository(store: store).add(Person(id: name, name: name), now: Date())
                    let assignment = RoleAssignment(personID: name, role: role, unitCode: unit)
                    try await PeopleRepository(store: store).grant(assignment, now: Date())
                    tokens[name] = try await TokenRepository(store: store).issue(for: assignment, label: "test", now: Date())
                }
                try await prepare(store)
                return tokens
            }
        }
        var values: [AbsoluteConfigKey: ConfigValue] = ["db.url": .init(.string("sqlite:\(path)"), isSecret: false), "log.level": "warning"]
        values.merge(settings) { $1 }
        let app = try await buildApplication(reader: ConfigReader(provider: InMemoryProvider(values: values)), clock: clock)
        try await app.test(mode) { [tokens] client in try await test(client, tokens) }
    }
}

extension TestClientProtocol {
    /// A JSON request as a person (by name, see ``TestApp/people``), or anonymously.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as token: String? = nil, json: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }
}
