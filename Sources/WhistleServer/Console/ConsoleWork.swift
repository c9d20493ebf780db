import Foundation
import HTTPTypes
import Hummingbird
import WhistleCore
import WhistleStore

/// The desks' work lists: the dispatcher's queue and rulings, a unit's inbox, the callback workstation; and
/// the steps their forms post, each one ``LoopCommand`` decided by the same rules as the API's.
extension ConsoleRoutes {
    // MARK: - Work lists

    /// A work list for the roles that have it; others are sent to sign in or home.
    func workList(
        _ request: Request, status: HTTPResponse.Status, roles: Set<Role>, title: @escaping (ConsoleLanguage) -> String,
        body: @escaping (ConsoleLanguage, SessionRepository.Session) async throws -> String
    ) async throws -> Response {
        guard let session = signedIn(request) else { return HTML.redirect("/console/login") }
        guard roles.contains(session.actor.role) else {
            return try await page(request, status: .forbidden, title: { $0("无权访问", "Not allowed") }) { l, _ in
                "<p class=\"error\" role=\"alert\">\(l("您的角色不能使用此页面。", "Your role does not use this page."))</p>"
            }
        }
        return try await page(request, status: status, title: title) { l, _ in try await body(l, session) }
    }

    func queue(_ request: Request, forms: [String: ConsoleForm], status: HTTPResponse.Status = .ok) async throws -> Response {
        try await workList(request, status: status, roles: [.dispatcher, .supervisor, .administrator], title: { $0("待派单", "Dispatch queue") }) { l, session in
            let now = clock()
            let rules = configuration.rules(at: now)
            let received = try await demands.list(status: .received, unit: nil, after: nil, limit: 50).items
            let toClose = try await demands.list(status: .callbackDone, unit: nil, after: nil, limit: 50).items
            let classes = rules.deadlineClasses.values.sorted { $0.code < $1.code }.map { ($0.code, l($0.nameZh, $0.nameEn)) }
            let categories = [("", l("（按建议）", "(as suggested)"))] + desk.advisor.taxonomy.leaves.map { ($0.code, $0.name) }
            var html = received.isEmpty ? "<p>\(l("没有待派单的诉求。", "Nothing to dispatch."))</p>" : ""
            for demand in received {
                var form = forms[demand.id] ?? ConsoleForm()
                if forms[demand.id] == nil {
                    let advice = desk.advisor.advise(title: demand.title, content: demand.content, address: demand.location.address,
                                                     coordinate: demand.location.coordinate, categoryCode: demand.categoryCode, at: now)
                    form.values["primaryUnit"] = advice.route?.primary ?? ""
                    form.values["coHandlers"] = advice.route?.coHandlers.joined(separator: ",") ?? ""
                    form.values["categoryCode"] = demand.categoryCode ?? advice.categoryCode ?? ""
                    form.values["deadlineClass"] = (advice.categoryCode ?? demand.categoryCode).flatMap { desk.advisor.taxonomy.deadlineClass(of: $0) } ?? "general"
                }
                html += """
                    <article class="card demand" id="d-\(HTML.escape(demand.id))"><h2>\(HTML.escape(demand.number)) \(ConsoleBadges.status(demand.status, l))</h2>
                    <p class="content">\(HTML.escape(demand.content))</p><p class="meta">\(HTML.escape(demand.location.address)) · \(ConsoleBadges.time(demand.createdAt))</p>
                    <form method="post" action="/console/demands/\(HTML.escape(demand.id))/dispatch">\(csrf(session))\(form.alert)
                    \(form.field("primaryUnit", l("主办单位", "Primary unit"), required: true))\(form.field("coHandlers", l("协办单位（逗号分隔）", "Co-handlers (comma-separated)")))
                    \(form.select("categoryCode", l("分类", "Category"), categories))\(form.select("deadlineClass", l("办理时限", "Deadline class"), classes, required: true))
                    <button type="submit">\(l("派单", "Dispatch"))</button></form></article>
                    """
            }
            html += try await rulings(forms, session, l, classes: classes)
            if !toClose.isEmpty {
                html += "<h2>\(l("待结案", "To close"))</h2>"
                for demand in toClose {
                    html += """
                        <article class="card demand"><h3>\(HTML.escape(demand.number)) \(ConsoleBadges.status(demand.status, l))</h3><p class="content">\(HTML.escape(demand.content))</p>
                        <form method="post" action="/console/demands/\(HTML.escape(demand.id))/close">\(csrf(session))<button type="submit">\(l("结案", "Close"))</button></form></article>
                        """
                }
            }
            return html
        }
    }

    func inbox(_ request: Request, forms: [String: ConsoleForm], status: HTTPResponse.Status = .ok) async throws -> Response {
        try await workList(request, status: status, roles: [.departmentHandler, .streetCoordinator, .communityStaff, .gridWorker, .unitLeader],
                           title: { $0("工单", "Orders") }) { l, session in
            let now = clock()
            let rules = configuration.rules(at: now)
            let unit = session.actor.unitCode
            var rows = ""
            for (demand, order) in try await demands.openOrders(of: unit, limit: 100) {
                let form = forms[demand.id] ?? ConsoleForm()
                let light = try? order.resolution.light(at: now, in: rules.calendar(forUnit: unit), yellowAt: rules.yellowThreshold)
                let next: (step: String, label: String)? = switch order.status {
                case .dispatched: ("sign_for", l("签收", "Sign for"))
                case .signed: ("record_contact", l("已联系诉求人", "Contacted the resident"))
                case .contacted, .inProgress: ("report_result", l("反馈办理结果", "Report the result"))
                default: nil
                }
                let action = next.map { step, label in
                    """
                    <form method="post" action="/console/demands/\(HTML.escape(demand.id))/\(step)">\(csrf(session))<input type="hidden" name="order" value="\(HTML.escape(order.id))">\
                    \(step == "report_result" ? form.field("summary", l("办理结果", "Result"), type: "textarea", required: true) : "")\
                    \(form.alert)<button type="submit">\(label)</button></form>
                    """
                } ?? "<p>\(form.alert)\(HTML.escape(l(order.status.nameZh, order.status.rawValue)))</p>"
                rows += """
                    <article class="card demand" id="d-\(HTML.escape(demand.id))"><h2>\(HTML.escape(demand.number)) \(ConsoleBadges.light(light, l))</h2>
                    <p class="content">\(HTML.escape(demand.content))</p><p class="meta">\(HTML.escape(demand.location.address)) · \(l("派单", "dispatched")) \(ConsoleBadges.time(order.dispatchedAt))\
                     · \(l("办结时限", "due")) \(ConsoleBadges.time(try? order.resolution.dueAt(rules.calendar(forUnit: unit), asOf: now)))</p>
                    \(action)\(moreActions(demand, order, form, session, l))</article>
                    """
            }
            return rows.isEmpty ? "<p>\(l("没有待办工单。", "No open orders."))</p>" : rows
        }
    }

    func callbacks(_ request: Request, forms: [String: ConsoleForm], status: HTTPResponse.Status = .ok) async throws -> Response {
        try await workList(request, status: status, roles: [.callbackAgent], title: { $0("待回访", "Callbacks") }) { l, session in
            let waiting = try await demands.list(status: .resultReported, unit: nil, after: nil, limit: 50).items
            let outcomes = [("satisfied", l("满意", "Satisfied")), ("basically_satisfied", l("基本满意", "Basically satisfied")),
                            ("unsatisfied", l("不满意", "Unsatisfied")), ("unreachable", l("无法联系", "Unreachable")), ("refused", l("拒绝回访", "Refused"))]
            var html = waiting.isEmpty ? "<p>\(l("没有待回访的诉求。", "No callbacks waiting."))</p>" : ""
            for demand in waiting {
                let form = forms[demand.id] ?? ConsoleForm()
                let result = demand.orders.flatMap(\.results).last?.note ?? ""
                html += """
                    <article class="card demand" id="d-\(HTML.escape(demand.id))"><h2>\(HTML.escape(demand.number))</h2><p class="content">\(HTML.escape(demand.content))</p>
                    <p class="meta">\(l("办理结果", "Result")): \(HTML.escape(result)) · \(l("电话", "Phone")) \(HTML.escape(demand.complainant.phone))</p>
                    <form method="post" action="/console/demands/\(HTML.escape(demand.id))/callback">\(csrf(session))\(form.alert)
                    \(form.select("outcome", l("回访结果", "Outcome"), outcomes, required: true))\(form.checkbox("contacted", l("办理单位已联系", "The unit contacted them")))\
                    \(form.checkbox("solved", l("问题已解决", "Solved")))<button type="submit">\(l("记录回访", "Record"))</button></form></article>
                    """
            }
            return html
        }
    }

    /// What else a unit may do with an order: note progress, ask for more time, for a return or for parking.
    private func moreActions(_ demand: Demand, _ order: WorkOrder, _ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) -> String {
        guard [.dispatched, .signed, .contacted, .inProgress].contains(order.status) else { return "" }
        var form = form
        form.scope = "\(order.id)-"
        func post(_ step: String, _ fields: String, _ label: String) -> String {
            """
            <form method="post" action="/console/demands/\(HTML.escape(demand.id))/\(step)">\(csrf(session))<input type="hidden" name="order" value="\(HTML.escape(order.id))">\
            \(fields)<button type="submit" class="secondary">\(label)</button></form>
            """
        }
        let kinds = [("working_days", l("个工作日", "working days")), ("natural_days", l("个自然日", "natural days")),
                     ("working_hours", l("个工作小时", "working hours")), ("natural_hours", l("个自然小时", "natural hours"))]
        let reasons = ReturnReason.allCases.map { ($0.rawValue, l($0.nameZh, $0.rawValue)) }
        if form.values["leader"] == nil, session.actor.role == .unitLeader { form.values["leader"] = session.actor.personID }
        let opened = Self.moreFields.contains { form.errors[$0] != nil }
        var html = ""
        if order.status != .dispatched {
            html += post("add_progress", form.field("progressNote", l("办理进展", "Progress"), type: "textarea", required: true), l("记录进展", "Add progress"))
        }
        html += post("request_extension", """
            <div class="pair">\(form.field("extraAmount", l("延期时长", "Extra time"), type: "number", required: true, attributes: "min=\"1\""))\
            \(form.select("extraKind", l("单位", "Unit"), kinds))</div>\(form.field("extensionReason", l("延期理由", "Why"), type: "textarea", required: true))
            """, l("申请延期", "Ask for an extension"))
        html += post("request_return", """
            \(form.select("returnReason", l("退单理由", "Reason"), reasons, required: true))\
            \(form.field("evidence", l("证明材料", "Evidence"), required: true, hint: l("如首次联系记录、现场照片编号，逗号分隔", "e.g. the first-contact record, photo numbers; comma-separated")))\
            \(form.field("returnNote", l("说明", "Explanation")))\(form.field("leader", l("审核同意的单位负责人账号", "Account of the unit leader who approved"), required: true))
            """, l("申请退单", "Ask for a return"))
        html += post("request_park", form.field("parkReason", l("挂账理由", "Why it cannot be solved now"), type: "textarea", required: true), l("申请挂账", "Ask to park"))
        return "<details class=\"more\"\(opened ? " open" : "")><summary>\(l("进展、延期、退单、挂账", "Progress, extension, return, parking"))</summary>\(html)</details>"
    }

    /// The inbox's fields behind "more": a refused one opens it.
    private static let moreFields = ["progressNote", "extraAmount", "extensionReason", "returnReason", "evidence", "returnNote", "leader", "parkReason"]

    /// The requests waiting for the dispatch centre's ruling (退单, 延期, 挂账), and the demands returned to it
    /// to dispatch again (改派).
    private func rulings(_ forms: [String: ConsoleForm], _ session: SessionRepository.Session, _ l: ConsoleLanguage, classes: [(String, String)]) async throws -> String {
        let units = desk.advisor.units
        var html = ""
        for (demand, order) in try await demands.awaitingRuling(limit: 50) {
            guard let pending = order.pending else { continue }
            var form = forms[demand.id] ?? ConsoleForm()
            form.scope = "\(order.id)-"
            let (step, what): (String, String) = switch pending.request {
            case let .returnRequest(r):
                ("rule_on_return", l("申请退单", "Return asked") + "：\(HTML.escape(l(r.reason.nameZh, r.reason.rawValue)))" + (r.note.map { " · \(HTML.escape($0))" } ?? "")
                    + " · \(l("证明材料", "evidence"))：\(HTML.escape(r.evidence.joined(separator: "，")))" + " · \(l("负责人同意", "approved by"))：\(HTML.escape(r.leaderApproval.personID))")
            case let .extensionRequest(r):
                ("rule_on_extension", l("申请延期", "Extension asked") + "：\(HTML.escape(l(r.extra.descriptionZh, r.extra.description))) · \(HTML.escape(r.reason))")
            case let .parkRequest(r): ("rule_on_park", l("申请挂账", "Parking asked") + "：\(HTML.escape(r.reason))")
            }
            html += """
                <article class="card demand ruling" id="r-\(HTML.escape(order.id))"><h3>\(HTML.escape(demand.number)) · \(HTML.escape(units[order.unitCode]?.name ?? order.unitCode))</h3>
                <p class="content">\(HTML.escape(demand.content))</p><p>\(what)</p><p class="meta">\(HTML.escape(pending.requestedBy)) · \(ConsoleBadges.time(pending.requestedAt))</p>
                <form method="post" action="/console/demands/\(HTML.escape(demand.id))/\(step)">\(csrf(session))<input type="hidden" name="order" value="\(HTML.escape(order.id))">\(form.alert)
                \(step == "rule_on_return" ? form.checkbox("dispatchErred", l("属派单差错（时间不计入承办单位）", "Dispatch erred (the time is not charged to the unit)")) : "")\
                \(form.field("rulingNote", l("审核意见", "Note")))<div class="buttons"><button type="submit" name="approve" value="1">\(l("同意", "Approve"))</button>\
                <button type="submit" name="approve" value="0" class="secondary">\(l("不同意", "Reject"))</button></div></form></article>
                """
        }
        for demand in try await demands.list(status: .returned, unit: nil, after: nil, limit: 50).items {
            guard let order = demand.orders.last(where: { $0.status == .returned }) else { continue }
            var form = forms[demand.id] ?? ConsoleForm()
            form.scope = "\(order.id)-"
            if form.values["deadlineClass"] == nil { form.values["deadlineClass"] = order.deadlineClassCode }
            html += """
                <article class="card demand" id="d-\(HTML.escape(demand.id))"><h3>\(HTML.escape(demand.number)) \(ConsoleBadges.status(demand.status, l))</h3>
                <p class="content">\(HTML.escape(demand.content))</p><p class="meta">\(l("退回单位", "Returned by")) \(HTML.escape(units[order.unitCode]?.name ?? order.unitCode))</p>
                <form method="post" action="/console/demands/\(HTML.escape(demand.id))/re_dispatch">\(csrf(session))<input type="hidden" name="order" value="\(HTML.escape(order.id))">\(form.alert)
                \(form.field("unit", l("改派至", "Re-dispatch to"), required: true))\(form.select("deadlineClass", l("办理时限", "Deadline class"), classes, required: true))\
                <button type="submit">\(l("改派", "Re-dispatch"))</button></form></article>
                """
        }
        return html.isEmpty ? "" : "<h2>\(l("待审核与改派", "Rulings and re-dispatch"))</h2>" + html
    }

    // MARK: - Actions

    func act(_ request: Request, id: String, step: String) async throws -> Response {
        var form = try await ConsoleForm(request)
        guard let session = signedIn(request) else { return HTML.redirect("/console/login") }
        guard form["_csrf"] == session.csrfToken else { throw SessionError.csrfMismatch }
        let order = form["order"] ?? ""
        let l = ConsoleLanguage(request)
        var command: LoopCommand?
        switch step {
        case "dispatch":
            command = .dispatch(primary: form["primaryUnit"] ?? "", coHandlers: (form["coHandlers"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                                deadlineClass: form["deadlineClass"] ?? "", categoryCode: form["categoryCode"])
        case "re_dispatch": command = .reDispatch(order: order, to: form["unit"] ?? "", deadlineClass: form["deadlineClass"], note: nil)
        case "close": command = .close()
        case "sign_for": command = .signFor(order: order)
        case "record_contact": command = .recordContact(order: order)
        case "add_progress": command = .addProgress(order: order, note: form.values["progressNote"] ?? "")
        case "report_result": command = .reportResult(order: order, summary: form.values["summary"] ?? "")
        case "request_extension":
            if let amount = form["extraAmount"].flatMap(Double.init), amount > 0 {
                let extra: DeadlineDuration = switch form["extraKind"] ?? "" {
                case "natural_days": .naturalDays(Int(amount))
                case "working_hours": .workingHours(amount)
                case "natural_hours": .naturalHours(amount)
                default: .workingDays(Int(amount))
                }
                command = .requestExtension(order: order, extra: extra, reason: form.values["extensionReason"] ?? "")
            } else {
                form.errors["extraAmount"] = l("应为正数", "a positive number")
            }
        case "request_return":
            let evidence = (form["evidence"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            command = .requestReturn(
                order: order, reason: ReturnReason(rawValue: form["returnReason"] ?? "") ?? .wrongFunction, evidence: evidence,
                leaderApproval: form["leader"].map { Actor(personID: $0, role: .unitLeader, unitCode: session.actor.unitCode) }, note: form["returnNote"])
        case "request_park": command = .requestPark(order: order, reason: form.values["parkReason"] ?? "")
        case "rule_on_return": command = .ruleOnReturn(order: order, approve: form["approve"] == "1", dispatchErred: form["dispatchErred"] == "1", note: form["rulingNote"])
        case "rule_on_extension": command = .ruleOnExtension(order: order, approve: form["approve"] == "1", note: form["rulingNote"])
        case "rule_on_park": command = .ruleOnPark(order: order, approve: form["approve"] == "1", note: form["rulingNote"])
        case "callback":
            let outcome: CallbackOutcome = switch form["outcome"] ?? "" {
            case "unreachable": .invalid(.unreachable)
            case "refused": .invalid(.refused)
            case let value: .valid(contacted: form["contacted"] == "1", solved: form["solved"] == "1", satisfaction: Satisfaction(rawValue: value) ?? .unsatisfied)
            }
            command = .recordCallback(outcome: outcome)
        default: throw HTTPError(.notFound)
        }
        let now = clock()
        do {
            if let command {
                try await demands.checkUnits(in: command)
                _ = try await demands.apply(command, to: id, expectedVersion: nil, by: session.actor, at: now, rules: configuration.rules(at: now))
                return HTML.redirect(Self.listPath(step))
            }
        } catch let error as any DomainError {
            form.errors[Self.field(of: error, step: step) ?? "_"] = l(error.messageZh, error.messageEn)
        }
        switch Self.listPath(step) {
        case "/console/queue": return try await queue(request, forms: [id: form], status: .badRequest)
        case "/console/callbacks": return try await callbacks(request, forms: [id: form], status: .badRequest)
        default: return try await inbox(request, forms: [id: form], status: .badRequest)
        }
    }

    /// The form field a refusal belongs to, when it belongs to one: the core's field names mapped to each
    /// step's form.
    private static func field(of error: any DomainError, step: String) -> String? {
        switch error {
        case DemandStoreError.unknownUnit: return step == "re_dispatch" ? "unit" : "primaryUnit"
        case LoopError.evidenceMissing: return "evidence"
        case LoopError.leaderApprovalMissing, LoopError.leaderApprovalInvalid, is AccessError: return "leader"
        case let LoopError.invalidField(field, _):
            let fields: [String: String] = switch step {
            case "dispatch": ["primary": "primaryUnit"]
            case "re_dispatch": ["to": "unit"]
            case "add_progress": ["note": "progressNote"]
            case "report_result": ["summary": "summary"]
            case "request_extension": ["reason": "extensionReason", "extra": "extraAmount"]
            case "request_return": ["evidence": "evidence", "note": "returnNote"]
            case "request_park": ["reason": "parkReason"]
            default: ["note": "rulingNote"]
            }
            return fields[field]
        default: return nil
        }
    }

    private static func listPath(_ step: String) -> String {
        switch step {
        case "dispatch", "re_dispatch", "close", "rule_on_return", "rule_on_extension", "rule_on_park": "/console/queue"
        case "callback": "/console/callbacks"
        default: "/console/inbox"
        }
    }
}
