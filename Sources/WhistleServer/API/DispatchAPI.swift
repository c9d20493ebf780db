import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// Routing over HTTP (派单, SPEC §7): suggestions for a draft, the taxonomy and the duty rules. Reads come
/// from this server's ``DispatchDesk``; edits go to the store and rebuild the desk at once.
extension WhistleAPIHandler {
    func suggestDispatch(_ input: Operations.SuggestDispatch.Input) async throws -> Operations.SuggestDispatch.Output {
        let actor = try RequestActor.required()
        guard DispatchAccess.maySuggest(actor) else { throw DispatchAccessError.mayNotSuggest(actor.role) }
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let content = body.content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...DemandDraft.Limits.content).contains(content.count) else {
            throw RequestError.invalidParameter(name: "content", reason: "应为 1–5000 字 / 1 to 5000 characters")
        }
        guard (body.title?.count ?? 0) <= DemandDraft.Limits.title, (body.address?.count ?? 0) <= DemandDraft.Limits.address else {
            throw RequestError.invalidParameter(name: "title/address", reason: "过长 / too long")
        }
        let coordinate = try Self.coordinate(longitude: body.longitude, latitude: body.latitude)
        let now = clock()
        let advisor = desk.advisor
        if let code = body.categoryCode, advisor.taxonomy.category(code)?.active != true {
            throw RequestError.invalidParameter(name: "categoryCode", reason: "没有这个在用的分类 / no such active category: \(code)")
        }
        let advice = advisor.advise(
            title: body.title, content: content, address: body.address ?? "", coordinate: coordinate, categoryCode: body.categoryCode, at: now)
        var duplicates: [DuplicateCandidate] = []
        if let category = advice.categoryCode {
            let probe = Duplicates.Probe(title: body.title, content: content, coordinate: coordinate, areaCode: advice.place?.gridCode ?? advice.place?.areaCode)
            duplicates = try await demands.proposedDuplicates(category: category, of: probe, for: actor, at: now, rules: configuration.rules(at: now).duplicates).map(\.candidate)
        }
        return .ok(.init(body: .json(.init(advice, duplicates: duplicates, advisor: advisor))))
    }

    func listCategories(_ input: Operations.ListCategories.Input) async throws -> Operations.ListCategories.Output {
        _ = try RequestActor.required()
        let taxonomy = desk.advisor.taxonomy
        let shown = taxonomy.categories.filter { $0.active || input.query.includeRetired == true }.sorted { $0.code < $1.code }
        return .ok(.init(body: .json(.init(items: shown.map { .init($0, in: taxonomy) }))))
    }

    func addCategory(_ input: Operations.AddCategory.Input) async throws -> Operations.AddCategory.Output {
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let category = WhistleCore.Category(
            code: body.code, name: body.name.trimmingCharacters(in: .whitespacesAndNewlines), deadlineClass: body.deadlineClass,
            serviceCode: body.serviceCode, standardCode: body.standardCode, legacyCode: body.legacyCode)
        if let parent = body.parentCode, parent != category.parentCode { throw TaxonomyError.parentMismatch(code: category.code, parent: parent) }
        let (saved, taxonomy) = try await changeTaxonomy(.add(category: category))
        return .created(.init(body: .json(.init(saved, in: taxonomy))))
    }

    func changeCategory(_ input: Operations.ChangeCategory.Input) async throws -> Operations.ChangeCategory.Output {
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let code = input.path.code
        let change: CategoryChange
        switch body.action {
        case .rename: change = .rename(code: code, name: try RequestError.required(body.name, "name", by: body.action.rawValue))
        case .setDeadlineClass: change = .setDeadlineClass(code: code, deadlineClass: body.deadlineClass)
        case .setServiceCode: change = .setServiceCode(code: code, serviceCode: body.serviceCode)
        case .setAttributes:
            change = .setAttributes(code: code, attributes: try RequestError.required(body.attributes, "attributes", by: body.action.rawValue).map(ServiceAttribute.init))
        case .retire: change = .retire(code: code)
        }
        let (saved, taxonomy) = try await changeTaxonomy(change)
        return .ok(.init(body: .json(.init(saved, in: taxonomy))))
    }

    func listDutyRules(_ input: Operations.ListDutyRules.Input) async throws -> Operations.ListDutyRules.Output {
        _ = try RequestActor.required()
        let advisor = desk.advisor
        var rules = advisor.router.rules
        if let category = input.query.category {
            let lineage = Set(advisor.taxonomy.ancestors(of: category).map(\.code) + [category])
            rules = rules.filter { lineage.contains($0.categoryCode) }
        }
        if let area = input.query.area {
            let chain = Set(advisor.chain(of: area))
            rules = rules.filter { chain.contains($0.areaCode) }
        }
        if let text = input.query.inForceOn {
            let day = try RequestError.day(text, "inForceOn")
            rules = rules.filter { $0.isInForce(at: day.startInBeijing) }
        }
        return .ok(.init(body: .json(.init(items: advisor.router.inPrecedenceOrder(rules).map(Components.Schemas.DutyRule.init)))))
    }

    func addDutyRule(_ input: Operations.AddDutyRule.Input) async throws -> Operations.AddDutyRule.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        func target(_ text: String) throws -> UnitTarget {
            guard let target = UnitTarget(text) else { throw DutyRuleError.invalidUnit(text) }
            return target
        }
        let rule = DutyRule(
            id: DutyRule.newID(), categoryCode: body.categoryCode, areaCode: body.areaCode,
            primary: try target(body.primary), coHandlers: try (body.coHandlers ?? []).map(target),
            priority: body.priority ?? 0, effectiveFrom: try RequestError.day(body.effectiveFrom, "effectiveFrom"),
            effectiveUntil: try body.effectiveUntil.map { try RequestError.day($0, "effectiveUntil") }, note: body.note ?? "")
        try await desk.add(rule, by: actor)
        return .created(.init(body: .json(.init(rule))))
    }

    func endDutyRule(_ input: Operations.EndDutyRule.Input) async throws -> Operations.EndDutyRule.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let day = try RequestError.day(body.effectiveUntil, "effectiveUntil")
        let rule = try await desk.endRule(input.path.id, from: day, by: actor)
        return .ok(.init(body: .json(.init(rule))))
    }

    /// The root of the organisation tree, whose administrators keep the taxonomy and every account.
    var cityCode: String? { desk.advisor.cityCode }

    private func changeTaxonomy(_ change: CategoryChange) async throws -> (WhistleCore.Category, Taxonomy) {
        try await desk.change(change, by: try RequestActor.required())
    }

    /// Both coordinates or neither, each finite and in range.
    static func coordinate(longitude: Double?, latitude: Double?) throws -> Coordinate? {
        switch (longitude, latitude) {
        case (nil, nil): return nil
        case let (longitude?, latitude?) where longitude.isFinite && latitude.isFinite && abs(longitude) <= 180 && abs(latitude) <= 90:
            return Coordinate(longitude: longitude, latitude: latitude)
        default: throw RequestError.invalidParameter(name: "longitude/latitude", reason: "应同时给出且在范围内 / both, within range")
        }
    }
}

extension Components.Schemas.Category {
    init(_ category: WhistleCore.Category, in taxonomy: Taxonomy) {
        self.init(
            code: category.code, name: category.name, parentCode: category.parentCode, level: category.level,
            path: taxonomy.ancestors(of: category.code).reversed().map(\.name), deadlineClass: category.deadlineClass,
            effectiveDeadlineClass: taxonomy.deadlineClass(of: category.code), serviceCode: category.serviceCode,
            standardCode: category.standardCode, legacyCode: category.legacyCode, active: category.active,
            attributes: category.attributes.map(Components.Schemas.ServiceAttribute.init))
    }
}

extension Components.Schemas.ServiceAttribute {
    init(_ attribute: ServiceAttribute) {
        self.init(
            code: attribute.code, datatype: .init(rawValue: attribute.datatype.rawValue)!, description: attribute.description,
            required: attribute.required, variable: attribute.variable, datatypeDescription: attribute.datatypeDescription,
            order: attribute.order, values: attribute.values.map { .init(key: $0.key, name: $0.name) })
    }
}

extension ServiceAttribute {
    init(_ body: Components.Schemas.ServiceAttribute) {
        self.init(
            code: body.code, datatype: Datatype(rawValue: body.datatype.rawValue)!, description: body.description, required: body.required,
            variable: body.variable, datatypeDescription: body.datatypeDescription, order: body.order,
            values: (body.values ?? []).map { Choice(key: $0.key, name: $0.name) })
    }
}

extension Components.Schemas.DutyRule {
    init(_ rule: WhistleCore.DutyRule) {
        self.init(
            id: rule.id, categoryCode: rule.categoryCode, areaCode: rule.areaCode, primary: rule.primary.description,
            coHandlers: rule.coHandlers.map(\.description), priority: rule.priority, effectiveFrom: rule.effectiveFrom.description,
            effectiveUntil: rule.effectiveUntil?.description, note: rule.note.isEmpty ? nil : rule.note)
    }
}

extension Components.Schemas.Suggestion {
    init(_ advice: DispatchAdvisor.Advice, duplicates: [DuplicateCandidate], advisor: DispatchAdvisor) {
        func ref(_ code: String) -> Components.Schemas.UnitRef { .init(code: code, name: advisor.units[code]?.name ?? code) }
        func label(_ suggested: DispatchAdvisor.Suggested) -> Components.Schemas.SuggestedLabel {
            .init(code: suggested.code, name: suggested.name, confidence: suggested.confidence)
        }
        self.init(
            place: advice.place.map { place in
                .init(source: .init(rawValue: place.source.rawValue)!, grid: place.gridCode.map(ref), area: place.areaCode.map(ref), matched: place.matched)
            },
            categories: advice.categories.map(label),
            route: advice.route.map { route in
                .init(categoryCode: advice.categoryCode ?? route.rule.categoryCode, ruleId: route.rule.id, ruleAreaCode: route.rule.areaCode,
                      ruleCategoryCode: route.rule.categoryCode, primary: ref(route.primary), coHandlers: route.coHandlers.map(ref),
                      explanationZh: route.explanation.textZh, explanationEn: route.explanation.textEn)
            },
            units: advice.units.map(label),
            duplicates: duplicates.map {
                .init(id: $0.demandID, number: $0.number, score: $0.score, textSimilarity: $0.textSimilarity, distanceMeters: $0.distanceMeters, createdAt: $0.createdAt)
            },
            categoryModel: advisor.categoryModel?.version, unitModel: advisor.unitModel?.version)
    }
}
