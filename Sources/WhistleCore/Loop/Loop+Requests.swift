import Foundation

extension Transition {
    // MARK: 退单 (return)

    /// 申请退单: a reason, evidence and the approval of a leader of the order's unit, within the return window
    /// after dispatch. The clock keeps running: a rejected return must not have gained the unit any time.
    mutating func requestReturn(
        _ orderID: String, reason: ReturnReason, evidence: [String], leaderApproval: Actor?, note: String?
    ) throws(LoopError) {
        let (i, person) = try member(of: orderID, .requestReturn)
        try require(order: i, in: [.dispatched, .signed, .contacted, .inProgress], .requestReturn)
        let order = demand.orders[i]
        let evidence = try Check.references(evidence, field: "evidence")
        guard !evidence.isEmpty else { throw .evidenceMissing(order: orderID) }
        guard let approval = leaderApproval else { throw .leaderApprovalMissing(order: orderID) }
        guard approval.role == .unitLeader, approval.unitCode == order.unitCode else {
            throw .leaderApprovalInvalid(order: orderID, approver: approval.personID)
        }
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        let calendar = calendar(of: order)
        let windowEnd: Date
        do throws(WorkingCalendarError) {
            windowEnd = try calendar.deadline(for: rules.returnWindow, from: order.dispatchedAt)
        } catch { throw .calendar(error) }
        guard now <= windowEnd else { throw .returnWindowPassed(order: orderID, windowEnd: windowEnd) }

        let request = ReturnRequest(reason: reason, note: note, evidence: evidence, leaderApproval: approval)
        demand.orders[i].pending = PendingRequest(
            request: .returnRequest(request), requestedBy: person.personID, requestedAt: now, priorStatus: order.status)
        let details = move(order: i, to: .returnRequested).adding([
            "returnReason": reason.rawValue, "leaderApproval": approval.personID, "windowEnd": Stamp.iso(windowEnd),
        ])
        emit(.orderReturnRequested, order: orderID, reason: note ?? reason.nameZh, attachments: evidence, details)
    }

    /// 审核退单: approved, the order is returned and the demand (for a primary) goes back to dispatch for
    /// 改派; `dispatchErred` (派单错误) keeps the order's time off the unit's record. Rejected, the assignment
    /// stands as if never questioned.
    mutating func ruleOnReturn(_ orderID: String, approve: Bool, dispatchErred: Bool, note: String?) throws(LoopError) {
        _ = try person(.ruleOnReturn, as: Role.dispatchRoles)
        let i = try index(of: orderID)
        try require(order: i, in: [.returnRequested], .ruleOnReturn)
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        let prior = demand.orders[i].pending?.priorStatus ?? .dispatched
        guard approve else {
            demand.orders[i].pending = nil
            emit(.orderReturnRejected, order: orderID, reason: note, move(order: i, to: prior))
            return
        }
        if dispatchErred { demand.orders[i].chargedToUnit = false }
        let details = try stopWork(order: i, as: .returned).adding(["dispatchErred": String(dispatchErred)])
        emit(.orderReturnApproved, order: orderID, reason: note, details)
    }

    // MARK: 延期 (extension)

    /// 申请延期: only before the resolution deadline, and only in a deadline class that allows it.
    mutating func requestExtension(_ orderID: String, extra: DeadlineDuration, reason: String) throws(LoopError) {
        let (i, person) = try member(of: orderID, .requestExtension)
        try require(order: i, in: OrderStatus.working, .requestExtension)
        let order = demand.orders[i]
        let deadlineClass = try deadlineClass(order.deadlineClassCode)
        guard deadlineClass.extensionAllowed else {
            throw .extensionNotAllowed(order: orderID, deadlineClass: deadlineClass.code)
        }
        guard extra.isPositive else { throw .invalidField(field: "extra", problem: .notPositive) }
        let reason = try Check.text(reason, field: "reason", max: DemandDraft.Limits.note)
        let deadline = try due(order, .resolution)
        guard now < deadline else { throw .extensionPastDeadline(order: orderID, deadline: deadline) }

        demand.orders[i].pending = PendingRequest(
            request: .extensionRequest(ExtensionRequest(extra: extra, reason: reason)), requestedBy: person.personID,
            requestedAt: now, priorStatus: order.status)
        let details = move(order: i, to: .extensionRequested).adding([
            "extra": extra.description, "deadline": Stamp.iso(deadline),
        ])
        emit(.orderExtensionRequested, order: orderID, reason: reason, details)
    }

    /// 审核延期: approved, the resolution deadline moves by the extra time counted from the old deadline, and
    /// the resident must be told the new one (a `demand.deadline_notice` event carries it).
    mutating func ruleOnExtension(_ orderID: String, approve: Bool, note: String?) throws(LoopError) {
        let dispatcher = try person(.ruleOnExtension, as: Role.dispatchRoles)
        let i = try index(of: orderID)
        try require(order: i, in: [.extensionRequested], .ruleOnExtension)
        guard let pending = demand.orders[i].pending, case let .extensionRequest(request) = pending.request else {
            throw .orderWrongState(action: .ruleOnExtension, order: orderID, status: demand.orders[i].status)
        }
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        demand.orders[i].pending = nil
        guard approve else {
            emit(.orderExtensionRejected, order: orderID, reason: note, move(order: i, to: pending.priorStatus))
            return
        }
        let previous = try due(demand.orders[i], .resolution)
        demand.orders[i].resolution.extend(by: request.extra)
        let newDeadline = try due(demand.orders[i], .resolution)
        demand.orders[i].extensions.append(GrantedExtension(
            extra: request.extra, reason: request.reason, approvedBy: dispatcher.personID, approvedAt: now,
            previousDeadline: previous, newDeadline: newDeadline))
        let deadlines = [
            "previousDeadline": Stamp.iso(previous), "newDeadline": Stamp.iso(newDeadline), "extra": request.extra.description,
        ]
        emit(.orderExtensionApproved, order: orderID, reason: note, move(order: i, to: pending.priorStatus).adding(deadlines))
        emit(.demandDeadlineNotice, order: orderID, reason: request.reason, [
            "from": demand.status.rawValue, "to": demand.status.rawValue, "newDeadlineLocal": Stamp.local(newDeadline),
        ].adding(deadlines))
    }

    // MARK: 挂账 (parking)

    /// 申请挂账: no feasible solution now.
    mutating func requestPark(_ orderID: String, reason: String) throws(LoopError) {
        let (i, person) = try member(of: orderID, .requestPark)
        try require(order: i, in: OrderStatus.working, .requestPark)
        let reason = try Check.text(reason, field: "reason", max: DemandDraft.Limits.note)
        demand.orders[i].pending = PendingRequest(
            request: .parkRequest(ParkRequest(reason: reason)), requestedBy: person.personID, requestedAt: now,
            priorStatus: demand.orders[i].status)
        emit(.orderParkRequested, order: orderID, reason: reason, move(order: i, to: .parkRequested))
    }

    /// 审核挂账: approved, every clock of the order stops until it is unparked. A parked order is reported
    /// apart and never counts as solved; it stays open, so a parked co-handler blocks the primary.
    mutating func ruleOnPark(_ orderID: String, approve: Bool, note: String?) throws(LoopError) {
        let dispatcher = try person(.ruleOnPark, as: Role.dispatchRoles)
        let i = try index(of: orderID)
        try require(order: i, in: [.parkRequested], .ruleOnPark)
        guard let pending = demand.orders[i].pending, case let .parkRequest(request) = pending.request else {
            throw .orderWrongState(action: .ruleOnPark, order: orderID, status: demand.orders[i].status)
        }
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        demand.orders[i].pending = nil
        guard approve else {
            emit(.orderParkRejected, order: orderID, reason: note, move(order: i, to: pending.priorStatus))
            return
        }
        try pauseClocks(order: i)
        demand.orders[i].parking = Parking(
            reason: request.reason, approvedBy: dispatcher.personID, since: now, resumeStatus: pending.priorStatus)
        emit(.orderParked, order: orderID, reason: note ?? request.reason, move(order: i, to: .parked))
    }

    /// 解除挂账: by the dispatch centre, or by the unit itself once it can act; the clocks run again from
    /// where they stopped, so the deadlines move by the time parked.
    mutating func unpark(_ orderID: String, note: String?) throws(LoopError) {
        let i: Int
        if let actor, Role.dispatchRoles.contains(actor.role) {
            i = try index(of: orderID)
        } else {
            i = try member(of: orderID, .unpark).index
        }
        try require(order: i, in: [.parked], .unpark)
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        guard let parking = demand.orders[i].parking else {
            throw .orderWrongState(action: .unpark, order: orderID, status: demand.orders[i].status)
        }
        try resumeClocks(order: i)
        demand.orders[i].parking = nil
        let details = move(order: i, to: parking.resumeStatus)
            .adding(try dueDetails(demand.orders[i]))
            .adding(["parkedSince": Stamp.iso(parking.since)])
        emit(.orderUnparked, order: orderID, reason: note, details)
    }
}

extension DeadlineDuration {
    /// More than no time at all (and finite).
    var isPositive: Bool {
        switch self {
        case let .naturalHours(h), let .workingHours(h): h.isFinite && h > 0
        case let .naturalDays(d), let .workingDays(d): d > 0
        }
    }
}
