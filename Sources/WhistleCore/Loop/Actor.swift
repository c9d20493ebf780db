/// Who issues a command: a person acting in one role at one unit, i.e. a role assignment being exercised.
/// The server resolves it from the token (and an approver from the stored role assignments); the loop
/// trusts it and checks only what the role and unit may do. The system (the deadline service) is no
/// actor: it passes `nil`.
public typealias Actor = RoleAssignment

extension Role {
    /// Roles that act for the unit a work order is assigned to (签收, 联系, 办理, 办结, 退单/延期/挂账申请).
    static let orderUnitRoles: Set<Role> = [.departmentHandler, .unitLeader, .streetCoordinator, .communityStaff]
    /// Roles of the dispatch centre (12345 中心 / 区分中心): dispatch, rulings, re-dispatch, closure, merge.
    static let dispatchRoles: Set<Role> = [.dispatcher]
    /// Roles that may answer at once or mark an emergency transfer at intake (the hotline).
    static let hotlineRoles: Set<Role> = [.hotlineAgent, .dispatcher]
    /// Roles that urge (催办) and supervise (督办); dispatchers supervise too (SPEC §1).
    static let supervisionRoles: Set<Role> = [.supervisor, .dispatcher]
    /// Roles that may record a flag (恶意反复拨打, 不合理诉求) …
    static let flaggingRoles: Set<Role> = [.hotlineAgent, .dispatcher, .supervisor]
    /// … and roles that may approve one (the approver is recorded; it excludes the demand from scores).
    static let flagApproverRoles: Set<Role> = [.dispatcher, .supervisor]
    /// Roles that record callbacks (回访).
    static let callbackRoles: Set<Role> = [.callbackAgent]
}
