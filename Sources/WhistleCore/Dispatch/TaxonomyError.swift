/// Why a category, a taxonomy edit or a taxonomy file was refused.
public enum TaxonomyError: DomainError, Equatable {
    case invalidCode(String)
    case emptyName(code: String)
    case duplicateCode(String)
    case unknownParent(code: String, parent: String)
    /// The file's `parent_code` is not the parent the code implies.
    case parentMismatch(code: String, parent: String)
    /// An active category under a retired one.
    case parentRetired(code: String, parent: String)
    case invalidDeadlineClass(code: String, value: String)
    case unknownDeadlineClass(code: String, value: String)
    case invalidServiceCode(code: String, value: String)
    case serviceCodeNotLeaf(code: String)
    case duplicateServiceCode(String)
    case invalidStandardCode(code: String, value: String)
    case invalidLegacyCode(code: String, value: String)
    case duplicateStandardCode(String)
    case duplicateLegacyCode(String)
    case invalidActive(String)
    case invalidAttributes(code: String, reason: String)
    /// A row of the plain 3-level form leaves a level blank above a filled one.
    case missingLevel(Int)
    case categoryNotFound(String)
    /// A retired category is kept as it was.
    case categoryRetired(String)
    case missingColumn(String)
    case emptyFile

    public var code: String {
        switch self {
        case .invalidCode: "taxonomy.invalid_code"
        case .emptyName: "taxonomy.empty_name"
        case .duplicateCode: "taxonomy.duplicate_code"
        case .unknownParent: "taxonomy.unknown_parent"
        case .parentMismatch: "taxonomy.parent_mismatch"
        case .parentRetired: "taxonomy.parent_retired"
        case .invalidDeadlineClass: "taxonomy.invalid_deadline_class"
        case .unknownDeadlineClass: "taxonomy.unknown_deadline_class"
        case .invalidServiceCode: "taxonomy.invalid_service_code"
        case .serviceCodeNotLeaf: "taxonomy.service_code_not_leaf"
        case .duplicateServiceCode: "taxonomy.duplicate_service_code"
        case .invalidStandardCode: "taxonomy.invalid_standard_code"
        case .invalidLegacyCode: "taxonomy.invalid_legacy_code"
        case .duplicateStandardCode: "taxonomy.duplicate_standard_code"
        case .duplicateLegacyCode: "taxonomy.duplicate_legacy_code"
        case .invalidActive: "taxonomy.invalid_active"
        case .invalidAttributes: "taxonomy.invalid_attributes"
        case .missingLevel: "taxonomy.missing_level"
        case .categoryNotFound: "taxonomy.not_found"
        case .categoryRetired: "taxonomy.retired"
        case .missingColumn: "import.missing_column"
        case .emptyFile: "import.empty_file"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .duplicateCode, .duplicateServiceCode, .duplicateStandardCode, .duplicateLegacyCode, .categoryRetired: .conflict
        case .categoryNotFound: .notFound
        default: .invalid
        }
    }

    public var messageZh: String {
        switch self {
        case let .invalidCode(code): "分类代码“\(code)”无效：应为 1–3 段、以“.”分隔的大写字母或数字（每段 1–8 位），如 CX.SZ.DLPS"
        case let .emptyName(code): "分类“\(code)”名称为空"
        case let .duplicateCode(code): "分类代码“\(code)”重复"
        case let .unknownParent(code, parent): "分类“\(code)”的上级分类“\(parent)”不存在"
        case let .parentMismatch(code, parent): "分类“\(code)”的上级分类“\(parent)”与代码不符：上级分类由代码决定"
        case let .parentRetired(code, parent): "分类“\(code)”的上级分类“\(parent)”已停用，不能启用其下级"
        case let .invalidDeadlineClass(code, value): "分类“\(code)”的时限类别代码“\(value)”无效：应为 1–64 位字母、数字、“.”“_”或“-”"
        case let .unknownDeadlineClass(code, value): "分类“\(code)”的时限类别“\(value)”未配置"
        case let .invalidServiceCode(code, value): "分类“\(code)”的 Open311 服务代码“\(value)”无效：应为 1–64 位字母、数字、“.”“_”或“-”"
        case let .serviceCodeNotLeaf(code): "分类“\(code)”有下级分类，只有末级分类可设 Open311 服务代码"
        case let .duplicateServiceCode(value): "Open311 服务代码“\(value)”已被其他分类使用"
        case let .invalidStandardCode(code, value): "分类“\(code)”的 GB/T 47678.5 代码“\(value)”无效：应为 5 位数字（2 位大类 + 3 位小类）"
        case let .invalidLegacyCode(code, value): "分类“\(code)”的 GB/T 30428.2 代码“\(value)”无效：应为 4 位数字（2 位大类 + 2 位小类）"
        case let .duplicateStandardCode(value): "GB/T 47678.5 代码“\(value)”已对应其他启用的分类"
        case let .duplicateLegacyCode(value): "GB/T 30428.2 代码“\(value)”已对应其他启用的分类"
        case let .invalidActive(value): "启用状态“\(value)”无效：应为 true/false、1/0、是/否"
        case let .invalidAttributes(code, reason): "分类“\(code)”的问题设置无效：\(reason)"
        case let .missingLevel(level): "第 \(level) 级分类为空，但其下级分类已填写"
        case let .categoryNotFound(code): "分类“\(code)”不存在"
        case let .categoryRetired(code): "分类“\(code)”已停用，不能修改"
        case let .missingColumn(name): "缺少必需的列“\(name)”"
        case .emptyFile: "文件为空"
        }
    }

    public var messageEn: String {
        switch self {
        case let .invalidCode(code): "category code \"\(code)\" is invalid: expected 1–3 dot-separated segments of 1–8 upper-case letters or digits, e.g. CX.SZ.DLPS"
        case let .emptyName(code): "category \"\(code)\" has an empty name"
        case let .duplicateCode(code): "category code \"\(code)\" is duplicated"
        case let .unknownParent(code, parent): "parent \"\(parent)\" of category \"\(code)\" does not exist"
        case let .parentMismatch(code, parent): "parent \"\(parent)\" of category \"\(code)\" does not match its code, which determines the parent"
        case let .parentRetired(code, parent): "category \"\(code)\" cannot be active under the retired category \"\(parent)\""
        case let .invalidDeadlineClass(code, value): "deadline class \"\(value)\" of category \"\(code)\" is invalid: expected 1–64 letters, digits, '.', '_' or '-'"
        case let .unknownDeadlineClass(code, value): "deadline class \"\(value)\" of category \"\(code)\" is not configured"
        case let .invalidServiceCode(code, value): "Open311 service code \"\(value)\" of category \"\(code)\" is invalid: expected 1–64 letters, digits, '.', '_' or '-'"
        case let .serviceCodeNotLeaf(code): "category \"\(code)\" has subcategories; only leaves take an Open311 service code"
        case let .duplicateServiceCode(value): "Open311 service code \"\(value)\" is used by another category"
        case let .invalidStandardCode(code, value): "GB/T 47678.5 code \"\(value)\" of category \"\(code)\" is invalid: expected 5 digits (2 major + 3 minor)"
        case let .invalidLegacyCode(code, value): "GB/T 30428.2 code \"\(value)\" of category \"\(code)\" is invalid: expected 4 digits (2 major + 2 minor)"
        case let .duplicateStandardCode(value): "GB/T 47678.5 code \"\(value)\" already maps to another active category"
        case let .duplicateLegacyCode(value): "GB/T 30428.2 code \"\(value)\" already maps to another active category"
        case let .invalidActive(value): "active flag \"\(value)\" is invalid: expected true/false, 1/0 or 是/否"
        case let .invalidAttributes(code, reason): "the questions of category \"\(code)\" are invalid: \(reason)"
        case let .missingLevel(level): "level \(level) is blank while a lower level is filled"
        case let .categoryNotFound(code): "category \"\(code)\" does not exist"
        case let .categoryRetired(code): "category \"\(code)\" is retired and cannot be changed"
        case let .missingColumn(name): "required column \"\(name)\" is missing"
        case .emptyFile: "the file is empty"
        }
    }
}
