import ArgumentParser
import Foundation
import WhistleCore
import WhistleServer
import WhistleStore

/// `whistle report daily|weekly|monthly --period …`: a bulletin from the database, as the API serves it.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print or save a bulletin: 日通报 (daily --period 2026-11-20), 周汇总 (weekly --period 2026-W47) or 月分析 (monthly --period 2026-11, the assessment period ending that month).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, xlsx, json }

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "daily, weekly or monthly.") var kind: String
    @Option(help: "The day, ISO week or month.") var period: String
    @Option(help: "csv (default), xlsx or json.") var format: Format = .csv
    @Option(help: "Language of the headers: zh (default) or en.") var lang: String = "zh"
    @Option(help: "Write to this file instead of standard output (required for xlsx).") var out: String?

    func validate() throws {
        guard ReportKind(rawValue: kind) != nil else { throw ValidationError("种类应为 daily、weekly 或 monthly / kind must be daily, weekly or monthly") }
        guard Bulletin.Language(rawValue: lang) != nil else { throw ValidationError("语言应为 zh 或 en / lang must be zh or en") }
        if format == .xlsx, out == nil { throw ValidationError("Excel 文件需要 --out / xlsx needs --out FILE") }
    }

    func run() async throws {
        let (kind, language, format, label) = (ReportKind(rawValue: kind)!, Bulletin.Language(rawValue: lang)!, format, period)
        let data = try await database.withStore { store in
            let schemes = try await PolicyRepository(store: store).all(AssessmentScheme.self)
            guard let period = Bulletins.period(kind, label, schemes: schemes) else {
                throw ValidationError("期间应为 2026-11-20、2026-W47 或 2026-11 / --period must be a day, ISO week or month")
            }
            let units = try await DispatchSources(store: store).units()
            let bulletin = try await Bulletins.make(
                period, reports: ReportRepository(store: store), whistles: WhistleRepository(store: store), schemes: schemes.isEmpty ? [.beijing] : schemes,
                units: Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { $1 }), taxonomy: try await TaxonomyRepository(store: store).taxonomy(), now: Date())
            switch format {
            case .csv: return CSV.data(bulletin.csvRows(language))
            case .xlsx: return try bulletin.workbook(language).xlsxData()
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                return try encoder.encode(bulletin)
            }
        }
        if let out {
            try data.write(to: URL(fileURLWithPath: out))
            print("已写入 written: \(out)")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
