import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing
import WhistleServer
import WhistleStore

@Suite struct OperationalRoutesTests {
    @Test func healthReadinessMetricsAndDocument() async throws {
        try await TestApp.withClient { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.object["engine"] as? String == "sqlite")

            _ = try await client.execute(uri: "/api/v1/units/999999", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            // Problem responses are counted with their real status, not as failures.
            #expect(metrics.text.contains("http_route=\"/api/v1/units/{code}\",http_request_method=\"GET\",http_response_status_code=\"404\""))

            let document = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(document.status == .ok)
            #expect(document.text.hasPrefix("openapi: 3.1.0"))
            // The reference page lists every operation of the document, and every schema.
            let page = try await client.execute(uri: "/api/reference", method: .get)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            let operations = document.text.split(separator: "\n").filter { $0.contains("operationId:") }
                .map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) }
            #expect(operations.count > 30)
            for operation in operations { #expect(page.text.contains("id=\"op-\(operation)\""), "\(operation) is on the reference page") }
            #expect(page.text.contains("id=\"schema-DemandDraft\"") && page.text.contains("/api/v1/suggestions"))
        }
    }

    /// With migrations left to `whistle migrate`, the server runs but is not ready.
    @Test func notReadyWhileMigrationsArePending() async throws {
        try await TestApp.withClient(seed: nil, settings: ["db.migrate": false]) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect((ready.object["reason"] as? String)?.contains("0001_city_model") == true)
        }
    }

    /// The acceptance check of the demo city: Chaoyang's streets and areas.
    @Test func demoCityServesChaoyang() async throws {
        try await TestApp.withClient(seed: nil, settings: ["demo": true]) { client in
            let response = try await client.execute(uri: "/api/v1/units/110105/children?limit=1000", method: .get)
            let items = response.object["items"] as? [[String: Any]] ?? []
            let names = items.compactMap { $0["name"] as? String }
            #expect(names.contains("望京街道") && names.contains("南磨房地区") && names.contains("朝阳区城市管理委员会"))
            #expect(items.count { ["street", "area"].contains($0["kind"] as? String) } == 43)
        }
    }
}

@Suite struct ServerSettingsTests {
    /// Command line over environment over config file over defaults.
    @Test func sourcesArePrioritised() async throws {
        let file = FileManager.default.temporaryDirectory.appending(path: "whistle-\(UUID().uuidString).json")
        try Data(#"{"db": {"url": "sqlite:from-file.sqlite"}, "log": {"level": "debug", "format": "text"}, "demo": true}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let environment = EnvironmentVariablesProvider(environmentVariables: ["WHISTLE_LOG_LEVEL": "error", "WHISTLE_DB_URL": "sqlite:from-env.sqlite"])
        let fileProvider = try await FileProvider<JSONSnapshot>(config: ConfigReader(provider: InMemoryProvider(values: ["filePath": .init(.string(file.path), isSecret: false)])))
        let layered = ConfigReader(providers: [
            InMemoryProvider(values: ["db.url": "sqlite:from-command-line.sqlite"]),
            environment.prefixKeys(with: ["whistle"]),
            fileProvider,
        ])
        let settings = try ServerSettings(reader: layered)
        #expect(settings.database == .sqlite(path: "from-command-line.sqlite"))
        #expect(settings.logLevel == .error)
        #expect(settings.logFormat == .text)
        #expect(settings.demo)
        #expect(settings.migrateOnStart)

        let defaults = try ServerSettings(reader: ConfigReader(provider: InMemoryProvider(values: [:])))
        #expect(defaults.database == .sqlite(path: "whistle.sqlite"))
        #expect(!defaults.demo && defaults.logFormat == .json && defaults.logLevel == .info)
    }

    @Test func aBadDatabaseURLIsRefused() {
        #expect(throws: StoreError.self) {
            try ServerSettings(reader: ConfigReader(provider: InMemoryProvider(values: ["db.url": "mysql://nope"])))
        }
    }
}
