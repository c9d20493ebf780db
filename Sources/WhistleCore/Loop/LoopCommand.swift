import Foundation

/// Everything that can happen to a demand after intake (SPEC §3). Orders are named by id; units by code.
public enum LoopCommand: Sendable, Hashable, Codable {
    /// 派单: one primary unit (主办), co-handlers (协办), the deadline class; the dispatcher may classify at
    /// the same time (立案/分类).
    case dispatch(primary: String, coHandlers: [String] = [], deadlineClass: String, categoryCode: String? = nil)
    /// 改派: the order's work moves to another unit, in a new order with new clocks. After an approved
    /// return, or on the centre's own initiative (then the old order is not charged to its unit).
    case reDispatch(order: String, to: String, deadlineClass: String? = nil, note: String? = nil)
    /// 签收
    case signFor(order: String)
    /// 联系诉求人 (the first one completes the first-contact step; later ones are recorded too).
    case recordContact(order: String, note: String? = nil)
    /// 办理进展
    case addProgress(order: String, note: String, attachments: [String] = [])
    /// 办结反馈
    case reportResult(order: String, summary: String, attachments: [String] = [])
    /// 申请退单: reason, evidence, and the approval of the unit's leader.
    case requestReturn(order: String, reason: ReturnReason, evidence: [String], leaderApproval: Actor?, note: String? = nil)
    /// 审核退单: approve (back to dispatch; `dispatchErred` keeps the time off the unit's record) or reject.
    case ruleOnReturn(order: String, approve: Bool, dispatchErred: Bool = false, note: String? = nil)
    /// 申请延期: before the resolution deadline, in a class that allows it.
    case requestExtension(order: String, extra: DeadlineDuration, reason: String)
    /// 审核延期
    case ruleOnExtension(order: String, approve: Bool, note: String? = nil)
    /// 申请挂账
    case requestPark(order: String, reason: String)
    /// 审核挂账
    case ruleOnPark(order: String, approve: Bool, note: String? = nil)
    /// 解除挂账
    case unpark(order: String, note: String? = nil)
    /// 回访
    case recordCallback(outcome: CallbackOutcome, note: String? = nil)
    /// 评价: the complainant rates the result of a closed demand, once, proving who they are by the phone
    /// given at intake. No staff member may rate for them: the command comes with no actor.
    case rate(phone: String, satisfaction: Satisfaction, comment: String? = nil)
    /// 重办
    case reopen(note: String? = nil)
    /// 结案
    case close(note: String? = nil)
    /// 合并 into a parent demand (the store checks the parent with ``Loop/checkMerge(_:into:)``).
    case merge(into: String)
    /// 标记恶意反复拨打
    case flagMalicious(approver: Actor, note: String? = nil)
    /// 认定不合理诉求 (excluded from scores)
    case flagUnreasonable(approver: Actor, reason: String)
    /// 催办
    case urge(order: String, note: String? = nil)
    /// 督办; the deadline service passes the overdue step.
    case supervise(order: String, note: String? = nil, step: OrderStep? = nil)
    /// 超期: the deadline service marks a step overdue (and urges).
    case markOverdue(order: String, step: OrderStep)

    /// What the command does, for refusals and logs.
    public var action: LoopAction {
        switch self {
        case .dispatch: .dispatch
        case .reDispatch: .reDispatch
        case .signFor: .signFor
        case .recordContact: .recordContact
        case .addProgress: .addProgress
        case .reportResult: .reportResult
        case .requestReturn: .requestReturn
        case .ruleOnReturn: .ruleOnReturn
        case .requestExtension: .requestExtension
        case .ruleOnExtension: .ruleOnExtension
        case .requestPark: .requestPark
        case .ruleOnPark: .ruleOnPark
        case .unpark: .unpark
        case .recordCallback: .recordCallback
        case .rate: .rate
        case .reopen: .reopen
        case .close: .close
        case .merge: .merge
        case .flagMalicious: .flagMalicious
        case .flagUnreasonable: .flagUnreasonable
        case .urge: .urge
        case .supervise: .supervise
        case .markOverdue: .markOverdue
        }
    }
}

/// The name of a step of the loop, stable in logs and refusals.
public enum LoopAction: String, Sendable, Hashable, Codable, CaseIterable {
    case intake
    case dispatch
    case reDispatch = "re_dispatch"
    case signFor = "sign_for"
    case recordContact = "record_contact"
    case addProgress = "add_progress"
    case reportResult = "report_result"
    case requestReturn = "request_return"
    case ruleOnReturn = "rule_on_return"
    case requestExtension = "request_extension"
    case ruleOnExtension = "rule_on_extension"
    case requestPark = "request_park"
    case ruleOnPark = "rule_on_park"
    case unpark
    case recordCallback = "record_callback"
    case rate
    case reopen
    case close
    case merge
    case flagMalicious = "flag_malicious"
    case flagUnreasonable = "flag_unreasonable"
    case urge
    case supervise
    case markOverdue = "mark_overdue"

    /// Name as the console shows it.

    public var nameZh: String {
        switch self {
        case .intake: "受理"
        case .dispatch: "派单"
        case .reDispatch: "改派"
        case .signFor: "签收"
        case .recordContact: "联系诉求人"
        case .addProgress: "记录办理进展"
        case .reportResult: "办结反馈"
        case .requestReturn: "申请退单"
        case .ruleOnReturn: "审核退单"
        case .requestExtension: "申请延期"
        case .ruleOnExtension: "审核延期"
        case .requestPark: "申请挂账"
        case .ruleOnPark: "审核挂账"
        case .unpark: "解除挂账"
        case .recordCallback: "回访"
        case .rate: "评价"
        case .reopen: "重办"
        case .close: "结案"
        case .merge: "合并"
        case .flagMalicious: "标记恶意诉求"
        case .flagUnreasonable: "认定不合理诉求"
        case .urge: "催办"
        case .supervise: "督办"
        case .markOverdue: "超期标记"
        }
    }
}
