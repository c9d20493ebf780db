import Foundation

/// The level of a division (区划层级), told by its code: 6 digits ending in `00` a city (GB/T 2260: 110000,
/// 530100), other 6 digits a district or county (区/县), 9 a street or township (街乡镇), 12 a community or village
/// (社区/村), 15 a grid (网格). Ordered from the widest to the most specific.
public enum AreaLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case city, district, street, community, grid

    /// The level of a division code, or `nil` if it is not one.
    public init?(divisionCode code: String) {
        guard code.allSatisfy(\.isASCIIDigit) else { return nil }
        switch code.count {
        case 6: self = code.hasSuffix("00") ? .city : .district
        case 9: self = .street
        case 12: self = .community
        case 15: self = .grid
        default: return nil
        }
    }

    /// The name shown to people.
    public var nameZh: String {
        switch self {
        case .city: "市"
        case .district: "区"
        case .street: "街乡镇"
        case .community: "社区(村)"
        case .grid: "网格"
        }
    }

    /// Digits of a code of this level; its first digits are the code of the district, street … containing it.
    var codeLength: Int {
        switch self {
        case .city, .district: 6
        case .street: 9
        case .community: 12
        case .grid: 15
        }
    }

    public static func < (a: AreaLevel, b: AreaLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A unit named by a duty rule as primary (主办) or co-handler (协办): a unit by code, or one relative to the
/// demand's place, so one rule serves every street of the city.
///
/// Text form: a unit code (`110105-CGW`, `110000-RQ`, `110105001`), or a placeholder `{city}`, `{district}`,
/// `{street}`, `{community}` or `{grid}` (the division of that level in the demand's place), alone or followed by
/// `-TAG`: `{street}-ZFD` is the enforcement team stationed at the demand's street, `{district}-CGW` its
/// district's department, `{street}` the street itself. `{street}` stands for any 9-digit division (街道, 乡镇, 地区).
public enum UnitTarget: Sendable, Hashable, Codable, LosslessStringConvertible {
    /// A unit by its code.
    case unit(String)
    /// The division of `level` in the demand's place, or its organisation `division-tag` when `tag` is given.
    case relative(AreaLevel, tag: String?)

    /// Parses the text form; `nil` if it is neither a unit code nor a known placeholder with a valid tag.
    public init?(_ description: String) {
        if description.hasPrefix("{") {
            guard let close = description.firstIndex(of: "}"),
                  let level = AreaLevel(rawValue: String(description[description.index(after: description.startIndex)..<close]))
            else { return nil }
            let rest = description[description.index(after: close)...]
            if rest.isEmpty {
                self = .relative(level, tag: nil)
            } else {
                guard rest.hasPrefix("-"), Self.isTag(rest.dropFirst()) else { return nil }
                self = .relative(level, tag: String(rest.dropFirst()))
            }
        } else {
            let parts = description.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard AreaLevel(divisionCode: String(parts[0])) != nil, parts.count == 1 || Self.isTag(parts[1]) else { return nil }
            self = .unit(description)
        }
    }

    public var description: String {
        switch self {
        case let .unit(code): code
        case let .relative(level, tag): "{\(level.rawValue)}" + (tag.map { "-\($0)" } ?? "")
        }
    }

    /// The unit's code for a demand at `place` (its division chain), or `nil` when the place has no division of
    /// the placeholder's level (a `{street}` rule for a demand located only to its district).
    public func resolve(in place: [String]) -> String? {
        switch self {
        case let .unit(code): code
        case let .relative(level, tag):
            place.first { AreaLevel(divisionCode: $0) == level }.map { division in tag.map { "\(division)-\($0)" } ?? division }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let target = UnitTarget(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a unit code or template")
        }
        self = target
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// An organisation tag as in ``UnitCode``: 1–24 upper-case ASCII letters or digits.
    private static func isTag(_ tag: Substring) -> Bool {
        (1...24).contains(tag.count) && tag.allSatisfy { $0.isASCIIDigit || ("A"..."Z").contains($0) }
    }
}

/// A routing rule of the duty list (职责清单 / 派单规则): demands of a category (and everything under it) located in
/// an area (and everything in it) go to a primary unit with co-handlers. Rules are data with effective dates;
/// ``DutyRouter`` picks the most specific one in force.
public struct DutyRule: Sendable, Hashable, Codable, Identifiable, EffectiveDated {
    /// An id for a rule added one at a time (the API, the console); imported files name their own.
    public static func newID() -> String { "R" + UUID().uuidString.prefix(8).lowercased() }

    /// Stable id, named in dispatch explanations and the last tie-break.
    public var id: String
    /// A category at any level: a rule for 城乡建设 covers all its descendants.
    public var categoryCode: String
    /// A division code: city (110000), district (110105), street (110105001), community or grid.
    public var areaCode: String
    /// The primary unit (主办).
    public var primary: UnitTarget
    /// Co-handlers (协办), in order.
    public var coHandlers: [UnitTarget]
    /// Higher wins among rules equally specific in area and category.
    public var priority: Int
    /// First day in force (00:00 Beijing time).
    public var effectiveFrom: CalendarDay
    /// First day no longer in force (exclusive); `nil` while open-ended.
    public var effectiveUntil: CalendarDay?
    /// Why the rule exists, e.g. the duty-list article it implements.
    public var note: String

    public init(
        id: String, categoryCode: String, areaCode: String, primary: UnitTarget, coHandlers: [UnitTarget] = [],
        priority: Int = 0, effectiveFrom: CalendarDay, effectiveUntil: CalendarDay? = nil, note: String = ""
    ) {
        self.id = id
        self.categoryCode = categoryCode
        self.areaCode = areaCode
        self.primary = primary
        self.coHandlers = coHandlers
        self.priority = priority
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.note = note
    }

    /// Whether the rule applies at `instant`: from 00:00 of `effectiveFrom` up to, not including, 00:00 of
    /// `effectiveUntil`, Beijing time.
    public func isInForce(at instant: Date) -> Bool {
        start <= instant && (effectiveUntil.map { instant < $0.startInBeijing } ?? true)
    }

    /// Problems of the rule against the city: its category exists in `taxonomy`, its area is a division code, its
    /// period is not empty, and every unit it names exists (`units` answers whether a code does). A placeholder of
    /// the rule's own level or wider (`{district}-CGW` in a street's rule) names one unit and is checked too; a
    /// narrower one (`{street}-ZFD` in the city's rule) depends on the demand's place: check it once resolved.
    public func validate(against units: (String) -> Bool, taxonomy: Taxonomy) -> [DutyRuleError] {
        var problems: [DutyRuleError] = []
        if taxonomy.category(categoryCode) == nil { problems.append(.unknownCategory(rule: id, category: categoryCode)) }
        let level = AreaLevel(divisionCode: areaCode)
        if level == nil { problems.append(.invalidArea(areaCode)) }
        if let effectiveUntil, effectiveUntil <= effectiveFrom {
            problems.append(.invalidPeriod(from: effectiveFrom, until: effectiveUntil))
        }
        for target in [primary] + coHandlers {
            let code: String
            switch target {
            case let .unit(unit):
                code = unit
            case let .relative(placeholder, tag):
                // Within the rule's area, a district or narrower division is the prefix of the area's code.
                guard let level, placeholder != .city, placeholder <= level else { continue }
                code = String(areaCode.prefix(placeholder.codeLength)) + (tag.map { "-\($0)" } ?? "")
            }
            if !units(code) { problems.append(.unknownUnit(rule: id, unit: code)) }
        }
        return problems
    }
}

extension UnitTarget {
    /// The target naming `unit` relative to a demand located at `place` (its most specific division code),
    /// when the unit is one of the place's own divisions or their organisations (`110105001-ZFD` at
    /// `110105001003` → `{street}-ZFD`); otherwise the unit itself (a city department serves every place).
    /// What the unit classifier learns, so that a street's example teaches every street.
    public static func relative(_ unit: String, at place: String?) -> UnitTarget {
        let area = UnitCode.area(of: unit)
        guard let place, place.hasPrefix(area), let level = AreaLevel(divisionCode: area), level != .city else { return .unit(unit) }
        return .relative(level, tag: unit.count > area.count ? String(unit.dropFirst(area.count + 1)) : nil)
    }
}
