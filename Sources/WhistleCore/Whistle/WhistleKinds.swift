/// The level of a whistle (哨级), given by the kind of the unit that blows it (SPEC §5).
public enum WhistleLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// 一级哨: a grid whistles inside its community (the community and its other grids).
    case grid
    /// 二级哨: a community (or village) whistles to its street and the teams stationed there.
    case community
    /// 三级哨: a street, township or area whistles to district and city departments, public-service
    /// enterprises and the teams stationed at the street.
    case street

    /// The level a unit of this kind whistles at; `nil` for kinds that do not whistle (departments, districts …).
    public static func of(_ kind: UnitKind) -> WhistleLevel? {
        if kind == .grid { return .grid }
        if kind.isCommunityLevel { return .community }
        if kind.isStreetLevel { return .street }
        return nil
    }

    public var nameZh: String {
        switch self {
        case .grid: "一级哨"
        case .community: "二级哨"
        case .street: "三级哨"
        }
    }
}

/// Why a whistle is blown (the four statutory domains of the Street Office Regulation, Art. 5).
public enum WhistleType: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// 群众诉求: a strong public demand beyond the street's own power.
    case publicDemand = "public_demand"
    /// 综合执法: joint law enforcement.
    case jointEnforcement = "joint_enforcement"
    /// 应急处置: emergency.
    case emergency
    /// 重点工作: key work.
    case keyWork = "key_work"

    public var nameZh: String {
        switch self {
        case .publicDemand: "群众诉求"
        case .jointEnforcement: "综合执法"
        case .emergency: "应急处置"
        case .keyWork: "重点工作"
        }
    }
}

/// Where a whistle stands: open until the whistling unit closes it (事不完、人不撤).
public enum WhistleStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case closed

    public var nameZh: String {
        switch self {
        case .open: "处置中"
        case .closed: "已结束"
        }
    }
}

/// Where one summoned unit stands (报到).
public enum SummonsStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// 已点单, not yet answered.
    case summoned
    /// 已响应: the unit acknowledged and is on its way.
    case acknowledged
    /// 已报到: signed in on site.
    case signedIn = "signed_in"
    /// 未报到: not signed in by the deadline (the deadline service marked it).
    case absent

    public var nameZh: String {
        switch self {
        case .summoned: "待响应"
        case .acknowledged: "已响应"
        case .signedIn: "已报到"
        case .absent: "未报到"
        }
    }
}

/// A district's finding on a whistle (空哨/乱吹哨).
public enum WhistleReviewKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 空哨: blown with nothing to do, or nothing done.
    case empty
    /// 乱吹哨: blown for routine work, at the wrong units or outside the rules.
    case wrong

    public var nameZh: String {
        switch self {
        case .empty: "空哨"
        case .wrong: "乱吹哨"
        }
    }
}
