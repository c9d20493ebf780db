import Foundation

extension Transition {
    /// 签收: the unit takes the order; completes the sign-for step.
    mutating func signFor(_ orderID: String) throws(LoopError) {
        let (i, _) = try member(of: orderID, .signFor)
        try require(order: i, in: [.dispatched], .signFor)
        let timing = try onTime(demand.orders[i], .signFor)
        demand.orders[i].signFor.completedAt = now
        emit(.orderSigned, order: orderID, move(order: i, to: .signed).adding(timing))
    }

    /// 联系诉求人: the first contact completes the first-contact step; later contacts are recorded as well.
    mutating func recordContact(_ orderID: String, note: String?) throws(LoopError) {
        let (i, _) = try member(of: orderID, .recordContact)
        try require(order: i, in: OrderStatus.working, .recordContact)
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        guard !demand.orders[i].firstContact.isCompleted else {
            emit(.orderContacted, order: orderID, reason: note, unmoved(order: i).adding(["first": "false"]))
            return
        }
        let timing = try onTime(demand.orders[i], .firstContact)
        demand.orders[i].firstContact.completedAt = now
        let to: OrderStatus = demand.orders[i].status == .signed ? .contacted : demand.orders[i].status
        emit(.orderContacted, order: orderID, reason: note, move(order: i, to: to).adding(timing).adding(["first": "true"]))
    }

    /// 办理进展: a note of the work, with attachments.
    mutating func addProgress(_ orderID: String, note: String, attachments: [String]) throws(LoopError) {
        let (i, person) = try member(of: orderID, .addProgress)
        try require(order: i, in: OrderStatus.working, .addProgress)
        let note = try Check.text(note, field: "note", max: DemandDraft.Limits.note)
        let attachments = try Check.references(attachments, field: "attachments")
        demand.orders[i].progress.append(ProgressNote(at: now, by: person.personID, note: note, attachments: attachments))
        emit(.orderProgressNoted, order: orderID, reason: note, attachments: attachments, move(order: i, to: .inProgress))
    }

    /// 办结反馈: completes the resolution step. 首接负责: the primary reports the final result only when no
    /// co-handler order is open; the demand then waits for the callback.
    mutating func reportResult(_ orderID: String, summary: String, attachments: [String]) throws(LoopError) {
        let (i, person) = try member(of: orderID, .reportResult)
        try require(order: i, in: OrderStatus.working, .reportResult)
        let summary = try Check.text(summary, field: "summary", max: DemandDraft.Limits.note)
        let attachments = try Check.references(attachments, field: "attachments")
        if demand.orders[i].role == .primary {
            let open = demand.orders.filter { $0.role == .coHandler && $0.isOpen }.map(\.id)
            guard open.isEmpty else { throw .coHandlersOpen(orders: open) }
        }
        let timing = try onTime(demand.orders[i], .resolution)
        demand.orders[i].resolution.completedAt = now
        demand.orders[i].results.append(ProgressNote(at: now, by: person.personID, note: summary, attachments: attachments))
        emit(.orderResultReported, order: orderID, reason: summary, attachments: attachments,
             move(order: i, to: .resultReported).adding(timing))
    }
}
