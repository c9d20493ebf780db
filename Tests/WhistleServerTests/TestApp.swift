import Configuration
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import WhistleCore
import WhistleServer
import WhistleStore
import WhistleTestSupport

/// Builds the real application on a fresh SQLite file, optionally with a small city already imported.
enum TestApp {
    static let smallCity = """
        code,name,kind,parent_code,population
        110000,北京市,city,,21893095
        110105,朝阳区,district,110000,3452460
        110105026,望京街道,street,110105,
        110105027,大屯街道,street,110105,
        110105026001,望京西园一区社区,community,110105026,5000
        110105-CGW,朝阳区城市管理委员会,department,110105,
        """

    static func withClient(
        seed: String? = smallCity, settings: [AbsoluteConfigKey: ConfigValue] = [:],
        _ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void
    ) async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        if let seed {
            let store = try await SQLiteStore(path: path, logger: TestDatabase.logger)
            try await store.withRunning { store in
                try await Migrator.migrate(store)
                _ = try await UnitRepository(store: store).importUnits(try DivisionsFile.parse(seed, file: "city.csv").get(), file: "city.csv", now: Date())
            }
        }
        var values: [AbsoluteConfigKey: ConfigValue] = ["db.url": .init(.string("sqlite:\(path)"), isSecret: false), "log.level": "warning"]
        values.merge(settings) { $1 }
        let app = try await buildApplication(reader: ConfigReader(provider: InMemoryProvider(values: values)))
        try await app.test(.router) { client in try await test(client) }
    }
}

extension TestResponse {
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }
}
