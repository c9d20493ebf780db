import Foundation

/// 每月一题 (rule 23): each month the city takes up a theme of 2–3 problems that many demands share, names
/// a lead department for each and lists its tasks. A problem's demands are those filed under its categories
/// (a code covers its subtree), so its volume before and after the month is read from the volume rollup.
public struct MonthlyTopic: Sendable, Hashable, Codable {
    public var id: String
    /// The assessment period it is taken up in, `YYYY-MM`.
    public var month: String
    public var theme: String
    public var problems: [Problem]
    public var createdAt: Date
    public var createdBy: String

    public struct Problem: Sendable, Hashable, Codable {
        public var title: String
        /// Taxonomy codes at any level; a demand under any of them belongs to the problem.
        public var categoryCodes: [String]
        /// 牵头部门
        public var leadUnit: String
        public var tasks: [String]

        public init(title: String, categoryCodes: [String], leadUnit: String, tasks: [String]) {
            self.title = title
            self.categoryCodes = categoryCodes
            self.leadUnit = leadUnit
            self.tasks = tasks
        }

        /// Whether a category (as the rollup keys it) belongs to the problem.
        public func covers(_ categoryCode: String) -> Bool {
            categoryCodes.contains { categoryCode == $0 || categoryCode.hasPrefix($0 + ".") }
        }
    }

    public enum Limits {
        public static let problems = 2...3
        public static let theme = 100
        public static let title = 100
        public static let categories = 20
        public static let tasks = 1...20
        public static let task = 500
    }

    /// A topic checked against the taxonomy and the units: texts within their limits, 2–3 problems, each with
    /// known categories, an existing lead unit and 1–20 tasks.
    public init(
        id: String, month: String, theme: String, problems: [Problem], by person: String, at now: Date,
        categoryExists: (String) -> Bool, unitExists: (String) -> Bool
    ) throws(TopicError) {
        guard month.count == 7, AssessmentPeriod(label: month, startDay: 1) != nil else { throw .badMonth(month) }
        self.id = id
        self.month = month
        self.theme = try Self.text(theme, "theme", Limits.theme)
        guard Limits.problems.contains(problems.count) else {
            throw .invalidField(field: "problems", problem: .outOfRange(min: Limits.problems.lowerBound, max: Limits.problems.upperBound))
        }
        self.problems = try problems.map { problem throws(TopicError) in
            guard (1...Limits.categories).contains(problem.categoryCodes.count) else {
                throw .invalidField(field: "categoryCodes", problem: .outOfRange(min: 1, max: Limits.categories))
            }
            if let unknown = problem.categoryCodes.first(where: { !categoryExists($0) }) { throw .unknownCategory(unknown) }
            guard unitExists(problem.leadUnit) else { throw .unknownUnit(problem.leadUnit) }
            guard Limits.tasks.contains(problem.tasks.count) else {
                throw .invalidField(field: "tasks", problem: .outOfRange(min: Limits.tasks.lowerBound, max: Limits.tasks.upperBound))
            }
            return Problem(
                title: try Self.text(problem.title, "title", Limits.title), categoryCodes: problem.categoryCodes, leadUnit: problem.leadUnit,
                tasks: try problem.tasks.map { task throws(TopicError) in try Self.text(task, "tasks", Limits.task) })
        }
        createdAt = now
        createdBy = person
    }

    private static func text(_ value: String, _ field: String, _ max: Int) throws(TopicError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidField(field: field, problem: .empty) }
        guard trimmed.count <= max else { throw .invalidField(field: field, problem: .tooLong(max: max)) }
        return trimmed
    }
}

/// Why a 每月一题 topic was refused.
public enum TopicError: DomainError, Equatable {
    case invalidField(field: String, problem: FieldProblem)
    case badMonth(String)
    case unknownCategory(String)
    case unknownUnit(String)
    case mayNotCreate
    case notFound(String)

    public var code: String {
        switch self {
        case .invalidField: "topic.invalid_field"
        case .badMonth: "topic.bad_month"
        case .unknownCategory: "topic.unknown_category"
        case .unknownUnit: "topic.unknown_unit"
        case .mayNotCreate: "topic.may_not_create"
        case .notFound: "topic.not_found"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .invalidField, .badMonth, .unknownCategory, .unknownUnit: .invalid
        case .mayNotCreate: .forbidden
        case .notFound: .notFound
        }
    }

    public var messageZh: String {
        switch self {
        case let .invalidField(field, problem): "字段 \(field) \(problem.zh)"
        case let .badMonth(month): "月份 \(month) 应为 YYYY-MM"
        case let .unknownCategory(code): "分类 \(code) 不存在"
        case let .unknownUnit(code): "单位 \(code) 不存在"
        case .mayNotCreate: "只有市级督办或管理员可以确定每月一题"
        case let .notFound(id): "每月一题 \(id) 不存在"
        }
    }

    public var messageEn: String {
        switch self {
        case let .invalidField(field, problem): "field \(field): \(problem.en)"
        case let .badMonth(month): "month \(month) must be YYYY-MM"
        case let .unknownCategory(code): "category \(code) does not exist"
        case let .unknownUnit(code): "unit \(code) does not exist"
        case .mayNotCreate: "only the city's supervisors and administrators set the monthly topic"
        case let .notFound(id): "monthly topic \(id) does not exist"
        }
    }
}
