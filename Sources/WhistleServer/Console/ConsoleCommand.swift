import Foundation
import Hummingbird
import WhistleCore
import WhistleStore

/// 指挥中心: for the person's scope (the city, their district or street, their unit), today's figures, the
/// traffic lights of open orders (yellow: due soon, red: overdue) and those under supervision, and the demands of
/// the last fortnight and of the last six periods as charts drawn here (SVG); the whistle board (live), the map
/// of demand density (see ConsoleMap.swift) and the streets' ranking of the assessment period in progress.
extension ConsoleRoutes {
    static let commandRoles: Set<Role> = [.supervisor, .administrator, .dispatcher, .unitLeader]

    func registerCommandCentre(on router: Router<WhistleRequestContext>) {
        router.get("console/command") { request, _ in try await command(request) }
        router.get("console/command/whistles") { request, _ in
            guard let session = signedIn(request) else { throw HTTPError(.unauthorized) }
            guard Self.commandRoles.contains(session.actor.role) else { throw HTTPError(.forbidden) }
            return HTML.response(whistleTable(try await visibleWhistles(.open, for: session.actor), ConsoleLanguage(request), id: "open-whistles"))
        }
    }

    private func command(_ request: Request) async throws -> Response {
        try await workList(request, status: .ok, roles: Self.commandRoles, title: { $0("指挥中心", "Command centre") }) { l, session in
            let now = clock()
            let today = CalendarDay(beijing: now)
            let scope = commandScope(session.actor)
            var days: [(label: String, value: Int)] = []
            for offset in (0..<14).reversed() {
                let day = today.adding(days: -offset)
                days.append((String(day.description.suffix(5)), try await received(from: day, through: day, in: scope)))
            }
            let schemes = configuration.assessmentSchemes
            let current = AssessmentPeriod(containing: now, startDay: AssessmentScheme.periodStartDay(among: schemes))!
            var periods: [(label: String, value: Int)] = []
            var period = current.previous.previous.previous.previous.previous
            while period <= current {
                periods.append((period.label, try await received(from: period.firstDay, through: min(period.lastDay, today), in: scope)))
                period = period.next
            }
            let yellow = try await reports.orders(.yellow(at: now), in: scope, limit: 20)
            let overdue = try await reports.orders(.overdue, in: scope, limit: 20)
            let supervised = try await reports.orders(.supervised, in: scope, limit: 20)
            let whistles = try await visibleWhistles(.open, for: session.actor)
            let units = desk.advisor.units
            let rules = configuration.rules(at: now)
            /// Each order with its unit, and when it was dispatched or (`due`) when its resolution is due.
            func list(_ orders: [(demand: Demand, order: WorkOrder)], due: Bool = false) -> String {
                orders.isEmpty ? "<p>\(l("无", "None"))</p>" : "<ul>" + orders.map { demand, order in
                    let when = due
                        ? "\(l("时限", "due")) \(ConsoleBadges.time(try? order.resolution.dueAt(rules.calendar(forUnit: order.unitCode))))"
                        : "\(l("派单", "dispatched")) \(ConsoleBadges.time(order.dispatchedAt))"
                    return "<li>\(HTML.escape(demand.number)) · \(HTML.escape(units[order.unitCode]?.name ?? order.unitCode)) · \(when)</li>"
                }.joined() + "</ul>"
            }
            let events = WhistleEventKind.allCases.map(\.rawValue).joined(separator: " ")
            let scopeName = switch scope {
            case .city: units[desk.advisor.cityCode ?? ""]?.name ?? l("全市", "The city")
            case let .unit(code), let .area(code): units[code]?.name ?? code
            }
            // A unit's receipts are the orders dispatched to it as primary (派单量); an area's, the demands located there.
            let (receivedToday, receivedDays, receivedPeriods) = if case .unit = scope {
                (l("今日派单（主办）", "dispatched to the unit today"), l("近 14 日派单量（主办）", "Orders dispatched, last 14 days"),
                 l("各考核周期派单量（主办）", "Orders dispatched by assessment period"))
            } else {
                (l("今日受理", "received today"), l("近 14 日受理量", "Demands received, last 14 days"),
                 l("各考核周期受理量", "Demands received by assessment period"))
            }
            return calendarWarning(l) + """
                <p class="meta" id="scope">\(l("范围", "Scope"))：\(HTML.escape(scopeName))</p>
                <ul class="figures"><li><b id="received-today">\(days.last?.value ?? 0)</b>\(receivedToday)</li>\
                <li><b id="yellow-now">\(yellow.count)</b>\(l("临期（黄灯）", "due soon (yellow)"))</li>\
                <li><b id="overdue-now">\(overdue.count)</b>\(l("超期待处置（红灯）", "overdue, pending (red)"))</li>\
                <li><b id="supervised-now">\(supervised.count)</b>\(l("督办中", "under supervision"))</li>\
                <li><b id="whistles-open">\(whistles.count)</b>\(l("处置中的吹哨", "whistles open"))</li></ul>
                <section class="card"><h2>\(l("吹哨看板", "Whistle board"))</h2><div id="whistle-board" data-stream="/api/v1/whistle-stream" \
                data-part="/console/command/whistles" data-events="\(events)">\(whistleTable(whistles, l, id: "open-whistles"))</div></section>
                <div class="columns"><section class="card"><h2>\(receivedDays)</h2>\(ConsoleCharts.bars(days, label: receivedDays))</section>
                <section class="card"><h2>\(receivedPeriods)</h2>\(ConsoleCharts.bars(periods, label: receivedPeriods))</section></div>
                \(try await densityMap(request, session.actor, l))
                \(try await streetRanking(current, session.actor, l))
                <div class="columns"><section class="card" id="due-soon"><h2>\(l("临期：最先到期的工单", "Due soon: the nearest deadlines"))</h2>\(list(yellow.first, due: true))</section>
                <section class="card"><h2>\(l("超期待处置", "Overdue"))</h2>\(list(overdue.first))</section>
                <section class="card"><h2>\(l("督办", "Under supervision"))</h2>\(list(supervised.first))</section></div>
                """
        }
    }

    /// Whose figures the page shows: the whole city for the centre and the city's people; a district's, street's
    /// or community's people their area (the orders of every unit under it); a department's leader their unit.
    private func commandScope(_ actor: Actor) -> ReportRepository.Scope {
        let code = actor.unitCode
        if code == desk.advisor.cityCode || actor.role == .dispatcher { return .city }
        return code.contains("-") ? .unit(code) : .area(code)
    }

    /// What came in over the days, from the rollups: demands received in the city or in an area (by street and
    /// district, or by community for a community); for a unit, the orders dispatched to it as primary (派单量).
    private func received(from first: CalendarDay, through last: CalendarDay, in scope: ReportRepository.Scope) async throws -> Int {
        switch scope {
        case .city: try await reports.volumes(.channel, from: first, through: last).values.reduce(0, +)
        case let .area(code): try await reports.volumes(code.count <= 9 ? .area : .place, under: code, from: first, through: last).values.reduce(0, +)
        case let .unit(code): try await reports.tally(of: code, from: first, through: last).filed
        }
    }

    /// The streets (街乡镇) of the person's district, or of the city, ranked on the period so far under the
    /// scheme that assesses it: the best ten by 综合成绩 (what units are ranked by), as bars.
    private func streetRanking(_ period: AssessmentPeriod, _ actor: Actor, _ l: ConsoleLanguage) async throws -> String {
        let units = desk.advisor.units
        let district = actor.unitCode.count == 6 && actor.unitCode != desk.advisor.cityCode ? actor.unitCode : ""
        let snapshot = try await LiveRanking(reports: reports, whistles: whistles, schemes: configuration.assessmentSchemes)
            .snapshot(period, .streets, units: units, area: district, at: clock())
        let ranked = snapshot.rows.filter { $0.rank != nil }
        let title = l("街乡镇综合成绩排名（\(period.label) 考核周期至今）", "Streets by composite score (period \(period.label) so far)")
        guard !ranked.isEmpty else { return "<section class=\"card\"><h2>\(title)</h2><p>\(l("本周期尚无可排名的单位。", "No unit can be ranked yet this period."))</p></section>" }
        let best = ranked.prefix(10).map { row in
            (label: "\(row.rank ?? 0). \(units[row.unitCode]?.name ?? row.unitCode)", value: row.score?.result ?? 0)
        }
        return "<section class=\"card\" id=\"ranking\"><h2>\(HTML.escape(title))</h2>\(ConsoleCharts.horizontalBars(best, label: title))"
            + "<p class=\"meta\">\(l("共 \(ranked.count) 个街乡镇参与排名", "\(ranked.count) streets ranked"))</p></section>"
    }
}
