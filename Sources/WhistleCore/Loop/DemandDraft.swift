import Foundation

/// The type of a demand (诉求类型, SPEC §3 rule 1).
public enum DemandType: String, Sendable, Hashable, Codable, CaseIterable {
    /// 咨询
    case consultation
    /// 求助
    case help
    /// 投诉
    case complaint
    /// 举报
    case report
    /// 建议
    case suggestion

    /// Name as the console shows it.
    public var nameZh: String {
        switch self {
        case .consultation: "咨询"
        case .help: "求助"
        case .complaint: "投诉"
        case .report: "举报"
        case .suggestion: "建议"
        }
    }
}

/// How a demand reached Whistle (受理渠道).
public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    /// 12345 电话
    case phone
    /// 网站
    case web
    /// 移动应用
    case app
    /// 微信 (公众号, 小程序)
    case wechat
    /// 微博
    case weibo
    /// 网格巡查 (found by a grid worker, 一级哨)
    case gridPatrol = "grid_patrol"
    /// 视频监控
    case video
    /// 领导交办
    case leaderReferral = "leader_referral"
    /// Open311 GeoReport v2 apps
    case open311
    /// 批量导入 (another platform, 省平台流转)
    case `import`

    /// Name as the console shows it.
    public var nameZh: String {
        switch self {
        case .phone: "电话"
        case .web: "网站"
        case .app: "移动应用"
        case .wechat: "微信"
        case .weibo: "微博"
        case .gridPatrol: "网格巡查"
        case .video: "视频监控"
        case .leaderReferral: "领导交办"
        case .open311: "Open311"
        case .import: "导入"
        }
    }
}

extension Channel {
    /// Who may record a demand from this channel: the hotline takes calls, grid staff report what they find
    /// on patrol, the centre records referrals and imports; `nil` for public channels (web, apps, Open311),
    /// where residents file themselves.
    public var recordingRoles: Set<Role>? {
        switch self {
        case .phone: [.hotlineAgent, .dispatcher]
        case .gridPatrol: [.gridWorker, .communityStaff, .streetCoordinator]
        case .video: [.gridWorker, .communityStaff, .streetCoordinator, .hotlineAgent, .dispatcher]
        case .leaderReferral: [.hotlineAgent, .dispatcher, .supervisor]
        case .import: [.dispatcher, .administrator]
        case .web, .app, .wechat, .weibo, .open311: nil
        }
    }
}

/// Who raises the demand (诉求人类型).
public enum PartyType: String, Sendable, Hashable, Codable, CaseIterable {
    /// 自然人
    case person
    /// 法人
    case legalPerson = "legal_person"
    /// 其他组织
    case organisation

    /// Name as the console shows it.
    public var nameZh: String {
        switch self {
        case .person: "自然人"
        case .legalPerson: "法人"
        case .organisation: "其他组织"
        }
    }
}

/// An emergency line a call belongs to (SPEC §3 rule 2): recorded as transferred, never in the loop or scores.
public enum EmergencyLine: String, Sendable, Hashable, Codable, CaseIterable {
    /// 110 公安报警
    case police = "110"
    /// 119 火警
    case fire = "119"
    /// 120 医疗急救
    case ambulance = "120"
    /// 122 交通事故报警
    case traffic = "122"

    /// Name as the console shows it.
    public var nameZh: String {
        switch self {
        case .police: "110 报警"
        case .fire: "119 火警"
        case .ambulance: "120 急救"
        case .traffic: "122 交通事故报警"
        }
    }
}

/// Where the problem is (诉求地点): the address as told, and what is known of it.
public struct DemandLocation: Sendable, Hashable, Codable {
    /// Address text as the resident gave it; may be empty for a consultation.
    public var address: String
    /// Coordinates (WGS 84 / GCJ-02 as the channel sends them), when known.
    public var coordinate: Coordinate?
    /// The resolved grid (网格, 15 digits), when known.
    public var gridCode: String?
    /// The resolved division (区/街乡镇/社区, 6, 9 or 12 digits), when known.
    public var areaCode: String?

    /// A location; only the address is required (and it may be empty).
    public init(address: String, coordinate: Coordinate? = nil, gridCode: String? = nil, areaCode: String? = nil) {
        self.address = address
        self.coordinate = coordinate
        self.gridCode = gridCode
        self.areaCode = areaCode
    }

    // Coordinate (City/Boundary.swift) is not Codable; it is coded here as two numbers.
    private enum CodingKeys: String, CodingKey { case address, longitude, latitude, gridCode, areaCode }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decode(String.self, forKey: .address)
        if let longitude = try c.decodeIfPresent(Double.self, forKey: .longitude),
           let latitude = try c.decodeIfPresent(Double.self, forKey: .latitude) {
            coordinate = Coordinate(longitude: longitude, latitude: latitude)
        }
        gridCode = try c.decodeIfPresent(String.self, forKey: .gridCode)
        areaCode = try c.decodeIfPresent(String.self, forKey: .areaCode)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encodeIfPresent(coordinate?.longitude, forKey: .longitude)
        try c.encodeIfPresent(coordinate?.latitude, forKey: .latitude)
        try c.encodeIfPresent(gridCode, forKey: .gridCode)
        try c.encodeIfPresent(areaCode, forKey: .areaCode)
    }
}

/// The person who raised the demand (诉求人). `confidential` (保密) masks name and phone for every handling
/// unit (GB/T 33358); the masking itself is the server's job.
public struct Complainant: Sendable, Hashable, Codable {
    /// Name as given.
    public var name: String?
    /// Mainland mobile (11 digits) or landline (area code, `-`, number), digits and `-` only.
    public var phone: String?
    /// 保密
    public var confidential: Bool

    /// A complainant; everything is optional (anonymous demands are allowed).
    public init(name: String? = nil, phone: String? = nil, confidential: Bool = false) {
        self.name = name
        self.phone = phone
        self.confidential = confidential
    }

    /// Whether `phone` is the one given at intake, digit by digit ("138-1234-5678" is "13812345678"): how a
    /// resident proves the demand is theirs when tracking and rating it.
    public func hasPhone(_ phone: String) -> Bool {
        let digits = { (text: String) in text.filter(\.isASCIIDigit) }
        guard let given = self.phone, !digits(phone).isEmpty else { return false }
        return digits(given) == digits(phone)
    }
}

/// What intake receives (受理): the demand as recorded by an agent, a grid worker or a public channel.
public struct DemandDraft: Sendable, Hashable, Codable {
    /// 咨询/求助/投诉/举报/建议
    public var type: DemandType
    /// How it came in.
    public var channel: Channel
    /// 自然人/法人/其他组织
    public var partyType: PartyType
    /// Category in the taxonomy (§7), when classified at intake; the dispatcher may set it later.
    public var categoryCode: String?
    /// A short title, when the channel has one.
    public var title: String?
    /// The demand in the resident's words (1…5000 characters).
    public var content: String
    /// Where.
    public var location: DemandLocation
    /// Who.
    public var complainant: Complainant
    /// References to stored files (photos, recordings).
    public var attachments: [String]
    /// Set when the call belongs to 110/119/120/122: recorded as transferred, never dispatched.
    public var emergencyTransfer: EmergencyLine?
    /// 直接答复: the answer the hotline gave at once; the demand closes without dispatch.
    public var directAnswer: String?

    /// A draft; everything but type, channel and content has a default.
    public init(
        type: DemandType, channel: Channel, partyType: PartyType = .person, categoryCode: String? = nil,
        title: String? = nil, content: String, location: DemandLocation = DemandLocation(address: ""),
        complainant: Complainant = Complainant(), attachments: [String] = [],
        emergencyTransfer: EmergencyLine? = nil, directAnswer: String? = nil
    ) {
        self.type = type
        self.channel = channel
        self.partyType = partyType
        self.categoryCode = categoryCode
        self.title = title
        self.content = content
        self.location = location
        self.complainant = complainant
        self.attachments = attachments
        self.emergencyTransfer = emergencyTransfer
        self.directAnswer = directAnswer
    }

    /// Field limits, in characters (and attachment count). Input hygiene, not policy, so not in ``LoopRules``.
    public enum Limits {
        /// Content of a demand.
        public static let content = 5000
        /// Title.
        public static let title = 200
        /// Address text.
        public static let address = 500
        /// Complainant name.
        public static let name = 50
        /// Ids and codes (units, categories, demands).
        public static let code = 64
        /// Attachments per draft, note or result.
        public static let attachments = 20
        /// Co-handlers per dispatch.
        public static let coHandlers = 20
        /// One file reference.
        public static let reference = 500
        /// Notes, reasons, summaries, answers.
        public static let note = 5000
    }

    /// The draft trimmed (blank optionals become `nil`) and checked field by field; the first bad field is
    /// refused with ``LoopError/invalidField(field:problem:)``.
    public func validated() throws(LoopError) -> DemandDraft {
        var draft = self
        draft.content = try Check.text(content, field: "content", max: Limits.content)
        draft.title = try Check.optionalText(title, field: "title", max: Limits.title)
        draft.categoryCode = try Check.optionalText(categoryCode, field: "categoryCode", max: Limits.code)
        draft.location.address = try Check.text(location.address, field: "location.address", max: Limits.address, allowEmpty: true)
        if let point = location.coordinate {
            guard point.longitude.isFinite, point.latitude.isFinite,
                  (-180...180).contains(point.longitude), (-90...90).contains(point.latitude) else {
                throw .invalidField(field: "location.coordinate", problem: .coordinateOutOfRange)
            }
        }
        draft.location.gridCode = try Check.optionalText(location.gridCode, field: "location.gridCode", max: Limits.code)
        if let grid = draft.location.gridCode, !(grid.count == 15 && grid.allSatisfy(\.isASCIIDigit)) {
            throw .invalidField(field: "location.gridCode", problem: .notAGridCode)
        }
        draft.location.areaCode = try Check.optionalText(location.areaCode, field: "location.areaCode", max: Limits.code)
        if let area = draft.location.areaCode, !([6, 9, 12].contains(area.count) && area.allSatisfy(\.isASCIIDigit)) {
            throw .invalidField(field: "location.areaCode", problem: .notADivisionCode)
        }
        draft.complainant.name = try Check.optionalText(complainant.name, field: "complainant.name", max: Limits.name)
        draft.complainant.phone = try Check.optionalText(complainant.phone, field: "complainant.phone", max: 24)
        if let phone = draft.complainant.phone, !Self.isPhoneNumber(phone) {
            throw .invalidField(field: "complainant.phone", problem: .notAPhoneNumber)
        }
        draft.attachments = try Check.references(attachments, field: "attachments")
        draft.directAnswer = try Check.optionalText(directAnswer, field: "directAnswer", max: Limits.note)
        if draft.directAnswer != nil, draft.emergencyTransfer != nil {
            throw .invalidField(field: "directAnswer", problem: .conflicts(with: "emergencyTransfer"))
        }
        return draft
    }

    /// A mainland phone number: a mobile `1[3-9]` + 9 digits, a landline with its area code (`0` + 2–3
    /// digits, then 7–8 digits, an optional extension after a second `-`), or a local 7–8 digit number.
    /// Digits and single `-` separators only.
    public static func isPhoneNumber(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(groups.count), groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else {
            return false
        }
        let digits = groups.joined()
        switch digits.first {
        case "1":  // mobile 13x–19x, any grouping (138-1234-5678)
            return digits.count == 11 && ("3"..."9").contains(digits.dropFirst().first!)
        case "0":  // landline with area code: 01012345678, 010-12345678, 0755-1234567, 021-12345678-801
            if groups.count == 1 { return (10...12).contains(digits.count) }
            return (3...4).contains(groups[0].count) && (7...8).contains(groups[1].count)
                && (groups.count == 2 || (1...6).contains(groups[2].count))
        default:  // a local number without area code
            return groups.count == 1 && (7...8).contains(digits.count)
        }
    }
}

/// Field checks shared by intake and commands.
enum Check {
    /// Trimmed text, refused when empty (unless allowed) or longer than `max` characters.
    static func text(_ value: String, field: String, max: Int, allowEmpty: Bool = false) throws(LoopError) -> String {
        let trimmed = isTrimmed(value) ? value : value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty, !allowEmpty { throw .invalidField(field: field, problem: .empty) }
        guard trimmed.count <= max else { throw .invalidField(field: field, problem: .tooLong(max: max)) }
        return trimmed
    }

    /// Neither end is white space, so trimming would change nothing: most input skips Foundation's trimming,
    /// which bridges through NSString and is slow on Linux.
    private static func isTrimmed(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        return !CharacterSet.whitespacesAndNewlines.contains(first) && !CharacterSet.whitespacesAndNewlines.contains(last)
    }

    /// Trimmed optional text; blank becomes `nil`.
    static func optionalText(_ value: String?, field: String, max: Int) throws(LoopError) -> String? {
        guard let value else { return nil }
        let trimmed = try text(value, field: field, max: max, allowEmpty: true)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// File references: each non-blank and short, at most ``DemandDraft/Limits/attachments`` of them.
    static func references(_ values: [String], field: String) throws(LoopError) -> [String] {
        guard values.count <= DemandDraft.Limits.attachments else {
            throw .invalidField(field: field, problem: .tooMany(max: DemandDraft.Limits.attachments))
        }
        var checked: [String] = []
        for value in values { checked.append(try text(value, field: field, max: DemandDraft.Limits.reference)) }
        return checked
    }
}
