import Foundation

/// The three bulletins leaders read (SPEC §6): 日通报, 周汇总, 月分析.
public enum ReportKind: String, Sendable, Hashable, Codable, CaseIterable {
    case daily, weekly, monthly

    public var nameZh: String {
        switch self {
        case .daily: "日通报"
        case .weekly: "周汇总"
        case .monthly: "月分析"
        }
    }

    public var nameEn: String {
        switch self {
        case .daily: "Daily bulletin"
        case .weekly: "Weekly summary"
        case .monthly: "Monthly analysis"
        }
    }
}

/// The days a bulletin covers and the equal period before it, for the movement of every figure.
///
/// Labels: a day `2026-11-20`; an ISO week `2026-W47` (Monday to Sunday); a month `2026-11`, which is the
/// assessment period ending in that month (19th to 18th under Beijing's scheme), so the monthly analysis and
/// the rankings speak of the same days.
public struct ReportPeriod: Sendable, Hashable {
    public let kind: ReportKind
    public let label: String
    public let firstDay: CalendarDay
    public let lastDay: CalendarDay
    public let previousFirstDay: CalendarDay
    public let previousLastDay: CalendarDay

    /// `nil` when the label does not fit the kind.
    public init?(kind: ReportKind, label: String, assessmentStartDay: Int) {
        self.kind = kind
        self.label = label
        switch kind {
        case .daily:
            guard let day = CalendarDay(label), day.description == label else { return nil }
            (firstDay, lastDay) = (day, day)
            (previousFirstDay, previousLastDay) = (day.adding(days: -1), day.adding(days: -1))
        case .weekly:
            guard let monday = Self.monday(ofWeek: label) else { return nil }
            (firstDay, lastDay) = (monday, monday.adding(days: 6))
            (previousFirstDay, previousLastDay) = (monday.adding(days: -7), monday.adding(days: -1))
        case .monthly:
            guard label.count == 7, let period = AssessmentPeriod(label: label, startDay: assessmentStartDay) else { return nil }
            (firstDay, lastDay) = (period.firstDay, period.lastDay)
            (previousFirstDay, previousLastDay) = (period.previous.firstDay, period.previous.lastDay)
        }
    }

    /// The Monday of ISO week `YYYY-Www`: week 1 is the week with the year's first Thursday (the one holding 4 January).
    static func monday(ofWeek label: String) -> CalendarDay? {
        let parts = label.split(separator: "-W")
        guard parts.count == 2, parts[1].count == 2, let year = Int(parts[0]), let week = Int(parts[1]), (1...53).contains(week),
              let january4 = CalendarDay(year: year, month: 1, day: 4) else { return nil }
        let monday = january4.adding(days: 1 - january4.weekday.rawValue + 7 * (week - 1))
        // Week 53 exists only in years whose 53rd Monday still has its Thursday in the same ISO year.
        guard week < 53 || monday.adding(days: 3).year == year else { return nil }
        return monday
    }
}
