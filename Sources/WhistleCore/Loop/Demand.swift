import Foundation

/// Where a demand stands in the closed loop (SPEC §3).
public enum DemandStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// 已受理, 待派单
    case received
    /// 已转应急 (110/119/120/122): terminal, never dispatched, never scored
    case transferred
    /// 已直接答复: terminal, never dispatched
    case answered
    /// 已派单, 待签收
    case dispatched
    /// 办理中
    case inProgress = "in_progress"
    /// 已退单, 待改派 (the primary's return was approved)
    case returned
    /// 已挂账 (the primary is parked)
    case parked
    /// 已办结反馈, 待回访
    case resultReported = "result_reported"
    /// 已回访, 待结案或重办
    case callbackDone = "callback_done"
    /// 已结案
    case closed
    /// 已合并 into a parent demand; it follows the parent
    case merged

    /// Name as the console shows it.

    public var nameZh: String {
        switch self {
        case .received: "待派单"
        case .transferred: "已转应急"
        case .answered: "已直接答复"
        case .dispatched: "待签收"
        case .inProgress: "办理中"
        case .returned: "待改派"
        case .parked: "已挂账"
        case .resultReported: "待回访"
        case .callbackDone: "已回访"
        case .closed: "已结案"
        case .merged: "已合并"
        }
    }

    /// No command changes the state any more (flags may still be recorded).
    public var isTerminal: Bool { [.transferred, .answered, .closed, .merged].contains(self) }

    /// The states that follow the primary order (dispatch to result).
    static let handling: Set<DemandStatus> = [.dispatched, .inProgress, .returned, .parked, .resultReported]
}

/// 满意度
public enum Satisfaction: String, Sendable, Hashable, Codable, CaseIterable {
    /// 满意
    case satisfied
    /// 基本满意
    case basicallySatisfied = "basically_satisfied"
    /// 不满意
    case unsatisfied

    /// Name as the console shows it.

    public var nameZh: String {
        switch self {
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .unsatisfied: "不满意"
        }
    }
}

/// Why a callback is invalid (无效回访): excluded from the denominators of the three rates.
public enum InvalidCallbackReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// 无法联系
    case unreachable
    /// 拒绝回访
    case refused

    /// Name as the console shows it.

    public var nameZh: String { self == .unreachable ? "无法联系" : "拒绝回访" }
}

/// What a callback found (SPEC §3 rule 8).
public enum CallbackOutcome: Sendable, Hashable, Codable {
    /// A valid callback: was the resident contacted (是否联系), is it solved (是否解决), how satisfied.
    case valid(contacted: Bool, solved: Bool, satisfaction: Satisfaction)
    /// 无效回访
    case invalid(InvalidCallbackReason)

    /// Counts in the denominators of the three rates.
    public var isValid: Bool { if case .valid = self { true } else { false } }

    /// "Not solved" or "unsatisfied" may reopen the case (重办).
    public var warrantsReopen: Bool {
        if case let .valid(_, solved, satisfaction) = self { !solved || satisfaction == .unsatisfied } else { false }
    }
}

/// One callback (回访) of a demand, attributed to the primary unit scored for it.
public struct CallbackRecord: Sendable, Hashable, Codable {
    /// When the callback was recorded.
    public var at: Date
    /// The callback agent (person id).
    public var by: String
    /// The primary order called back about, and its unit (the one scored).
    public var orderID: String
    public var unitCode: String
    /// The demand's reopen count when called back: 0 for the first handling.
    public var round: Int
    /// What the resident said, or why the callback is invalid.
    public var outcome: CallbackOutcome
    /// The agent's note.
    public var note: String?
}

/// The kinds of flag a demand may carry.
public enum DemandFlagKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 恶意反复拨打
    case malicious
    /// 不合理诉求
    case unreasonable

    /// Name as the console shows it.

    public var nameZh: String { self == .malicious ? "恶意诉求" : "不合理诉求" }
}

/// A flag with who recorded it and who approved it. Flags never delete; they exclude from scores.
public struct DemandFlag: Sendable, Hashable, Codable {
    /// When it was recorded.
    public var at: Date
    /// Who recorded it (person id).
    public var by: String
    /// Who approved it (person id) and in which role (dispatcher or supervisor).
    public var approvedBy: String
    public var approverRole: Role
    /// Why.
    public var reason: String?
}

/// The complainant's rating of the result (评价), given on the public page or through the API after the
/// demand is closed. It is the resident's word, kept beside the callback; the three rates (三率) count the
/// callback, which reaches every complainant, not only those who come back to rate.
public struct ResidentRating: Sendable, Hashable, Codable {
    public var at: Date
    public var satisfaction: Satisfaction
    public var comment: String?
}

/// The flags of a demand.
public struct DemandFlags: Sendable, Hashable, Codable {
    /// 恶意反复拨打
    public internal(set) var malicious: DemandFlag?
    /// 不合理诉求 (after review)
    public internal(set) var unreasonable: DemandFlag?

    /// No flag.
    public init() {}

    /// The flag of a kind, if set.
    public subscript(kind: DemandFlagKind) -> DemandFlag? {
        get { kind == .malicious ? malicious : unreasonable }
        set { if kind == .malicious { malicious = newValue } else { unreasonable = newValue } }
    }
}

/// A demand (诉求): the case file, the aggregate root of the closed loop. Created by ``Intake/open(_:id:number:by:at:rules:)``
/// and changed only by ``Loop/decide(_:_:by:at:rules:)``; the store persists it with its events.
public struct Demand: Sendable, Hashable, Codable, Identifiable {
    /// Unique id, assigned by the store.
    public let id: String
    /// The number residents track it by (工单编号), assigned by the store.
    public let number: String
    /// Optimistic concurrency: 1 at intake, +1 for every accepted command.
    public internal(set) var version: Int
    // The draft as received (see ``DemandDraft``); only the category may be set later, at dispatch.
    public let type: DemandType
    public let channel: Channel
    public let partyType: PartyType
    public internal(set) var categoryCode: String?
    public let title: String?
    public let content: String
    public let location: DemandLocation
    public let complainant: Complainant
    public let attachments: [String]
    public let emergencyTransfer: EmergencyLine?
    public let directAnswer: String?
    /// Where the demand stands.
    public internal(set) var status: DemandStatus
    /// Every order ever dispatched, in order; returned and reassigned ones stay for the record.
    public internal(set) var orders: [WorkOrder] = []
    /// 重办次数
    public internal(set) var reopenCount = 0
    /// The demand this one was merged into (合并).
    public internal(set) var parentID: String?
    /// 恶意 / 不合理 flags, with their approvers.
    public internal(set) var flags = DemandFlags()
    /// Every callback, in order.
    public internal(set) var callbacks: [CallbackRecord] = []
    /// The complainant's own rating of the result (评价), once closed.
    public internal(set) var rating: ResidentRating?
    /// Who recorded it; `nil` for a public channel.
    public let receivedBy: String?
    /// Intake time.
    public let createdAt: Date
    /// Time of the last accepted command.
    public internal(set) var updatedAt: Date
    /// First dispatch (dispatch latency = `dispatchedAt - createdAt`).
    public internal(set) var dispatchedAt: Date?
    /// When it ended: closed, merged, transferred or answered.
    public internal(set) var closedAt: Date?

    init(draft: DemandDraft, id: String, number: String, status: DemandStatus, by person: String?, at now: Date) {
        self.id = id
        self.number = number
        version = 1
        type = draft.type
        channel = draft.channel
        partyType = draft.partyType
        categoryCode = draft.categoryCode
        title = draft.title
        content = draft.content
        location = draft.location
        complainant = draft.complainant
        attachments = draft.attachments
        emergencyTransfer = draft.emergencyTransfer
        directAnswer = draft.directAnswer
        self.status = status
        receivedBy = person
        createdAt = now
        updatedAt = now
        if status.isTerminal { closedAt = now }
    }

    /// The draft fields (with the category as classified now).
    public var draft: DemandDraft {
        DemandDraft(
            type: type, channel: channel, partyType: partyType, categoryCode: categoryCode, title: title,
            content: content, location: location, complainant: complainant, attachments: attachments,
            emergencyTransfer: emergencyTransfer, directAnswer: directAnswer)
    }

    /// The order by id.
    public func order(_ id: String) -> WorkOrder? { orders.first { $0.id == id } }

    /// The current primary order (主办): the last one dispatched as primary.
    public var primaryOrder: WorkOrder? { orders.last { $0.role == .primary } }

    /// Orders the units still owe work on.
    public var openOrders: [WorkOrder] { orders.filter(\.isOpen) }

    /// The last callback, which decides reopening and scores.
    public var lastCallback: CallbackRecord? { callbacks.last }

    /// Whether the demand enters the three rates (三率): not an emergency transfer, direct answer or merged
    /// duplicate, and not flagged malicious or unreasonable.
    public var countsInScores: Bool {
        ![.transferred, .answered, .merged].contains(status) && flags.malicious == nil && flags.unreasonable == nil
    }
}

/// What a command decided: the demand after it (version + 1) and the events to append to the audit log,
/// both persisted by the store in one transaction.
public struct Decision: Sendable, Hashable {
    /// The demand after the command.
    public var demand: Demand
    /// What happened, in order, for the audit log.
    public var events: [LoopEvent]
}
