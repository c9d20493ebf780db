import Foundation

/// What decides between two duty rules that both apply, in this order (SPEC §7).
public enum RoutePrecedence: String, Sendable, Hashable, Codable, CaseIterable {
    /// The more specific area: grid over community over street over district over city.
    case area
    /// The more specific category: level 3 over 2 over 1.
    case category
    /// The higher priority.
    case priority
    /// The later `effectiveFrom`: the newer version of a rule.
    case effectiveFrom = "effective_from"
    /// The rule id, in ascending order, so that routing is deterministic.
    case ruleID = "rule_id"

    var reasonZh: String {
        switch self {
        case .area: "区域更具体"
        case .category: "分类更细"
        case .priority: "优先级更高"
        case .effectiveFrom: "生效日期更晚"
        case .ruleID: "其余条件相同、规则编号在前"
        }
    }

    var reasonEn: String {
        switch self {
        case .area: "a more specific area"
        case .category: "a more specific category"
        case .priority: "a higher priority"
        case .effectiveFrom: "a later effective date"
        case .ruleID: "an earlier rule id, all else being equal"
        }
    }
}

/// Routes (派单) a demand by the duty list: among the rules in force whose category is the demand's category or
/// an ancestor and whose area is in the demand's place, the first by ``RoutePrecedence`` wins. The result is a
/// suggestion with its reasons; the dispatcher confirms it.
public struct DutyRouter: Sendable {
    public let taxonomy: Taxonomy
    /// Every rule, as given.
    public let rules: [DutyRule]
    private let rulesByCategory: [String: [DutyRule]]

    public init(rules: [DutyRule], taxonomy: Taxonomy) {
        self.taxonomy = taxonomy
        self.rules = rules
        rulesByCategory = Dictionary(grouping: rules, by: \.categoryCode)
    }

    /// `rules` in the order ``RoutePrecedence`` ranks them (most specific area, then category, then priority,
    /// later start, id), so a list of the rules for a place reads from the one that would win.
    public func inPrecedenceOrder(_ rules: [DutyRule]) -> [DutyRule] {
        func key(_ rule: DutyRule) -> (Int, Int, Int, Int, String) {
            let area = AreaLevel(divisionCode: rule.areaCode).flatMap { AreaLevel.allCases.firstIndex(of: $0) } ?? -1
            let category = rule.categoryCode.split(separator: ".").count
            return (-area, -category, -rule.priority, -rule.effectiveFrom.dayNumber, rule.id)
        }
        return rules.sorted { key($0) < key($1) }
    }

    /// The units for a demand of `category` at `place` (its division chain, most specific first: grid, community,
    /// street, district, city) by the rules in force at `instant`; `nil` when no rule applies or the category is
    /// unknown. A rule whose placeholder finds no division of its level in `place` does not apply.
    public func route(category: String, place: [String], at instant: Date) -> RouteMatch? {
        let areas = Set(place)
        var candidates = 0
        var unresolved: [String] = []
        var applicable: [Candidate] = []
        for node in taxonomy.ancestors(of: category) {
            for rule in rulesByCategory[node.code] ?? [] where areas.contains(rule.areaCode) && rule.isInForce(at: instant) {
                guard let areaLevel = AreaLevel(divisionCode: rule.areaCode) else { continue }
                candidates += 1
                let units = ([rule.primary] + rule.coHandlers).map { $0.resolve(in: place) }
                guard units.allSatisfy({ $0 != nil }) else {
                    unresolved.append(rule.id)
                    continue
                }
                applicable.append(Candidate(rule: rule, areaLevel: areaLevel, category: node, units: units.compactMap { $0 }))
            }
        }
        let ranked = applicable.sorted { $0.compare(with: $1).wins }
        guard let winner = ranked.first else { return nil }
        let runnerUp = ranked.dropFirst().first
        var named: Set<String> = [winner.units[0]]
        return RouteMatch(
            primary: winner.units[0],
            coHandlers: winner.units.dropFirst().filter { named.insert($0).inserted },
            rule: winner.rule,
            explanation: RouteExplanation(
                ruleID: winner.rule.id, areaLevel: winner.areaLevel, areaCode: winner.rule.areaCode,
                categoryLevel: winner.category.level, categoryCode: winner.category.code, categoryName: winner.category.name,
                candidates: candidates, unresolved: unresolved, runnerUp: runnerUp?.rule.id,
                decidedBy: runnerUp.map { winner.compare(with: $0).criterion }))
    }

    /// A rule that applies, with the levels it matched at and its units resolved (primary first).
    private struct Candidate {
        let rule: DutyRule
        let areaLevel: AreaLevel
        let category: Category
        let units: [String]

        /// The first criterion on which the two rules differ, and whether this one wins on it.
        func compare(with other: Candidate) -> (criterion: RoutePrecedence, wins: Bool) {
            if areaLevel != other.areaLevel { return (.area, areaLevel > other.areaLevel) }
            if category.level != other.category.level { return (.category, category.level > other.category.level) }
            if rule.priority != other.rule.priority { return (.priority, rule.priority > other.rule.priority) }
            if rule.effectiveFrom != other.rule.effectiveFrom { return (.effectiveFrom, rule.effectiveFrom > other.rule.effectiveFrom) }
            return (.ruleID, rule.id < other.rule.id)
        }
    }
}

/// The units a demand is routed to, by which rule and why.
public struct RouteMatch: Sendable, Hashable, Codable {
    /// The primary unit's code (主办).
    public var primary: String
    /// The co-handlers' codes (协办), without the primary or repeats.
    public var coHandlers: [String]
    public var rule: DutyRule
    public var explanation: RouteExplanation
}

/// Why a rule was chosen, for the dispatcher and the audit log: where it matched, how many rules competed and
/// what set the winner apart from the runner-up.
public struct RouteExplanation: Sendable, Hashable, Codable {
    public var ruleID: String
    /// The level of the rule's area in the demand's place.
    public var areaLevel: AreaLevel
    public var areaCode: String
    /// The level (1…3) of the rule's category: the demand's own category or the ancestor the rule names.
    public var categoryLevel: Int
    public var categoryCode: String
    public var categoryName: String
    /// Rules in force whose category and area matched, including those skipped as `unresolved`.
    public var candidates: Int
    /// Ids of the rules skipped because a placeholder found no division of its level in the place.
    public var unresolved: [String]
    /// The best of the other applicable rules.
    public var runnerUp: String?
    /// What set the winner apart from the runner-up; `nil` when it was the only applicable rule.
    public var decidedBy: RoutePrecedence?

    public var textZh: String {
        let levels = ["一级", "二级", "三级"]
        var text = "按规则“\(ruleID)”派单：区域匹配\(areaLevel.nameZh)“\(areaCode)”，分类匹配"
            + "\(levels.indices.contains(categoryLevel - 1) ? levels[categoryLevel - 1] : "")分类“\(categoryName)”(\(categoryCode))；"
            + "共 \(candidates) 条有效规则，"
        if let decidedBy, let runnerUp {
            text += "因\(decidedBy.reasonZh)优于规则“\(runnerUp)”"
        } else {
            text += "仅此一条适用"
        }
        if !unresolved.isEmpty {
            text += "；\(unresolved.count) 条因地点中缺少模板所需区划而不适用：" + unresolved.joined(separator: "、")
        }
        return text + "。"
    }

    public var textEn: String {
        var text = "Routed by rule \"\(ruleID)\": area matched at \(areaLevel.rawValue) \(areaCode), category matched at "
            + "level \(categoryLevel) \(categoryCode) (\(categoryName)); \(candidates) rule(s) in force, "
        if let decidedBy, let runnerUp {
            text += "won over rule \"\(runnerUp)\" by \(decidedBy.reasonEn)"
        } else {
            text += "the only one that applies"
        }
        if !unresolved.isEmpty {
            text += "; \(unresolved.count) skipped because the place lacks a division their templates need: "
                + unresolved.joined(separator: ", ")
        }
        return text + "."
    }
}
