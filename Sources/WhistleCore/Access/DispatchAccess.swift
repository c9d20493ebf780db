/// Who may use and change routing (SPEC §1, §7): the people who file and dispatch demands ask for
/// suggestions; the city's administrators keep the taxonomy; administrators keep the duty rules of their
/// own area (the city's for every area, a district's for its district).
public enum DispatchAccess {
    static let suggesting: Set<Role> = [.hotlineAgent, .dispatcher, .gridWorker, .communityStaff, .streetCoordinator]

    public static func maySuggest(_ actor: Actor) -> Bool { suggesting.contains(actor.role) }

    /// `cityCode`: the root of the organisation tree.
    public static func mayEditTaxonomy(_ actor: Actor, cityCode: String?) -> Bool {
        Administration.keepsCityRules(actor, cityCode: cityCode)
    }

    public static func mayEditRules(in area: String, _ actor: Actor, cityCode: String?) -> Bool {
        Administration.covers(area, for: actor, cityCode: cityCode)
    }
}

/// Why routing refused an actor.
public enum DispatchAccessError: DomainError, Equatable {
    case mayNotSuggest(Role)
    case mayNotEditTaxonomy
    case mayNotEditRules(area: String)

    public var code: String {
        switch self {
        case .mayNotSuggest: "dispatch.may_not_suggest"
        case .mayNotEditTaxonomy: "dispatch.may_not_edit_taxonomy"
        case .mayNotEditRules: "dispatch.may_not_edit_rules"
        }
    }

    public var kind: DomainErrorKind { .forbidden }

    public var messageZh: String {
        switch self {
        case let .mayNotSuggest(role): "\(role.nameZh)不受理或派发诉求，不能获取派单建议"
        case .mayNotEditTaxonomy: "只有市级管理员可以修改诉求分类"
        case let .mayNotEditRules(area): "无权修改区域 \(area) 的派单规则：需要该区或全市的管理员"
        }
    }

    public var messageEn: String {
        switch self {
        case let .mayNotSuggest(role): "a \(role.rawValue) neither receives nor dispatches demands and gets no dispatch suggestions"
        case .mayNotEditTaxonomy: "only the city's administrators may change the taxonomy"
        case let .mayNotEditRules(area): "may not change the duty rules of area \(area): an administrator of its district or of the city is needed"
        }
    }
}
