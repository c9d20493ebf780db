import Foundation
import Testing
import WhistleCore
import WhistleStore
import WhistleTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Drives the real `whistle` executable the way an operator does: processes, files, signals, HTTP.
@Suite(.serialized) struct CommandLineTests {
    static let executable: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../..").standardized
        return root.appending(path: ".build/debug/whistle")
    }()

    @Test func serveTheDemoCityThenRestartOnTheSameFile() async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        let port = Int.random(in: 30_000...60_000)

        let first = try Server(arguments: ["serve", "--demo", "--db", "sqlite:\(path)", "--port", "\(port)"])
        try await first.waitUntilReady(port: port)
        let (status, body) = try await get(port, "/api/v1/units/110105/children?kind=street&limit=1000")
        #expect(status == 200)
        #expect(body.contains("望京街道") && body.contains("三里屯街道"))
        let (_, before) = try await get(port, "/api/v1/units/110105/children?limit=1000")
        // SIGTERM: graceful shutdown, exit status 0.
        #expect(try await first.stop(signal: SIGTERM) == 0)

        let second = try Server(arguments: ["serve", "--db", "sqlite:\(path)", "--port", "\(port)"])
        try await second.waitUntilReady(port: port)
        let (_, after) = try await get(port, "/api/v1/units/110105/children?limit=1000")
        #expect(after == before)
        #expect(try await second.stop(signal: SIGINT) == 0)
    }

    @Test(.enabled(if: TestDatabase.postgresAdminURL != nil, "needs PostgreSQL (WHISTLE_TEST_POSTGRES_URL)"))
    func serveOnPostgres() async throws {
        try await TestDatabase.withLocation(.postgres) { location in
            guard case let .postgres(host, port, user, _, database, _) = location else { return }
            let url = "postgres://\(user)@\(host):\(port)/\(database)"
            let httpPort = Int.random(in: 30_000...60_000)
            let server = try Server(arguments: ["serve", "--demo", "--db", url, "--port", "\(httpPort)"])
            try await server.waitUntilReady(port: httpPort)
            let (status, body) = try await get(httpPort, "/api/v1/units/110105/children?kind=area")
            #expect(status == 200 && body.contains("南磨房地区"))
            let (_, ready) = try await get(httpPort, "/readyz")
            #expect(ready.contains("postgres"))
            #expect(try await server.stop(signal: SIGTERM) == 0)
        }
    }

    /// A file with a bad row is refused whole: the error names file and line, and the database is unchanged.
    @Test func importRefusesABadFileAndChangesNothing() async throws {
        let path = TestDatabase.temporarySQLitePath()
        let folder = FileManager.default.temporaryDirectory.appending(path: "whistle-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer {
            TestDatabase.removeSQLite(path)
            try? FileManager.default.removeItem(at: folder)
        }
        let good = folder.appending(path: "good.csv")
        try Data("""
            code,name,kind,parent_code,population
            110000,北京市,city,,
            110105,朝阳区,district,110000,3452460
            110105026,望京街道,street,110105,
            110105026001,望京西园一区社区,community,110105026,5000
            110105026001001,望京西园一区社区第1网格,grid,110105026001,
            """.utf8).write(to: good)
        let imported = try run(["import", "divisions", good.path, "--db", "sqlite:\(path)"])
        #expect(imported.status == 0)
        #expect(imported.output.contains("新增 new 5"))

        let bad = folder.appending(path: "bad.csv")
        try Data("""
            code,name,kind,parent_code
            110105027,大屯街道,street,110105
            1101050270,大屯,street,110105
            110105026,望京街道（改）,street,110105
            """.utf8).write(to: bad)
        let refused = try run(["import", "divisions", bad.path, "--db", "sqlite:\(path)"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("bad.csv:3:"))
        #expect(refused.errors.contains("9 位数字 / 9 digits"))

        let geojson = folder.appending(path: "grids.geojson")
        try Data(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"110105026001009"},"geometry":{"type":"Polygon","coordinates":[[[116.47,39.99],[116.48,39.99],[116.48,40.0],[116.47,39.99]]]}}]}"#.utf8).write(to: geojson)
        let grids = try run(["import", "grids", geojson.path, "--db", "sqlite:\(path)"])
        #expect(grids.status != 0)
        #expect(grids.errors.contains("110105026001009"))

        let store = try await SQLiteStore(path: path, logger: TestDatabase.logger)
        let (count, street) = try await store.withRunning { store in
            let units = UnitRepository(store: store)
            return (try await units.count(), try await units.unit(code: "110105026"))
        }
        #expect(count == 5)
        #expect(street?.name == "望京街道")
    }

    @Test func helpGuidesANewOperator() throws {
        let help = try run(["--help"])
        #expect(help.status == 0)
        for command in ["serve", "migrate", "import", "demo-city"] { #expect(help.output.contains(command)) }
        let serve = try run(["serve", "--help"])
        #expect(serve.output.contains("--demo") && serve.output.contains("--db"))
    }

    // MARK: - Helpers

    struct Finished { var status: Int32; var output: String; var errors: String }

    func run(_ arguments: [String]) throws -> Finished {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
    }

    /// A server process whose logs go to a file (a pipe nobody reads would fill up and stall it).
    final class Server: Sendable {
        let process: Process
        let log: URL

        init(arguments: [String]) throws {
            log = FileManager.default.temporaryDirectory.appending(path: "whistle-serve-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process = Process()
            process.executableURL = CommandLineTests.executable
            process.arguments = arguments + ["--log-format", "text"]
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        func waitUntilReady(port: Int) async throws {
            for _ in 0..<300 {
                if !process.isRunning { break }
                if let (status, _) = try? await get(port, "/readyz"), status == 200 { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            process.terminate()
            Issue.record("server did not become ready; its log:\n\(logged)")
            throw CancellationError()
        }

        func stop(signal: Int32) async throws -> Int32 {
            kill(process.processIdentifier, signal)
            for _ in 0..<150 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            if process.isRunning {
                process.interrupt()
                Issue.record("server did not stop within 15 s of signal \(signal)")
            }
            try? FileManager.default.removeItem(at: log)
            return process.terminationStatus
        }
    }
}

func get(_ port: Int, _ path: String) async throws -> (Int, String) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}
