import Foundation

extension Transition {
    /// 派单: exactly one primary unit (主办) and any co-handlers (协办), all with clocks of one deadline class
    /// started now. The dispatcher may classify (立案分类) at the same time.
    mutating func dispatch(primary: String, coHandlers: [String], deadlineClass code: String, category: String?) throws(LoopError) {
        let dispatcher = try person(.dispatch, as: Role.dispatchRoles)
        try require([.received], .dispatch)
        let deadlineClass = try deadlineClass(code)
        var units = [try Check.text(primary, field: "primary", max: DemandDraft.Limits.code)]
        guard coHandlers.count <= DemandDraft.Limits.coHandlers else {
            throw .invalidField(field: "coHandlers", problem: .tooMany(max: DemandDraft.Limits.coHandlers))
        }
        for unit in coHandlers {
            let unit = try Check.text(unit, field: "coHandlers", max: DemandDraft.Limits.code)
            guard !units.contains(unit) else { throw .invalidField(field: "coHandlers", problem: .duplicate(unit)) }
            units.append(unit)
        }
        if let category { demand.categoryCode = try Check.text(category, field: "categoryCode", max: DemandDraft.Limits.code) }

        demand.dispatchedAt = now
        // Dispatch latency (受理 → 派单) is measured against a target [5 min]; the event carries it.
        emit(.demandDispatched, move(demandTo: .dispatched).adding([
            "primary": units[0], "coHandlers": units.dropFirst().joined(separator: ","), "deadlineClass": code,
            "latencySeconds": String(Int(now.timeIntervalSince(demand.createdAt).rounded())),
        ]))
        for (n, unit) in units.enumerated() {
            try add(newOrder(unit: unit, role: n == 0 ? .primary : .coHandler, deadlineClass: deadlineClass, by: dispatcher))
        }
    }

    /// 改派: the order's part goes to another unit in a new order with fresh clocks. After an approved return
    /// the returned order is simply replaced; an order still in work is reassigned on the centre's own
    /// initiative, so its time is not charged to its unit. A pending request or a parking must be ruled on
    /// or lifted first.
    mutating func reDispatch(_ orderID: String, to unit: String, deadlineClass code: String?, note: String?) throws(LoopError) {
        let dispatcher = try person(.reDispatch, as: Role.dispatchRoles)
        try require([.dispatched, .inProgress, .returned, .parked], .reDispatch)
        let i = try index(of: orderID)
        let old = demand.orders[i]
        guard old.replacedBy == nil else { throw .orderWrongState(action: .reDispatch, order: orderID, status: old.status) }
        try require(order: i, in: [.returned, .dispatched, .signed, .contacted, .inProgress], .reDispatch)
        let unit = try Check.text(unit, field: "to", max: DemandDraft.Limits.code)
        guard unit != old.unitCode else { throw .reDispatchToSameUnit(order: orderID, unit: unit) }
        // A unit has one part in a round of handling: an open order, or a result that a reopening would revive.
        guard !demand.orders.contains(where: { $0.unitCode == unit && ($0.isOpen || $0.status == .resultReported) }) else {
            throw .unitAlreadyAssigned(unit)
        }
        let deadlineClass = try deadlineClass(code ?? old.deadlineClassCode)
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)

        let demandFrom = demand.status
        let replacement = newOrder(unit: unit, role: old.role, deadlineClass: deadlineClass, by: dispatcher)
        if old.isOpen {
            demand.orders[i].chargedToUnit = false
            emit(.orderReassigned, order: orderID, reason: note, try stopWork(order: i, as: .reassigned).adding(["unit": unit]))
        }
        demand.orders[i].replacedBy = replacement.id
        try add(replacement)
        followPrimary()
        emit(.demandRedispatched, reason: note, [
            "from": demandFrom.rawValue, "to": demand.status.rawValue, "previousOrder": orderID,
            "previousUnit": old.unitCode, "order": replacement.id, "unit": unit, "role": old.role.rawValue,
        ])
    }
}
