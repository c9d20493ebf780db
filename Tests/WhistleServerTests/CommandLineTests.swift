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
    @Test func serveTheDemoCityThenRestartOnTheSameFile() async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        let port = Int.random(in: 30_000...60_000)

        let first = try ServerProcess(arguments: ["serve", "--demo", "--db", "sqlite:\(path)", "--port", "\(port)"])
        try await first.waitUntilReady(port: port)
        let (status, body) = try await get(port, "/api/v1/units/110105/children?kind=street&limit=1000")
        #expect(status == 200)
        #expect(body.contains("望京街道") && body.contains("三里屯街道"))
        let (_, before) = try await get(port, "/api/v1/units/110105/children?limit=1000")
        // SIGTERM: graceful shutdown, exit status 0.
        #expect(try await first.stop(signal: SIGTERM) == 0)

        let second = try ServerProcess(arguments: ["serve", "--db", "sqlite:\(path)", "--port", "\(port)"])
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
            let server = try ServerProcess(arguments: ["serve", "--demo", "--db", url, "--port", "\(httpPort)"])
            try await server.waitUntilReady(port: httpPort)
            let (status, body) = try await get(httpPort, "/api/v1/units/110105/children?kind=area")
            #expect(status == 200 && body.contains("南磨房地区"))
            let (_, ready) = try await get(httpPort, "/readyz")
            #expect(ready.contains("postgres"))
            #expect(try await server.stop(signal: SIGTERM) == 0)
        }
    }

    /// A simulated day on the demo city, the same for the same seed, then its bulletin as an operator saves it.
    @Test func simulateADayAndReportOnIt() throws {
        var totals: [String] = []
        for _ in 0..<2 {
            let path = TestDatabase.temporarySQLitePath()
            defer { TestDatabase.removeSQLite(path) }
            let simulated = try runWhistle(["simulate", "--demo", "--db", "sqlite:\(path)", "--from", "2026-10-19", "--through", "2026-10-19",
                                            "--demands-per-year", "73000", "--now", "2026-11-01T00:00:00+08:00"])
            #expect(simulated.status == 0, "\(simulated.errors)")
            totals.append(simulated.output.components(separatedBy: " in ").first ?? "")
            let csv = try runWhistle(["report", "daily", "--period", "2026-10-19", "--db", "sqlite:\(path)"])
            let received = try #require(csv.output.split(separator: "\r\n").first { $0.hasPrefix("受理量,") })
            #expect(simulated.output.contains("generated: \(received.split(separator: ",")[1]) 件诉求"), "\(received) vs \(simulated.output)")
            let file = FileManager.default.temporaryDirectory.appending(path: "whistle-\(UUID().uuidString).xlsx")
            defer { try? FileManager.default.removeItem(at: file) }
            #expect(try runWhistle(["report", "monthly", "--period", "2026-11", "--format", "xlsx", "--out", file.path, "--db", "sqlite:\(path)"]).status == 0)
            #expect(try Data(contentsOf: file).prefix(2) == Data("PK".utf8))
        }
        #expect(totals[0] == totals[1] && totals[0].contains("件诉求"))
        let refused = try runWhistle(["report", "monthly", "--period", "2026-11", "--format", "xlsx"])
        #expect(refused.status != 0 && refused.errors.contains("--out"))
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
        let imported = try runWhistle(["import", "divisions", good.path, "--db", "sqlite:\(path)"])
        #expect(imported.status == 0)
        #expect(imported.output.contains("新增 new 5"))

        let bad = folder.appending(path: "bad.csv")
        try Data("""
            code,name,kind,parent_code
            110105027,大屯街道,street,110105
            1101050270,大屯,street,110105
            110105026,望京街道（改）,street,110105
            """.utf8).write(to: bad)
        let refused = try runWhistle(["import", "divisions", bad.path, "--db", "sqlite:\(path)"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("bad.csv:3:"))
        #expect(refused.errors.contains("9 位数字 / 9 digits"))

        let geojson = folder.appending(path: "grids.geojson")
        try Data(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"110105026001009"},"geometry":{"type":"Polygon","coordinates":[[[116.47,39.99],[116.48,39.99],[116.48,40.0],[116.47,39.99]]]}}]}"#.utf8).write(to: geojson)
        let grids = try runWhistle(["import", "grids", geojson.path, "--db", "sqlite:\(path)"])
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

    /// A new year's schedule arrives as data (JSON or iCalendar) and is recorded in the audit log.
    @Test func calendarImport() async throws {
        let path = TestDatabase.temporarySQLitePath()
        let folder = FileManager.default.temporaryDirectory.appending(path: "whistle-calendar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer {
            TestDatabase.removeSQLite(path)
            try? FileManager.default.removeItem(at: folder)
        }
        let json = folder.appending(path: "cn-2027.json")
        try Data(#"{"year":2027,"source":"测试通知","holidays":[{"nameZh":"元旦","nameEn":"New Year's Day","firstDay":"2027-01-01","lastDay":"2027-01-03"}],"makeUpWorkdays":["2027-01-09"]}"#.utf8).write(to: json)
        let imported = try runWhistle(["calendar", "import", json.path, "--db", "sqlite:\(path)"])
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(imported.output.contains("2027"))

        let ics = folder.appending(path: "cn-2028.ics")
        try Data("""
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20280101\r
            DTEND;VALUE=DATE:20280102\r
            SUMMARY:元旦\r
            END:VEVENT\r
            END:VCALENDAR\r

            """.utf8).write(to: ics)
        let fromICS = try runWhistle(["calendar", "import", ics.path, "--year", "2028", "--source", "测试", "--db", "sqlite:\(path)"])
        #expect(fromICS.status == 0, "\(fromICS.errors)")

        let broken = folder.appending(path: "broken.json")
        try Data(#"{"year":2029,"source":"x","holidays":[{"nameZh":"元旦","nameEn":"x","firstDay":"2030-01-01","lastDay":"2030-01-01"}],"makeUpWorkdays":[]}"#.utf8).write(to: broken)
        let refused = try runWhistle(["calendar", "import", broken.path, "--db", "sqlite:\(path)"])
        #expect(refused.status != 0)

        let store = try await SQLiteStore(path: path, logger: TestDatabase.logger)
        let years = try await store.withRunning { try await CalendarRepository(store: $0).all().map(\.year) }
        #expect(years == [2027, 2028])
    }

    @Test func ruleVersionsFromTheCommandLine() async throws {
        let path = TestDatabase.temporarySQLitePath()
        let file = FileManager.default.temporaryDirectory.appending(path: "whistle-rules-\(UUID().uuidString).json")
        defer {
            TestDatabase.removeSQLite(path)
            try? FileManager.default.removeItem(at: file)
        }
        let template = try runWhistle(["rules", "show", "--template"])
        #expect(template.status == 0)
        let edited = template.output.replacingOccurrences(of: "\"2021-09-24\"", with: "\"2027-01-01\"")
            .replacingOccurrences(of: "0.75", with: "0.8")
        try Data(edited.utf8).write(to: file)
        let saved = try runWhistle(["rules", "set", file.path, "--db", "sqlite:\(path)"])
        #expect(saved.status == 0 && saved.output.contains("2027-01-01"), "\(saved.errors)")
        let shown = try runWhistle(["rules", "show", "--db", "sqlite:\(path)"])
        #expect(shown.output.contains("\"yellowThreshold\" : 0.8"))

        try Data(edited.replacingOccurrences(of: "0.8", with: "1.8").utf8).write(to: file)
        let refused = try runWhistle(["rules", "set", file.path, "--db", "sqlite:\(path)"])
        #expect(refused.status != 0 && refused.errors.contains("黄灯阈值"))
    }

    /// The whistle's rules are versioned the same way, with `--whistle`; an invalid one is refused.
    @Test func whistleRuleVersionsFromTheCommandLine() throws {
        let path = TestDatabase.temporarySQLitePath()
        let file = FileManager.default.temporaryDirectory.appending(path: "whistle-policy-\(UUID().uuidString).json")
        defer {
            TestDatabase.removeSQLite(path)
            try? FileManager.default.removeItem(at: file)
        }
        let template = try runWhistle(["rules", "show", "--whistle", "--template"])
        #expect(template.status == 0 && template.output.contains("\"signInRadiusMetres\" : 500"))
        try Data(template.output.replacingOccurrences(of: "\"2021-09-24\"", with: "\"2027-01-01\"")
            .replacingOccurrences(of: ": 500", with: ": 300").utf8).write(to: file)
        let saved = try runWhistle(["rules", "set", "--whistle", file.path, "--db", "sqlite:\(path)"])
        #expect(saved.status == 0, "\(saved.errors)")
        #expect(try runWhistle(["rules", "show", "--whistle", "--db", "sqlite:\(path)"]).output.contains("\"signInRadiusMetres\" : 300"))
        try Data(template.output.replacingOccurrences(of: ": 500", with: ": -1").utf8).write(to: file)
        let refused = try runWhistle(["rules", "set", "--whistle", file.path, "--db", "sqlite:\(path)"])
        #expect(refused.status != 0 && refused.errors.contains("报到签到距离"))
    }

    /// `classifier eval` on generated labelled CSV (never the development data): cross-validation and a
    /// train/test pair print accuracy, macro-F1 and the confusion table; a file without the label column is refused.
    @Test func classifierEvalOnGeneratedData() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "whistle-classifier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let topics = [("路灯", "道路照明", "市政设施"), ("噪音", "夜间施工扰民", "环境保护"), ("工资", "拖欠农民工工资", "劳动保障")]
        func rows(_ range: Range<Int>) -> String {
            "title,detail,label\n" + range.flatMap { i in
                topics.map { "\"\($0.0)问题 \(i)\",\"小区附近\($0.1)，已经\(i % 7 + 1)天，请尽快处理\",\($0.2)" }
            }.joined(separator: "\n")
        }
        let all = folder.appending(path: "all.csv"), train = folder.appending(path: "train.csv"), test = folder.appending(path: "test.csv")
        try Data(rows(0..<30).utf8).write(to: all)
        try Data(rows(0..<20).utf8).write(to: train)
        try Data(rows(20..<30).utf8).write(to: test)
        let folds = try runWhistle(["classifier", "eval", "--data", all.path, "--folds", "3", "--baseline"])
        #expect(folds.status == 0, "\(folds.errors)")
        #expect(folds.output.contains("准确率 accuracy 1.000") && folds.output.contains("(90 条 examples)") && folds.output.contains("基线 baseline"))
        let pair = try runWhistle(["classifier", "eval", "--train", train.path, "--test", test.path])
        #expect(pair.status == 0 && pair.output.contains("(30 条 examples)") && pair.output.contains("recall"), "\(pair.errors)")
        let refused = try runWhistle(["classifier", "eval", "--data", all.path, "--label-column", "category"])
        #expect(refused.status != 0 && refused.errors.contains("category"))
    }

    @Test func helpGuidesANewOperator() throws {
        let help = try runWhistle(["--help"])
        #expect(help.status == 0)
        for command in ["serve", "migrate", "import", "demo-city"] { #expect(help.output.contains(command)) }
        let serve = try runWhistle(["serve", "--help"])
        #expect(serve.output.contains("--demo") && serve.output.contains("--db"))
    }
}
