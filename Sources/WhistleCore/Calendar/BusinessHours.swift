/// A daily span of business time in local wall-clock minutes since midnight, half-open: `[start, end)`.
/// `end` may be 1440 (24:00).
public struct DailyInterval: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Minutes since local midnight, 0…1439.
    public let start: Int
    /// Minutes since local midnight, 1…1440, after `start`.
    public let end: Int

    /// An interval from minute `start` to minute `end` after local midnight.
    public init(start: Int, end: Int) throws(BusinessHoursError) {
        guard 0 <= start, start < end, end <= 1440 else { throw .intervalOutOfDay(start: start, end: end) }
        self.start = start
        self.end = end
    }

    /// `09:00`–`12:00` style, from hours and minutes.
    public init(_ startHour: Int, _ startMinute: Int, to endHour: Int, _ endMinute: Int) throws(BusinessHoursError) {
        try self.init(start: startHour * 60 + startMinute, end: endHour * 60 + endMinute)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(start: try c.decode(Int.self, forKey: .start), end: try c.decode(Int.self, forKey: .end))
    }

    /// `HH:MM–HH:MM`.
    public var description: String {
        func hm(_ m: Int) -> String { "\(m / 60 < 10 ? "0" : "")\(m / 60):\(m % 60 < 10 ? "0" : "")\(m % 60)" }
        return "\(hm(start))–\(hm(end))"
    }

    /// Length in seconds.
    public var seconds: Double { Double(end - start) * 60 }
}

/// When a unit works (办公时间): which weekdays are normal working days, the daily business intervals, and
/// whether public holidays and make-up working days (调休) apply. On a make-up working day the unit works
/// its normal intervals; on a holiday it does not work at all.
public struct BusinessHours: Sendable, Hashable, Codable {
    /// Weekdays that are working days in a normal week.
    public let weekdays: Set<Weekday>
    /// Business intervals of every working day, in order, not overlapping.
    public let intervals: [DailyInterval]
    /// Whether the official holiday schedule applies. A 7×24 service (the 12345 hotline) does not, so it
    /// needs no schedule at all.
    public let observesHolidays: Bool

    /// Validated business hours: at least one weekday and one interval, intervals in order without overlap.
    public init(weekdays: Set<Weekday>, intervals: [DailyInterval], observesHolidays: Bool) throws(BusinessHoursError) {
        guard !weekdays.isEmpty else { throw .noWorkingWeekdays }
        guard !intervals.isEmpty else { throw .noIntervals }
        for (a, b) in zip(intervals, intervals.dropFirst()) where a.end > b.start { throw .intervalsOverlap(a, b) }
        self.weekdays = weekdays
        self.intervals = intervals
        self.observesHolidays = observesHolidays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            weekdays: try c.decode(Set<Weekday>.self, forKey: .weekdays),
            intervals: try c.decode([DailyInterval].self, forKey: .intervals),
            observesHolidays: try c.decode(Bool.self, forKey: .observesHolidays))
    }

    /// 7×24: every day, all day, holidays included (the 12345 hotline, 7×24 小时).
    public static let allDay = try! BusinessHours(
        weekdays: Set(Weekday.allCases), intervals: [DailyInterval(start: 0, end: 1440)], observesHolidays: false)

    /// 5×8 government office hours (Beijing practice): Monday–Friday 09:00–12:00 and 13:30–17:30, with
    /// public holidays and make-up working days.
    public static let governmentOffice = try! BusinessHours(
        weekdays: Weekday.workweek,
        intervals: [DailyInterval(9, 0, to: 12, 0), DailyInterval(13, 30, to: 17, 30)],
        observesHolidays: true)

    /// Whole working days (00:00–24:00 on Monday–Friday, holidays and make-up days applied): for units whose
    /// deadlines count working days but not office hours.
    public static let wholeWorkingDays = try! BusinessHours(
        weekdays: Weekday.workweek, intervals: [DailyInterval(start: 0, end: 1440)], observesHolidays: true)

    /// The business hours a unit names by code in its `calendar` (the divisions CSV column): `office` (5×8,
    /// the default), `24x7` (hotline, public-service enterprises on duty) and `workdays`.
    public static let named: [String: BusinessHours] = ["office": .governmentOffice, "24x7": .allDay, "workdays": .wholeWorkingDays]

    /// The code a unit without one uses.
    public static let defaultName = "office"

    /// Business time is continuous: every instant counts, so working time equals natural time.
    var isContinuous: Bool {
        !observesHolidays && weekdays.count == 7 && intervals.count == 1 && intervals[0].start == 0 && intervals[0].end == 1440
    }

    /// Business seconds in one working day.
    public var secondsPerDay: Double { intervals.reduce(0) { $0 + $1.seconds } }
}
