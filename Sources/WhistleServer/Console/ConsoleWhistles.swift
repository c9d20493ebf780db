import Foundation
import HTTPTypes
import Hummingbird
import WhistleCore
import WhistleStore

/// 吹哨看板: a street (community, grid) blows the whistle and picks the units (点单); the summoned units
/// acknowledge and sign in on site (报到); both keep the joint-handling log; the whistler closes and scores
/// (一哨一考核). The board follows the whistle live: the page listens to the whistle stream
/// (`/api/v1/whistle-stream`, Server-Sent Events) and reloads the board's part rendered here.
extension ConsoleRoutes {
    /// Everyone who blows, answers or watches whistles; what each sees is `WhistleAccess`'s rule.
    static let whistleRoles: Set<Role> = [
        .streetCoordinator, .communityStaff, .gridWorker, .departmentHandler, .unitLeader, .supervisor, .administrator, .dispatcher,
    ]
    /// Roles that whistle for their own unit (the core's rule, for showing the form).
    private static let whistlerRoles: Set<Role> = [.streetCoordinator, .communityStaff, .gridWorker]

    /// The whistles in `status` the person may see, newest first.
    func visibleWhistles(_ status: WhistleStatus, for actor: Actor, limit: Int = 100) async throws -> [Whistle] {
        let unit = DemandAccess.isCityWide(actor) ? nil : actor.unitCode
        return try await whistles.list(status: status, involving: unit, district: nil, after: nil, limit: limit).items
            .filter { WhistleAccess.canView($0, as: actor) }
    }

    func registerWhistles(on router: Router<WhistleRequestContext>) {
        router.get("console/whistles") { request, _ in try await whistleList(request, form: ConsoleForm()) }
        router.post("console/whistles") { request, _ in try await raiseWhistle(request) }
        router.get("console/whistles/:id") { request, context in try await whistleBoard(request, id: context.parameters.get("id") ?? "", form: ConsoleForm()) }
        router.get("console/whistles/:id/board") { request, context in try await boardPart(request, id: context.parameters.get("id") ?? "") }
        router.post("console/whistles/:id/:step") { request, context in
            try await actOnWhistle(request, id: context.parameters.get("id") ?? "", step: context.parameters.get("step") ?? "")
        }
    }

    // MARK: - The list and the whistle form

    private func whistleList(_ request: Request, form: ConsoleForm, status: HTTPResponse.Status = .ok) async throws -> Response {
        try await workList(request, status: status, roles: Self.whistleRoles, title: { $0("吹哨报到", "Whistles") }) { l, session in
            var html = try raiseForm(form, session, l)
            html += "<h2>\(l("处置中", "Open"))</h2>" + whistleTable(try await visibleWhistles(.open, for: session.actor), l, id: "open-whistles")
            html += "<h2>\(l("最近结束", "Recently closed"))</h2>" + whistleTable(try await visibleWhistles(.closed, for: session.actor, limit: 20), l, id: "closed-whistles")
            return html
        }
    }

    /// The whistle form, for a person who whistles for a unit that may whistle: the units it may summon are
    /// offered as check boxes (点单), as `WhistleRules` allows them.
    private func raiseForm(_ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) throws -> String {
        let units = desk.advisor.units
        guard Self.whistlerRoles.contains(session.actor.role), let whistler = units[session.actor.unitCode],
              WhistleRules.level(of: whistler) != nil else { return "" }
        let candidates = units.values.filter { WhistleRules.maySummon(whistler: whistler, summoned: $0) }.sorted { $0.code < $1.code }
        let types = WhistleType.allCases.map { ($0.rawValue, l($0.nameZh, $0.rawValue)) }
        let boxes = candidates.map { form.checkbox("summon.\($0.code)", $0.name) }.joined()
        let summonsError = form.errors["summons"].map { "<p class=\"error\" id=\"summons-error\">\(HTML.escape($0))</p>" } ?? ""
        return """
            <details class="card"\(form.values.isEmpty ? "" : " open")><summary>\(l("吹哨", "Blow the whistle"))</summary>
            <form method="post" action="/console/whistles" novalidate>\(csrf(session))\(form.alert)
            \(form.select("type", l("吹哨类型", "Type"), types, required: true))
            \(form.field("subject", l("事由", "What is wrong"), required: true))
            \(form.field("address", l("地点", "Place"), required: true))
            <div class="pair">\(form.field("longitude", l("经度", "Longitude"), required: true, attributes: "inputmode=\"decimal\""))\
            \(form.field("latitude", l("纬度", "Latitude"), required: true, attributes: "inputmode=\"decimal\""))</div>
            \(form.field("demandNumbers", l("关联诉求编号（逗号分隔）", "Demand numbers (comma-separated)"), hint: l("或填写下面的重点工作", "or name the key work below")))
            \(form.field("keyWork", l("重点工作", "Key work")))
            <fieldset class="summons"\(form.errors["summons"] != nil ? " aria-describedby=\"summons-error\"" : "")><legend>\(l("点单：召集的单位", "Units to summon")) *</legend>\(boxes)\(summonsError)</fieldset>
            \(form.field("ask", l("到场要求", "What they are asked to do"), type: "textarea", required: true))
            <button type="submit">\(l("吹哨", "Blow the whistle"))</button></form></details>
            """
    }

    func whistleTable(_ list: [Whistle], _ l: ConsoleLanguage, id: String) -> String {
        guard !list.isEmpty else { return "<p id=\"\(id)\">\(l("无", "None"))</p>" }
        let units = desk.advisor.units
        let rows = list.map { whistle in
            let signed = whistle.summons.filter { $0.status == .signedIn }.count
            return """
                <tr><td><a href="/console/whistles/\(HTML.escape(whistle.id))">\(HTML.escape(whistle.number))</a></td><td>\(HTML.escape(l(whistle.level.nameZh, whistle.level.rawValue)))</td>\
                <td>\(HTML.escape(units[whistle.whistlingUnit]?.name ?? whistle.whistlingUnit))</td><td>\(HTML.escape(whistle.subject))</td>\
                <td>\(signed)/\(whistle.summons.count)</td><td>\(ConsoleBadges.time(whistle.raisedAt))</td></tr>
                """
        }.joined()
        return """
            <table class="list" id="\(id)"><thead><tr><th>\(l("编号", "Number"))</th><th>\(l("级别", "Level"))</th><th>\(l("吹哨单位", "Whistler"))</th>\
            <th>\(l("事由", "Subject"))</th><th>\(l("已报到", "Signed in"))</th><th>\(l("吹哨时间", "Raised"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private func raiseWhistle(_ request: Request) async throws -> Response {
        var form = try await ConsoleForm(request)
        guard let session = signedIn(request) else { return HTML.redirect("/console/login") }
        guard form["_csrf"] == session.csrfToken else { throw SessionError.csrfMismatch }
        let l = ConsoleLanguage(request)
        let longitude = form["longitude"].flatMap(Double.init), latitude = form["latitude"].flatMap(Double.init)
        for (name, value) in [("longitude", longitude), ("latitude", latitude)] where value == nil {
            form.errors[name] = form[name] == nil ? l("请填写坐标", "needed") : l("应为数字", "a number")
        }
        let summoned = form.values.keys.filter { $0.hasPrefix("summon.") && form[$0] == "1" }.map { String($0.dropFirst("summon.".count)) }.sorted()
        if summoned.isEmpty { form.errors["summons"] = l("请至少选择一个单位", "pick at least one unit") }
        var demandIDs: [String] = []
        for number in (form["demandNumbers"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }) {
            if let demand = try await demands.demand(number: String(number)) {
                demandIDs.append(demand.id)
            } else {
                form.errors["demandNumbers"] = l("没有编号为 \(number) 的诉求", "no demand numbered \(number)")
            }
        }
        guard form.errors.isEmpty, let longitude, let latitude else { return try await whistleList(request, form: form, status: .badRequest) }
        let draft = WhistleDraft(
            type: WhistleType(rawValue: form["type"] ?? "") ?? .publicDemand, whistlingUnit: session.actor.unitCode, subject: form.values["subject"] ?? "",
            place: WhistlePlace(address: form.values["address"] ?? "", coordinate: Coordinate(longitude: longitude, latitude: latitude)),
            problem: WhistleProblem(demandIDs: demandIDs, keyWork: form["keyWork"]),
            summons: summoned.map { SummonsDraft(unitCode: $0, ask: form.values["ask"] ?? "") })
        let now = clock()
        do {
            let whistle = try await whistles.raise(draft, by: session.actor, at: now, policy: configuration.whistlePolicy(at: now))
            return HTML.redirect("/console/whistles/\(whistle.id)")
        } catch let error as WhistleError {
            form.errors[Self.whistleField(of: error) ?? "_"] = l(error.messageZh, error.messageEn)
            return try await whistleList(request, form: form, status: .badRequest)
        }
    }

    // MARK: - The board

    private func whistleBoard(_ request: Request, id: String, form: ConsoleForm, status: HTTPResponse.Status = .ok) async throws -> Response {
        try await workList(request, status: status, roles: Self.whistleRoles, title: { $0("吹哨看板", "Whistle board") }) { l, session in
            let whistle = try await visibleWhistle(id, to: session.actor)
            let events = WhistleEventKind.allCases.map(\.rawValue).joined(separator: " ")
            return """
                <section id="board" aria-live="polite" data-stream="/api/v1/whistle-stream?whistle=\(HTML.escape(whistle.id))" \
                data-part="/console/whistles/\(HTML.escape(whistle.id))/board" data-events="\(events)">\(board(whistle, session.actor, l))</section>
                \(try whistleForms(whistle, form, session, l))
                """
        }
    }

    /// The board alone, for the page's live updates.
    private func boardPart(_ request: Request, id: String) async throws -> Response {
        guard let session = signedIn(request) else { throw HTTPError(.unauthorized) }
        guard Self.whistleRoles.contains(session.actor.role) else { throw HTTPError(.forbidden) }
        let whistle = try await visibleWhistle(id, to: session.actor)
        return HTML.response(board(whistle, session.actor, ConsoleLanguage(request)))
    }

    /// Where the whistle stands: the summoned units with their report-in, the scores the reader may see, the log.
    private func board(_ whistle: Whistle, _ actor: Actor, _ l: ConsoleLanguage) -> String {
        let units = desk.advisor.units
        func name(_ code: String) -> String { HTML.escape(units[code]?.name ?? code) }
        let scores = whistle.scores(visibleTo: actor)
        let rows = whistle.summons.map { summons in
            let signIn = summons.signIn.map { s in
                "\(ConsoleBadges.time(s.at)) · \(s.count) \(l("人", "people")) · \(Int(s.distanceMetres.rounded())) \(l("米", "m"))" + (s.late ? " · <b class=\"late\">\(l("迟到", "late"))</b>" : "")
            } ?? ""
            let score = scores[summons.unitCode].map { "\($0.total) (\(Int(($0.share * 100).rounded()))%)" } ?? ""
            return """
                <tr id="summons-\(HTML.escape(summons.unitCode))"><td>\(name(summons.unitCode))</td><td>\(HTML.escape(summons.ask))</td>\
                <td><span class="status summons-\(summons.status.rawValue)">\(HTML.escape(l(summons.status.nameZh, summons.status.rawValue)))</span></td>\
                <td>\(ConsoleBadges.time(summons.acknowledgedAt))</td><td>\(signIn)</td><td>\(score)</td></tr>
                """
        }.joined()
        let log = whistle.log.map { entry in
            "<li><time>\(ConsoleBadges.time(entry.at))</time> \(name(entry.unitCode)) · \(HTML.escape(entry.by))：\(HTML.escape(entry.note))</li>"
        }.joined()
        let signed = whistle.summons.filter { $0.status == .signedIn }.count
        return """
            <div class="card"><h2>\(HTML.escape(whistle.number)) <span class="status" id="whistle-status">\(HTML.escape(l(whistle.status.nameZh, whistle.status.rawValue)))</span></h2>
            <p class="content">\(HTML.escape(whistle.subject))</p>
            <p class="meta">\(HTML.escape(l(whistle.level.nameZh, whistle.level.rawValue))) · \(HTML.escape(l(whistle.type.nameZh, whistle.type.rawValue))) · \
            \(name(whistle.whistlingUnit)) · \(HTML.escape(whistle.place.address)) · \(l("报到时限", "report in by")) \(ConsoleBadges.time(whistle.reportInDue))</p>
            <p><b id="signed-count">\(signed)/\(whistle.summons.count)</b> \(l("个单位已报到", "units signed in"))</p>
            <table class="list"><thead><tr><th>\(l("单位", "Unit"))</th><th>\(l("到场要求", "Asked"))</th><th>\(l("状态", "Status"))</th>\
            <th>\(l("响应", "Acknowledged"))</th><th>\(l("报到", "Signed in"))</th><th>\(l("评分", "Score"))</th></tr></thead><tbody>\(rows)</tbody></table>
            \(whistle.result.map { "<p>\(l("处置结果", "Result"))：\(HTML.escape($0))</p>" } ?? "")</div>
            <section class="card"><h3>\(l("联合处置记录", "Joint handling log"))</h3>\(log.isEmpty ? "<p>\(l("暂无记录", "Nothing yet"))</p>" : "<ul id=\"whistle-log\">\(log)</ul>")</section>
            """
    }

    /// The forms the reader may use now: a summoned unit acknowledges and signs in; everyone involved logs;
    /// the whistler closes, then scores each unit.
    private func whistleForms(_ whistle: Whistle, _ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) throws -> String {
        let actor = session.actor
        let action = "/console/whistles/\(HTML.escape(whistle.id))"
        func post(_ step: String, _ fields: String, _ label: String) -> String {
            "<form method=\"post\" action=\"\(action)/\(step)\" class=\"card\" novalidate>\(csrf(session))\(fields)<button type=\"submit\">\(label)</button></form>"
        }
        var html = form.alert
        let whistler = actor.unitCode == whistle.whistlingUnit && Self.whistlerRoles.contains(actor.role)
        if whistle.status == .open, let summons = whistle.summons(of: actor.unitCode) {
            if summons.status == .summoned { html += post("acknowledge", "", l("响应：正在赶往现场", "Acknowledge: on our way")) }
            if summons.status != .signedIn {
                html += post("sign_in", """
                    <h3>\(l("现场报到", "Sign in on site"))</h3>\(form.field("count", l("到场人数", "People on site"), type: "number", required: true, attributes: "min=\"1\""))\
                    \(form.field("people", l("到场人员（逗号分隔）", "Who (comma-separated)")))\
                    <div class="pair">\(form.field("longitude", l("经度", "Longitude"), required: true, attributes: "inputmode=\"decimal\""))\
                    \(form.field("latitude", l("纬度", "Latitude"), required: true, attributes: "inputmode=\"decimal\""))</div>
                    """, l("报到", "Sign in"))
            }
        }
        if whistle.status == .open, whistler || whistle.summons(of: actor.unitCode) != nil {
            html += post("log", form.field("note", l("联合处置记录", "Log entry"), type: "textarea", required: true), l("记录", "Add to the log"))
        }
        if whistle.status == .open, whistler {
            html += post("close", form.field("result", l("处置结果", "Result"), type: "textarea", required: true), l("结束吹哨", "Close the whistle"))
        }
        if whistle.status == .closed, whistler {
            let range = configuration.whistlePolicy(at: clock()).scoreRange
            let points = range.reversed().map { (String($0), String($0)) }
            for summons in whistle.summons where whistle.scores[summons.unitCode] == nil {
                let unit = HTML.escape(desk.advisor.units[summons.unitCode]?.name ?? summons.unitCode)
                html += """
                    <form method="post" action="\(action)/score" class="card score" novalidate>\(csrf(session))<h3>\(l("评分", "Score")) · \(unit)</h3>\
                    <input type="hidden" name="unit" value="\(HTML.escape(summons.unitCode))"><div class="pair">\
                    \(form.select("timeliness-\(summons.unitCode)", l("响应速度", "Timeliness"), points))\(form.select("effort-\(summons.unitCode)", l("工作态度", "Effort"), points))\
                    \(form.select("result-\(summons.unitCode)", l("处置效果", "Result"), points))</div>\(form.field("comment-\(summons.unitCode)", l("评语", "Comment")))\
                    <button type="submit">\(l("提交评分", "Score"))</button></form>
                    """
            }
        }
        return html
    }

    private func actOnWhistle(_ request: Request, id: String, step: String) async throws -> Response {
        var form = try await ConsoleForm(request)
        guard let session = signedIn(request) else { return HTML.redirect("/console/login") }
        guard form["_csrf"] == session.csrfToken else { throw SessionError.csrfMismatch }
        let l = ConsoleLanguage(request)
        _ = try await visibleWhistle(id, to: session.actor)
        var command: WhistleCommand?
        switch step {
        case "acknowledge": command = .acknowledge
        case "sign_in":
            let count = form["count"].flatMap { Int($0) }
            let longitude = form["longitude"].flatMap(Double.init), latitude = form["latitude"].flatMap(Double.init)
            if count == nil { form.errors["count"] = l("请填写到场人数", "how many are on site") }
            for (name, value) in [("longitude", longitude), ("latitude", latitude)] where value == nil {
                form.errors[name] = form[name] == nil ? l("请填写坐标", "needed") : l("应为数字", "a number")
            }
            if let count, let longitude, let latitude {
                let people = (form["people"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                command = .signIn(people: people, count: count, coordinate: Coordinate(longitude: longitude, latitude: latitude))
            }
        case "log": command = .addLog(note: form.values["note"] ?? "")
        case "close": command = .close(result: form.values["result"] ?? "")
        case "score":
            let unit = form["unit"] ?? ""
            func points(_ name: String) -> Int { form["\(name)-\(unit)"].flatMap { Int($0) } ?? 0 }
            command = .score(unit: unit, timeliness: points("timeliness"), effort: points("effort"), result: points("result"), comment: form["comment-\(unit)"])
        default: throw HTTPError(.notFound)
        }
        let now = clock()
        do {
            if let command {
                _ = try await whistles.apply(command, to: id, expectedVersion: nil, by: session.actor, at: now, policy: configuration.whistlePolicy(at: now))
                return HTML.redirect("/console/whistles/\(id)")
            }
        } catch let error as WhistleError {
            let field = Self.whistleField(of: error)
            form.errors[field.map { ["note", "result", "count", "people", "longitude"].contains($0) ? $0 : "_" } ?? "_"] = l(error.messageZh, error.messageEn)
        }
        return try await whistleBoard(request, id: id, form: form, status: .badRequest)
    }

    /// The console's field for a refusal, when it belongs to one.
    private static func whistleField(of error: WhistleError) -> String? {
        switch error {
        case let .invalidField(field, _):
            // `place.address` → `address`, `summons.ask` → `ask`; a problem without demands or key work → `keyWork`.
            switch field.split(separator: ".").last.map(String.init) ?? field {
            case "demandIDs", "problem": "keyWork"
            case let name: name
            }
        case .summonsOutOfScope, .summonsSelf, .duplicateSummons, .unitNotFound: "summons"
        case .tooFarAway: "longitude"
        default: nil
        }
    }

    /// A whistle the person may see; one they may not see does not exist for them.
    private func visibleWhistle(_ id: String, to actor: Actor) async throws -> Whistle {
        guard (1...64).contains(id.count) else { throw WhistleStoreError.notFound(id) }
        return try await whistles.whistle(id: id, visibleTo: actor)
    }
}
