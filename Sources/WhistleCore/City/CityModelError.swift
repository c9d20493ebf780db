/// Why a unit, a code or an import was refused.
public enum CityModelError: DomainError, Equatable {
    case invalidCode(code: String, kind: UnitKind, expected: String)
    case codeOutsideParent(code: String, parent: String)
    case parentKindNotAllowed(kind: UnitKind, parentKind: UnitKind)
    case parentRequired(code: String)
    case parentMissing(code: String, parent: String)
    case areaMissing(code: String, area: String)
    case unitNotFound(code: String)
    case duplicateCode(code: String)
    case emptyName(code: String)
    case invalidPopulation(String)
    case unknownKind(String)
    case missingColumn(String)
    case invalidGeometry(String)
    case gridNotFound(code: String)
    case kindChanged(code: String, from: UnitKind, to: UnitKind)
    case unknownCalendar(String)
    case emptyFile
    /// The unit lies outside the area the administrator keeps.
    case mayNotAdminister(code: String)

    public var code: String {
        switch self {
        case .invalidCode: "unit.invalid_code"
        case .codeOutsideParent: "unit.code_outside_parent"
        case .parentKindNotAllowed: "unit.parent_kind_not_allowed"
        case .parentRequired: "unit.parent_required"
        case .parentMissing: "unit.parent_missing"
        case .areaMissing: "unit.area_missing"
        case .unitNotFound: "unit.not_found"
        case .duplicateCode: "unit.duplicate_code"
        case .emptyName: "unit.empty_name"
        case .invalidPopulation: "unit.invalid_population"
        case .unknownKind: "unit.unknown_kind"
        case .missingColumn: "import.missing_column"
        case .invalidGeometry: "grid.invalid_geometry"
        case .gridNotFound: "grid.not_found"
        case .kindChanged: "unit.kind_changed"
        case .unknownCalendar: "unit.unknown_calendar"
        case .emptyFile: "import.empty_file"
        case .mayNotAdminister: "unit.may_not_administer"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .unitNotFound: .notFound
        case .duplicateCode: .conflict
        case .mayNotAdminister: .forbidden
        default: .invalid
        }
    }

    public var messageZh: String {
        switch self {
        case let .invalidCode(code, kind, expected): "单位代码“\(code)”不符合\(kind.nameZh)代码规则：应为\(expected)"
        case let .codeOutsideParent(code, parent): "代码“\(code)”不属于上级单位“\(parent)”的代码范围"
        case let .parentKindNotAllowed(kind, parentKind): "\(kind.nameZh)不能隶属于\(parentKind.nameZh)"
        case let .parentRequired(code): "单位“\(code)”缺少上级单位代码"
        case let .parentMissing(code, parent): "单位“\(code)”的上级单位“\(parent)”不存在"
        case let .areaMissing(code, area): "单位“\(code)”所属区划“\(area)”不存在"
        case let .unitNotFound(code): "单位“\(code)”不存在"
        case let .duplicateCode(code): "单位代码“\(code)”重复"
        case let .emptyName(code): "单位“\(code)”名称为空"
        case let .invalidPopulation(value): "人口数“\(value)”无效：应为非负整数"
        case let .unknownKind(value): "未知的单位类型“\(value)”"
        case let .missingColumn(name): "缺少必需的列“\(name)”"
        case let .invalidGeometry(reason): "网格边界无效：\(reason)"
        case let .gridNotFound(code): "网格“\(code)”不存在"
        case let .kindChanged(code, from, to): "单位“\(code)”已存在且类型为\(from.nameZh)，不能改为\(to.nameZh)"
        case let .unknownCalendar(name): "未知的工作日历“\(name)”：应为 \(BusinessHours.named.keys.sorted().joined(separator: "、"))"
        case .emptyFile: "文件为空"
        case let .mayNotAdminister(code): "无权维护单位“\(code)”：需要全市的管理员，或该单位所在区的管理员"
        }
    }

    public var messageEn: String {
        switch self {
        case let .invalidCode(code, kind, expected): "unit code \"\(code)\" is not a valid \(kind.rawValue) code: expected \(expected)"
        case let .codeOutsideParent(code, parent): "code \"\(code)\" does not lie within its parent \"\(parent)\""
        case let .parentKindNotAllowed(kind, parentKind): "a \(kind.rawValue) cannot belong to a \(parentKind.rawValue)"
        case let .parentRequired(code): "unit \"\(code)\" has no parent code"
        case let .parentMissing(code, parent): "parent \"\(parent)\" of unit \"\(code)\" does not exist"
        case let .areaMissing(code, area): "area \"\(area)\" of unit \"\(code)\" does not exist"
        case let .unitNotFound(code): "unit \"\(code)\" does not exist"
        case let .duplicateCode(code): "unit code \"\(code)\" is duplicated"
        case let .emptyName(code): "unit \"\(code)\" has an empty name"
        case let .invalidPopulation(value): "population \"\(value)\" is not a non-negative integer"
        case let .unknownKind(value): "unknown unit kind \"\(value)\""
        case let .missingColumn(name): "required column \"\(name)\" is missing"
        case let .invalidGeometry(reason): "invalid grid boundary: \(reason)"
        case let .gridNotFound(code): "grid \"\(code)\" does not exist"
        case let .kindChanged(code, from, to): "unit \"\(code)\" exists as a \(from.rawValue) and cannot become a \(to.rawValue)"
        case let .unknownCalendar(name): "unknown working calendar \"\(name)\": use \(BusinessHours.named.keys.sorted().joined(separator: ", "))"
        case .emptyFile: "the file is empty"
        case let .mayNotAdminister(code): "may not keep unit \"\(code)\": an administrator of the city or of its district is needed"
        }
    }
}
