import Foundation

/// The part a unit plays in a demand (SPEC §3 rule 4).
public enum OrderRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// 主办: the first responsible unit (首接负责); coordinates the co-handlers and reports the final result.
    case primary
    /// 协办
    case coHandler = "co_handler"

    /// Name as the console shows it.

    public var nameZh: String { self == .primary ? "主办" : "协办" }
}

/// Where a work order (工单) stands.
public enum OrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// 已派单, 待签收
    case dispatched
    /// 已签收
    case signed
    /// 已联系诉求人
    case contacted
    /// 办理中
    case inProgress = "in_progress"
    /// 已办结反馈
    case resultReported = "result_reported"
    /// 退单申请中 (the clock keeps running: a rejected return never paused it)
    case returnRequested = "return_requested"
    /// 已退单 (approved; the demand goes back to dispatch)
    case returned
    /// 延期申请中
    case extensionRequested = "extension_requested"
    /// 挂账申请中
    case parkRequested = "park_requested"
    /// 已挂账 (clocks paused; never counts as solved)
    case parked
    /// 已结案
    case closed
    /// 已改派 (replaced by an order to another unit)
    case reassigned

    /// Name as the console shows it.

    public var nameZh: String {
        switch self {
        case .dispatched: "待签收"
        case .signed: "已签收"
        case .contacted: "已联系"
        case .inProgress: "办理中"
        case .resultReported: "已办结"
        case .returnRequested: "退单申请中"
        case .returned: "已退单"
        case .extensionRequested: "延期申请中"
        case .parkRequested: "挂账申请中"
        case .parked: "已挂账"
        case .closed: "已结案"
        case .reassigned: "已改派"
        }
    }

    /// Whether the unit still owes work on the order (首接负责: an open co-handler blocks the primary).
    public var isOpen: Bool {
        switch self {
        case .resultReported, .returned, .closed, .reassigned: false
        default: true
        }
    }

    /// The states in which the unit works on the order (notes, result, requests).
    static let working: Set<OrderStatus> = [.signed, .contacted, .inProgress]
}

/// A step of a work order that has a deadline (时限).
public enum OrderStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// 签收
    case signFor = "sign_for"
    /// 首次联系诉求人
    case firstContact = "first_contact"
    /// 办结反馈
    case resolution

    /// Name as the console shows it.

    public var nameZh: String {
        switch self {
        case .signFor: "签收"
        case .firstContact: "联系诉求人"
        case .resolution: "办结"
        }
    }
}

/// The deadline of one step: its clock from dispatch (with every pause of the order), the approved
/// extensions (延期), and what the deadline service has marked.
///
/// An extension counts from the deadline before it (`old deadline + extra`, in the extra's own measure). It is
/// kept as a duration rather than a new clock so that a later pause (挂账) still moves every deadline: each
/// stretch starts where the one before it ends, and the pauses that fall in a stretch are replayed onto it.
public struct StepDeadline: Sendable, Hashable, Codable {
    /// The clock from dispatch or reopening; pauses are recorded here.
    public private(set) var clock: DeadlineClock
    /// Approved extensions in order.
    public private(set) var extensions: [DeadlineDuration] = []
    /// Changes whenever the deadline is replaced (extension, reopening), so timers of the old one go stale.
    public private(set) var generation: Int
    /// When the step was done (signed, first contact, result reported).
    public internal(set) var completedAt: Date?
    /// When the deadline service marked it overdue (超期), for the current generation.
    public internal(set) var overdueAt: Date?
    /// When the deadline service raised supervision (督办), for the current generation.
    public internal(set) var supervisedAt: Date?

    init(start: Date, allowed: DeadlineDuration, generation: Int = 1) {
        clock = DeadlineClock(start: start, allowed: allowed)
        self.generation = generation
    }

    /// The step is done.
    public var isCompleted: Bool { completedAt != nil }
    /// The order is parked, so the clock stands still.
    public var isPaused: Bool { clock.isPaused }

    /// The clock of the last stretch: the clock itself, or the last extension counted from the deadline
    /// before it. Its traffic light and due date are the step's.
    public func currentClock(in calendar: WorkingCalendar, asOf now: Date? = nil) throws(WorkingCalendarError) -> DeadlineClock {
        var stretch = clock
        for extra in extensions {
            let start = try stretch.dueAt(calendar, asOf: now)
            var next = DeadlineClock(start: start, allowed: extra)
            // Pauses are in order and all start at or after `start`, so neither call can fail.
            for pause in clock.pauses where pause.start >= start {
                try? next.pause(at: pause.start)
                if let end = pause.end { try? next.resume(at: end) }
            }
            stretch = next
        }
        return stretch
    }

    /// The deadline now; pass `now` for a paused step (the deadline keeps moving while paused).
    public func dueAt(_ calendar: WorkingCalendar, asOf now: Date? = nil) throws(WorkingCalendarError) -> Date {
        try currentClock(in: calendar, asOf: now).dueAt(calendar, asOf: now)
    }

    /// The traffic light at `instant`; a done step is green.
    public func light(at instant: Date, in calendar: WorkingCalendar, yellowAt: Double) throws(WorkingCalendarError) -> DeadlineLight {
        if isCompleted { return .green }
        return try currentClock(in: calendar, asOf: instant).light(at: instant, in: calendar, yellowAt: yellowAt)
    }

    mutating func pause(at instant: Date) throws(DeadlineClockError) { try clock.pause(at: instant) }
    mutating func resume(at instant: Date) throws(DeadlineClockError) { try clock.resume(at: instant) }

    /// Adds an approved extension: a new deadline, so a new generation with nothing marked yet.
    mutating func extend(by extra: DeadlineDuration) {
        extensions.append(extra)
        generation += 1
        overdueAt = nil
        supervisedAt = nil
    }

    /// A fresh clock from `start` (重办), in the next generation.
    func restarted(at start: Date, allowed: DeadlineDuration) -> StepDeadline {
        StepDeadline(start: start, allowed: allowed, generation: generation + 1)
    }
}

/// Why a unit asks to return an order (退单理由, SPEC §3 rule 6).
public enum ReturnReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// 属地不符
    case wrongArea = "wrong_area"
    /// 职能不符
    case wrongFunction = "wrong_function"
    /// 权属不清
    case unclearOwnership = "unclear_ownership"
    /// 信息不全
    case incompleteInformation = "incomplete_information"

    /// Name as the console shows it.

    public var nameZh: String {
        switch self {
        case .wrongArea: "属地不符"
        case .wrongFunction: "职能不符"
        case .unclearOwnership: "权属不清"
        case .incompleteInformation: "信息不全"
        }
    }
}

/// A request to return an order (退单申请), approved by the unit's leader before it reaches dispatch.
public struct ReturnRequest: Sendable, Hashable, Codable {
    /// 属地不符 / 职能不符 / 权属不清 / 信息不全
    public var reason: ReturnReason
    /// Explanation.
    public var note: String?
    /// References to the evidence (first-contact record, site photos, signed form); never empty.
    public var evidence: [String]
    /// The unit leader (单位负责人) of the order's unit who approved the request.
    public var leaderApproval: Actor
}

/// A request for more time (延期申请).
public struct ExtensionRequest: Sendable, Hashable, Codable {
    /// The time asked for, counted from the current deadline.
    public var extra: DeadlineDuration
    /// Why.
    public var reason: String
}

/// A request to park the order (挂账申请): no feasible solution now.
public struct ParkRequest: Sendable, Hashable, Codable {
    /// Why.
    public var reason: String
}

/// One of the requests a unit may put to the dispatch centre.
public enum OrderRequest: Sendable, Hashable, Codable {
    case returnRequest(ReturnRequest)
    case extensionRequest(ExtensionRequest)
    case parkRequest(ParkRequest)
}

/// The request waiting for a ruling, and the state the order goes back to if it is rejected.
public struct PendingRequest: Sendable, Hashable, Codable {
    /// What is asked.
    public var request: OrderRequest
    /// Who asked (person id) and when.
    public var requestedBy: String
    public var requestedAt: Date
    /// The order's state before the request.
    public var priorStatus: OrderStatus
}

/// An approved parking (挂账): clocks stand still from `since` until unparked.
public struct Parking: Sendable, Hashable, Codable {
    /// Why, as requested.
    public var reason: String
    /// The dispatcher who approved it (person id).
    public var approvedBy: String
    /// When the clocks stopped.
    public var since: Date
    /// The state the order resumes in.
    public var resumeStatus: OrderStatus
}

/// An approved extension (延期), with the deadlines the resident was told about.
public struct GrantedExtension: Sendable, Hashable, Codable {
    /// The time granted and why it was asked.
    public var extra: DeadlineDuration
    public var reason: String
    /// The dispatcher who approved it (person id) and when.
    public var approvedBy: String
    public var approvedAt: Date
    /// The resolution deadline before and after.
    public var previousDeadline: Date
    public var newDeadline: Date
}

/// A note of the work (办理过程), or a reported result (办结反馈).
public struct ProgressNote: Sendable, Hashable, Codable {
    /// When, and who (person id).
    public var at: Date
    public var by: String
    /// The text.
    public var note: String
    /// References to files.
    public var attachments: [String]
}

/// A work order (工单): one unit's assignment on a demand, from dispatch to closure. Changed only by
/// ``Loop/decide(_:_:by:at:rules:)``.
public struct WorkOrder: Sendable, Hashable, Codable, Identifiable {
    /// `<demand id>-<n>`, n counting the demand's orders from 1.
    public let id: String
    /// The handling unit (承办单位).
    public let unitCode: String
    /// 主办 or 协办.
    public let role: OrderRole
    /// Where the order stands.
    public internal(set) var status: OrderStatus
    /// The ``DeadlineClass`` code the clocks were started with.
    public let deadlineClassCode: String
    /// When and by whom (person id) the order was dispatched; its clocks start then.
    public let dispatchedAt: Date
    public let dispatchedBy: String
    /// The deadlines of its three steps (签收, 联系, 办结).
    public internal(set) var signFor: StepDeadline
    public internal(set) var firstContact: StepDeadline
    public internal(set) var resolution: StepDeadline
    /// The request waiting for a ruling (退单/延期/挂账申请).
    public internal(set) var pending: PendingRequest?
    /// The parking in force.
    public internal(set) var parking: Parking?
    /// Approved extensions.
    public internal(set) var extensions: [GrantedExtension] = []
    /// Notes of the work.
    public internal(set) var progress: [ProgressNote] = []
    /// Every result reported, the last one current (a reopened order reports again).
    public internal(set) var results: [ProgressNote] = []
    /// 催办 and 督办 received (by people and by the deadline service).
    public internal(set) var urgeCount = 0
    public internal(set) var superviseCount = 0
    /// `false` when the time of this order is not charged to the unit: a return approved as a dispatch
    /// error (派单错误), or a re-dispatch on the centre's own initiative.
    public internal(set) var chargedToUnit = true
    /// The order that took over after a return or re-dispatch (改派).
    public internal(set) var replacedBy: String?
    /// When the order stopped being worked on (closed, returned, reassigned).
    public internal(set) var closedAt: Date?

    init(id: String, unitCode: String, role: OrderRole, deadlineClass: DeadlineClass, at now: Date, by person: String) {
        self.id = id
        self.unitCode = unitCode
        self.role = role
        status = .dispatched
        deadlineClassCode = deadlineClass.code
        dispatchedAt = now
        dispatchedBy = person
        signFor = StepDeadline(start: now, allowed: deadlineClass.signFor)
        firstContact = StepDeadline(start: now, allowed: deadlineClass.firstContact)
        resolution = StepDeadline(start: now, allowed: deadlineClass.resolution)
    }

    /// The deadline of a step.
    public subscript(step: OrderStep) -> StepDeadline {
        get {
            switch step {
            case .signFor: signFor
            case .firstContact: firstContact
            case .resolution: resolution
            }
        }
        set {
            switch step {
            case .signFor: signFor = newValue
            case .firstContact: firstContact = newValue
            case .resolution: resolution = newValue
            }
        }
    }

    /// The unit still owes work (see ``OrderStatus/isOpen``).
    public var isOpen: Bool { status.isOpen }

    /// The current result (办结反馈), if reported.
    public var result: ProgressNote? { status == .resultReported || status == .closed ? results.last : nil }

    /// Steps whose clock runs now: the order is open, the step not done, and the order not parked.
    public var runningSteps: [OrderStep] {
        guard isOpen else { return [] }
        return OrderStep.allCases.filter { !self[$0].isCompleted && !self[$0].isPaused }
    }
}
