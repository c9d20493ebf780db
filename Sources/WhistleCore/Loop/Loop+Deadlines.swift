import Foundation

/// An instant the deadline service must act at for one step of one order.
///
/// Contract with the store: after every accepted command it replaces the demand's unfired timers with
/// ``Loop/dueTimers(_:rules:)`` (insert new keys, move the instant of unfired ones, drop unfired keys no longer
/// listed); a key that has fired never fires again. A key changes only when the deadline itself is replaced
/// (extension, reopening, a new order), so a pause moves a timer without firing it twice, and a timer that
/// fired before a pause is not repeated after it.
public struct DeadlineTimer: Sendable, Hashable, Codable {
    /// What happens at the instant.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// 黄灯: the clock turns yellow; a live update only, no command.
        case yellow
        /// 红灯/超期: ``LoopCommand/markOverdue(order:step:)``.
        case overdue
        /// 督办: ``LoopCommand/supervise(order:note:step:)`` by the system.
        case supervise
    }

    /// `<order id>/<step>/<kind>/<generation>`, e.g. `D1-1/resolution/overdue/1`.
    public let key: String
    /// The demand, order and step the timer is for.
    public let demandID: String
    public let orderID: String
    public let step: OrderStep
    /// What happens.
    public let kind: Kind
    /// When it fires.
    public let at: Date

    /// The command the deadline service decides (with no actor) when the timer fires; `nil` for yellow.
    public var command: LoopCommand? { Self.command(kind, order: orderID, step: step) }

    /// The command of a stored timer, from its key alone; `nil` for yellow or a key this type did not make.
    public static func command(forKey key: String) -> LoopCommand? {
        // The order id may not contain "/", but read from the end anyway.
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, let step = OrderStep(rawValue: String(parts[parts.count - 3])),
              let kind = Kind(rawValue: String(parts[parts.count - 2])), Int(parts[parts.count - 1]) != nil else { return nil }
        let order = parts.dropLast(3).joined(separator: "/")
        return order.isEmpty ? nil : command(kind, order: order, step: step)
    }

    private static func command(_ kind: Kind, order: String, step: OrderStep) -> LoopCommand? {
        switch kind {
        case .yellow: nil
        case .overdue: .markOverdue(order: order, step: step)
        case .supervise: .supervise(order: order, step: step)
        }
    }
}

extension Loop {
    /// What the deadline service must schedule for the demand now: for every running step of every open
    /// order (parked orders have none), the yellow instant, the deadline (overdue) and the supervision
    /// instant (deadline + ``LoopRules/superviseAfter``), leaving out what has already been marked. Sorted by
    /// instant.
    ///
    /// An instant the unit's calendar cannot compute (its year's schedule is not loaded yet, e.g. supervision
    /// in January before the State Council's notice is imported) is left out rather than refusing the command
    /// that changed the demand: deployments watch ``WorkingCalendar/missingYears(_:)``, and the store
    /// recomputes the timers of open demands when a year is imported.
    public static func dueTimers(_ demand: Demand, rules: LoopRules) -> [DeadlineTimer] {
        var timers: [DeadlineTimer] = []
        for order in demand.orders {
            let calendar = rules.calendar(forUnit: order.unitCode)
            for step in order.runningSteps {
                let deadline = order[step]
                func timer(_ kind: DeadlineTimer.Kind, _ instant: Date) -> DeadlineTimer {
                    DeadlineTimer(
                        key: "\(order.id)/\(step.rawValue)/\(kind.rawValue)/\(deadline.generation)", demandID: demand.id,
                        orderID: order.id, step: step, kind: kind, at: instant)
                }
                guard let clock = try? deadline.currentClock(in: calendar), let due = try? clock.dueAt(calendar) else { continue }
                if deadline.overdueAt == nil {
                    if let yellow = (try? clock.instant(reaching: rules.yellowThreshold, in: calendar)) ?? nil {
                        timers.append(timer(.yellow, min(yellow, due)))
                    }
                    timers.append(timer(.overdue, due))
                }
                if deadline.supervisedAt == nil, let supervise = try? calendar.deadline(for: rules.superviseAfter, from: due) {
                    timers.append(timer(.supervise, supervise))
                }
            }
        }
        return timers.sorted { ($0.at, $0.key) < ($1.at, $1.key) }
    }
}

extension Transition {
    /// 催办 by a supervisor or dispatcher, on an open order.
    mutating func urge(_ orderID: String, note: String?) throws(LoopError) {
        _ = try person(.urge, as: Role.supervisionRoles)
        let i = try index(of: orderID)
        guard demand.orders[i].isOpen else { throw .orderWrongState(action: .urge, order: orderID, status: demand.orders[i].status) }
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        demand.orders[i].urgeCount += 1
        emit(.orderUrged, order: orderID, reason: note, unmoved(order: i).adding([
            "urgeCount": String(demand.orders[i].urgeCount), "automatic": "false",
        ]))
    }

    /// 督办: by a supervisor or dispatcher on an open order, or by the system (`actor == nil`) once a step
    /// has been overdue for ``LoopRules/superviseAfter``.
    mutating func supervise(_ orderID: String, note: String?, step: OrderStep?) throws(LoopError) {
        var details: [String: String] = ["automatic": String(actor == nil)]
        let i: Int
        if actor == nil {
            guard let step else { throw .invalidField(field: "step", problem: .empty) }
            i = try index(of: orderID)
            let order = demand.orders[i]
            guard order.runningSteps.contains(step) else { throw .stepNotRunning(order: orderID, step: step) }
            guard order[step].supervisedAt == nil else { throw .alreadySupervised(order: orderID, step: step) }
            let due = try due(order, step)
            let superviseAt: Date
            do throws(WorkingCalendarError) {
                superviseAt = try calendar(of: order).deadline(for: rules.superviseAfter, from: due)
            } catch { throw .calendar(error) }
            guard now >= superviseAt else { throw .notYetDue(order: orderID, step: step, due: superviseAt) }
            demand.orders[i][step].supervisedAt = now
            details["step"] = step.rawValue
            details["due"] = Stamp.iso(due)
        } else {
            _ = try person(.supervise, as: Role.supervisionRoles)
            i = try index(of: orderID)
            guard demand.orders[i].isOpen else {
                throw .orderWrongState(action: .supervise, order: orderID, status: demand.orders[i].status)
            }
            details["step"] = step?.rawValue
        }
        let note = try Check.optionalText(note, field: "note", max: DemandDraft.Limits.note)
        demand.orders[i].superviseCount += 1
        details["superviseCount"] = String(demand.orders[i].superviseCount)
        emit(.orderSupervised, order: orderID, reason: note, unmoved(order: i).adding(details))
    }

    /// 超期: the deadline service marks a running step overdue at or after its deadline, which also urges
    /// the unit (催办).
    mutating func markOverdue(_ orderID: String, step: OrderStep) throws(LoopError) {
        guard actor == nil else { throw .roleNotAllowed(action: .markOverdue, role: actor?.role) }
        let i = try index(of: orderID)
        let order = demand.orders[i]
        guard order.runningSteps.contains(step) else { throw .stepNotRunning(order: orderID, step: step) }
        guard order[step].overdueAt == nil else { throw .alreadyOverdue(order: orderID, step: step) }
        let due = try due(order, step)
        guard now >= due else { throw .notYetDue(order: orderID, step: step, due: due) }
        demand.orders[i][step].overdueAt = now
        demand.orders[i].urgeCount += 1
        let details = unmoved(order: i).adding(["step": step.rawValue, "due": Stamp.iso(due)])
        emit(.orderOverdue, order: orderID, details)
        emit(.orderUrged, order: orderID, details.adding([
            "urgeCount": String(demand.orders[i].urgeCount), "automatic": "true",
        ]))
    }
}

extension DeadlineClock {
    /// The instant at which `fraction` of the budget has been consumed (running time only), or `nil` when
    /// the clock is paused before then. At 1 it is the deadline; the yellow light starts at the threshold.
    func instant(reaching fraction: Double, in calendar: WorkingCalendar) throws(WorkingCalendarError) -> Date? {
        var remaining = try allowedTime(in: calendar) * min(max(fraction, 0), 1)
        var position = start
        for pause in pauses {
            let run = try runningTime(from: position, to: pause.start, calendar)
            if run >= remaining { return try moving(remaining, from: position, calendar) }
            remaining -= run
            guard let end = pause.end else { return nil }
            position = max(position, end)
        }
        return try moving(remaining, from: position, calendar)
    }

    // The clock's own measure: business time of the calendar, or natural time for natural hours.
    private func runningTime(from a: Date, to b: Date, _ calendar: WorkingCalendar) throws(WorkingCalendarError) -> TimeInterval {
        allowed.countsBusinessTime ? try calendar.workingTime(from: a, to: b) : b.timeIntervalSince(a)
    }

    private func moving(_ amount: TimeInterval, from a: Date, _ calendar: WorkingCalendar) throws(WorkingCalendarError) -> Date {
        allowed.countsBusinessTime ? try calendar.addWorkingTime(max(0, amount), to: a) : a.addingTimeInterval(max(0, amount))
    }
}
