import Foundation
import Hummingbird
import WhistleCore
import WhistleStore

/// 通报: the daily, weekly and monthly bulletins on screen, table by table as the spreadsheet has them, with
/// the CSV and Excel downloads of the API beside them.
extension ConsoleRoutes {
    func registerReports(on router: Router<WhistleRequestContext>) {
        router.get("console/reports") { request, _ in try await reportPage(request) }
    }

    private func reportPage(_ request: Request) async throws -> Response {
        var form = ConsoleForm()
        let kind = request.uri.queryParameters["kind"].flatMap { ReportKind(rawValue: String($0)) } ?? .daily
        let now = clock()
        let schemes = configuration.assessmentSchemes
        let label = request.uri.queryParameters["period"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        form.values = ["kind": kind.rawValue, "period": label.isEmpty ? Self.currentLabel(kind, now: now, schemes: schemes) : label]
        let period = Bulletins.period(kind, form.values["period"] ?? "", schemes: schemes)
        if period == nil { form.errors["period"] = ConsoleLanguage(request)("应为 2026-11-20、2026-W47 或 2026-11", "a day (2026-11-20), an ISO week (2026-W47) or a month (2026-11)") }
        return try await workList(request, status: period == nil ? .badRequest : .ok, roles: Bulletins.readers, title: { $0("通报", "Bulletins") }) { l, _ in
            let kinds = ReportKind.allCases.map { ($0.rawValue, l($0.nameZh, $0.nameEn)) }
            var html = """
                <form method="get" action="/console/reports" class="card inline">\(form.select("kind", l("类型", "Kind"), kinds))\
                \(form.field("period", l("周期", "Period"), required: true, hint: l("日：2026-11-20；周：2026-W47；月：2026-11（考核周期）", "day 2026-11-20; week 2026-W47; month 2026-11 (assessment period)")))\
                <button type="submit">\(l("查看", "Show"))</button></form>
                """
            guard let period else { return html }
            let bulletin = try await Bulletins.make(
                period, reports: reports, whistles: whistles, schemes: schemes, units: desk.advisor.units, taxonomy: desk.advisor.taxonomy, now: now)
            let download = "/api/v1/reports/\(kind.rawValue)?period=\(HTML.escape(period.label))&lang=\(l.rawValue)"
            html += """
                <p class="downloads"><a href="\(download)&amp;format=xlsx" download>\(l("下载 Excel", "Download Excel"))</a> · \
                <a href="\(download)&amp;format=csv" download>\(l("下载 CSV", "Download CSV"))</a></p>
                """
            for sheet in bulletin.workbook(l == .zh ? .zh : .en).sheets { html += Self.table(sheet) }
            return html
        }
    }

    /// The period in progress of each kind: today, this ISO week, this assessment period.
    static func currentLabel(_ kind: ReportKind, now: Date, schemes: [AssessmentScheme]) -> String {
        let today = CalendarDay(beijing: now)
        switch kind {
        case .daily: return today.description
        case .weekly:
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600)!
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: now)
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? today.year, parts.weekOfYear ?? 1)
        case .monthly: return AssessmentPeriod(containing: now, startDay: AssessmentScheme.periodStartDay(among: schemes))!.label
        }
    }

    /// A sheet as a table: its first row is the header.
    static func table(_ sheet: Sheet) -> String {
        func cell(_ cell: Cell, header: Bool) -> String {
            let tag = header ? "th" : "td"
            return switch cell {
            case let .text(text): "<\(tag)>\(HTML.escape(text))</\(tag)>"
            case let .integer(value): "<\(tag) class=\"n\">\(value)</\(tag)>"
            case let .number(value): "<\(tag) class=\"n\">\(value.isFinite ? String(format: "%.2f", value) : "")</\(tag)>"
            case let .percent(value): "<\(tag) class=\"n\">\(value.isFinite ? String(format: "%.1f%%", value * 100) : "")</\(tag)>"
            case .empty: "<\(tag)></\(tag)>"
            }
        }
        let head = sheet.rows.first.map { "<thead><tr>" + $0.map { cell($0, header: true) }.joined() + "</tr></thead>" } ?? ""
        let body = sheet.rows.dropFirst().map { "<tr>" + $0.map { cell($0, header: false) }.joined() + "</tr>" }.joined()
        return "<section class=\"card\"><h2>\(HTML.escape(sheet.name))</h2><div class=\"table-wrap\"><table class=\"list\">\(head)<tbody>\(body)</tbody></table></div></section>"
    }
}
