/// The kind of an organisational unit (SPEC §2). Administrative divisions carry official codes; the other
/// kinds are organisations that act on demands.
public enum UnitKind: String, Sendable, Codable, CaseIterable {
    /// 市
    case city
    /// 区 (GB/T 2260, 6-digit code)
    case district
    /// 街道
    case street
    /// 乡镇 (town or township)
    case township
    /// 地区 (area office, under dual 地区/乡镇 administration)
    case area
    /// 社区 (12-digit code)
    case community
    /// 村 (12-digit code)
    case village
    /// 网格 (15-digit code = 6 district + 3 street + 3 community + 3 sequence)
    case grid
    /// 委办局 or its dispatched agency (派出机构)
    case department
    /// 公共服务企业 (水电气热, telecom)
    case enterprise
    /// 下沉/派驻力量 stationed at a street (e.g. 城管中队, 市场监管所, 派出所)
    case stationedTeam = "stationed_team"

    /// The Chinese name shown to people.
    public var nameZh: String {
        switch self {
        case .city: "市"
        case .district: "区"
        case .street: "街道"
        case .township: "乡镇"
        case .area: "地区"
        case .community: "社区"
        case .village: "村"
        case .grid: "网格"
        case .department: "部门"
        case .enterprise: "公共服务企业"
        case .stationedTeam: "派驻力量"
        }
    }

    /// True for the administrative divisions, whose codes are official (GB/T 2260 and its extensions).
    public var isDivision: Bool { divisionCodeLength != nil }

    /// Digits of an official division code of this kind, `nil` for organisations.
    public var divisionCodeLength: Int? {
        switch self {
        case .city, .district: 6
        case .street, .township, .area: 9
        case .community, .village: 12
        case .grid: 15
        case .department, .enterprise, .stationedTeam: nil
        }
    }

    /// Street-level divisions: 街道, 镇, 地区/乡 (together 街乡镇).
    public var isStreetLevel: Bool { self == .street || self == .township || self == .area }

    /// Community-level divisions: 社区 and 村.
    public var isCommunityLevel: Bool { self == .community || self == .village }

    /// The kinds a unit of this kind may sit under in the tree.
    public var allowedParentKinds: Set<UnitKind> {
        switch self {
        case .city: []
        case .district: [.city]
        case .street, .township, .area: [.district]
        case .community, .village: [.street, .township, .area]
        case .grid: [.community, .village]
        // A department belongs to the city, a district or (for an agency) to its parent department.
        case .department: [.city, .district, .department]
        case .enterprise: [.city, .district, .enterprise]
        // A stationed team belongs to the department that sends it.
        case .stationedTeam: [.department, .enterprise]
        }
    }
}
