/// Why a duty rule or a duty-list file was refused.
public enum DutyRuleError: DomainError, Equatable {
    case invalidCategory(String)
    case invalidArea(String)
    case missingPrimary
    /// Neither a unit code nor a template such as `{street}-ZFD`.
    case invalidUnit(String)
    /// The same unit named twice among the primary and the co-handlers.
    case duplicateUnit(String)
    case invalidPriority(String)
    case invalidDate(column: String, value: String)
    /// The rule would end on or before the day it starts.
    case invalidPeriod(from: CalendarDay, until: CalendarDay)
    case duplicateID(String)
    case unknownCategory(rule: String, category: String)
    case unknownUnit(rule: String, unit: String)
    case ruleNotFound(String)
    case endAfterEnd(rule: String, ends: CalendarDay)
    case missingColumn(String)
    case emptyFile

    public var code: String {
        switch self {
        case .invalidCategory: "duty.invalid_category"
        case .invalidArea: "duty.invalid_area"
        case .missingPrimary: "duty.missing_primary"
        case .invalidUnit: "duty.invalid_unit"
        case .duplicateUnit: "duty.duplicate_unit"
        case .invalidPriority: "duty.invalid_priority"
        case .invalidDate: "duty.invalid_date"
        case .invalidPeriod: "duty.invalid_period"
        case .duplicateID: "duty.duplicate_id"
        case .unknownCategory: "duty.unknown_category"
        case .unknownUnit: "duty.unknown_unit"
        case .ruleNotFound: "duty.rule_not_found"
        case .endAfterEnd: "duty.already_ends"
        case .missingColumn: "import.missing_column"
        case .emptyFile: "import.empty_file"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .duplicateID, .endAfterEnd: .conflict
        case .ruleNotFound: .notFound
        default: .invalid
        }
    }

    public var messageZh: String {
        switch self {
        case let .invalidCategory(value): "分类代码“\(value)”无效：应为如 CX.SZ.DLPS 的分类代码"
        case let .invalidArea(value): "区域“\(value)”无效：应为 6/9/12/15 位区划代码"
        case .missingPrimary: "缺少主办单位"
        case let .invalidUnit(value): "单位“\(value)”无效：应为单位代码（如 110105-CGW）或模板（如 {street}-ZFD、{district}-CGW、{street}）"
        case let .duplicateUnit(value): "单位“\(value)”在主办和协办单位中重复"
        case let .invalidPriority(value): "优先级“\(value)”无效：应为整数"
        case let .invalidDate(column, value): "\(column) 的日期“\(value)”无效：应为 YYYY-MM-DD"
        case let .invalidPeriod(from, until): "失效日期 \(until) 应晚于生效日期 \(from)"
        case let .duplicateID(id): "规则编号“\(id)”重复"
        case let .unknownCategory(rule, category): "规则“\(rule)”的分类“\(category)”不存在"
        case let .unknownUnit(rule, unit): "规则“\(rule)”的单位“\(unit)”不存在"
        case let .ruleNotFound(id): "派单规则“\(id)”不存在"
        case let .endAfterEnd(rule, ends): "规则“\(rule)”已于 \(ends) 失效，只能提前、不能延后；请新增规则"
        case let .missingColumn(name): "缺少必需的列“\(name)”"
        case .emptyFile: "文件为空"
        }
    }

    public var messageEn: String {
        switch self {
        case let .invalidCategory(value): "category code \"\(value)\" is invalid: expected a code such as CX.SZ.DLPS"
        case let .invalidArea(value): "area \"\(value)\" is invalid: expected a 6, 9, 12 or 15-digit division code"
        case .missingPrimary: "the primary unit is missing"
        case let .invalidUnit(value): "unit \"\(value)\" is invalid: expected a unit code (e.g. 110105-CGW) or a template (e.g. {street}-ZFD, {district}-CGW, {street})"
        case let .duplicateUnit(value): "unit \"\(value)\" is named twice among the primary and co-handlers"
        case let .invalidPriority(value): "priority \"\(value)\" is not an integer"
        case let .invalidDate(column, value): "\(column) date \"\(value)\" is invalid: expected YYYY-MM-DD"
        case let .invalidPeriod(from, until): "effective_until \(until) must be after effective_from \(from)"
        case let .duplicateID(id): "rule id \"\(id)\" is duplicated"
        case let .unknownCategory(rule, category): "category \"\(category)\" of rule \"\(rule)\" does not exist"
        case let .unknownUnit(rule, unit): "unit \"\(unit)\" of rule \"\(rule)\" does not exist"
        case let .ruleNotFound(id): "duty rule \"\(id)\" does not exist"
        case let .endAfterEnd(rule, ends): "rule \"\(rule)\" already ends on \(ends); an end can be brought forward, not pushed back: add a new rule"
        case let .missingColumn(name): "required column \"\(name)\" is missing"
        case .emptyFile: "the file is empty"
        }
    }
}
