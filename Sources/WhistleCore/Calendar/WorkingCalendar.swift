import Foundation

/// A unit's working calendar (工作日历): the official holiday schedules of the years in use, a time zone and
/// the unit's business hours. All deadline arithmetic goes through it; it is a pure value (no clock reads).
///
/// A day is a **working day** (工作日) when it is a make-up working day (调休上班), or when its weekday is a
/// normal working weekday and it is not a public holiday. With `observesHolidays`, a day whose year has no
/// schedule is never guessed as a normal week: every function that needs it throws
/// ``WorkingCalendarError/calendarYearMissing(_:)``. A 7×24 calendar (``BusinessHours/allDay``) needs no
/// schedule.
///
/// Rules for counting days follow 《民法典》 第二百零一条 and 第二百零三条 (the rule Chinese administrative
/// practice uses for "N 日" periods): the day a period starts is not counted; a period ends at 24:00 of its
/// last day, or at the end of business hours where there are business hours; a period whose last day is a
/// holiday ends on the next working day. See ``addWorkingDays(_:to:)`` and ``addNaturalDays(_:to:)``.
public struct WorkingCalendar: Sendable {
    /// China Standard Time (Asia/Shanghai, UTC+8, no daylight saving time since 1991).
    public static let chinaTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// Schedules by ascending year.
    public let schedules: [HolidaySchedule]
    /// The zone of the wall-clock business hours and of civil days.
    public let timeZone: TimeZone
    /// When the unit works.
    public let businessHours: BusinessHours

    private let calendar: Calendar
    /// Seconds east of UTC when the zone has kept one offset since 2000 (China: +8 h, no DST since 1991):
    /// then days and wall-clock instants are plain arithmetic, much cheaper than `Calendar` calls on a
    /// dashboard that lights thousands of clocks. `nil` (zones with DST) uses `Calendar` throughout.
    private let fixedOffset: Int?
    private static let year2000 = Date(timeIntervalSince1970: 946_684_800)
    private let scheduledYears: Set<Int>
    private let holidayDays: Set<CalendarDay>
    private let makeUpDays: Set<CalendarDay>

    /// A calendar over the given schedules (one per year).
    public init(
        schedules: [HolidaySchedule], timeZone: TimeZone = WorkingCalendar.chinaTimeZone, businessHours: BusinessHours
    ) throws(WorkingCalendarError) {
        var years = Set<Int>()
        for s in schedules { guard years.insert(s.year).inserted else { throw .duplicateYear(s.year) } }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        fixedOffset = timeZone.nextDaylightSavingTimeTransition(after: Self.year2000) == nil
            ? timeZone.secondsFromGMT(for: Self.year2000) : nil
        self.schedules = schedules.sorted { $0.year < $1.year }
        self.timeZone = timeZone
        self.businessHours = businessHours
        scheduledYears = years
        holidayDays = Set(schedules.flatMap { $0.holidays.flatMap(\.days) })
        makeUpDays = Set(schedules.flatMap(\.makeUpWorkdays))
    }

    /// The same calendar with one more year's schedule (a new State Council notice, loaded as data).
    public func adding(_ schedule: HolidaySchedule) throws(WorkingCalendarError) -> WorkingCalendar {
        try WorkingCalendar(schedules: schedules + [schedule], timeZone: timeZone, businessHours: businessHours)
    }

    /// The years among `years` that this calendar needs but has no schedule for; empty for a calendar that
    /// does not observe holidays. A deployment checks the current and the coming year and warns.
    public func missingYears(_ years: some Sequence<Int>) -> [Int] {
        businessHours.observesHolidays ? years.filter { !scheduledYears.contains($0) } : []
    }

    // MARK: Days

    /// The local civil day that contains `date`.
    public func day(containing date: Date) -> CalendarDay {
        if let fixedOffset, date >= Self.year2000 {
            let local = (date.timeIntervalSince1970 + Double(fixedOffset)) / 86400
            return CalendarDay(dayNumber: Int(local.rounded(.down)))
        }
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDay(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// The instant of a local wall-clock time: `minute` minutes after midnight of `day` (1440 is 24:00, the
    /// next midnight).
    public func instant(_ day: CalendarDay, minute: Int = 0) -> Date {
        if let fixedOffset, day.year >= 2000 {
            return Date(timeIntervalSince1970: Double(day.dayNumber * 86400 + minute * 60 - fixedOffset))
        }
        if minute >= 1440 { return instant(day.adding(days: minute / 1440), minute: minute % 1440) }
        let c = DateComponents(year: day.year, month: day.month, day: day.day, hour: minute / 60, minute: minute % 60)
        return calendar.date(from: c)!
    }

    /// Whether `day` is a working day (工作日) of this calendar.
    public func isWorkingDay(_ day: CalendarDay) throws(WorkingCalendarError) -> Bool {
        guard businessHours.observesHolidays else { return businessHours.weekdays.contains(day.weekday) }
        guard scheduledYears.contains(day.year) else { throw .calendarYearMissing(day.year) }
        if holidayDays.contains(day) { return false }
        if makeUpDays.contains(day) { return true }
        return businessHours.weekdays.contains(day.weekday)
    }

    /// Whether the local day containing `date` is a working day.
    public func isWorkingDay(_ date: Date) throws(WorkingCalendarError) -> Bool {
        try isWorkingDay(day(containing: date))
    }

    /// The business intervals of `day` as instants; empty on a day off.
    public func businessIntervals(on day: CalendarDay) throws(WorkingCalendarError) -> [DateInterval] {
        guard try isWorkingDay(day) else { return [] }
        return businessHours.intervals.map {
            DateInterval(start: instant(day, minute: $0.start), end: instant(day, minute: $0.end))
        }
    }

    /// Whether `date` lies inside business hours (intervals are half-open: open at 09:00, closed at 12:00).
    public func isOpen(at date: Date) throws(WorkingCalendarError) -> Bool {
        try businessIntervals(on: day(containing: date)).contains { $0.start <= date && date < $0.end }
    }

    /// Close of business (下班时间) of `day`: the end of its last interval.
    public func endOfBusiness(on day: CalendarDay) -> Date {
        instant(day, minute: businessHours.intervals.last!.end)
    }

    // MARK: Deadlines

    /// A deadline of `n` working days (N 个工作日): close of business on the `n`-th working day **after** the
    /// day of `start`. The start day never counts, whatever the hour and whether or not it is a working day
    /// (《民法典》 第二百零一条: 开始的当日不计入). So a case received on Friday at 20:00 or on Saturday, with
    /// 1 working day, is due on Monday at close of business (17:30 for a 5×8 unit, 24:00 for a whole-day
    /// calendar). `n == 0` means close of business on the start day if it is a working day, else on the next
    /// working day.
    public func addWorkingDays(_ n: Int, to start: Date) throws(WorkingCalendarError) -> Date {
        guard n >= 0 else { throw .invalidDuration("\(n) working days") }
        var day = day(containing: start)
        if n == 0 {
            while try !isWorkingDay(day) { day = day.next }
        } else {
            var counted = 0
            while counted < n {
                day = day.next
                if try isWorkingDay(day) { counted += 1 }
            }
        }
        return endOfBusiness(on: day)
    }

    /// A deadline of `n` natural days (N 日, 自然日): the `n`-th day after the start day; when that day is not a
    /// working day (a holiday or weekend), the next working day (《民法典》 第二百零三条); close of business.
    public func addNaturalDays(_ n: Int, to start: Date) throws(WorkingCalendarError) -> Date {
        guard n >= 0 else { throw .invalidDuration("\(n) natural days") }
        var day = day(containing: start).adding(days: n)
        while try !isWorkingDay(day) { day = day.next }
        return endOfBusiness(on: day)
    }

    /// The earliest instant by which `seconds` of business time have passed since `start`; only time inside
    /// business intervals of working days counts. For `seconds > 0` the result lies inside an interval or at
    /// its closing instant (a 1-hour deadline from 11:00 is due at 12:00, not 13:30). Zero returns `start`.
    public func addWorkingTime(_ seconds: TimeInterval, to start: Date) throws(WorkingCalendarError) -> Date {
        guard seconds.isFinite, seconds >= 0 else { throw .invalidDuration("\(seconds) s of working time") }
        if seconds == 0 { return start }
        if businessHours.isContinuous { return start.addingTimeInterval(seconds) }
        var remaining = seconds
        var day = day(containing: start)
        while true {
            for interval in try businessIntervals(on: day) where interval.end > start {
                let from = max(interval.start, start)
                let available = interval.end.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = day.next
        }
    }

    /// ``addWorkingTime(_:to:)`` in hours (N 个工作小时).
    public func addWorkingHours(_ hours: Double, to start: Date) throws(WorkingCalendarError) -> Date {
        try addWorkingTime(hours * 3600, to: start)
    }

    /// Business seconds elapsed between two instants; negative when `end` is before `start`.
    public func workingTime(from start: Date, to end: Date) throws(WorkingCalendarError) -> TimeInterval {
        if end < start { return -(try workingTime(from: end, to: start)) }
        if end == start { return 0 }
        if businessHours.isContinuous { return end.timeIntervalSince(start) }
        var lastDay = day(containing: end)
        if instant(lastDay) == end { lastDay = lastDay.adding(days: -1) }  // an end at midnight needs no next day
        var total: TimeInterval = 0
        var day = day(containing: start)
        while day <= lastDay {
            for interval in try businessIntervals(on: day) {
                let overlap = min(interval.end, end).timeIntervalSince(max(interval.start, start))
                if overlap > 0 { total += overlap }
            }
            day = day.next
        }
        return total
    }

    /// A deadline in natural hours (自然小时): elapsed time, whatever the calendar says.
    public func addNaturalHours(_ hours: Double, to start: Date) -> Date {
        start.addingTimeInterval(hours * 3600)
    }

    /// The deadline of `duration` counted from `start`.
    public func deadline(for duration: DeadlineDuration, from start: Date) throws(WorkingCalendarError) -> Date {
        switch duration {
        case let .naturalHours(h):
            guard h.isFinite, h >= 0 else { throw .invalidDuration("\(h) natural hours") }
            return addNaturalHours(h, to: start)
        case let .naturalDays(d): return try addNaturalDays(d, to: start)
        case let .workingDays(d): return try addWorkingDays(d, to: start)
        case let .workingHours(h): return try addWorkingHours(h, to: start)
        }
    }
}
