import Foundation

/// A category of demands (诉求分类) in the city's 12345 taxonomy, one of three levels, e.g. 城乡建设 → 市政设施 → 道路破损.
///
/// Codes nest like division codes: a category's code is its parent's code, a dot and one segment of 1–8 upper-case
/// ASCII letters or digits (`CX`, `CX.SZ`, `CX.SZ.DLPS`), so the level and the parent follow from the code and
/// never disagree with it. Codes are stable: a rename keeps the code. Categories are never deleted, only retired.
public struct Category: Sendable, Hashable, Codable, Identifiable {
    /// Stable code, e.g. `CX.SZ.DLPS`.
    public let code: String
    /// Name as the console shows it, e.g. `道路破损`.
    public var name: String
    /// Code of the deadline class (时限类别, e.g. `utilities`); `nil` inherits the nearest ancestor's.
    public var deadlineClass: String?
    /// Open311 `service_code`, on leaves only, unique across the taxonomy (retired ones stay reserved).
    public var serviceCode: String?
    /// GB/T 47678.5 管理事项 code: 2-digit major + 3-digit minor, e.g. `06013` 道路破损.
    public var standardCode: String?
    /// Legacy GB/T 30428.2 event code: 2-digit major + 2-digit minor, e.g. `0409` 机动车乱停放.
    public var legacyCode: String?
    /// False once retired (停用): kept for the demands filed under it, offered for no new ones.
    public var active: Bool
    /// The questions asked when a demand of this category is filed (Open311 service definition), in order.
    public var attributes: [ServiceAttribute] = []

    /// The deepest level of the 12345 taxonomy.
    public static let maxLevel = 3

    public init(
        code: String, name: String, deadlineClass: String? = nil, serviceCode: String? = nil,
        standardCode: String? = nil, legacyCode: String? = nil, active: Bool = true
    ) {
        self.code = code
        self.name = name
        self.deadlineClass = deadlineClass
        self.serviceCode = serviceCode
        self.standardCode = standardCode
        self.legacyCode = legacyCode
        self.active = active
    }

    /// Categories stored before they had questions read as having none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        deadlineClass = try c.decodeIfPresent(String.self, forKey: .deadlineClass)
        serviceCode = try c.decodeIfPresent(String.self, forKey: .serviceCode)
        standardCode = try c.decodeIfPresent(String.self, forKey: .standardCode)
        legacyCode = try c.decodeIfPresent(String.self, forKey: .legacyCode)
        active = try c.decode(Bool.self, forKey: .active)
        attributes = try c.decodeIfPresent([ServiceAttribute].self, forKey: .attributes) ?? []
    }

    /// The code.
    public var id: String { code }

    /// 1 (一级) … 3 (三级): the number of segments of the code.
    public var level: Int { code.split(separator: ".", omittingEmptySubsequences: false).count }

    /// The parent's code: the code without its last segment; `nil` at level 1.
    public var parentCode: String? { code.lastIndex(of: ".").map { String(code[..<$0]) } }

    /// Whether `code` is 1…3 dot-separated segments of 1–8 upper-case ASCII letters or digits.
    public static func isValidCode(_ code: String) -> Bool {
        let segments = code.split(separator: ".", omittingEmptySubsequences: false)
        return (1...maxLevel).contains(segments.count)
            && segments.allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCIIDigit || ("A"..."Z").contains($0) } }
    }

    /// Whether this category is `code` or lies under it.
    func isWithin(_ code: String) -> Bool { self.code == code || self.code.hasPrefix(code + ".") }

    /// Problems of this category on its own: the forms of its code, name and reference codes.
    var formProblems: [TaxonomyError] {
        var problems: [TaxonomyError] = []
        if !Self.isValidCode(code) { problems.append(.invalidCode(code)) }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(.emptyName(code: code)) }
        if let deadlineClass, !deadlineClass.isToken { problems.append(.invalidDeadlineClass(code: code, value: deadlineClass)) }
        if let serviceCode, !serviceCode.isToken { problems.append(.invalidServiceCode(code: code, value: serviceCode)) }
        if let standardCode, !standardCode.isDigits(5) { problems.append(.invalidStandardCode(code: code, value: standardCode)) }
        if let legacyCode, !legacyCode.isDigits(4) { problems.append(.invalidLegacyCode(code: code, value: legacyCode)) }
        return problems
    }
}

/// An edit of the taxonomy by an administrator. Codes never change and nothing is deleted.
public enum CategoryChange: Sendable, Hashable, Codable {
    /// Adds a category under an existing, active parent (or at level 1).
    case add(category: Category)
    case rename(code: String, name: String)
    /// Sets or clears (`nil`: inherit) the deadline class.
    case setDeadlineClass(code: String, deadlineClass: String?)
    /// Sets or clears the Open311 service code of a leaf.
    case setServiceCode(code: String, serviceCode: String?)
    /// Retires (停用) the category and everything under it.
    case retire(code: String)
    /// Replaces the questions a leaf asks when a demand is filed.
    case setAttributes(code: String, attributes: [ServiceAttribute])

    /// The category the change names.
    public var code: String {
        switch self {
        case let .add(category): category.code
        case let .rename(code, _), let .setDeadlineClass(code, _), let .setServiceCode(code, _), let .retire(code),
             let .setAttributes(code, _): code
        }
    }
}

/// The city's taxonomy of demands (诉求分类体系): categories on three levels, checked as a whole.
///
/// Invariants: codes are unique and well formed; every parent exists; an active category has an active parent;
/// service codes are on leaves and unique; GB/T 47678.5 (5 digits) and GB/T 30428.2 (4 digits) codes are
/// unique among active categories, so each maps to one category (a successor may take over a retired one's code).
public struct Taxonomy: Sendable, Equatable {
    /// Every category, in the order given (parents need not come first).
    public let categories: [Category]
    private let position: [String: Int]
    private let childPositions: [String: [Int]]
    private let byServiceCode: [String: Int]
    private let byStandardCode: [String: Int]
    private let byLegacyCode: [String: Int]

    /// A taxonomy of `categories`, or the first problem of ``problems(in:)``.
    public init(_ categories: [Category]) throws(TaxonomyError) {
        if let first = Self.problems(in: categories).first { throw first.error }
        self.categories = categories
        var position: [String: Int] = [:]
        var childPositions: [String: [Int]] = [:]
        var byServiceCode: [String: Int] = [:]
        var byStandardCode: [String: Int] = [:]
        var byLegacyCode: [String: Int] = [:]
        for (index, category) in categories.enumerated() {
            position[category.code] = index
            childPositions[category.parentCode ?? "", default: []].append(index)
            if let code = category.serviceCode { byServiceCode[code] = index }
            guard category.active else { continue }
            if let code = category.standardCode { byStandardCode[code] = index }
            if let code = category.legacyCode { byLegacyCode[code] = index }
        }
        self.position = position
        self.childPositions = childPositions
        self.byServiceCode = byServiceCode
        self.byStandardCode = byStandardCode
        self.byLegacyCode = byLegacyCode
    }

    /// Every problem of the categories taken as a taxonomy, with the index of the category at fault, in order.
    public static func problems(in categories: [Category]) -> [(index: Int, error: TaxonomyError)] {
        var first: [String: Int] = [:]
        for (index, category) in categories.enumerated() where first[category.code] == nil { first[category.code] = index }
        let parents = Set(categories.lazy.filter { Category.isValidCode($0.code) }.compactMap(\.parentCode))
        var serviceCodes: Set<String> = []
        var standardCodes: Set<String> = []
        var legacyCodes: Set<String> = []

        var problems: [(index: Int, error: TaxonomyError)] = []
        for (index, category) in categories.enumerated() {
            var errors = category.formProblems
            if first[category.code] != index {
                errors.append(.duplicateCode(category.code))
            } else if let parentCode = category.parentCode, Category.isValidCode(category.code) {
                if let parent = first[parentCode].map({ categories[$0] }) {
                    if category.active, !parent.active { errors.append(.parentRetired(code: category.code, parent: parentCode)) }
                } else {
                    errors.append(.unknownParent(code: category.code, parent: parentCode))
                }
            }
            if let serviceCode = category.serviceCode {
                if parents.contains(category.code) { errors.append(.serviceCodeNotLeaf(code: category.code)) }
                if !serviceCodes.insert(serviceCode).inserted { errors.append(.duplicateServiceCode(serviceCode)) }
            }
            if category.active, let code = category.standardCode, !standardCodes.insert(code).inserted {
                errors.append(.duplicateStandardCode(code))
            }
            if category.active, let code = category.legacyCode, !legacyCodes.insert(code).inserted {
                errors.append(.duplicateLegacyCode(code))
            }
            if !category.attributes.isEmpty, parents.contains(category.code) { errors.append(.invalidAttributes(code: category.code, reason: "只有末级分类可以设问题 / only leaves ask questions")) }
            if let reason = category.attributes.lazy.compactMap(\.problem).first {
                errors.append(.invalidAttributes(code: category.code, reason: reason))
            } else if Set(category.attributes.map(\.code)).count != category.attributes.count || Set(category.attributes.map(\.order)).count != category.attributes.count {
                errors.append(.invalidAttributes(code: category.code, reason: "属性代码与顺序不能重复 / attribute codes and orders must be unique"))
            }
            problems += errors.map { (index, $0) }
        }
        return problems
    }

    /// The category with this code, retired or not.
    public func category(_ code: String) -> Category? { position[code].map { categories[$0] } }

    /// The category and its ancestors, the category first (道路破损, 市政设施, 城乡建设); empty for an unknown code.
    public func ancestors(of code: String) -> [Category] {
        var chain: [Category] = []
        var next: String? = code
        while let current = next, let category = category(current) {
            chain.append(category)
            next = category.parentCode
        }
        return chain
    }

    /// The categories directly under `code`, or the level-1 categories for `nil`, in the order given.
    public func children(of code: String?) -> [Category] {
        (childPositions[code ?? ""] ?? []).map { categories[$0] }
    }

    /// The deadline class demands of this category get: its own, else the nearest ancestor's; `nil` if none is set
    /// (the city's default class applies) or the code is unknown.
    public func deadlineClass(of code: String) -> String? {
        ancestors(of: code).lazy.compactMap(\.deadlineClass).first
    }

    /// The category offered to Open311 clients under this `service_code`.
    public func category(serviceCode: String) -> Category? { byServiceCode[serviceCode].map { categories[$0] } }

    /// The active category that a GB/T 47678.5 matter code maps to.
    public func category(standardCode: String) -> Category? { byStandardCode[standardCode].map { categories[$0] } }

    /// The active category that a legacy GB/T 30428.2 code maps to.
    public func category(legacyCode: String) -> Category? { byLegacyCode[legacyCode].map { categories[$0] } }

    /// The active categories with nothing under them: what a demand is filed under and Open311 lists as services.
    public var leaves: [Category] { categories.filter { $0.active && childPositions[$0.code] == nil } }

    /// The categories whose deadline class is not one the city configured (`isKnown`), one problem each.
    public func unknownDeadlineClasses(isKnown: (String) -> Bool) -> [TaxonomyError] {
        categories.compactMap { category in
            category.deadlineClass.flatMap { isKnown($0) ? nil : .unknownDeadlineClass(code: category.code, value: $0) }
        }
    }

    /// The taxonomy after `change`, or why the change is refused; the taxonomy itself is unchanged.
    public func applying(_ change: CategoryChange) throws(TaxonomyError) -> Taxonomy {
        var categories = categories
        func edit(_ code: String, _ body: (inout Category) -> Void) throws(TaxonomyError) {
            guard let index = position[code] else { throw .categoryNotFound(code) }
            guard categories[index].active else { throw .categoryRetired(code) }
            body(&categories[index])
        }
        switch change {
        case let .add(category):
            categories.append(category)
        case let .rename(code, name):
            try edit(code) { $0.name = name }
        case let .setDeadlineClass(code, deadlineClass):
            try edit(code) { $0.deadlineClass = deadlineClass }
        case let .setServiceCode(code, serviceCode):
            try edit(code) { $0.serviceCode = serviceCode }
        case let .setAttributes(code, attributes):
            try edit(code) { $0.attributes = attributes.sorted { $0.order < $1.order } }
        case let .retire(code):
            try edit(code) { _ in }  // exists and is active
            for index in categories.indices where categories[index].isWithin(code) { categories[index].active = false }
        }
        return try Taxonomy(categories)
    }
}

extension String {
    /// 1–64 ASCII letters, digits, `.`, `_` or `-`: the form of service codes and deadline class codes.
    var isToken: Bool {
        (1...64).contains(count) && allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// Exactly `count` ASCII digits.
    func isDigits(_ count: Int) -> Bool { self.count == count && allSatisfy(\.isASCIIDigit) }
}
