import Foundation

/// The closed loop of a demand (接诉即办): the only way a demand or its work orders change. Pure: the caller
/// passes the time and the rules, reads no clock, does no I/O; a refusal throws and changes nothing.
public enum Loop {
    /// Decides a command on a demand: the demand after it (version + 1) and the events that record it.
    ///
    /// `actor` is `nil` for the system (the deadline service), which may only mark overdue and supervise,
    /// and for the complainant rating the result (评价), who proves who they are by phone instead.
    /// `now` earlier than the demand's last change (clock skew between servers) is taken as that instant, so
    /// the event log never goes backwards.
    public static func decide(
        _ demand: Demand, _ command: LoopCommand, by actor: Actor?, at now: Date, rules: LoopRules
    ) throws(LoopError) -> Decision {
        var t = Transition(demand: demand, actor: actor, now: max(now, demand.updatedAt), rules: rules)
        switch command {
        case let .dispatch(primary, coHandlers, deadlineClass, category):
            try t.dispatch(primary: primary, coHandlers: coHandlers, deadlineClass: deadlineClass, category: category)
        case let .reDispatch(order, unit, deadlineClass, note):
            try t.reDispatch(order, to: unit, deadlineClass: deadlineClass, note: note)
        case let .signFor(order): try t.signFor(order)
        case let .recordContact(order, note): try t.recordContact(order, note: note)
        case let .addProgress(order, note, attachments): try t.addProgress(order, note: note, attachments: attachments)
        case let .reportResult(order, summary, attachments): try t.reportResult(order, summary: summary, attachments: attachments)
        case let .requestReturn(order, reason, evidence, approval, note):
            try t.requestReturn(order, reason: reason, evidence: evidence, leaderApproval: approval, note: note)
        case let .ruleOnReturn(order, approve, dispatchErred, note):
            try t.ruleOnReturn(order, approve: approve, dispatchErred: dispatchErred, note: note)
        case let .requestExtension(order, extra, reason): try t.requestExtension(order, extra: extra, reason: reason)
        case let .ruleOnExtension(order, approve, note): try t.ruleOnExtension(order, approve: approve, note: note)
        case let .requestPark(order, reason): try t.requestPark(order, reason: reason)
        case let .ruleOnPark(order, approve, note): try t.ruleOnPark(order, approve: approve, note: note)
        case let .unpark(order, note): try t.unpark(order, note: note)
        case let .recordCallback(outcome, note): try t.recordCallback(outcome, note: note)
        case let .rate(phone, satisfaction, comment): try t.rate(phone: phone, satisfaction: satisfaction, comment: comment)
        case let .reopen(note): try t.reopen(note: note)
        case let .close(note): try t.close(note: note)
        case let .merge(parent): try t.merge(into: parent)
        case let .flagMalicious(approver, note): try t.flag(.malicious, approver: approver, reason: note)
        case let .flagUnreasonable(approver, reason): try t.flag(.unreasonable, approver: approver, reason: reason)
        case let .urge(order, note): try t.urge(order, note: note)
        case let .supervise(order, note, step): try t.supervise(order, note: note, step: step)
        case let .markOverdue(order, step): try t.markOverdue(order, step: step)
        }
        return t.decision()
    }

    /// Checks a merge against the parent, which ``decide(_:_:by:at:rules:)`` cannot see: the parent must be
    /// another demand that is itself in the loop (not merged, transferred or answered). The store calls it
    /// before deciding `.merge`.
    public static func checkMerge(_ child: Demand, into parent: Demand) throws(LoopError) {
        guard child.id != parent.id else { throw .mergeIntoItself }
        if let grandparent = parent.parentID { throw .alreadyMerged(into: grandparent) }
        guard ![.transferred, .answered].contains(parent.status) else {
            throw .demandWrongState(action: .merge, status: parent.status)
        }
    }
}

/// One command being decided: a working copy of the demand, the events so far, and the checks every step
/// shares. The per-command steps live in the `Loop+*.swift` extensions.
struct Transition {
    var demand: Demand
    let actor: Actor?
    let now: Date
    let rules: LoopRules
    private(set) var events: [LoopEvent] = []

    init(demand: Demand, actor: Actor?, now: Date, rules: LoopRules) {
        self.demand = demand
        self.actor = actor
        self.now = now
        self.rules = rules
    }

    /// The accepted result: one more version, stamped now.
    func decision() -> Decision {
        var demand = demand
        demand.version += 1
        demand.updatedAt = now
        return Decision(demand: demand, events: events)
    }

    /// Records an event of this command, at its time and by its actor.
    mutating func emit(
        _ kind: LoopEventKind, order: String? = nil, reason: String? = nil, attachments: [String] = [],
        _ details: [String: String]
    ) {
        events.append(LoopEvent(
            kind: kind, at: now, demandID: demand.id, actor: actor, orderID: order, reason: reason,
            attachments: attachments, details: details))
    }

    // MARK: Who may act

    /// The person acting, who must hold one of `roles`.
    func person(_ action: LoopAction, as roles: Set<Role>) throws(LoopError) -> Actor {
        guard let actor, roles.contains(actor.role) else { throw .roleNotAllowed(action: action, role: actor?.role) }
        return actor
    }

    /// The person acting for the order's unit (承办单位), and the order's index.
    func member(of orderID: String, _ action: LoopAction) throws(LoopError) -> (index: Int, actor: Actor) {
        let actor = try person(action, as: Role.orderUnitRoles)
        let i = try index(of: orderID)
        let unit = demand.orders[i].unitCode
        guard actor.unitCode == unit else { throw .notOrderUnit(order: orderID, unit: unit) }
        return (i, actor)
    }

    // MARK: Where things stand

    func require(_ statuses: Set<DemandStatus>, _ action: LoopAction) throws(LoopError) {
        guard statuses.contains(demand.status) else { throw .demandWrongState(action: action, status: demand.status) }
    }

    func require(order i: Int, in statuses: Set<OrderStatus>, _ action: LoopAction) throws(LoopError) {
        let order = demand.orders[i]
        guard statuses.contains(order.status) else {
            throw .orderWrongState(action: action, order: order.id, status: order.status)
        }
    }

    /// The index of an order of this demand.
    func index(of orderID: String) throws(LoopError) -> Int {
        guard let i = demand.orders.firstIndex(where: { $0.id == orderID }) else { throw .orderNotFound(orderID) }
        return i
    }

    /// Moves an order and, while the demand is being handled, the demand with its primary order. Returns the
    /// details every order event carries: `from`/`to` of the order and, when it moved, of the demand.
    mutating func move(order i: Int, to status: OrderStatus) -> [String: String] {
        let from = demand.orders[i].status
        let demandFrom = demand.status
        demand.orders[i].status = status
        if DemandStatus.handling.contains(demand.status) { followPrimary() }
        var details = ["from": from.rawValue, "to": status.rawValue]
        if demand.status != demandFrom {
            details["demandFrom"] = demandFrom.rawValue
            details["demandTo"] = demand.status.rawValue
        }
        return details
    }

    /// Moves the demand; returns `from`/`to` for its event.
    mutating func move(demandTo status: DemandStatus) -> [String: String] {
        let from = demand.status
        demand.status = status
        return ["from": from.rawValue, "to": status.rawValue]
    }

    /// `from` = `to` for an event that moves nothing.
    func unmoved(order i: Int) -> [String: String] {
        ["from": demand.orders[i].status.rawValue, "to": demand.orders[i].status.rawValue]
    }

    /// While it is being handled, the demand shows where its primary order (主办) stands.
    mutating func followPrimary() {
        guard let primary = demand.primaryOrder else { return }
        let status = primary.pending?.priorStatus ?? primary.status  // a request does not move the demand
        switch status {
        case .dispatched: demand.status = .dispatched
        case .signed, .contacted, .inProgress, .returnRequested, .extensionRequested, .parkRequested: demand.status = .inProgress
        case .parked: demand.status = .parked
        case .returned: demand.status = .returned
        case .resultReported: demand.status = .resultReported
        case .closed, .reassigned: break
        }
    }

    // MARK: Deadlines

    func calendar(of order: WorkOrder) -> WorkingCalendar { rules.calendar(forUnit: order.unitCode) }

    func deadlineClass(_ code: String) throws(LoopError) -> DeadlineClass {
        guard let found = rules.deadlineClass(code) else { throw .deadlineClassNotFound(code) }
        return found
    }

    /// Pauses the clock of every step not yet done (挂账).
    mutating func pauseClocks(order i: Int) throws(LoopError) {
        for step in OrderStep.allCases where !demand.orders[i][step].isCompleted {
            do throws(DeadlineClockError) { try demand.orders[i][step].pause(at: now) } catch { throw .clock(error) }
        }
    }

    /// Resumes every paused clock of an order.
    mutating func resumeClocks(order i: Int) throws(LoopError) {
        for step in OrderStep.allCases where demand.orders[i][step].isPaused {
            do throws(DeadlineClockError) { try demand.orders[i][step].resume(at: now) } catch { throw .clock(error) }
        }
    }

    /// The deadline of a step now.
    func due(_ order: WorkOrder, _ step: OrderStep) throws(LoopError) -> Date {
        let calendar = calendar(of: order)
        do throws(WorkingCalendarError) { return try order[step].dueAt(calendar, asOf: now) } catch { throw .calendar(error) }
    }

    /// The deadlines of an order's open steps, for events (`signForDue`, `firstContactDue`, `resolutionDue`).
    func dueDetails(_ order: WorkOrder) throws(LoopError) -> [String: String] {
        var details: [String: String] = [:]
        for step in OrderStep.allCases where !order[step].isCompleted {
            details["\(Self.key(step))Due"] = Stamp.iso(try due(order, step))
        }
        return details
    }

    /// Whether a step is done by its deadline, for the completion events.
    func onTime(_ order: WorkOrder, _ step: OrderStep) throws(LoopError) -> [String: String] {
        let due = try due(order, step)
        return ["due": Stamp.iso(due), "onTime": String(now <= due)]
    }

    /// `signFor`, `firstContact`, `resolution`: detail keys in camel case like the rest.
    static func key(_ step: OrderStep) -> String {
        switch step {
        case .signFor: "signFor"
        case .firstContact: "firstContact"
        case .resolution: "resolution"
        }
    }

    // MARK: Orders

    /// A new order with its clocks started now; ids count the demand's orders from 1.
    func newOrder(unit: String, role: OrderRole, deadlineClass: DeadlineClass, by person: Actor) -> WorkOrder {
        WorkOrder(
            id: "\(demand.id)-\(demand.orders.count + 1)", unitCode: unit, role: role, deadlineClass: deadlineClass,
            at: now, by: person.personID)
    }

    /// Appends a new order and records it.
    mutating func add(_ order: WorkOrder) throws(LoopError) {
        var details = try dueDetails(order)
        details["from"] = ""
        details["to"] = order.status.rawValue
        details["unit"] = order.unitCode
        details["role"] = order.role.rawValue
        details["deadlineClass"] = order.deadlineClassCode
        demand.orders.append(order)
        emit(.orderDispatched, order: order.id, details)
    }

    /// Takes an order out of work (returned, reassigned, closed): requests lapse, paused clocks resume so that
    /// only a parked order ever has a paused clock.
    mutating func stopWork(order i: Int, as status: OrderStatus) throws(LoopError) -> [String: String] {
        try resumeClocks(order: i)
        demand.orders[i].pending = nil
        demand.orders[i].parking = nil
        demand.orders[i].closedAt = now
        return move(order: i, to: status)
    }
}

extension [String: String] {
    /// These details and more; keys already here win.
    func adding(_ more: [String: String]) -> [String: String] { merging(more) { current, _ in current } }
}

extension DeadlineClass {
    /// The allowed time of a step.
    func allowed(_ step: OrderStep) -> DeadlineDuration {
        switch step {
        case .signFor: signFor
        case .firstContact: firstContact
        case .resolution: resolution
        }
    }
}
