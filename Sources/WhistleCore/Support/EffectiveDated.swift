import Foundation

/// A version of local rules that applies from the start of a day (SPEC: configuration with an effective
/// date). Decisions use the version in force at their instant; earlier periods keep their own.
public protocol EffectiveDated {
    /// The first day the version applies, `YYYY-MM-DD` (00:00 Beijing time).
    var effectiveFrom: CalendarDay { get }
}

extension EffectiveDated {
    /// The instant the version starts: 00:00 of its day in China Standard Time (UTC+8, no daylight saving).
    public var start: Date { effectiveFrom.startInBeijing }

    /// The version in force at `instant`: the latest that has started (the first one if none has).
    public static func inForce(at instant: Date, among versions: [Self]) -> Self? {
        let sorted = versions.sorted { $0.effectiveFrom.dayNumber < $1.effectiveFrom.dayNumber }
        return sorted.last { $0.start <= instant } ?? sorted.first
    }
}

extension CalendarDay {
    /// 00:00 of the day in Beijing time (UTC+8, no daylight saving), where every local rule is dated.
    public var startInBeijing: Date { Date(timeIntervalSince1970: Double(dayNumber) * 86_400 - 8 * 3_600) }

    /// The Beijing date of an instant: the inverse of ``startInBeijing``.
    public init(beijing instant: Date) {
        self.init(dayNumber: Int(((instant.timeIntervalSince1970 + 8 * 3_600) / 86_400).rounded(.down)))
    }
}
