import Foundation

extension Transition {
    /// 回访: after the result is reported; a later attempt (after an unreachable resident, say) adds another
    /// record, and the last one counts.
    mutating func recordCallback(_ outcome: CallbackOutcome, note: String?) throws(LoopError) {
        let agent = try person(.recordCallback, as: Role.callbackRoles)
        try require([.resultReported, .callbackDone], .recordCallback)
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        guard let primary = demand.primaryOrder else { throw .demandWrongState(action: .recordCallback, status: demand.status) }
        demand.callbacks.append(CallbackRecord(
            at: now, by: agent.personID, orderID: primary.id, unitCode: primary.unitCode, round: demand.reopenCount,
            outcome: outcome, note: note))
        var details = move(demandTo: .callbackDone).adding(["order": primary.id, "unit": primary.unitCode])
        switch outcome {
        case let .valid(contacted, solved, satisfaction):
            details["valid"] = "true"
            details["contacted"] = String(contacted)
            details["solved"] = String(solved)
            details["satisfaction"] = satisfaction.rawValue
        case let .invalid(reason):
            details["valid"] = "false"
            details["invalidReason"] = reason.rawValue
        }
        emit(.demandCallbackRecorded, reason: note, details)
    }

    /// 重办: the last callback found it unsolved or unsatisfactory. Every order that reported a result goes
    /// back to work with new clocks (a new generation), and the reopen count grows.
    mutating func reopen(note: String?) throws(LoopError) {
        _ = try person(.reopen, as: Role.dispatchRoles)
        try require([.callbackDone], .reopen)
        guard demand.lastCallback?.outcome.warrantsReopen == true else { throw .reopenNotWarranted }
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        demand.reopenCount += 1
        emit(.demandReopened, reason: note, move(demandTo: .dispatched).adding(["reopenCount": String(demand.reopenCount)]))
        for i in demand.orders.indices where demand.orders[i].status == .resultReported {
            let deadlineClass = try deadlineClass(demand.orders[i].deadlineClassCode)
            for step in OrderStep.allCases {
                demand.orders[i][step] = demand.orders[i][step].restarted(at: now, allowed: deadlineClass.allowed(step))
            }
            let details = move(order: i, to: .dispatched).adding(try dueDetails(demand.orders[i]))
            emit(.orderReopened, order: demand.orders[i].id, reason: note, details)
        }
    }

    /// 结案: after the callback. 首接负责: never while an order is open.
    mutating func close(note: String?) throws(LoopError) {
        _ = try person(.close, as: Role.dispatchRoles)
        try require([.callbackDone], .close)
        let open = demand.openOrders.map(\.id)
        guard open.isEmpty else { throw .coHandlersOpen(orders: open) }
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        demand.closedAt = now
        emit(.demandClosed, reason: note, move(demandTo: .closed))
        for i in demand.orders.indices where demand.orders[i].status == .resultReported {
            let details = try stopWork(order: i, as: .closed)
            emit(.orderClosed, order: demand.orders[i].id, reason: note, details)
        }
    }

    /// 评价: the complainant rates the result once the demand is closed. Only with no staff actor, and only with
    /// the phone given at intake.
    mutating func rate(phone: String, satisfaction: Satisfaction, comment: String?) throws(LoopError) {
        guard actor == nil else { throw .roleNotAllowed(action: .rate, role: actor?.role) }
        guard demand.complainant.hasPhone(phone) else { throw .notComplainant }
        try require([.closed], .rate)
        guard demand.rating == nil else { throw .alreadyRated }
        let comment = try Check.optionalText(comment, field: "comment", max: DemandDraft.Limits.note)
        demand.rating = ResidentRating(at: now, satisfaction: satisfaction, comment: comment)
        emit(.demandRated, reason: comment, ["from": demand.status.rawValue, "to": demand.status.rawValue, "satisfaction": satisfaction.rawValue])
    }

    /// 合并: a duplicate joins its parent and follows it from now on; its orders stop. The store checks the
    /// parent with ``Loop/checkMerge(_:into:)``.
    mutating func merge(into parentID: String) throws(LoopError) {
        _ = try person(.merge, as: Role.dispatchRoles)
        let parent = try Check.text(parentID, field: "into", max: DemandDraft.Limits.code)
        guard parent != demand.id else { throw .mergeIntoItself }
        if let current = demand.parentID { throw .alreadyMerged(into: current) }
        try require([.received, .dispatched, .inProgress, .returned, .parked, .resultReported, .callbackDone], .merge)
        demand.parentID = parent
        demand.closedAt = now
        emit(.demandMerged, reason: parent, move(demandTo: .merged).adding(["parent": parent]))
        for i in demand.orders.indices where demand.orders[i].isOpen || demand.orders[i].status == .resultReported {
            let details = try stopWork(order: i, as: .closed).adding(["mergedInto": parent])
            emit(.orderClosed, order: demand.orders[i].id, reason: parent, details)
        }
    }

    /// 恶意反复拨打 / 不合理诉求: recorded with its approver (a dispatcher or supervisor); never deletes, only
    /// excludes the demand from scores. Allowed in any state, closed ones included (a review comes later).
    mutating func flag(_ kind: DemandFlagKind, approver: Actor, reason: String?) throws(LoopError) {
        let action: LoopAction = kind == .malicious ? .flagMalicious : .flagUnreasonable
        // Agents spot malicious callers; ruling a demand unreasonable is a review, for the approver roles.
        let person = try person(action, as: kind == .malicious ? Role.flaggingRoles : Role.flagApproverRoles)
        guard Role.flagApproverRoles.contains(approver.role) else { throw .approverNotAllowed(action: action, role: approver.role) }
        guard demand.flags[kind] == nil else { throw .alreadyFlagged(kind) }
        let reason = kind == .unreasonable
            ? try Check.text(reason ?? "", field: "reason", max: DemandDraft.Limits.note)
            : try Check.optionalText(reason, field: "note", max: DemandDraft.Limits.note)
        demand.flags[kind] = DemandFlag(
            at: now, by: person.personID, approvedBy: approver.personID, approverRole: approver.role, reason: reason)
        emit(kind == .malicious ? .demandFlaggedMalicious : .demandFlaggedUnreasonable, reason: reason, [
            "from": demand.status.rawValue, "to": demand.status.rawValue, "approvedBy": approver.personID,
            "approverRole": approver.role.rawValue,
        ])
    }
}
