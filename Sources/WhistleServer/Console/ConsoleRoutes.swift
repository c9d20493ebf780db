import Foundation
import HTTPTypes
import Hummingbird
import WhistleCore
import WhistleStore

/// The web console (SPEC §8), served by the server itself under `/console`: pages rendered here, forms posted
/// back here, every change made through the same repositories and domain rules as the API. A signed-in
/// person's forms carry the session's CSRF token in a hidden field; a refused form comes back with the error
/// beside its field and everything typed kept.
struct ConsoleRoutes {
    let demands: DemandRepository
    let reports: ReportRepository
    let whistles: WhistleRepository
    let people: PeopleRepository
    let sessions: SessionRepository
    let desk: DispatchDesk
    let configuration: LoopConfiguration
    let versions: RuleVersions
    let auth: AuthSettings
    let clock: @Sendable () -> Date

    func register(on router: Router<WhistleRequestContext>) {
        router.get("/") { _, _ in HTML.redirect("/console") }
        router.get("console/assets/:file") { _, context in try Self.asset(context.parameters.get("file") ?? "") }
        router.get("console") { request, _ in try await page(request, title: { $0("工作台", "Home") }) { l, session in home(l, session) } }
        router.get("console/submit") { request, _ in try await submitPage(request, form: ConsoleForm()) }
        router.post("console/submit") { request, _ in try await submit(request) }
        router.get("console/track") { request, _ in try await track(request) }
        router.post("console/rate") { request, _ in try await rate(request) }
        router.get("console/login") { request, _ in try await loginPage(request, form: ConsoleForm()) }
        router.post("console/login") { request, _ in try await login(request) }
        router.post("console/logout") { request, _ in try await logout(request) }
        router.get("console/queue") { request, _ in try await queue(request, forms: [:]) }
        router.get("console/inbox") { request, _ in try await inbox(request, forms: [:]) }
        router.get("console/callbacks") { request, _ in try await callbacks(request, forms: [:]) }
        router.post("console/demands/:id/:step") { request, context in
            try await act(request, id: context.parameters.get("id") ?? "", step: context.parameters.get("step") ?? "")
        }
        registerWhistles(on: router)
        registerCommandCentre(on: router)
        registerReports(on: router)
        registerAdministration(on: router)
    }

    // MARK: - Frame

    func page(
        _ request: Request, status: HTTPResponse.Status = .ok, title: (ConsoleLanguage) -> String,
        body: (ConsoleLanguage, SessionRepository.Session?) async throws -> String
    ) async throws -> Response {
        let l = ConsoleLanguage(request)
        let session = RequestActor.session?.session
        let html = ConsolePage(title: title(l), body: try await body(l, session), language: l, session: session, path: request.uri.path).render()
        // A language chosen with ?lang= is kept for the next pages.
        let remember: HTTPFields = request.uri.queryParameters["lang"] != nil
            ? [.setCookie: "\(ConsoleLanguage.cookie)=\(l.rawValue); Path=/; SameSite=Strict; Max-Age=31536000"] : [:]
        return HTML.response(html, status: status, headers: remember)
    }

    /// The signed-in person, or the sign-in page.
    func signedIn(_ request: Request) -> SessionRepository.Session? { RequestActor.session?.session }

    private func home(_ l: ConsoleLanguage, _ session: SessionRepository.Session?) -> String {
        guard let session else {
            return """
                <p>\(l("12345 市民服务热线：您的诉求，我们接诉即办。", "The 12345 citizen hotline: tell us, and we act."))</p>
                <ul class="tiles"><li><a href="/console/submit">\(l("我要反映", "Raise a demand"))</a></li>
                <li><a href="/console/track">\(l("查询办理进度", "Track a demand"))</a></li><li><a href="/console/login">\(l("工作人员登录", "Staff sign-in"))</a></li></ul>
                """
        }
        let items = ConsolePage.menu(for: session.actor.role).map { "<li><a href=\"\($0.path)\">\(HTML.escape(l($0.zh, $0.en)))</a></li>" }
        return "<ul class=\"tiles\">\(items.joined())</ul>"
    }

    // MARK: - Residents: submit and track

    private func submitPage(_ request: Request, form: ConsoleForm, status: HTTPResponse.Status = .ok, hints: String = "") async throws -> Response {
        try await page(request, status: status, title: { $0("我要反映", "Raise a demand") }) { l, session in
            let staff = session.map { Self.intakeRoles.contains($0.actor.role) } ?? false
            let types = DemandType.allCases.map { ($0.rawValue, l($0.nameZh, $0.rawValue)) }
            let categories = [("", l("（不确定）", "(not sure)"))] + desk.advisor.taxonomy.leaves.map { ($0.code, $0.name) }
            return """
                <form method="post" action="/console/submit" class="card" novalidate>
                \(csrf(session))\(form.alert)
                \(form.select("type", l("诉求类型", "Type"), types, required: true))
                \(form.select("categoryCode", l("问题分类", "Category"), categories))
                \(form.field("content", l("诉求内容", "What happened"), type: "textarea", required: true))
                \(form.field("address", l("地点", "Place"), required: true, hint: l("如：朝阳区望京街道望京西园一区 3 号楼", "e.g. 望京西园一区, 望京街道, 朝阳区")))
                <div class="pair">\(form.field("longitude", l("经度（可选）", "Longitude (optional)"), attributes: "inputmode=\"decimal\""))\
                \(form.field("latitude", l("纬度（可选）", "Latitude (optional)"), attributes: "inputmode=\"decimal\""))</div>
                \(form.field("name", l("姓名（可选）", "Name (optional)")))
                \(form.field("phone", l("联系电话", "Phone"), type: "tel", required: true, hint: l("用于回访和查询进度", "for the callback and to track it")))
                \(form.checkbox("confidential", l("请为我保密", "Keep my name and phone confidential")))
                \(staff ? form.field("directAnswer", l("直接答复（咨询类）", "Direct answer (consultations)"), type: "textarea",
                                     hint: l("答复后即办结，不派单", "answered at once: closed without dispatch")) : "")
                <div class="buttons">\(staff ? "<button type=\"submit\" name=\"preview\" value=\"1\" class=\"secondary\">\(l("查看建议", "Suggestions"))</button>" : "")\
                <button type="submit">\(l("提交", "Submit"))</button></div></form>\(hints)
                """
        }
    }

    /// The desks that take calls: they see suggestions and may answer directly.
    static let intakeRoles: Set<Role> = [.hotlineAgent, .dispatcher]

    /// 建议: the category and unit the duty rules and the classifier suggest, possible duplicates nearby, and
    /// the answers the centre gave before to similar consultations (知识库), for the agent on the phone.
    private func intakeHints(_ draft: DemandDraft, for actor: Actor, _ l: ConsoleLanguage) async throws -> String {
        let now = clock()
        let advisor = desk.advisor
        let advice = advisor.advise(title: nil, content: draft.content, address: draft.location.address, coordinate: draft.location.coordinate,
                                    categoryCode: draft.categoryCode, at: now)
        var html = "<section class=\"card hints\" id=\"hints\" aria-live=\"polite\"><h2>\(l("建议", "Suggestions"))</h2><ul>"
        let category = advice.categoryCode.flatMap { advisor.taxonomy.category($0) }
        html += "<li>\(l("分类", "Category"))：\(HTML.escape(category.map { "\($0.name)（\($0.code)）" } ?? l("无法判断", "unsure")))</li>"
        if let route = advice.route {
            let names = ([route.primary] + route.coHandlers).map { advisor.units[$0]?.name ?? $0 }
            html += "<li>\(l("承办单位", "Units"))：\(HTML.escape(names.joined(separator: "、")))</li>"
        }
        html += "</ul>"
        guard let code = advice.categoryCode else { return html + "</section>" }
        let probe = Duplicates.Probe(title: nil, content: draft.content, coordinate: draft.location.coordinate, areaCode: advice.place?.gridCode ?? advice.place?.areaCode)
        let duplicates = try await demands.proposedDuplicates(category: code, of: probe, for: actor, at: now, rules: configuration.rules(at: now).duplicates)
        if !duplicates.isEmpty {
            html += "<h3>\(l("可能重复的诉求", "Possible duplicates"))</h3><ul id=\"duplicates\">" + duplicates.map { candidate, demand in
                let distance = candidate.distanceMeters.map { " · \(Int($0.rounded())) \(l("米", "m"))" } ?? ""
                return "<li>\(HTML.escape(candidate.number)) · \(HTML.escape(demand.content))\(distance) · \(l("相似度", "similarity")) \(Int((candidate.textSimilarity * 100).rounded()))%</li>"
            }.joined() + "</ul>"
        }
        let answers = KnowledgeBase.answers(for: draft.content, among: try await demands.directAnswers(category: code, limit: 200))
        if !answers.isEmpty {
            html += "<h3>\(l("知识库：以往答复", "Knowledge base: answers given before"))</h3><ul id=\"answers\">" + answers.map { answer in
                "<li><p class=\"meta\">\(HTML.escape(answer.number)) · \(HTML.escape(answer.question))</p><blockquote>\(HTML.escape(answer.answer))</blockquote></li>"
            }.joined() + "</ul>"
        }
        return html + "</section>"
    }

    private func submit(_ request: Request) async throws -> Response {
        var form = try await ConsoleForm(request)
        let l = ConsoleLanguage(request)
        let session = signedIn(request)
        if let session, form["_csrf"] != session.csrfToken { throw SessionError.csrfMismatch }
        func coordinate(_ name: String) -> Double? { form[name].flatMap { Double($0) } }
        for name in ["longitude", "latitude"] where form[name] != nil && coordinate(name) == nil {
            form.errors[name] = l("应为数字", "a number")
        }
        let hasCoordinate = coordinate("longitude") != nil && coordinate("latitude") != nil
        var draft = DemandDraft(
            type: DemandType(rawValue: form["type"] ?? "") ?? .complaint,
            // A hotline agent records a call; everyone else submits on the web.
            channel: session.map { Channel.phone.recordingRoles?.contains($0.actor.role) == true } == true ? .phone : .web,
            categoryCode: form["categoryCode"], content: form.values["content"] ?? "",
            location: DemandLocation(
                address: form.values["address"] ?? "",
                coordinate: hasCoordinate ? Coordinate(longitude: coordinate("longitude")!, latitude: coordinate("latitude")!) : nil),
            complainant: Complainant(name: form["name"], phone: form["phone"], confidential: form["confidential"] == "1"))
        if form["phone"] == nil { form.errors["phone"] = l("请留下联系电话", "a phone number is needed") }
        if form["address"] == nil { form.errors["address"] = l("请填写地点", "say where") }
        let staff = session.map { Self.intakeRoles.contains($0.actor.role) } ?? false
        if staff { draft.directAnswer = form["directAnswer"] }
        if staff, form["preview"] == "1", let session, !draft.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            draft.location = desk.advisor.located(draft.location)
            form.errors = [:]
            return try await submitPage(request, form: form, hints: try await intakeHints(draft, for: session.actor, l))
        }
        guard form.errors.isEmpty else { return try await submitPage(request, form: form, status: .badRequest) }
        draft.location = desk.advisor.located(draft.location)
        let now = clock()
        do {
            let intake = try await demands.receive(draft, idempotencyKey: nil, by: session?.actor, at: now, rules: configuration.rules(at: now))
            return try await page(request, status: .created, title: { $0("已受理", "Received") }) { l, _ in
                """
                <div class="card" role="status"><p>\(l("您的诉求已受理，受理编号：", "Your demand is received. Its number:"))</p>
                <p class="number" id="number">\(HTML.escape(intake.demand.number))</p>
                <p>\(l("请记下编号，凭编号和联系电话查询办理进度。", "Keep the number: with your phone it tracks the demand."))</p>
                <p><a href="/console/track">\(l("查询办理进度", "Track a demand"))</a></p></div>
                """
            }
        } catch let error as LoopError {
            if case let .invalidField(field, _) = error, ["content", "phone", "name", "address", "categoryCode", "type", "directAnswer"].contains(field.split(separator: ".").last.map(String.init) ?? field) {
                form.errors[String(field.split(separator: ".").last ?? "")] = l(error.messageZh, error.messageEn)
            } else {
                form.errors["_"] = l(error.messageZh, error.messageEn)
            }
            return try await submitPage(request, form: form, status: .badRequest)
        }
    }

    private func track(_ request: Request) async throws -> Response {
        func query(_ name: String) -> String {
            request.uri.queryParameters[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        }
        return try await trackPage(request, number: query("number"), phone: query("phone"), rating: ConsoleForm())
    }

    /// The tracking form and, for the right number and phone, the demand's progress; once it is closed and
    /// not yet rated, the form to rate it (评价).
    private func trackPage(
        _ request: Request, number: String, phone: String, rating: ConsoleForm, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var form = ConsoleForm()
        form.values = ["number": number, "phone": phone]
        var found: Demand?
        if !number.isEmpty || !phone.isEmpty {
            // The same answer for a wrong number and a wrong phone: a number alone reveals nothing.
            let demand = try await demands.demand(number: number)
            if let demand, demand.complainant.hasPhone(phone) {
                found = demand
            } else {
                form.errors["number"] = ConsoleLanguage(request)("未找到与该编号和电话对应的诉求", "No demand with this number and phone")
            }
        }
        return try await page(request, status: status, title: { $0("查询办理进度", "Track a demand") }) { l, _ in
            var html = """
                <form method="get" action="/console/track" class="card">\(form.field("number", l("受理编号", "Number"), required: true))\
                \(form.field("phone", l("联系电话", "Phone"), type: "tel", required: true))<button type="submit">\(l("查询", "Track"))</button></form>
                """
            if let demand = found {
                html += progress(demand, l)
                if demand.status == .closed && demand.rating == nil { html += ratingForm(rating, number: number, phone: phone, l) }
            }
            return html
        }
    }

    /// 评价: three choices and a comment; the number and phone ride along as the proof of who rates.
    private func ratingForm(_ form: ConsoleForm, number: String, phone: String, _ l: ConsoleLanguage) -> String {
        let choices = Satisfaction.allCases.map { choice in
            let id = "satisfaction-\(choice.rawValue)"
            return "<div class=\"field check\"><input type=\"radio\" id=\"\(id)\" name=\"satisfaction\" value=\"\(choice.rawValue)\" required\(form.values["satisfaction"] == choice.rawValue ? " checked" : "")><label for=\"\(id)\">\(l(choice.nameZh, choice.rawValue.replacingOccurrences(of: "_", with: " ")))</label></div>"
        }.joined()
        let error = form.errors["satisfaction"].map { "<p class=\"error\" id=\"satisfaction-error\">\(HTML.escape($0))</p>" } ?? ""
        return """
            <form method="post" action="/console/rate" class="card" id="rate"><h2>\(l("评价办理结果", "Rate the result"))</h2>\(form.alert)
            <input type="hidden" name="number" value="\(HTML.escape(number))"><input type="hidden" name="phone" value="\(HTML.escape(phone))">
            <fieldset\(error.isEmpty ? "" : " aria-describedby=\"satisfaction-error\"")><legend>\(l("您对办理结果是否满意", "Are you satisfied with the result?"))</legend>\(choices)\(error)</fieldset>
            \(form.field("comment", l("意见（选填）", "Comment (optional)"), type: "textarea"))
            <button type="submit">\(l("提交评价", "Submit the rating"))</button></form>
            """
    }

    private func rate(_ request: Request) async throws -> Response {
        var form = try await ConsoleForm(request)
        let l = ConsoleLanguage(request)
        let number = form["number"] ?? "", phone = form["phone"] ?? ""
        guard let satisfaction = form["satisfaction"].flatMap(Satisfaction.init(rawValue:)) else {
            form.errors["satisfaction"] = l("请选择满意程度", "choose how satisfied you are")
            return try await trackPage(request, number: number, phone: phone, rating: form, status: .badRequest)
        }
        do {
            let now = clock()
            _ = try await demands.rate(number: number, phone: phone, satisfaction: satisfaction, comment: form.values["comment"], at: now,
                                       rules: configuration.rules(at: now))
        } catch let error as LoopError {
            if case .invalidField = error { form.errors["comment"] = l(error.messageZh, error.messageEn) } else { form.errors["_"] = l(error.messageZh, error.messageEn) }
            return try await trackPage(request, number: number, phone: phone, rating: form, status: error.kind.status)
        }
        return HTML.redirect("/console/track?" + FormEncoding.query(["number": number, "phone": phone]) + "#rated")
    }

    /// What a resident may see of their demand: where it stands, who handles it, and the results reported.
    private func progress(_ demand: Demand, _ l: ConsoleLanguage) -> String {
        let units = desk.advisor.units
        let orders = demand.orders.map { order in
            "<li>\(HTML.escape(units[order.unitCode]?.name ?? order.unitCode)) · \(HTML.escape(l(order.role.nameZh, order.role.rawValue))) · \(HTML.escape(l(order.status.nameZh, order.status.rawValue)))</li>"
        }.joined()
        let results = demand.orders.flatMap(\.results).map { "<li><time>\(ConsoleBadges.time($0.at))</time> \(HTML.escape($0.note))</li>" }.joined()
        return """
            <section class="card" id="progress"><h2>\(HTML.escape(demand.number)) \(ConsoleBadges.status(demand.status, l))</h2>
            <p>\(l("受理时间", "Received")): \(ConsoleBadges.time(demand.createdAt))</p>
            \(orders.isEmpty ? "" : "<h3>\(l("承办单位", "Handled by"))</h3><ul>\(orders)</ul>")
            \(results.isEmpty ? "" : "<h3>\(l("办理结果", "Results"))</h3><ul id=\"results\">\(results)</ul>")\
            \(demand.rating.map { "<h3>\(l("您的评价", "Your rating"))</h3><p id=\"rated\">\(HTML.escape(l($0.satisfaction.nameZh, $0.satisfaction.rawValue))) · \(ConsoleBadges.time($0.at))\($0.comment.map { " · " + HTML.escape($0) } ?? "")</p>" } ?? "")</section>
            """
    }

    // MARK: - Sign-in

    private func loginPage(_ request: Request, form: ConsoleForm, status: HTTPResponse.Status = .ok) async throws -> Response {
        try await page(request, status: status, title: { $0("工作人员登录", "Staff sign-in") }) { l, _ in
            """
            <form method="post" action="/console/login" class="card">\(form.alert)
            \(form.field("personId", l("账号", "Account"), required: true, attributes: "autocomplete=\"username\""))
            \(form.field("password", l("密码", "Password"), type: "password", required: true, attributes: "autocomplete=\"current-password\""))
            \(form.values["choices"].map { _ in form.select("role", l("以何种身份登录", "Sign in as"), (form.values["choices"] ?? "").split(separator: "|").map { (String($0), String($0)) }) } ?? "")
            <button type="submit">\(l("登录", "Sign in"))</button></form>
            """
        }
    }

    private func login(_ request: Request) async throws -> Response {
        var form = try await ConsoleForm(request)
        let l = ConsoleLanguage(request)
        var role: RoleAssignment?
        if let chosen = form["role"] {
            let parts = chosen.split(separator: "@")
            if parts.count == 2, let name = Role(rawValue: String(parts[0])) {
                role = RoleAssignment(personID: form["personId"] ?? "", role: name, unitCode: String(parts[1]))
            }
        }
        do {
            let (_, cookie) = try await sessions.login(
                personID: form["personId"] ?? "", password: form.values["password"] ?? "", role: role, lifetime: auth.sessionLifetime, now: clock())
            return HTML.redirect("/console", headers: [.setCookie: auth.sessionCookie(cookie)])
        } catch let error as SessionError {
            if case let .chooseRole(choices) = error {
                form.values["choices"] = choices.map { "\($0.role.rawValue)@\($0.unitCode)" }.joined(separator: "|")
            }
            form.values["password"] = nil  // a password is never sent back
            form.errors["_"] = l(error.messageZh, error.messageEn)
            return try await loginPage(request, form: form, status: .unauthorized)
        }
    }

    private func logout(_ request: Request) async throws -> Response {
        let form = try await ConsoleForm(request)
        if let (cookie, session) = RequestActor.session {
            guard form["_csrf"] == session.csrfToken else { throw SessionError.csrfMismatch }
            try await sessions.logout(cookie, now: clock())
        }
        return HTML.redirect("/console", headers: [.setCookie: auth.clearedSessionCookie])
    }

    func csrf(_ session: SessionRepository.Session?) -> String {
        session.map { "<input type=\"hidden\" name=\"_csrf\" value=\"\(HTML.escape($0.csrfToken))\">" } ?? ""
    }

    // MARK: - Files

    private static func asset(_ name: String) throws -> Response {
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]
        let parts = name.split(separator: ".")
        guard parts.count == 2, let type = types[String(parts[1])],
              let url = Bundle.module.url(forResource: String(parts[0]), withExtension: String(parts[1]), subdirectory: "Resources/console"),
              let data = try? Data(contentsOf: url) else { throw HTTPError(.notFound) }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
