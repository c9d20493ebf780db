import Foundation
import HTTPTypes
import Hummingbird
import WhistleCore
import WhistleStore

/// 系统管理: the city's units, a unit's people (an administrator adds people and grants or ends roles in the
/// area they cover), the taxonomy (the city's administrators add and retire categories), the duty rules
/// (administrators add rules and end them in their area), the holiday calendars, the deadline rules, the
/// whistle's rules and the scoring schemes, each version with the day it took effect (the city's administrators import a year's
/// holidays and add versions from a later day on, as JSON checked like `whistle rules set`). Administrators add
/// units and change a unit's name, parent, population and business hours in their area, checked like a row of
/// a divisions file (`whistle import divisions` takes whole files).
extension ConsoleRoutes {
    static let adminRoles: Set<Role> = [.administrator, .supervisor]

    private static let sections: [(key: String, zh: String, en: String)] = [
        ("units", "单位", "Units"), ("people", "人员与角色", "People and roles"), ("taxonomy", "分类", "Taxonomy"),
        ("duties", "职责清单与派单规则", "Duty rules"), ("calendars", "工作日历", "Calendars"),
        ("deadlines", "办理时限", "Deadline rules"), ("whistle", "吹哨规则", "Whistle rules"), ("schemes", "考核方案", "Scoring schemes"),
    ]

    func registerAdministration(on router: Router<WhistleRequestContext>) {
        router.get("console/admin") { request, _ in try await adminPage(request, form: ConsoleForm()) }
        router.post("console/admin/people") { request, _ in try await changePeople(request) }
        router.post("console/admin/units") { request, _ in try await saveUnit(request) }
        router.post("console/admin/taxonomy") { request, _ in try await changeTaxonomy(request) }
        router.post("console/admin/duties") { request, _ in try await changeDuties(request) }
        router.post("console/admin/rules") { request, _ in try await saveRuleVersion(request) }
        router.post("console/admin/calendars") { request, _ in try await importCalendar(request) }
    }

    private func adminPage(_ request: Request, form: ConsoleForm, status: HTTPResponse.Status = .ok) async throws -> Response {
        let section = request.uri.queryParameters["section"].map(String.init) ?? form.values["section"] ?? "units"
        return try await workList(request, status: status, roles: Self.adminRoles, title: { $0("系统管理", "Administration") }) { l, session in
            let tabs = Self.sections.map { item in
                "<a href=\"/console/admin?section=\(item.key)\"\(item.key == section ? " aria-current=\"page\"" : "")>\(l(item.zh, item.en))</a>"
            }.joined()
            let body: String = switch section {
            case "people": try await peopleSection(request, form, session, l)
            case "taxonomy": taxonomySection(form, session, l)
            case "duties": dutySection(form, session, l)
            case "calendars": try await calendarForm(form, session, l) + calendarSection(l)
            case "deadlines": versionForm(LoopPolicy.self, kind: "loop", form, session, l) + deadlineSection(l)
            case "whistle": versionForm(WhistlePolicy.self, kind: "whistle", form, session, l) + whistleSection(l)
            case "schemes": versionForm(AssessmentScheme.self, kind: "assessment", form, session, l) + schemeSection(l)
            default: unitSection(request, form, session, l)
            }
            return "<nav class=\"tabs\" aria-label=\"\(l("管理项目", "Sections"))\">\(tabs)</nav>\(body)"
        }
    }

    /// A posted administration form: the signed-in person's, its CSRF token checked, kept for `section`'s page
    /// should it come back with errors; `nil` when nobody is signed in.
    private func posted(_ request: Request, section: String) async throws -> (form: ConsoleForm, session: SessionRepository.Session)? {
        guard let session = signedIn(request) else { return nil }
        var form = try await ConsoleForm(request)
        guard form["_csrf"] == session.csrfToken else { throw SessionError.csrfMismatch }
        form.values["section"] = section
        return (form, session)
    }

    private func query(_ request: Request, _ name: String) -> String {
        request.uri.queryParameters[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
    }

    private func unitSection(_ request: Request, _ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) -> String {
        let q = query(request, "q")
        var search = ConsoleForm()
        search.values["q"] = q
        let cityCode = desk.advisor.cityCode
        let units = desk.advisor.units.values
            .filter { q.isEmpty ? $0.parentCode == nil || $0.kind == .district : $0.code.hasPrefix(q) || $0.name.contains(q) }
            .sorted { $0.code < $1.code }
        let rows = units.prefix(200).map { unit in
            let edit = Administration.covers(unit.code, for: session.actor, cityCode: cityCode)
                ? " · <a href=\"/console/admin?section=units&amp;q=\(HTML.escape(q))&amp;edit=\(HTML.escape(unit.code))#unit-form\">\(l("修改", "edit"))</a>" : ""
            return """
                <tr><td>\(HTML.escape(unit.code))</td><td>\(HTML.escape(unit.name))</td><td>\(HTML.escape(l(unit.kind.nameZh, unit.kind.rawValue)))</td>\
                <td>\(HTML.escape(unit.parentCode))</td><td class="n">\(unit.population.map(String.init) ?? "")</td><td>\(unit.boundary == nil ? "" : l("有", "yes"))</td>\
                <td><a href="/console/admin?section=people&amp;unit=\(HTML.escape(unit.code))">\(l("人员", "people"))</a>\(edit)</td></tr>
                """
        }.joined()
        var html = """
            <form method="get" action="/console/admin" class="card inline"><input type="hidden" name="section" value="units">\
            \(search.field("q", l("按代码或名称查找", "Find by code or name")))<button type="submit">\(l("查找", "Find"))</button></form>
            <p class="meta">\(l("共 \(desk.advisor.units.count) 个单位；显示 \(min(units.count, 200)) / \(units.count)", "\(desk.advisor.units.count) units; showing \(min(units.count, 200)) of \(units.count)"))</p>
            <div class="table-wrap"><table class="list" id="units"><thead><tr><th>\(l("代码", "Code"))</th><th>\(l("名称", "Name"))</th><th>\(l("类型", "Kind"))</th>\
            <th>\(l("上级", "Parent"))</th><th>\(l("人口", "Population"))</th><th>\(l("边界", "Boundary"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        if session.actor.role == .administrator {
            var form = form
            if form.values["code"] == nil, let unit = desk.advisor.units[query(request, "edit")] {
                form.values = ["code": unit.code, "name": unit.name, "kind": unit.kind.rawValue, "parentCode": unit.parentCode ?? "",
                               "population": unit.population.map(String.init) ?? "", "calendar": unit.calendarCode ?? ""]
            }
            let kinds = UnitKind.allCases.map { ($0.rawValue, l($0.nameZh, $0.rawValue)) }
            let calendars = [("", l("本市默认", "the city's default"))] + BusinessHours.named.keys.sorted().map { ($0, $0) }
            html += """
                <form method="post" action="/console/admin/units" class="card" id="unit-form" novalidate>\(csrf(session))<h2>\(l("新增或修改单位", "Add or change a unit"))</h2>\(form.alert)
                <div class="pair">\(form.field("code", l("代码", "Code"), required: true, hint: l("区划代码（6/9/12/15 位），或“区划-简称”如 110105-CGW", "a division code (6/9/12/15 digits), or area-tag such as 110105-CGW")))\
                \(form.field("name", l("名称", "Name"), required: true))</div>
                <div class="pair">\(form.select("kind", l("类型", "Kind"), kinds, required: true))\(form.field("parentCode", l("上级单位代码", "Parent code"), required: true))</div>
                <div class="pair">\(form.field("population", l("常住人口（可选）", "Residents (optional)"), type: "number"))\(form.select("calendar", l("工作时间", "Business hours"), calendars))</div>
                <button type="submit">\(l("保存", "Save"))</button></form>
                """
        }
        return html
    }

    private func saveUnit(_ request: Request) async throws -> Response {
        guard case (var form, let session)? = try await posted(request, section: "units") else { return HTML.redirect("/console/login") }
        let l = ConsoleLanguage(request)
        do {
            let unit = try DivisionsFile.unit(
                code: form["code"] ?? "", name: form["name"] ?? "", kind: form["kind"] ?? "", parent: form["parentCode"] ?? "",
                population: form["population"] ?? "", calendar: form["calendar"] ?? "")
            try await desk.save(unit, by: session.actor)
            try await versions.reload()  // its business hours apply at once
        } catch let failed as ImportFailed {
            let error = failed.problems.first?.error ?? .emptyFile
            form.errors[Self.unitField(of: error) ?? "_"] = l(error.messageZh, error.messageEn)
            return try await adminPage(request, form: form, status: .badRequest)
        } catch let error as CityModelError {
            form.errors[Self.unitField(of: error) ?? "_"] = l(error.messageZh, error.messageEn)
            return try await adminPage(request, form: form, status: error.kind == .forbidden ? .forbidden : .badRequest)
        }
        return HTML.redirect("/console/admin?section=units&q=\((form["code"] ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
    }

    /// The unit form's field a refusal is about, if one.
    private static func unitField(of error: CityModelError) -> String? {
        switch error {
        case .invalidCode, .duplicateCode, .mayNotAdminister, .areaMissing: "code"
        case .emptyName: "name"
        case .unknownKind, .kindChanged: "kind"
        case .codeOutsideParent, .parentKindNotAllowed, .parentRequired, .parentMissing: "parentCode"
        case .invalidPopulation: "population"
        case .unknownCalendar: "calendar"
        default: nil
        }
    }

    private func peopleSection(_ request: Request, _ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) async throws -> String {
        var form = form
        let unit = form.values["unitCode"] ?? query(request, "unit")
        let cityCode = desk.advisor.cityCode
        let pick = """
            <form method="get" action="/console/admin" class="card inline"><input type="hidden" name="section" value="people">\
            <div class="field"><label for="unit">\(l("单位代码", "Unit code"))</label><input id="unit" name="unit" value="\(HTML.escape(unit))"></div>\
            <button type="submit">\(l("查看", "Show"))</button></form>
            """
        guard !unit.isEmpty else { return pick }
        guard PeopleAccess.maySee(unit, session.actor, cityCode: cityCode) else {
            return pick + "<p class=\"error\" role=\"alert\">\(l("您不能查看该单位的人员。", "You may not see this unit's people."))</p>"
        }
        let staff = try await people.people(at: unit)
        let mayManage = PeopleAccess.mayManage(unit, session.actor, cityCode: cityCode)
        let rows = staff.map { entry in
            let roles = entry.roles.map { role in
                let end = mayManage ? """
                    <form method="post" action="/console/admin/people" class="inline-action">\(csrf(session))<input type="hidden" name="action" value="end">\
                    <input type="hidden" name="personId" value="\(HTML.escape(entry.person.id))"><input type="hidden" name="role" value="\(role.role.rawValue)">\
                    <input type="hidden" name="unitCode" value="\(HTML.escape(unit))"><button type="submit" class="secondary">\(l("终止", "End"))</button></form>
                    """ : ""
                return "<li>\(HTML.escape(l(role.role.nameZh, role.role.rawValue)))\(end)</li>"
            }.joined()
            return "<tr><td>\(HTML.escape(entry.person.id))</td><td>\(HTML.escape(entry.person.name))</td><td><ul class=\"plain\">\(roles)</ul></td></tr>"
        }.joined()
        var html = pick + """
            <h2>\(HTML.escape(desk.advisor.units[unit]?.name ?? unit))</h2>
            <div class="table-wrap"><table class="list" id="people"><thead><tr><th>\(l("账号", "Account"))</th><th>\(l("姓名", "Name"))</th><th>\(l("角色", "Roles"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        if mayManage {
            let roles = Role.allCases.filter { role in desk.advisor.units[unit].map { role.allowedUnitKinds.contains($0.kind) } ?? true }
                .map { ($0.rawValue, l($0.nameZh, $0.rawValue)) }
            form.values["unitCode"] = unit
            html += """
                <form method="post" action="/console/admin/people" class="card" novalidate>\(csrf(session))<h3>\(l("添加人员或授予角色", "Add a person or grant a role"))</h3>\(form.alert)
                <input type="hidden" name="action" value="grant"><input type="hidden" name="unitCode" value="\(HTML.escape(unit))">
                <div class="pair">\(form.field("personId", l("账号", "Account"), required: true))\(form.field("name", l("姓名", "Name"), required: true))</div>
                <div class="pair">\(form.field("phone", l("电话（可选）", "Phone (optional)"), type: "tel"))\(form.select("role", l("角色", "Role"), roles, required: true))</div>
                <button type="submit">\(l("保存", "Save"))</button></form>
                """
        }
        return html
    }

    private func changePeople(_ request: Request) async throws -> Response {
        guard case (var form, let session)? = try await posted(request, section: "people") else { return HTML.redirect("/console/login") }
        let l = ConsoleLanguage(request)
        let unit = form["unitCode"] ?? ""
        let personID = form["personId"] ?? ""
        guard let role = form["role"].flatMap(Role.init(rawValue:)) else {
            form.errors["role"] = l("请选择角色", "pick a role")
            return try await adminPage(request, form: form, status: .badRequest)
        }
        let phone = form["phone"]
        if let phone, !DemandDraft.isPhoneNumber(phone) { form.errors["phone"] = l("不是有效的电话号码", "not a phone number") }
        if personID.isEmpty { form.errors["personId"] = l("请填写账号", "an account is needed") }
        if form["action"] == "grant", form["name"] == nil, try await people.person(id: personID) == nil { form.errors["name"] = l("新人员需要姓名", "a new person needs a name") }
        guard form.errors.isEmpty else { return try await adminPage(request, form: form, status: .badRequest) }
        let now = clock()
        let assignment = RoleAssignment(personID: personID, role: role, unitCode: unit)
        do {
            guard PeopleAccess.mayManage(unit, session.actor, cityCode: desk.advisor.cityCode) else { throw PeopleError.mayNotManage(unit: unit) }
            if form["action"] == "end" {
                try await people.end(assignment, by: AuditActor(session.actor), now: now)
            } else {
                try await people.addIfNew(Person(id: personID, name: form["name"] ?? personID, phone: phone), by: AuditActor(session.actor), now: now)
                try await people.grant(assignment, by: AuditActor(session.actor), now: now)
            }
        } catch let error as any DomainError {
            form.errors[error is PeopleError || error is AccessError ? "_" : "personId"] = l(error.messageZh, error.messageEn)
            return try await adminPage(request, form: form, status: .badRequest)
        }
        return HTML.redirect("/console/admin?section=people&unit=\(unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
    }

    private func taxonomySection(_ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) -> String {
        let editable = DispatchAccess.mayEditTaxonomy(session.actor, cityCode: desk.advisor.cityCode)
        let rows = desk.advisor.taxonomy.categories.map { category in
            let retire = editable && category.active ? """
                <form method="post" action="/console/admin/taxonomy" class="inline-action">\(csrf(session))<input type="hidden" name="action" value="retire">\
                <input type="hidden" name="code" value="\(HTML.escape(category.code))"><button type="submit" class="secondary">\(l("停用", "Retire"))</button></form>
                """ : ""
            return """
                <tr><td>\(HTML.escape(category.code))</td><td class="level-\(min(category.level, 3))">\(HTML.escape(category.name))</td>\
                <td>\(HTML.escape(category.deadlineClass))</td><td>\(HTML.escape(category.serviceCode))</td><td>\(category.active ? "" : l("停用", "inactive"))\(retire)</td></tr>
                """
        }.joined()
        var html = ""
        if editable {
            let classes = [("", l("随上级分类", "as the parent"))] + configuration.rules(at: clock()).deadlineClasses.values.sorted { $0.code < $1.code }
                .map { ($0.code, l($0.nameZh, $0.nameEn)) }
            html += """
                <form method="post" action="/console/admin/taxonomy" class="card" novalidate>\(csrf(session))<h2>\(l("新增分类", "Add a category"))</h2>\(form.alert)
                <input type="hidden" name="action" value="add">
                <div class="pair">\(form.field("code", l("代码", "Code"), required: true, hint: l("上级代码加一段，如 CX.SZ.LD", "the parent's code and one more segment, e.g. CX.SZ.LD")))\
                \(form.field("name", l("名称", "Name"), required: true))</div>
                <div class="pair">\(form.select("deadlineClass", l("办理时限", "Deadline class"), classes))\(form.field("serviceCode", l("Open311 服务代码（可选）", "Open311 service code (optional)")))</div>
                <button type="submit">\(l("保存", "Save"))</button></form>
                """
        }
        return html + """
            <div class="table-wrap"><table class="list" id="taxonomy"><thead><tr><th>\(l("代码", "Code"))</th><th>\(l("名称", "Name"))</th><th>\(l("办理时限", "Deadline class"))</th>\
            <th>Open311</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    private func changeTaxonomy(_ request: Request) async throws -> Response {
        guard case (var form, let session)? = try await posted(request, section: "taxonomy") else { return HTML.redirect("/console/login") }
        let l = ConsoleLanguage(request)
        let code = form["code"] ?? ""
        let change: CategoryChange = form["action"] == "retire" ? .retire(code: code) : .add(category: WhistleCore.Category(
            code: code, name: form["name"] ?? "", deadlineClass: form["deadlineClass"], serviceCode: form["serviceCode"]))
        do {
            _ = try await desk.change(change, by: session.actor)
        } catch let error as any DomainError {
            if case .retire = change { form.values = ["section": "taxonomy"] }  // the add form stays empty
            form.errors[Self.taxonomyField(of: error) ?? "_"] = l(error.messageZh, error.messageEn)
            return try await adminPage(request, form: form, status: error.kind.status == .forbidden ? .forbidden : .badRequest)
        }
        return HTML.redirect("/console/admin?section=taxonomy")
    }

    /// The add form's field a taxonomy refusal is about, if one.
    private static func taxonomyField(of error: any DomainError) -> String? {
        switch error {
        case TaxonomyError.invalidCode, TaxonomyError.duplicateCode, TaxonomyError.unknownParent, TaxonomyError.parentRetired: "code"
        case TaxonomyError.emptyName: "name"
        case TaxonomyError.invalidDeadlineClass, TaxonomyError.unknownDeadlineClass: "deadlineClass"
        case TaxonomyError.invalidServiceCode, TaxonomyError.serviceCodeNotLeaf, TaxonomyError.duplicateServiceCode: "serviceCode"
        default: nil
        }
    }

    private func dutySection(_ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) -> String {
        let taxonomy = desk.advisor.taxonomy
        let cityCode = desk.advisor.cityCode
        let today = CalendarDay(beijing: clock())
        let rows = desk.advisor.router.rules.sorted { ($0.categoryCode, $0.areaCode, $0.priority) < ($1.categoryCode, $1.areaCode, $1.priority) }.prefix(500).map { rule in
            let open = rule.effectiveUntil.map { $0 >= today } ?? true
            let end = open && DispatchAccess.mayEditRules(in: rule.areaCode, session.actor, cityCode: cityCode) ? """
                <form method="post" action="/console/admin/duties" class="inline-action">\(csrf(session))<input type="hidden" name="action" value="end">\
                <input type="hidden" name="id" value="\(HTML.escape(rule.id))"><label class="visually-hidden" for="until-\(HTML.escape(rule.id))">\(l("最后有效日", "Last day in force"))</label>\
                <input type="date" id="until-\(HTML.escape(rule.id))" name="effectiveUntil" value="\(today)" required><button type="submit" class="secondary">\(l("终止", "End"))</button></form>
                """ : ""
            return """
                <tr><td>\(HTML.escape(taxonomy.category(rule.categoryCode)?.name ?? rule.categoryCode))</td><td>\(HTML.escape(desk.advisor.units[rule.areaCode]?.name ?? rule.areaCode))</td>\
                <td>\(HTML.escape(rule.primary.description))</td><td>\(HTML.escape(rule.coHandlers.map(\.description).joined(separator: "、")))</td>\
                <td>\(rule.effectiveFrom)\(rule.effectiveUntil.map { " – \($0)" } ?? "")\(end)</td><td>\(HTML.escape(rule.note))</td></tr>
                """
        }.joined()
        var html = ""
        if session.actor.role == .administrator {
            var form = form
            if form.values["effectiveFrom"] == nil { form.values["effectiveFrom"] = today.description }
            html += """
                <form method="post" action="/console/admin/duties" class="card" novalidate>\(csrf(session))<h2>\(l("新增派单规则", "Add a duty rule"))</h2>\(form.alert)
                <input type="hidden" name="action" value="add">
                <div class="pair">\(form.field("categoryCode", l("分类代码", "Category code"), required: true))\(form.field("areaCode", l("区域代码", "Area code"), required: true, hint: l("区、街乡镇或社区代码", "a district, street or community code")))</div>
                <div class="pair">\(form.field("primary", l("主办单位", "Primary unit"), required: true, hint: l("单位代码，或 {street}-ZFD 这样的模板", "a unit code, or a template such as {street}-ZFD")))\
                \(form.field("coHandlers", l("协办单位（可选，用逗号分隔）", "Co-handlers (optional, comma-separated)")))</div>
                <div class="pair">\(form.field("effectiveFrom", l("生效日期", "In force from"), type: "date", required: true))\(form.field("priority", l("优先级（可选）", "Priority (optional)"), type: "number"))</div>
                \(form.field("note", l("依据（可选）", "Basis (optional)")))
                <button type="submit">\(l("保存", "Save"))</button></form>
                """
        }
        return html + """
            <p class="meta">\(l("共 \(desk.advisor.router.rules.count) 条规则", "\(desk.advisor.router.rules.count) rules"))</p>
            <div class="table-wrap"><table class="list" id="duties"><thead><tr><th>\(l("分类", "Category"))</th><th>\(l("区域", "Area"))</th><th>\(l("主办", "Primary"))</th>\
            <th>\(l("协办", "Co-handlers"))</th><th>\(l("有效期", "Effective"))</th><th>\(l("依据", "Basis"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    private func changeDuties(_ request: Request) async throws -> Response {
        guard case (var form, let session)? = try await posted(request, section: "duties") else { return HTML.redirect("/console/login") }
        let l = ConsoleLanguage(request)
        func day(_ name: String) -> CalendarDay? {
            guard let text = form[name], let day = CalendarDay(text) else {
                form.errors[name] = l("应为日期，如 2026-12-01", "a date such as 2026-12-01")
                return nil
            }
            return day
        }
        do {
            if form["action"] == "end" {
                let (id, until) = (form["id"] ?? "", day("effectiveUntil"))
                form.values = ["section": "duties"]  // the add form stays empty
                guard let until else {
                    form.errors["_"] = form.errors.removeValue(forKey: "effectiveUntil")
                    return try await adminPage(request, form: form, status: .badRequest)
                }
                _ = try await desk.endRule(id, from: until, by: session.actor)
            } else {
                let from = day("effectiveFrom")
                let priority = form["priority"].map { Int($0) } ?? 0
                if priority == nil { form.errors["priority"] = l("应为整数", "a whole number") }
                let targets = (form["coHandlers"] ?? "").split { ",，、 ".contains($0) }.map(String.init)
                let primary = UnitTarget(form["primary"] ?? "")
                if primary == nil { form.errors["primary"] = l("不是单位代码或模板", "not a unit code or template") }
                let coHandlers = targets.compactMap(UnitTarget.init)
                if coHandlers.count != targets.count { form.errors["coHandlers"] = l("含有不是单位代码或模板的项", "has an item that is not a unit code or template") }
                guard form.errors.isEmpty, let from, let primary, let priority else { return try await adminPage(request, form: form, status: .badRequest) }
                try await desk.add(DutyRule(
                    id: DutyRule.newID(), categoryCode: form["categoryCode"] ?? "", areaCode: form["areaCode"] ?? "",
                    primary: primary, coHandlers: coHandlers, priority: priority, effectiveFrom: from, effectiveUntil: nil, note: form["note"] ?? ""), by: session.actor)
            }
        } catch let error as any DomainError {
            form.errors[Self.dutyField(of: error) ?? "_"] = l(error.messageZh, error.messageEn)
            return try await adminPage(request, form: form, status: error.kind.status == .forbidden ? .forbidden : .badRequest)
        }
        return HTML.redirect("/console/admin?section=duties")
    }

    /// The add form's field a duty-rule refusal is about, if one.
    private static func dutyField(of error: any DomainError) -> String? {
        switch error {
        case DutyRuleError.invalidCategory, DutyRuleError.unknownCategory: "categoryCode"
        case DutyRuleError.invalidArea, DispatchAccessError.mayNotEditRules: "areaCode"
        case DutyRuleError.invalidUnit, DutyRuleError.missingPrimary, DutyRuleError.unknownUnit: "primary"
        case DutyRuleError.duplicateUnit: "coHandlers"
        case DutyRuleError.invalidPriority: "priority"
        default: nil
        }
    }

    /// A warning while the coming year's holidays are missing within 60 days of it: working-day deadlines
    /// that reach into that year cannot be computed, so dispatch would be refused (the schedule is published by
    /// the State Council each November or so, and imported here or with `whistle calendar import`).
    func calendarWarning(_ l: ConsoleLanguage) -> String {
        let soon = CalendarDay(beijing: clock()).adding(days: 60).year
        guard !configuration.schedules.contains(where: { $0.year == soon }) else { return "" }
        return "<p class=\"error\" role=\"alert\" id=\"calendar-warning\">\(l("\(soon) 年的节假日安排尚未导入：跨入该年的工作日时限将无法计算，派单会被拒绝。请在“系统管理 › 工作日历”导入。", "The \(soon) holiday schedule is not imported yet: working-day deadlines reaching into it cannot be computed and dispatch will be refused. Import it under Administration › Calendars."))</p>"
    }

    private func calendarSection(_ l: ConsoleLanguage) async throws -> String {
        try await calendarWarning(l) + retimings(l) + configuration.schedules.map { schedule in
            let holidays = schedule.holidays.map { "<li>\(HTML.escape(l($0.nameZh, $0.nameEn)))：\($0.firstDay) – \($0.lastDay)</li>" }.joined()
            let makeUp = schedule.makeUpWorkdays.map(\.description).joined(separator: "、")
            return """
                <section class="card"><h2>\(schedule.year)</h2><p class="meta">\(HTML.escape(schedule.source))</p><ul>\(holidays)</ul>
                <p>\(l("调休上班", "Make-up working days"))：\(makeUp.isEmpty ? l("无", "none") : makeUp)</p></section>
                """
        }.joined()
    }

    /// The last retimings of open demands (重新计时) that finished: what they followed, how many, when.
    private func retimings(_ l: ConsoleLanguage) async throws -> String {
        let rows = try await CalendarRepository(store: versions.store).retimings(limit: 5).map { entry in
            let cause = switch (entry.subjectType, entry.subjectID) {
            case ("policy", let day): l("自 \(day) 起的规则版本生效", "the rules version from \(day) took effect")
            case (_, "business-hours"): l("单位工作时间变更", "units' business hours changed") + " " + (entry.details["units"] ?? "")
            case (_, let year): l("\(year) 年节假日安排导入", "the \(year) holiday schedule was imported")
            }
            return "<tr><td>\(HTML.escape(cause))</td><td>\(HTML.escape(entry.details["openDemands"] ?? ""))</td><td>\(ConsoleBadges.time(entry.at))</td></tr>"
        }
        guard !rows.isEmpty else { return "" }
        return """
            <section class="card" id="retimings"><h2>\(l("在办诉求重新计时", "Open demands retimed"))</h2>
            <div class="table-wrap"><table class="list"><thead><tr><th>\(l("起因", "After"))</th><th>\(l("在办诉求", "Open demands"))</th>\
            <th>\(l("完成时间", "Finished"))</th></tr></thead><tbody>\(rows.joined())</tbody></table></div></section>
            """
    }

    private func deadlineSection(_ l: ConsoleLanguage) -> String {
        configuration.policies.loop.sorted { $0.effectiveFrom > $1.effectiveFrom }.map { policy in
            let rows = policy.deadlineClasses.map { c in
                """
                <tr><td>\(HTML.escape(c.code))</td><td>\(HTML.escape(l(c.nameZh, c.nameEn)))</td><td>\(HTML.escape(l(c.signFor.descriptionZh, c.signFor.description)))</td>\
                <td>\(HTML.escape(l(c.firstContact.descriptionZh, c.firstContact.description)))</td><td>\(HTML.escape(l(c.resolution.descriptionZh, c.resolution.description)))</td>\
                <td>\(c.extensionAllowed ? l("可延期", "allowed") : l("不可延期", "not allowed"))</td></tr>
                """
            }.joined()
            return """
                <section class="card"><h2>\(l("自 \(policy.effectiveFrom) 起", "From \(policy.effectiveFrom)"))</h2>
                <p>\(l("退单时限", "Return window"))：\(HTML.escape(l(policy.returnWindow.descriptionZh, policy.returnWindow.description))) · \
                \(l("黄灯阈值", "Yellow light at"))：\(Int((policy.yellowThreshold * 100).rounded()))% · \(l("超期后督办", "Supervise after"))：\(HTML.escape(l(policy.superviseAfter.descriptionZh, policy.superviseAfter.description)))</p>
                <div class="table-wrap"><table class="list"><thead><tr><th>\(l("代码", "Code"))</th><th>\(l("名称", "Name"))</th><th>\(l("签收", "Sign for"))</th>\
                <th>\(l("联系诉求人", "First contact"))</th><th>\(l("办结", "Resolution"))</th><th>\(l("延期", "Extension"))</th></tr></thead><tbody>\(rows)</tbody></table></div></section>
                """
        }.joined()
    }

    private func whistleSection(_ l: ConsoleLanguage) -> String {
        configuration.policies.whistle.sorted { $0.effectiveFrom > $1.effectiveFrom }.map { policy in
            let minutes = WhistleType.allCases.map { type in
                "<li>\(HTML.escape(l(type.nameZh, type.rawValue)))：\(policy.reportInMinutes[type].map { l("\($0) 分钟内报到", "report in within \($0) min") } ?? "—")</li>"
            }.joined()
            return """
                <section class="card"><h2>\(l("自 \(policy.effectiveFrom) 起", "From \(policy.effectiveFrom)"))</h2><ul>\(minutes)
                <li>\(l("现场签到距离", "Sign-in within"))：\(Int(policy.signInRadiusMetres)) \(l("米", "m"))</li>
                <li>\(l("评分（及时、尽力、效果）每项", "Scores (timeliness, effort, result), each"))：\(policy.scoreMin)–\(policy.scoreMax)</li></ul></section>
                """
        }.joined()
    }

    private func schemeSection(_ l: ConsoleLanguage) -> String {
        configuration.assessmentSchemes.sorted { $0.effectiveFrom > $1.effectiveFrom }.map { scheme in
            func share(_ value: Double) -> String { String(format: "%.2f", value) }
            return """
                <section class="card"><h2>\(l("自 \(scheme.effectiveFrom) 起", "From \(scheme.effectiveFrom)"))</h2><ul>
                <li>\(l("三率权重（响应 / 解决 / 满意）", "Weights (response / resolution / satisfaction)"))：\(share(scheme.weights.response)) / \(share(scheme.weights.resolution)) / \(share(scheme.weights.satisfaction))</li>
                <li>\(l("基本满意折算", "Basically satisfied counts as"))：\(share(scheme.basicSatisfactionWeight))</li>
                <li>\(l("考核周期起始日", "Periods start on day"))：\(scheme.periodStartDay)</li>
                <li>\(l("不合理诉求不计入", "Unreasonable demands excluded"))：\(scheme.excludesUnreasonable ? l("是", "yes") : l("否", "no"))</li>
                <li>\(l("吹哨评分占部门成绩", "Whistle score's weight in a department's result"))：\(share(scheme.whistleWeight))</li>
                <li>\(l("治理类", "Governance watch"))：\(l("近 \(scheme.governance.window) 期中 \(scheme.governance.times) 次进入前 \(scheme.governance.topN)", "top \(scheme.governance.topN) in \(scheme.governance.times) of the last \(scheme.governance.window) periods"))</li></ul></section>
                """
        }.joined()
    }

    // MARK: Rule versions and holiday calendars (the city's administrators)

    /// A new version of local rules, from tomorrow at the earliest: the JSON of the newest version, dated
    /// tomorrow, to change and save.
    private func versionForm<Policy: StoredPolicy>(
        _ type: Policy.Type, kind: String, _ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage
    ) -> String {
        guard Administration.keepsCityRules(session.actor, cityCode: desk.advisor.cityCode) else { return "" }
        var form = form
        if form.values["document"] == nil || form.values["kind"] != kind {
            let newest: (any StoredPolicy)? = switch kind {
            case "loop": configuration.policies.loop.max { $0.effectiveFrom < $1.effectiveFrom }
            case "whistle": configuration.policies.whistle.max { $0.effectiveFrom < $1.effectiveFrom }
            default: configuration.assessmentSchemes.max { $0.effectiveFrom < $1.effectiveFrom }
            }
            form.values["document"] = newest.flatMap { Self.template($0, from: CalendarDay(beijing: clock()).adding(days: 1)) } ?? ""
            form.errors = [:]
        }
        return """
            <details class="card"\(form.errors.isEmpty ? "" : " open")><summary>\(l("新增版本", "Add a version"))</summary>
            <form method="post" action="/console/admin/rules" novalidate>\(csrf(session))\(form.alert)<input type="hidden" name="kind" value="\(kind)">
            \(form.field("document", l("规则（JSON，effectiveFrom 为生效日，须晚于今天）", "Rules (JSON; effectiveFrom, the day it applies from, must be after today)"), type: "textarea", required: true, attributes: "spellcheck=\"false\" class=\"code\""))
            <button type="submit">\(l("保存版本", "Save the version"))</button></form></details>
            """
    }

    /// The JSON of a version as `whistle rules show` prints it, with a new effective day.
    private static func template(_ policy: any StoredPolicy, from day: CalendarDay) -> String? {
        guard let data = try? PolicyRepository.encoder.encode(policy), var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        object["effectiveFrom"] = day.description
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])).map { String(decoding: $0, as: UTF8.self) }
    }

    private func saveRuleVersion(_ request: Request) async throws -> Response {
        guard case (var form, let session)? = try await posted(request, section: "deadlines") else { return HTML.redirect("/console/login") }
        let l = ConsoleLanguage(request)
        let kind = ["assessment", "whistle"].contains(form["kind"] ?? "") ? form["kind"]! : "loop"
        form.values["section"] = ["loop": "deadlines", "whistle": "whistle", "assessment": "schemes"][kind]!
        guard Administration.keepsCityRules(session.actor, cityCode: desk.advisor.cityCode) else { throw DispatchAccessError.mayNotEditTaxonomy }
        let data = Data((form.values["document"] ?? "").utf8)
        do {
            switch kind {
            case "loop": try await save(try JSONDecoder().decode(LoopPolicy.self, from: data), &form, session, l)
            case "whistle": try await save(try JSONDecoder().decode(WhistlePolicy.self, from: data), &form, session, l)
            default: try await save(try JSONDecoder().decode(AssessmentScheme.self, from: data), &form, session, l)
            }
        } catch let error as any DomainError {
            form.errors["document"] = l(error.messageZh, error.messageEn)
        } catch {
            form.errors["document"] = l("不是有效的规则：", "Not valid rules: ") + Self.reason(error)
        }
        guard form.errors.isEmpty else { return try await adminPage(request, form: form, status: .badRequest) }
        return HTML.redirect("/console/admin?section=\(form.values["section"]!)")
    }

    /// Saves a version that applies from a later day: what happened stays judged by the rules of its day.
    private func save<Policy: StoredPolicy>(_ policy: Policy, _ form: inout ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) async throws {
        guard policy.effectiveFrom > CalendarDay(beijing: clock()) else {
            form.errors["document"] = l("生效日期（effectiveFrom）须晚于今天：规则不追溯", "effectiveFrom must be after today: rules do not apply backwards")
            return
        }
        try await versions.save(policy, by: session.actor)
    }

    /// A decoding failure said plainly.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context), let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            context.debugDescription + (context.codingPath.isEmpty ? "" : " (\(context.codingPath.map(\.stringValue).joined(separator: ".")))")
        case let DecodingError.keyNotFound(key, _): "missing \(key.stringValue)"
        default: String(describing: error)
        }
    }

    /// A year's official holiday schedule: the JSON of Resources/calendars, or an iCalendar feed (all-day events,
    /// 补班/上班 for make-up working days) with its year and source.
    private func calendarForm(_ form: ConsoleForm, _ session: SessionRepository.Session, _ l: ConsoleLanguage) -> String {
        guard Administration.keepsCityRules(session.actor, cityCode: desk.advisor.cityCode) else { return "" }
        return """
            <details class="card"\(form.errors.isEmpty ? "" : " open")><summary>\(l("导入一年的节假日安排", "Import a year's holidays"))</summary>
            <form method="post" action="/console/admin/calendars" novalidate>\(csrf(session))\(form.alert)
            <p class="meta">\(l("导入或替换后，所有在办诉求的时限提醒（黄灯、超期、督办）将按新日历自动重新计算。", "After an import or replacement, the deadline timers of every open demand (yellow, overdue, supervision) are recomputed on the new calendar."))</p>
            \(form.field("schedule", l("节假日安排（JSON 或 iCalendar）", "Holiday schedule (JSON or iCalendar)"), type: "textarea", required: true, attributes: "spellcheck=\"false\" class=\"code\""))
            <div class="pair">\(form.field("year", l("年份（iCalendar 必填）", "Year (for iCalendar)"), type: "number"))\(form.field("source", l("依据（国务院办公厅通知）", "Source (the State Council notice)")))</div>
            <button type="submit">\(l("导入", "Import"))</button></form></details>
            """
    }

    private func importCalendar(_ request: Request) async throws -> Response {
        guard case (var form, let session)? = try await posted(request, section: "calendars") else { return HTML.redirect("/console/login") }
        let l = ConsoleLanguage(request)
        guard Administration.keepsCityRules(session.actor, cityCode: desk.advisor.cityCode) else { throw DispatchAccessError.mayNotEditTaxonomy }
        let text = form["schedule"] ?? ""
        do {
            let schedule: HolidaySchedule
            if text.hasPrefix("BEGIN:VCALENDAR") {
                guard let year = form["year"].flatMap({ Int($0) }) else {
                    form.errors["year"] = l("iCalendar 需要填写年份", "an iCalendar feed needs the year")
                    return try await adminPage(request, form: form, status: .badRequest)
                }
                schedule = try HolidaySchedule.importICalendar(text, year: year, source: form["source"])
            } else {
                schedule = try HolidaySchedule.decode(from: Data(text.utf8))
            }
            try await versions.save(schedule, by: session.actor)
        } catch let error as any DomainError {
            form.errors["schedule"] = l(error.messageZh, error.messageEn)
        } catch {
            form.errors["schedule"] = l("不是有效的节假日安排：", "Not a valid holiday schedule: ") + Self.reason(error)
        }
        guard form.errors.isEmpty else { return try await adminPage(request, form: form, status: .badRequest) }
        return HTML.redirect("/console/admin?section=calendars")
    }
}
