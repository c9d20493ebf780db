import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WhistleCore

/// Bulletins over HTTP on a day of two demands: the figures in JSON, the CSV download, the Excel download
/// opened in LibreOffice with its sheets and totals, who may read them, and `whistle report`.
@Suite struct ReportsAPITests {
    static let people = TestApp.people.merging(["zls": (.departmentHandler, "110000-ZLS"), "city-supervisor": (.supervisor, "110000")]) { $1 }
    /// Monday 2 March 2026, 09:00 Beijing time: ISO week 10, assessment month 2026-03 (19 February to 18 March).
    static let monday = CalendarDay(year: 2026, month: 3, day: 2)!.startInBeijing.addingTimeInterval(9 * 3_600)

    /// Two phone demands: one handled by 自来水集团 and called back 满意, one dispatched to 城管委 and supervised.
    static func day(_ client: any TestClientProtocol, _ tokens: [String: String]) async throws {
        func act(_ id: String, _ who: String, _ action: String) async throws -> [String: Any] {
            let response = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens[who], json: action)
            #expect(response.status == .ok, "\(action): \(response.text)")
            return response.object
        }
        func order(_ demand: [String: Any]) -> String { ((demand["orders"] as? [[String: Any]])?.first?["id"] as? String) ?? "" }
        var ids: [String] = []
        for _ in 0..<2 { ids.append(try #require(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: DemandsAPITests.draft).object["id"] as? String)) }
        let water = order(try await act(ids[0], "dispatcher", #"{"action":"dispatch","primaryUnit":"110000-ZLS","deadlineClass":"utilities"}"#))
        _ = try await act(ids[0], "zls", #"{"action":"sign_for","order":"\#(water)"}"#)
        _ = try await act(ids[0], "zls", #"{"action":"report_result","order":"\#(water)","summary":"已修复"}"#)
        _ = try await act(ids[0], "callback", #"{"action":"record_callback","callback":{"valid":true,"contacted":true,"solved":true,"satisfaction":"satisfied"}}"#)
        let city = order(try await act(ids[1], "dispatcher", #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#))
        _ = try await act(ids[1], "city-supervisor", #"{"action":"supervise","order":"\#(city)","note":"群众反映强烈"}"#)
    }

    @Test func bulletinsInJSONAndCSV() async throws {
        try await TestApp.withClient(people: Self.people, clock: { Self.monday }) { client, tokens in
            try await Self.day(client, tokens)
            let daily = try await client.send(.get, "/api/v1/reports/daily?period=2026-03-02", as: tokens["city-supervisor"])
            #expect(daily.status == .ok, "\(daily.text)")
            let summary = try #require(daily.object["summary"] as? [String: Any])
            #expect(summary["received"] as? Int == 2 && summary["previousReceived"] as? Int == 0 && summary["filed"] as? Int == 2)
            #expect(summary["supervisedNow"] as? Int == 1 && (summary["score"] as? [String: Any])?["composite"] as? Double == 100)
            #expect(summary["yellowNow"] as? Int == 0)  // Monday's orders are far from their deadlines
            #expect((daily.object["byChannel"] as? [[String: Any]])?.map { $0["key"] as? String } == ["phone"])
            #expect((daily.object["supervised"] as? [[String: Any]])?.first?["unitName"] as? String == "朝阳区城市管理委员会")
            let units = try #require(daily.object["units"] as? [[String: Any]])
            #expect(units.first { $0["unitCode"] as? String == "110000-ZLS" }?["validCallbacks"] as? Int == 1)
            // The week and the month hold the same day; the day before holds nothing.
            for path in ["weekly?period=2026-W10", "monthly?period=2026-03"] {
                let report = try await client.send(.get, "/api/v1/reports/\(path)", as: tokens["dispatcher"])
                #expect((report.object["summary"] as? [String: Any])?["received"] as? Int == 2, "\(path): \(report.text)")
            }
            #expect((try await client.send(.get, "/api/v1/reports/monthly?period=2026-03", as: tokens["dispatcher"]).object["firstDay"] as? String) == "2026-02-19")
            let before = try await client.send(.get, "/api/v1/reports/daily?period=2026-03-01", as: tokens["supervisor"])
            #expect((before.object["summary"] as? [String: Any])?["received"] as? Int == 0)

            let csv = try await client.send(.get, "/api/v1/reports/daily?period=2026-03-02&format=csv", as: tokens["cgw-leader"])
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition] == #"attachment; filename="whistle-daily-2026-03-02.csv""#)
            #expect(csv.text.hasPrefix("\u{FEFF}日通报 2026-03-02（2026-03-02 至 2026-03-02）") && csv.text.contains("\r\n合计,,2,0,100.00%\r\n"))
            let english = try await client.send(.get, "/api/v1/reports/daily?period=2026-03-02&format=csv&lang=en", as: tokens["cgw-leader"])
            #expect(english.text.contains("Daily bulletin 2026-03-02") && english.text.contains("\r\nTotal,,2,0,100.00%\r\n"))

            // Who reads bulletins, and labels that name no period.
            for who in ["agent", "callback", "cgw", "wangjing"] {
                #expect(try await client.send(.get, "/api/v1/reports/daily?period=2026-03-02", as: tokens[who]).status == .forbidden, "\(who)")
            }
            #expect(try await client.send(.get, "/api/v1/reports/daily?period=2026-03-02").status == .unauthorized)
            for bad in ["daily?period=2026-02-30", "weekly?period=2026-10", "monthly?period=2026-13", "daily?period=2026-03-02&format=pdf"] {
                let refused = try await client.send(.get, "/api/v1/reports/\(bad)", as: tokens["supervisor"])
                #expect(refused.status == .badRequest, "\(bad): \(refused.text)")
            }
        }
    }

    /// The Excel download as a person opens it: LibreOffice converts every sheet, and the figures and totals
    /// are the ones the JSON gave.
    @Test(.enabled(if: SpreadsheetSupport.soffice != nil || ProcessInfo.processInfo.environment["WHISTLE_REQUIRE_LIBREOFFICE"] != nil))
    func theExcelBulletinOpensInLibreOffice() async throws {
        try await TestApp.withClient(people: Self.people, clock: { Self.monday }) { client, tokens in
            try await Self.day(client, tokens)
            let xlsx = try await client.send(.get, "/api/v1/reports/daily?period=2026-03-02&format=xlsx", as: tokens["city-supervisor"])
            #expect(xlsx.status == .ok && xlsx.headers[.contentDisposition] == #"attachment; filename="whistle-daily-2026-03-02.xlsx""#)
            let sheets = try SpreadsheetSupport.sheets(of: Data(xlsx.body.readableBytesView))
            #expect(sheets.keys.sorted() == ["单位成绩", "各区", "概要", "渠道", "热点问题", "督办", "类型", "超期待处置"].sorted())
            #expect(sheets["概要"]?.prefix(2) == ["指标,本期,上期", "受理量,2,0"])
            #expect(sheets["概要"]?.contains("满意率,100.00%,") == true)
            #expect(sheets["渠道"] == ["编码,渠道,本期,上期,占比", "phone,电话,2,0,100.00%", "合计,,2,0,100.00%"])
            #expect(sheets["督办"]?.count == 2 && sheets["督办"]?.last?.contains("朝阳区城市管理委员会") == true)
        }
    }
}

/// Opening a workbook in LibreOffice (`soffice --headless`), every sheet converted to CSV.
enum SpreadsheetSupport {
    static let soffice = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/soffice" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Sheet name → its lines as LibreOffice shows them.
    static func sheets(of workbook: Data) throws -> [String: [String]] {
        let soffice = try #require(soffice, "WHISTLE_REQUIRE_LIBREOFFICE is set but soffice is not on PATH")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whistle-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bulletin.xlsx")
        try workbook.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: soffice)
        // Comma, quote, UTF-8, cells as shown (so a percent reads 100.00%), -1 = every sheet to bulletin-<sheet>.csv.
        process.arguments = [
            "-env:UserInstallation=\(directory.appendingPathComponent("profile").absoluteString)", "--headless",
            "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir", directory.path, file.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var sheets: [String: [String]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasPrefix("bulletin-") && name.hasSuffix(".csv") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            sheets[String(name.dropFirst("bulletin-".count).dropLast(4))] = text.split(whereSeparator: \.isNewline).map(String.init)
        }
        return sheets
    }
}
