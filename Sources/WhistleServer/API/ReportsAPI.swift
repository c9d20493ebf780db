import Foundation
import OpenAPIRuntime
import WhistleAPI
import WhistleCore
import WhistleStore

/// Bulletins over HTTP (日通报, 周汇总, 月分析): JSON for the console, CSV and Excel to download.
extension WhistleAPIHandler {
    func getReport(_ input: Operations.GetReport.Input) async throws -> Operations.GetReport.Output {
        let actor = try RequestActor.required()
        guard Bulletins.readers.contains(actor.role) else { throw ReportAccessError.mayNotRead }
        let kind = ReportKind(rawValue: input.path.kind.rawValue)!
        guard let period = Bulletins.period(kind, input.query.period, schemes: configuration.assessmentSchemes) else {
            throw RequestError.invalidParameter(name: "period", reason: "应为 2026-11-20、2026-W47 或 2026-11 / a day, ISO week or month expected")
        }
        let bulletin = try await Bulletins.make(
            period, reports: reports, whistles: whistles, schemes: configuration.assessmentSchemes, units: desk.advisor.units, taxonomy: desk.advisor.taxonomy, now: clock())
        let language = Bulletin.Language(rawValue: input.query.lang?.rawValue ?? "zh") ?? .zh
        let file = "whistle-\(kind.rawValue)-\(period.label)"
        switch input.query.format ?? .json {
        case .json:
            return .ok(.init(body: .json(try Bulletins.document(bulletin))))
        case .csv:
            return .ok(.init(headers: .init(contentDisposition: #"attachment; filename="\#(file).csv""#),
                             body: .csv(HTTPBody(CSV.data(bulletin.csvRows(language))))))
        case .xlsx:
            return .ok(.init(headers: .init(contentDisposition: #"attachment; filename="\#(file).xlsx""#),
                             body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(HTTPBody(try bulletin.workbook(language).xlsxData(modified: clock())))))
        }
    }
}

/// Making bulletins, for the API and for `whistle report`.
public enum Bulletins {
    /// Who reads bulletins: the centre's dispatchers, unit leaders, supervisors and administrators.
    static let readers: Set<Role> = [.dispatcher, .unitLeader, .supervisor, .administrator]

    /// The period a label names for the kind; months are the assessment periods rankings use.
    public static func period(_ kind: ReportKind, _ label: String, schemes: [AssessmentScheme]) -> ReportPeriod? {
        ReportPeriod(kind: kind, label: label, assessmentStartDay: AssessmentScheme.periodStartDay(among: schemes))
    }

    /// The bulletin of `period` from the rollups, the orders needing attention at `now`, and the whistles
    /// raised in the period; rates under the scheme in force on the period's first day.
    public static func make(
        _ period: ReportPeriod, reports: ReportRepository, whistles: WhistleRepository, schemes: [AssessmentScheme], units: [String: OrgUnit], taxonomy: Taxonomy, now: Date
    ) async throws -> Bulletin {
        let scheme = schemes.filter { $0.effectiveFrom <= period.firstDay }.max { $0.effectiveFrom < $1.effectiveFrom } ?? .beijing
        let volumes = try await reports.volumes(from: period.firstDay, through: period.lastDay)
        let overdue = try await reports.orders(.overdue, limit: Bulletin.listLimit)
        let supervised = try await reports.orders(.supervised, limit: Bulletin.listLimit)
        let yellow = try await reports.orders(.yellow(at: now), limit: 0)
        let raised = try await whistles.raised(
            from: period.firstDay.startInBeijing, to: period.lastDay.next.startInBeijing, district: nil)
        return Bulletin(.init(
            period: period, scheme: scheme, volumes: volumes,
            previousVolumes: try await reports.volumes(from: period.previousFirstDay, through: period.previousLastDay),
            tallies: try await reports.tallies(from: period.firstDay, through: period.lastDay),
            previousTallies: try await reports.tallies(from: period.previousFirstDay, through: period.previousLastDay),
            overdue: overdue.first, supervised: supervised.first, overdueNow: overdue.count, supervisedNow: supervised.count, yellowNow: yellow.count,
            whistles: WhistleFigures.summarise(raised, demandsInPeriod: (volumes[.channel] ?? [:]).values.reduce(0, +)),
            units: units, categoryNames: Dictionary(taxonomy.categories.map { ($0.code, $0.name) }, uniquingKeysWith: { $1 })))
    }

    /// The bulletin as the API's document: the same field names, so the Codable value converts as it is.
    static func document(_ bulletin: Bulletin) throws -> Components.Schemas.Bulletin {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Components.Schemas.Bulletin.self, from: encoder.encode(bulletin))
    }
}

/// Why a bulletin was not shown.
enum ReportAccessError: DomainError {
    case mayNotRead

    var code: String { "report.may_not_read" }
    var kind: DomainErrorKind { .forbidden }
    var messageZh: String { "只有派单员、单位负责人、督办和管理员可以查看通报" }
    var messageEn: String { "only dispatchers, unit leaders, supervisors and administrators read bulletins" }
}
