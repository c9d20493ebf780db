import Foundation

/// Traffic light of a running deadline (红黄绿灯).
public enum DeadlineLight: String, Sendable, Hashable, Codable, CaseIterable {
    /// 绿灯: less than the yellow share of the allowed time used.
    case green
    /// 黄灯: the yellow share or more used, not yet due.
    case yellow
    /// 红灯: at or after the deadline (超期).
    case red

    /// Name as the console shows it.
    public var nameZh: String {
        switch self {
        case .green: "绿灯"
        case .yellow: "黄灯"
        case .red: "红灯"
        }
    }
}

/// The clock of one deadline of one work order (签收, 联系, 办结 …): when it started, how long is allowed, and
/// the pauses for an approved extension (延期) or parking (挂账).
///
/// The clock has a **budget**: the time between `start` and the deadline ``WorkingCalendar/deadline(for:from:)``
/// computes, measured in business time of the unit's calendar (natural time for natural hours). Only running
/// time consumes it, so a pause never shortens the remaining time, and the due date moves forward by the
/// business time spent paused. The calendar is passed in, not stored: the clock is persisted with the order,
/// the calendar is configuration.
public struct DeadlineClock: Sendable, Hashable, Codable {
    /// A stretch of time during which the clock stood still; `end` is `nil` while it is still paused.
    public struct Pause: Sendable, Hashable, Codable {
        /// When the clock stopped.
        public let start: Date
        /// When it ran again; `nil` while paused.
        public internal(set) var end: Date?
    }

    /// When the clock started (派单, 签收 …).
    public let start: Date
    /// The allowed duration.
    public let allowed: DeadlineDuration
    /// Pauses in order; only the last may be open.
    public private(set) var pauses: [Pause] = []

    /// A running clock with no pause.
    public init(start: Date, allowed: DeadlineDuration) {
        self.start = start
        self.allowed = allowed
    }

    /// Whether the clock is paused now.
    public var isPaused: Bool { pauses.last.map { $0.end == nil } ?? false }

    /// Stops the clock at `instant` (an approved 延期 or 挂账).
    public mutating func pause(at instant: Date) throws(DeadlineClockError) {
        guard instant >= start else { throw .pauseBeforeStart(instant) }
        guard !isPaused else { throw .alreadyPaused }
        if let lastResume = pauses.last?.end, instant < lastResume { throw .outOfOrder(instant, after: lastResume) }
        pauses.append(Pause(start: instant, end: nil))
    }

    /// Restarts the clock at `instant`.
    public mutating func resume(at instant: Date) throws(DeadlineClockError) {
        guard let open = pauses.last, open.end == nil else { throw .notPaused }
        guard instant >= open.start else { throw .outOfOrder(instant, after: open.start) }
        pauses[pauses.count - 1].end = instant
    }

    /// The budget: allowed time in the clock's measure (business seconds, or natural seconds for natural hours).
    public func allowedTime(in calendar: WorkingCalendar) throws(WorkingCalendarError) -> TimeInterval {
        let due = try calendar.deadline(for: allowed, from: start)
        return max(0, try measure(from: start, to: due, calendar))
    }

    /// Time consumed by `instant`: running time only, never negative.
    public func consumedTime(at instant: Date, in calendar: WorkingCalendar) throws(WorkingCalendarError) -> TimeInterval {
        var consumed: TimeInterval = 0
        var position = start
        for pause in pauses {
            guard instant > pause.start else { break }
            consumed += try measure(from: position, to: pause.start, calendar)
            guard let end = pause.end, instant > end else { return max(0, consumed) }
            position = end
        }
        if instant > position { consumed += try measure(from: position, to: instant, calendar) }
        return max(0, consumed)
    }

    /// Budget left at `instant`; negative once overdue.
    public func remainingTime(at instant: Date, in calendar: WorkingCalendar) throws(WorkingCalendarError) -> TimeInterval {
        try allowedTime(in: calendar) - consumedTime(at: instant, in: calendar)
    }

    /// The deadline, moved forward by the business time spent paused. For a paused clock pass `now`: the
    /// open pause counts until then (so the due date keeps moving while paused); without it the due date is
    /// the one the clock would have if it resumed at the moment it was paused.
    public func dueAt(_ calendar: WorkingCalendar, asOf now: Date? = nil) throws(WorkingCalendarError) -> Date {
        let unpaused = try calendar.deadline(for: allowed, from: start)
        // Exact calendar answer when no pause began before it (no round trip through seconds).
        guard let first = pauses.first, first.start < unpaused else { return unpaused }
        var remaining = max(0, try measure(from: start, to: unpaused, calendar))
        var position = start
        for pause in pauses {
            let run = try measure(from: position, to: pause.start, calendar)
            if run >= remaining { return try advance(remaining, from: position, calendar) }
            remaining -= run
            position = max(pause.start, pause.end ?? now ?? pause.start)
        }
        return try advance(remaining, from: position, calendar)
    }

    /// Share of the budget consumed at `instant`: 0 at the start, 1 at the deadline, above 1 when overdue.
    public func elapsedFraction(at instant: Date, in calendar: WorkingCalendar) throws(WorkingCalendarError) -> Double {
        let budget = try allowedTime(in: calendar)
        guard budget > 0 else { return instant >= start ? 1 : 0 }
        return try consumedTime(at: instant, in: calendar) / budget
    }

    /// The traffic light at `instant`: red at or after the deadline, yellow from `yellowAt` (default 75 %) of
    /// the budget, green before.
    public func light(
        at instant: Date, in calendar: WorkingCalendar, yellowAt: Double = 0.75
    ) throws(WorkingCalendarError) -> DeadlineLight {
        if instant >= (try dueAt(calendar, asOf: instant)) { return .red }
        return try elapsedFraction(at: instant, in: calendar) >= yellowAt ? .yellow : .green
    }

    private func measure(from a: Date, to b: Date, _ calendar: WorkingCalendar) throws(WorkingCalendarError) -> TimeInterval {
        allowed.countsBusinessTime ? try calendar.workingTime(from: a, to: b) : b.timeIntervalSince(a)
    }

    private func advance(_ amount: TimeInterval, from a: Date, _ calendar: WorkingCalendar) throws(WorkingCalendarError) -> Date {
        allowed.countsBusinessTime ? try calendar.addWorkingTime(max(0, amount), to: a) : a.addingTimeInterval(amount)
    }
}
