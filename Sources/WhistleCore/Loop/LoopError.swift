import Foundation

/// What is wrong with a field of a draft or a command.
public enum FieldProblem: Sendable, Hashable, Codable {
    case empty
    case tooLong(max: Int)
    case tooMany(max: Int)
    case notAPhoneNumber
    case notADivisionCode
    case notAGridCode
    case coordinateOutOfRange
    case notPositive
    /// A number outside the allowed range (both ends included, except a zero minimum for amounts).
    case outOfRange(min: Int, max: Int)
    /// The value appears twice (a unit both primary and co-handler).
    case duplicate(String)
    /// The field cannot be given together with another one.
    case conflicts(with: String)
    /// Not allowed for this demand type (a direct answer to a complaint).
    case notForType(DemandType)

    var zh: String {
        switch self {
        case .empty: "不能为空"
        case let .tooLong(max): "超过 \(max) 个字符"
        case let .tooMany(max): "超过 \(max) 项"
        case .notAPhoneNumber: "不是有效的手机号或固定电话（数字和“-”）"
        case .notADivisionCode: "不是 6、9 或 12 位区划代码"
        case .notAGridCode: "不是 15 位网格代码"
        case .coordinateOutOfRange: "坐标超出范围"
        case .notPositive: "必须大于零"
        case let .outOfRange(min, max): "应在 \(min)–\(max) 之间"
        case let .duplicate(value): "“\(value)”重复"
        case let .conflicts(field): "不能与 \(field) 同时填写"
        case let .notForType(type): "不适用于\(type.nameZh)类诉求"
        }
    }

    var en: String {
        switch self {
        case .empty: "is empty"
        case let .tooLong(max): "is longer than \(max) characters"
        case let .tooMany(max): "has more than \(max) items"
        case .notAPhoneNumber: "is not a mainland mobile or landline number (digits and '-')"
        case .notADivisionCode: "is not a 6, 9 or 12-digit division code"
        case .notAGridCode: "is not a 15-digit grid code"
        case .coordinateOutOfRange: "is out of range"
        case .notPositive: "must be greater than zero"
        case let .outOfRange(min, max): "must lie between \(min) and \(max)"
        case let .duplicate(value): "repeats \"\(value)\""
        case let .conflicts(field): "cannot be given together with \(field)"
        case let .notForType(type): "is not allowed for a \(type.rawValue) demand"
        }
    }
}

/// Why the closed loop refused a command or a draft. A refusal changes nothing.
public enum LoopError: DomainError, Equatable {
    /// A field of the draft or command is invalid.
    case invalidField(field: String, problem: FieldProblem)
    /// The role (or the system, `nil`) may not take this step.
    case roleNotAllowed(action: LoopAction, role: Role?)
    /// The actor's unit is not the order's unit.
    case notOrderUnit(order: String, unit: String)
    /// The approver of a flag holds neither the dispatcher nor the supervisor role.
    case approverNotAllowed(action: LoopAction, role: Role)
    /// A return without its unit leader's approval.
    case leaderApprovalMissing(order: String)
    /// A return approved by someone who is not a leader of the order's unit.
    case leaderApprovalInvalid(order: String, approver: String)
    /// A return without evidence.
    case evidenceMissing(order: String)
    /// The demand is not in a state that allows the step.
    case demandWrongState(action: LoopAction, status: DemandStatus)
    /// The order is not in a state that allows the step.
    case orderWrongState(action: LoopAction, order: String, status: OrderStatus)
    case orderNotFound(String)
    case deadlineClassNotFound(String)
    /// The return window after dispatch has passed.
    case returnWindowPassed(order: String, windowEnd: Date)
    /// The order's deadline class forbids extension.
    case extensionNotAllowed(order: String, deadlineClass: String)
    /// Extension asked at or after the resolution deadline.
    case extensionPastDeadline(order: String, deadline: Date)
    /// 首接负责: the primary cannot report, and the demand cannot close, while co-handlers are open.
    case coHandlersOpen(orders: [String])
    case alreadyMerged(into: String)
    case mergeIntoItself
    case alreadyFlagged(DemandFlagKind)
    /// Reopening needs a valid last callback saying "not solved" or "unsatisfied".
    case reopenNotWarranted
    /// A rating from someone who is not the complainant: the phone is not the one given at intake (the same
    /// answer as an unknown number, so a number alone reveals nothing).
    case notComplainant
    /// The complainant has rated this demand already; a rating is final.
    case alreadyRated
    /// Re-dispatch to the unit that already has the order.
    case reDispatchToSameUnit(order: String, unit: String)
    /// The unit already has an open order on this demand.
    case unitAlreadyAssigned(String)
    /// The deadline service fired before the instant (a stale timer).
    case notYetDue(order: String, step: OrderStep, due: Date)
    case alreadyOverdue(order: String, step: OrderStep)
    case alreadySupervised(order: String, step: OrderStep)
    /// The step is done, parked or its order closed: no clock runs.
    case stepNotRunning(order: String, step: OrderStep)
    /// The unit's working calendar cannot compute the deadline (e.g. a year's schedule is missing).
    case calendar(WorkingCalendarError)
    /// A clock refused to pause or resume.
    case clock(DeadlineClockError)

    public var code: String {
        switch self {
        case .invalidField: "demand.invalid_field"
        case .roleNotAllowed: "loop.role_not_allowed"
        case .notOrderUnit: "order.not_your_unit"
        case .approverNotAllowed: "demand.flag_approver_not_allowed"
        case .leaderApprovalMissing: "order.return_leader_approval_missing"
        case .leaderApprovalInvalid: "order.return_leader_approval_invalid"
        case .evidenceMissing: "order.return_evidence_missing"
        case .demandWrongState: "demand.wrong_state"
        case .orderWrongState: "order.wrong_state"
        case .orderNotFound: "order.not_found"
        case .deadlineClassNotFound: "deadline.class_not_found"
        case .returnWindowPassed: "order.return_window_passed"
        case .extensionNotAllowed: "order.extension_not_allowed"
        case .extensionPastDeadline: "order.extension_past_deadline"
        case .coHandlersOpen: "order.co_handler_open"
        case .alreadyMerged: "demand.already_merged"
        case .mergeIntoItself: "demand.merge_into_itself"
        case .alreadyFlagged: "demand.already_flagged"
        case .reopenNotWarranted: "demand.reopen_not_warranted"
        case .notComplainant: "demand.not_found"
        case .alreadyRated: "demand.already_rated"
        case .reDispatchToSameUnit: "order.redispatch_same_unit"
        case .unitAlreadyAssigned: "order.unit_already_assigned"
        case .notYetDue: "order.not_yet_due"
        case .alreadyOverdue: "order.already_overdue"
        case .alreadySupervised: "order.already_supervised"
        case .stepNotRunning: "order.clock_not_running"
        case let .calendar(error): error.code
        case let .clock(error): error.code
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .invalidField, .leaderApprovalMissing, .evidenceMissing, .deadlineClassNotFound, .returnWindowPassed,
             .extensionNotAllowed, .extensionPastDeadline, .mergeIntoItself, .reDispatchToSameUnit:
            .invalid
        case .roleNotAllowed, .notOrderUnit, .approverNotAllowed, .leaderApprovalInvalid:
            .forbidden
        case .orderNotFound, .notComplainant:
            .notFound
        case .demandWrongState, .orderWrongState, .coHandlersOpen, .alreadyMerged, .alreadyFlagged, .reopenNotWarranted, .alreadyRated,
             .unitAlreadyAssigned, .notYetDue, .alreadyOverdue, .alreadySupervised, .stepNotRunning:
            .conflict
        case let .calendar(error): error.kind
        case let .clock(error): error.kind
        }
    }

    public var messageZh: String {
        switch self {
        case let .invalidField(field, problem): "字段 \(field) \(problem.zh)"
        case let .roleNotAllowed(action, role): "\(role?.nameZh ?? "系统")无权\(action.nameZh)"
        case let .notOrderUnit(order, unit): "工单 \(order) 不属于本单位（承办单位 \(unit)）"
        case let .approverNotAllowed(action, role): "\(action.nameZh)须由派单员或督办人员审批，\(role.nameZh)不能审批"
        case let .leaderApprovalMissing(order): "工单 \(order) 退单须经本单位负责人审批"
        case let .leaderApprovalInvalid(order, approver): "“\(approver)”不是工单 \(order) 承办单位的负责人，不能审批退单"
        case let .evidenceMissing(order): "工单 \(order) 退单须提供佐证材料"
        case let .demandWrongState(action, status): "诉求当前状态为“\(status.nameZh)”，不能\(action.nameZh)"
        case let .orderWrongState(action, order, status): "工单 \(order) 当前状态为“\(status.nameZh)”，不能\(action.nameZh)"
        case let .orderNotFound(order): "工单 \(order) 不存在"
        case let .deadlineClassNotFound(code): "时限类别“\(code)”不存在"
        case let .returnWindowPassed(order, end): "工单 \(order) 已超过退单时限（\(Stamp.local(end)) 前）"
        case let .extensionNotAllowed(order, code): "工单 \(order) 的时限类别“\(code)”不允许延期"
        case let .extensionPastDeadline(order, deadline): "工单 \(order) 已过办结时限（\(Stamp.local(deadline))），延期须在时限前申请"
        case let .coHandlersOpen(orders): "首接负责：协办工单 \(orders.joined(separator: "、")) 尚未办结"
        case let .alreadyMerged(parent): "诉求已合并至 \(parent)"
        case .mergeIntoItself: "诉求不能合并到自身"
        case let .alreadyFlagged(flag): "诉求已标记为\(flag.nameZh)"
        case .reopenNotWarranted: "只有回访结果为“未解决”或“不满意”的诉求可以重办"
        case .notComplainant: "未找到与该编号和电话对应的诉求"
        case .alreadyRated: "该诉求已评价，评价提交后不能更改"
        case let .reDispatchToSameUnit(order, unit): "工单 \(order) 已由 \(unit) 承办，不能改派给同一单位"
        case let .unitAlreadyAssigned(unit): "\(unit) 已有本诉求的在办工单"
        case let .notYetDue(order, step, due): "工单 \(order) 的\(step.nameZh)时限未到（\(Stamp.local(due))）"
        case let .alreadyOverdue(order, step): "工单 \(order) 的\(step.nameZh)已标记超期"
        case let .alreadySupervised(order, step): "工单 \(order) 的\(step.nameZh)超期已督办"
        case let .stepNotRunning(order, step): "工单 \(order) 的\(step.nameZh)计时未在进行"
        case let .calendar(error): error.messageZh
        case let .clock(error): error.messageZh
        }
    }

    public var messageEn: String {
        switch self {
        case let .invalidField(field, problem): "field \(field) \(problem.en)"
        case let .roleNotAllowed(action, role): "\(role?.rawValue ?? "the system") may not \(action.rawValue.replacingOccurrences(of: "_", with: " "))"
        case let .notOrderUnit(order, unit): "order \(order) belongs to unit \(unit), not yours"
        case let .approverNotAllowed(action, role): "\(action.rawValue) needs a dispatcher's or supervisor's approval, not a \(role.rawValue)'s"
        case let .leaderApprovalMissing(order): "returning order \(order) needs the approval of the unit's leader"
        case let .leaderApprovalInvalid(order, approver): "\"\(approver)\" is not a leader of the unit of order \(order)"
        case let .evidenceMissing(order): "returning order \(order) needs evidence"
        case let .demandWrongState(action, status): "cannot \(action.rawValue.replacingOccurrences(of: "_", with: " ")) a demand that is \(status.rawValue)"
        case let .orderWrongState(action, order, status): "cannot \(action.rawValue.replacingOccurrences(of: "_", with: " ")) order \(order) while it is \(status.rawValue)"
        case let .orderNotFound(order): "order \(order) does not exist"
        case let .deadlineClassNotFound(code): "deadline class \"\(code)\" does not exist"
        case let .returnWindowPassed(order, end): "the return window of order \(order) closed at \(Stamp.local(end))"
        case let .extensionNotAllowed(order, code): "deadline class \"\(code)\" of order \(order) allows no extension"
        case let .extensionPastDeadline(order, deadline): "order \(order) was due at \(Stamp.local(deadline)); extensions must be asked before the deadline"
        case let .coHandlersOpen(orders): "first-responsible rule: co-handler orders \(orders.joined(separator: ", ")) are still open"
        case let .alreadyMerged(parent): "the demand is already merged into \(parent)"
        case .mergeIntoItself: "a demand cannot be merged into itself"
        case let .alreadyFlagged(flag): "the demand is already flagged \(flag.rawValue)"
        case .reopenNotWarranted: "only a demand whose callback found it unsolved or unsatisfactory can be reopened"
        case .notComplainant: "no demand with this number and phone"
        case .alreadyRated: "the demand has been rated already; a rating cannot be changed"
        case let .reDispatchToSameUnit(order, unit): "order \(order) is already with \(unit)"
        case let .unitAlreadyAssigned(unit): "\(unit) already has an open order on this demand"
        case let .notYetDue(order, step, due): "the \(step.rawValue) step of order \(order) is not due until \(Stamp.local(due))"
        case let .alreadyOverdue(order, step): "the \(step.rawValue) step of order \(order) is already marked overdue"
        case let .alreadySupervised(order, step): "the overdue \(step.rawValue) step of order \(order) is already supervised"
        case let .stepNotRunning(order, step): "the \(step.rawValue) clock of order \(order) is not running"
        case let .calendar(error): error.messageEn
        case let .clock(error): error.messageEn
        }
    }
}
