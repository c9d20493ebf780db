/// What a person does in Whistle (SPEC §1). A role is always held at a unit, which scopes what it sees.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// 话务员
    case hotlineAgent = "hotline_agent"
    /// 派单员 (12345 中心 / 区分中心)
    case dispatcher
    /// 网格员 / 网格长
    case gridWorker = "grid_worker"
    /// 社区工作者
    case communityStaff = "community_staff"
    /// 街道 (乡镇) 统筹
    case streetCoordinator = "street_coordinator"
    /// 承办人 (委办局, 派出机构, 公共服务企业)
    case departmentHandler = "department_handler"
    /// 单位负责人
    case unitLeader = "unit_leader"
    /// 回访员
    case callbackAgent = "callback_agent"
    /// 督办 / 领导
    case supervisor
    /// 管理员
    case administrator

    public var nameZh: String {
        switch self {
        case .hotlineAgent: "话务员"
        case .dispatcher: "派单员"
        case .gridWorker: "网格员"
        case .communityStaff: "社区工作者"
        case .streetCoordinator: "街道统筹"
        case .departmentHandler: "承办人"
        case .unitLeader: "单位负责人"
        case .callbackAgent: "回访员"
        case .supervisor: "督办"
        case .administrator: "管理员"
        }
    }

    /// The kinds of unit at which the role can be held.
    public var allowedUnitKinds: Set<UnitKind> {
        switch self {
        // The hotline, dispatch, callback and supervision work at the 12345 centre or a district sub-centre,
        // which are departments of the city or a district; supervision also sits with city and district leaders.
        case .hotlineAgent, .dispatcher, .callbackAgent: [.department]
        case .supervisor, .administrator: [.city, .district, .department]
        case .gridWorker: [.grid, .community, .village]
        case .communityStaff: [.community, .village]
        case .streetCoordinator: [.street, .township, .area]
        case .departmentHandler: [.department, .enterprise, .stationedTeam]
        case .unitLeader: Set(UnitKind.allCases).subtracting([.city, .grid])
        }
    }
}

/// A person known to Whistle, holding roles at units.
public struct Person: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var phone: String?

    public init(id: String, name: String, phone: String? = nil) {
        self.id = id
        self.name = name
        self.phone = phone
    }
}

/// A role held by a person at a unit. Exercised, it is the ``Actor`` of a command.
public struct RoleAssignment: Sendable, Hashable, Codable {
    public var personID: String
    public var role: Role
    public var unitCode: String

    public init(personID: String, role: Role, unitCode: String) {
        self.personID = personID
        self.role = role
        self.unitCode = unitCode
    }

    /// Refuses a role at a unit of the wrong kind (a dispatcher at a grid, a grid worker at a department).
    public static func validate(role: Role, at unit: OrgUnit) throws(PeopleError) {
        guard role.allowedUnitKinds.contains(unit.kind) else { throw .roleNotAllowedAtUnit(role: role, unit: unit.code, kind: unit.kind) }
    }
}

/// Why a person or role change was refused.
public enum PeopleError: DomainError, Equatable {
    case roleNotAllowedAtUnit(role: Role, unit: String, kind: UnitKind)
    case personNotFound(String)
    case emptyName
    case mayNotManage(unit: String)

    public var code: String {
        switch self {
        case .roleNotAllowedAtUnit: "person.role_not_allowed_at_unit"
        case .personNotFound: "person.not_found"
        case .emptyName: "person.empty_name"
        case .mayNotManage: "person.may_not_manage"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .personNotFound: .notFound
        case .mayNotManage: .forbidden
        default: .invalid
        }
    }

    public var messageZh: String {
        switch self {
        case let .roleNotAllowedAtUnit(role, unit, kind): "\(role.nameZh)角色不能设在\(kind.nameZh)“\(unit)”"
        case let .personNotFound(id): "人员“\(id)”不存在"
        case .emptyName: "姓名不能为空"
        case let .mayNotManage(unit): "无权管理单位“\(unit)”的人员：需要全市的管理员，或该单位所在区的管理员"
        }
    }

    public var messageEn: String {
        switch self {
        case let .roleNotAllowedAtUnit(role, unit, kind): "role \(role.rawValue) cannot be held at \(kind.rawValue) \"\(unit)\""
        case let .mayNotManage(unit): "may not manage the people of unit \"\(unit)\": an administrator of the city or of its district is needed"
        case let .personNotFound(id): "person \"\(id)\" does not exist"
        case .emptyName: "the name is empty"
        }
    }
}

/// What an administrator keeps (accounts, duty rules): the city's administrators every unit, a district's
/// administrators the units of their district (its divisions and its organisations).
public enum Administration {
    /// The city's rules (rule versions, holiday calendars, the taxonomy) are kept by its own administrators.
    public static func keepsCityRules(_ actor: Actor, cityCode: String?) -> Bool {
        actor.role == .administrator && actor.unitCode == cityCode
    }

    /// `cityCode`: the root of the organisation tree.
    public static func covers(_ unitCode: String, for actor: Actor, cityCode: String?) -> Bool {
        guard actor.role == .administrator else { return false }
        return actor.unitCode == cityCode || (actor.unitCode.count == 6 && UnitCode.area(of: unitCode).hasPrefix(actor.unitCode))
    }
}

/// Who keeps the accounts (SPEC §1): the administrators covering the unit; a unit's leader sees its people.
public enum PeopleAccess {
    public static func mayManage(_ unitCode: String, _ actor: Actor, cityCode: String?) -> Bool {
        Administration.covers(unitCode, for: actor, cityCode: cityCode)
    }

    public static func maySee(_ unitCode: String, _ actor: Actor, cityCode: String?) -> Bool {
        mayManage(unitCode, actor, cityCode: cityCode) || (actor.role == .unitLeader && actor.unitCode == unitCode)
    }
}
