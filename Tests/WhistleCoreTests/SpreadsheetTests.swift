import Foundation
import Testing
@testable import WhistleCore

/// The spreadsheet writer: ZIP and XML details, CSV quoting, and a real spreadsheet program reading it back.
@Suite struct SpreadsheetTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(crc32(Data()) == 0)
    }

    @Test(arguments: [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (702, "ZZ"), (703, "AAA"), (16_384, "XFD")])
    func columnLetters(index: Int, letters: String) {
        #expect(columnName(index) == letters)
    }

    @Test func csvQuotesFieldsAndGuardsAgainstFormulas() {
        let rows: [[Cell]] = [
            [.text("单位"), .text("a,b"), .text("say \"hi\""), .text("two\nlines")],
            [.integer(-12), .number(2.5), .number(3), .percent(0.935), .empty, .number(.nan)],
            [.text("=1+1"), .text("+86 10"), .text("-5"), .text("@SUM(A1)"), .text("\tx"), .text("\rx"), .text("\r\nx"), .text("=A1,B1")],
        ]
        let records = [
            #"单位,"a,b","say ""hi""","two\#nlines""#,
            "-12,2.5,3,93.50%,,",
            #"'=1+1,'+86 10,'-5,'@SUM(A1),'\#tx,"'\#rx","'\#r\#nx","'=A1,B1""#,
        ]
        #expect(CSV.text(rows) == records.map { $0 + "\r\n" }.joined())
    }

    @Test func csvDataStartsWithAByteOrderMark() {
        #expect(Array(CSV.data([[.text("满意率")]])) == [0xEF, 0xBB, 0xBF] + Array("满意率\r\n".utf8))
    }

    @Test func xmlEscapingDropsCharactersXMLCannotCarry() {
        #expect(xmlEscaped("a&b<c>\"d'\u{0}\u{8}\u{B}\u{1F}\t\n\r朝阳区😀\u{FFFE}") == "a&amp;b&lt;c&gt;&quot;d&apos;\t\n&#13;朝阳区😀")
    }

    @Test func sheetNamesAreValidAndUnique() {
        let long = String(repeating: "x", count: 40)
        #expect(sheetNames(["排名", "a/b:c", "", "'引号'", "History", "排名", long, long.uppercased()]) == [
            "排名", "a_b_c", "Sheet3", "引号", "History (2)", "排名 (2)",
            String(repeating: "x", count: 31), String(repeating: "X", count: 27) + " (2)",
        ])
    }

    @Test func dosTimestampUsesLocalWallClock() {
        let moment = Date(timeIntervalSince1970: 1_715_953_531) // 2024-05-17 13:45:31 UTC
        let utc = dosDateTime(moment, timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.time == 28_079) // 13 << 11 | 45 << 5 | 31 / 2
        #expect(utc.date == 22_705) // (2024 - 1980) << 9 | 5 << 5 | 17
        #expect(dosDateTime(moment, timeZone: TimeZone(identifier: "Asia/Shanghai")!).time == 44_463) // 21:45:31
    }

    @Test func oversizedSheetIsRejected() {
        let wide = Workbook(sheets: [Sheet(name: "wide", rows: [Array(repeating: .integer(1), count: 16_385)])])
        #expect(throws: SpreadsheetError.sheetTooLarge(sheet: "wide")) { try wide.xlsxData() }
    }

    @Test(.enabled(if: Self.executable("unzip") != nil, "unzip not on PATH"))
    func xlsxIsAValidZipArchive() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, workbook) in [("sample", Self.sampleWorkbook), ("empty", Workbook(sheets: []))] {
            let file = directory.appendingPathComponent("\(name).xlsx")
            try workbook.xlsxData().write(to: file)
            let result = try Self.run(Self.executable("unzip")!, ["-t", file.path])
            #expect(result.status == 0 && result.output.contains("No errors detected"), "\(name): \(result.output)")
            for entry in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"] {
                #expect(result.output.contains("testing: \(entry) "), "\(name): missing \(entry)")
            }
        }
    }

    /// Opens the workbook the way a user would, in a real spreadsheet program, and checks every sheet's values.
    @Test(.enabled(if: Self.executable("soffice") != nil || ProcessInfo.processInfo.environment["WHISTLE_REQUIRE_LIBREOFFICE"] != nil,
                "soffice not on PATH: apt-get install libreoffice-calc-nogui to run it"))
    func libreOfficeReadsEverySheet() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.xlsx")
        try Self.sampleWorkbook.xlsxData().write(to: file)

        // Filter options: comma, double quote, UTF-8, from line 1, default column formats, default language,
        // don't quote all text, detect special numbers, save cell contents as shown (so "93.50%" proves the
        // percent style), no formulas, keep spaces, and -1 = every sheet into report-<sheet name>.csv.
        let start = ContinuousClock.now
        let soffice = try #require(Self.executable("soffice"), "WHISTLE_REQUIRE_LIBREOFFICE is set but soffice is not on PATH")
        let result = try Self.run(soffice, [
            "-env:UserInstallation=\(directory.appendingPathComponent("profile").absoluteString)",
            "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir", directory.path, file.path,
        ])
        print("soffice conversion took \(ContinuousClock.now - start)")
        #expect(result.status == 0, "\(result.output)")

        func lines(_ sheet: String) throws -> [String] {
            let text = try String(contentsOf: directory.appendingPathComponent("report-\(sheet).csv"), encoding: .utf8)
            return text.split(whereSeparator: \.isNewline).map(String.init)
        }
        #expect(try lines("排名") == ["单位,受理量,满意率", "朝阳区,1234,93.50%", "海淀区,987,90.00%", "合计,2221,91.94%"])
        #expect(try lines("分类_明细") == ["类别,件数,说明", "供水,42,\"含,逗号 \"\"引号\"\"\"", "供暖,7,=SUM(B2:B3)", "其他,0.5,_x0041_"])
        #expect(try lines("宽表") == [(1...30).map { "C\($0)" }.joined(separator: ","), (1...30).map(String.init).joined(separator: ",")])
    }

    static let sampleWorkbook = Workbook(sheets: [
        Sheet(name: "排名", rows: [
            [.text("单位"), .text("受理量"), .text("满意率")],
            [.text("朝阳区"), .integer(1234), .percent(0.935)],
            [.text("海淀区"), .integer(987), .percent(0.9)],
            [.text("合计"), .integer(2221), .percent(0.9194)],
        ], columnWidths: [12, nil, 10]),
        Sheet(name: "分类/明细", rows: [
            [.text("类别"), .text("件数"), .text("说明")],
            [.text("供水"), .integer(42), .text("含,逗号 \"引号\"")],
            [.text("供暖"), .integer(7), .text("=SUM(B2:B3)")],
            [.text("其他"), .number(0.5), .text("_x0041_")],
        ]),
        Sheet(name: "宽表", rows: [(1...30).map { .text("C\($0)") }, (1...30).map { .integer($0) }]),
    ])

    static func executable(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spreadsheet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
