import Foundation

/// An assessment period (考核周期): from the start day of one month (00:00 Beijing time) to the day before
/// the start day of the next, e.g. 2026-02-19 … 2026-03-18 for start day 19; for start day 1, a calendar month.
///
/// A period is labelled `YYYY-MM` by the month in which it ENDS: 2026-02-19 … 2026-03-18 is "2026-03",
/// 2025-12-19 … 2026-01-18 is "2026-01", and a calendar month keeps its own name. Start days 29–31 are
/// refused (not every month has them), so every period is well defined.
public struct AssessmentPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Year and month of the label: the month the period ends in.
    public let year: Int
    public let month: Int
    /// Day of the month the period starts, 1…28.
    public let startDay: Int

    /// The period labelled `year-month`; `nil` for a month outside 1…12 or a start day outside 1…28.
    public init?(year: Int, month: Int, startDay: Int) {
        guard (1...12).contains(month), (1...28).contains(startDay) else { return nil }
        self.year = year
        self.month = month
        self.startDay = startDay
    }

    /// The period labelled `YYYY-MM`; `nil` if the label or the start day is malformed.
    public init?(label: some StringProtocol, startDay: Int) {
        guard let first = CalendarDay("\(label)-01") else { return nil }
        self.init(year: first.year, month: first.month, startDay: startDay)
    }

    /// The period containing `instant`, read in Beijing time (UTC+8, no daylight saving).
    public init?(containing instant: Date, startDay: Int) {
        let day = CalendarDay(beijing: instant)
        let (year, month) = startDay > 1 && day.day >= startDay ? Self.after(day.year, day.month) : (day.year, day.month)
        self.init(year: year, month: month, startDay: startDay)
    }

    /// `YYYY-MM`, the month the period ends in.
    public var label: String { "\(year.zeroPadded(4))-\(month.zeroPadded(2))" }

    public var description: String { label }

    /// The first day of the period.
    public var firstDay: CalendarDay {
        let (y, m) = startDay == 1 ? (year, month) : Self.before(year, month)
        return CalendarDay(year: y, month: m, day: startDay)!
    }

    /// The last day of the period.
    public var lastDay: CalendarDay { next.firstDay.adding(days: -1) }

    /// 00:00 Beijing time of the first day (inclusive).
    public var start: Date { firstDay.startInBeijing }

    /// 00:00 Beijing time of the day after the last day (exclusive): the next period's start.
    public var end: Date { next.start }

    /// Whether `instant` lies in `start..<end`.
    public func contains(_ instant: Date) -> Bool { start <= instant && instant < end }

    /// The period before, with the same start day.
    public var previous: AssessmentPeriod {
        let (y, m) = Self.before(year, month)
        return AssessmentPeriod(year: y, month: m, startDay: startDay)!
    }

    /// The period after, with the same start day.
    public var next: AssessmentPeriod {
        let (y, m) = Self.after(year, month)
        return AssessmentPeriod(year: y, month: m, startDay: startDay)!
    }

    /// Chronological order (of periods with the same start day).
    public static func < (a: AssessmentPeriod, b: AssessmentPeriod) -> Bool { (a.year, a.month) < (b.year, b.month) }

    private static func before(_ year: Int, _ month: Int) -> (Int, Int) { month == 1 ? (year - 1, 12) : (year, month - 1) }
    private static func after(_ year: Int, _ month: Int) -> (Int, Int) { month == 12 ? (year + 1, 1) : (year, month + 1) }
}
