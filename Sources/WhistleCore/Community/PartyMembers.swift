import Foundation

/// A party member working elsewhere who reports to their home community (在职党员回社区报到) to take community
/// tasks. The id is the person's id when they are a Whistle user, otherwise one the store gives.
public struct PartyMember: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    /// 工作单位, in words (the member's employer is often not a unit of the city tree).
    public var workUnit: String
    /// The community or village the member reports to.
    public var homeCommunity: String
    /// What the member can offer (法律咨询, 医疗, 助老 …).
    public var skills: [String]
    /// Whether the member takes tasks now; communities list the available ones.
    public var available: Bool
    /// Confirmed hours over all tasks.
    public var hours: Double
    public var registeredAt: Date
    public var registeredBy: String
}

/// What a member or the community writes to register.
public struct PartyMemberDraft: Sendable, Hashable, Codable {
    public var name: String
    public var workUnit: String
    public var homeCommunity: String
    public var skills: [String]

    public init(name: String, workUnit: String, homeCommunity: String, skills: [String] = []) {
        self.name = name
        self.workUnit = workUnit
        self.homeCommunity = homeCommunity
        self.skills = skills
    }
}

/// A community task (社区任务) members take: a need of the community with how many people it wants.
public struct CommunityTask: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var community: String
    public var title: String
    public var detail: String
    /// How many members the task wants.
    public var needed: Int
    public var status: CommunityTaskStatus
    /// Ids of the members who took it, in order.
    public var takenBy: [String]
    public var hours: [ServiceHours]
    public var createdAt: Date
    public var createdBy: String
    public var closedAt: Date?
}

public enum CommunityTaskStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case closed

    public var nameZh: String { self == .open ? "招募中" : "已结束" }
}

/// Hours a member served on a task, confirmed by the community.
public struct ServiceHours: Sendable, Hashable, Codable {
    public var memberID: String
    public var hours: Double
    public var day: CalendarDay
    public var note: String?
    /// The community worker who confirmed them.
    public var by: String
    public var at: Date
}

/// The rules of members and community tasks. Pure: who may register, take and confirm, over the units and
/// records the caller supplies. A refusal throws and changes nothing.
public enum PartyWork {
    /// Limits of the fields.
    public enum Limits {
        public static let name = 50
        public static let workUnit = 100
        public static let skills = 20
        public static let skill = 50
        public static let title = 200
        public static let detail = 2_000
        public static let needed = 1_000
        public static let hoursPerEntry = 24.0
        public static let note = 500
    }

    /// Registers a member with their home community: the person themself (`memberID` is their own id), or
    /// community staff of that community on the member's behalf.
    public static func register(
        _ draft: PartyMemberDraft, memberID: String, by actor: Actor, at now: Date, community: OrgUnit?
    ) throws(PartyWorkError) -> PartyMember {
        guard let community, community.kind.isCommunityLevel else { throw .notACommunity(draft.homeCommunity) }
        guard memberID == actor.personID || isStaff(actor, of: community.code) else { throw .notCommunityStaff(community: community.code) }
        var skills: [String] = []
        guard draft.skills.count <= Limits.skills else { throw .invalidField(field: "skills", problem: .tooMany(max: Limits.skills)) }
        for skill in draft.skills { skills.append(try text(skill, "skills", Limits.skill)) }
        return PartyMember(
            id: memberID, name: try text(draft.name, "name", Limits.name), workUnit: try text(draft.workUnit, "workUnit", Limits.workUnit),
            homeCommunity: community.code, skills: skills, available: true, hours: 0, registeredAt: now, registeredBy: actor.personID)
    }

    /// The member, or staff of their community, says whether they take tasks now.
    public static func setAvailable(_ available: Bool, _ member: PartyMember, by actor: Actor) throws(PartyWorkError) -> PartyMember {
        guard member.id == actor.personID || isStaff(actor, of: member.homeCommunity) else {
            throw .notCommunityStaff(community: member.homeCommunity)
        }
        var member = member
        member.available = available
        return member
    }

    /// Community staff (or a grid worker of the community) posts a task.
    public static func createTask(
        id: String, community: String, title: String, detail: String, needed: Int, by actor: Actor, at now: Date
    ) throws(PartyWorkError) -> CommunityTask {
        guard isStaff(actor, of: community) else { throw .notCommunityStaff(community: community) }
        guard (1...Limits.needed).contains(needed) else { throw .invalidField(field: "needed", problem: .outOfRange(min: 1, max: Limits.needed)) }
        return CommunityTask(
            id: id, community: community, title: try text(title, "title", Limits.title), detail: try text(detail, "detail", Limits.detail),
            needed: needed, status: .open, takenBy: [], hours: [], createdAt: now, createdBy: actor.personID, closedAt: nil)
    }

    /// A member of the task's community takes it (themself, or staff for them) while it is open and not full.
    public static func take(_ task: CommunityTask, member: PartyMember, by actor: Actor) throws(PartyWorkError) -> CommunityTask {
        guard member.id == actor.personID || isStaff(actor, of: task.community) else { throw .notCommunityStaff(community: task.community) }
        guard member.homeCommunity == task.community else { throw .otherCommunity(member: member.id, community: task.community) }
        guard task.status == .open else { throw .taskClosed(task.id) }
        guard member.available else { throw .memberUnavailable(member.id) }
        guard !task.takenBy.contains(member.id) else { throw .alreadyTaken(member: member.id) }
        guard task.takenBy.count < task.needed else { throw .taskFull(task.id, needed: task.needed) }
        var task = task
        task.takenBy.append(member.id)
        return task
    }

    /// Staff of the community confirm hours a member served on the task (open or closed).
    public static func logHours(
        _ task: CommunityTask, member: PartyMember, hours: Double, day: CalendarDay, note: String?, by actor: Actor, at now: Date
    ) throws(PartyWorkError) -> (task: CommunityTask, member: PartyMember) {
        guard isStaff(actor, of: task.community) else { throw .notCommunityStaff(community: task.community) }
        guard task.takenBy.contains(member.id) else { throw .notTaken(member: member.id) }
        guard hours.isFinite, hours > 0, hours <= Limits.hoursPerEntry else {
            throw .invalidField(field: "hours", problem: .outOfRange(min: 0, max: Int(Limits.hoursPerEntry)))
        }
        let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (trimmed?.count ?? 0) <= Limits.note else { throw .invalidField(field: "note", problem: .tooLong(max: Limits.note)) }
        var task = task, member = member
        task.hours.append(ServiceHours(
            memberID: member.id, hours: hours, day: day, note: trimmed?.isEmpty == false ? trimmed : nil, by: actor.personID, at: now))
        member.hours += hours
        return (task, member)
    }

    /// Staff close the task.
    public static func close(_ task: CommunityTask, by actor: Actor, at now: Date) throws(PartyWorkError) -> CommunityTask {
        guard isStaff(actor, of: task.community) else { throw .notCommunityStaff(community: task.community) }
        guard task.status == .open else { throw .taskClosed(task.id) }
        var task = task
        task.status = .closed
        task.closedAt = now
        return task
    }

    /// Who may list a community's members and tasks: its staff, the street (or township) it belongs to, and
    /// the centre and leadership.
    public static func mayList(community: String, as actor: Actor) -> Bool {
        if isStaff(actor, of: community) || DemandAccess.isCityWide(actor) { return true }
        let isDivision = !actor.unitCode.contains("-")
        return [.streetCoordinator, .unitLeader].contains(actor.role) && isDivision && community.hasPrefix(actor.unitCode)
    }

    /// Community staff of the community, or a grid worker of it or of one of its grids.
    public static func isStaff(_ actor: Actor, of community: String) -> Bool {
        switch actor.role {
        case .communityStaff: actor.unitCode == community
        case .gridWorker: actor.unitCode == community || (actor.unitCode.count == 15 && actor.unitCode.hasPrefix(community))
        default: false
        }
    }

    private static func text(_ value: String, _ field: String, _ max: Int) throws(PartyWorkError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidField(field: field, problem: .empty) }
        guard trimmed.count <= max else { throw .invalidField(field: field, problem: .tooLong(max: max)) }
        return trimmed
    }
}

/// Why a member or task step was refused.
public enum PartyWorkError: DomainError, Equatable {
    case invalidField(field: String, problem: FieldProblem)
    case notACommunity(String)
    case notCommunityStaff(community: String)
    case otherCommunity(member: String, community: String)
    case memberUnavailable(String)
    case taskClosed(String)
    case taskFull(String, needed: Int)
    case alreadyTaken(member: String)
    case notTaken(member: String)

    public var code: String {
        switch self {
        case .invalidField: "party.invalid_field"
        case .notACommunity: "party.not_a_community"
        case .notCommunityStaff: "party.not_community_staff"
        case .otherCommunity: "party.other_community"
        case .memberUnavailable: "party.member_unavailable"
        case .taskClosed: "party.task_closed"
        case .taskFull: "party.task_full"
        case .alreadyTaken: "party.already_taken"
        case .notTaken: "party.not_taken"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .invalidField, .notACommunity: .invalid
        case .notCommunityStaff, .otherCommunity: .forbidden
        case .memberUnavailable, .taskClosed, .taskFull, .alreadyTaken, .notTaken: .conflict
        }
    }

    public var messageZh: String {
        switch self {
        case let .invalidField(field, problem): "字段 \(field) \(problem.zh)"
        case let .notACommunity(code): "“\(code)”不是社区或村"
        case let .notCommunityStaff(community): "只有本人或社区 \(community) 的工作人员可以进行此操作"
        case let .otherCommunity(member, community): "党员 \(member) 未向社区 \(community) 报到"
        case let .memberUnavailable(member): "党员 \(member) 当前不接任务"
        case let .taskClosed(id): "任务 \(id) 已结束"
        case let .taskFull(id, needed): "任务 \(id) 已满 \(needed) 人"
        case let .alreadyTaken(member): "党员 \(member) 已认领此任务"
        case let .notTaken(member): "党员 \(member) 未认领此任务"
        }
    }

    public var messageEn: String {
        switch self {
        case let .invalidField(field, problem): "field \(field) \(problem.en)"
        case let .notACommunity(code): "\"\(code)\" is not a community or village"
        case let .notCommunityStaff(community): "only the member or staff of community \(community) may do this"
        case let .otherCommunity(member, community): "member \(member) does not report to community \(community)"
        case let .memberUnavailable(member): "member \(member) does not take tasks now"
        case let .taskClosed(id): "task \(id) is closed"
        case let .taskFull(id, needed): "task \(id) already has its \(needed) members"
        case let .alreadyTaken(member): "member \(member) already took this task"
        case let .notTaken(member): "member \(member) did not take this task"
        }
    }
}
