import Foundation

/// Why a holiday schedule (放假调休安排) file was refused. Each case names the field or line at fault.
public enum HolidayScheduleError: DomainError, Equatable {
    /// Not JSON, or a field is missing or has the wrong type; the text says where.
    case malformedJSON(String)
    /// The year is not a plausible four-digit year.
    case invalidYear(Int)
    /// `source` (the notice and where it was published) is empty.
    case missingSource
    /// A date field is not a valid `YYYY-MM-DD` date.
    case invalidDate(field: String, value: String)
    /// A date does not belong to the schedule's year (see ``HolidaySchedule`` for the New Year bridge).
    case dateOutsideYear(field: String, date: CalendarDay, year: Int)
    /// A holiday has no Chinese name.
    case emptyHolidayName(field: String)
    /// A holiday ends before it starts.
    case holidayRangeReversed(name: String, first: CalendarDay, last: CalendarDay)
    /// Holidays are not in date order, or two of them overlap.
    case holidaysOutOfOrder(previous: String, next: String)
    /// A make-up working day (调休上班) is not a Saturday or Sunday.
    case makeUpDayNotWeekend(CalendarDay)
    /// A make-up working day is also inside a holiday.
    case makeUpDayIsHoliday(CalendarDay)
    /// A make-up working day is listed twice.
    case duplicateMakeUpDay(CalendarDay)
    /// An iCalendar file breaks RFC 5545 or the holiday convention; `line` is 1-based (after unfolding it
    /// is the line where the content line starts).
    case iCalendarMalformed(line: Int, reason: String)
    /// An iCalendar feature that a holiday schedule cannot express (RRULE, timed events, DURATION).
    case iCalendarUnsupported(line: Int, feature: String)
    /// The iCalendar file has no event for the year asked for.
    case iCalendarNoEvents(year: Int)

    public var code: String {
        switch self {
        case .malformedJSON: "calendar.malformed_json"
        case .invalidYear: "calendar.invalid_year"
        case .missingSource: "calendar.missing_source"
        case .invalidDate: "calendar.invalid_date"
        case .dateOutsideYear: "calendar.date_outside_year"
        case .emptyHolidayName: "calendar.empty_holiday_name"
        case .holidayRangeReversed: "calendar.holiday_range_reversed"
        case .holidaysOutOfOrder: "calendar.holidays_out_of_order"
        case .makeUpDayNotWeekend: "calendar.makeup_day_not_weekend"
        case .makeUpDayIsHoliday: "calendar.makeup_day_is_holiday"
        case .duplicateMakeUpDay: "calendar.duplicate_makeup_day"
        case .iCalendarMalformed: "calendar.ical_malformed"
        case .iCalendarUnsupported: "calendar.ical_unsupported"
        case .iCalendarNoEvents: "calendar.ical_no_events"
        }
    }

    public var kind: DomainErrorKind { .invalid }

    public var messageZh: String {
        switch self {
        case let .malformedJSON(detail): "节假日安排文件格式错误：\(detail)"
        case let .invalidYear(year): "年份“\(year)”无效"
        case .missingSource: "缺少来源（通知名称、文号和网址）"
        case let .invalidDate(field, value): "\(field) 的日期“\(value)”无效，应为 YYYY-MM-DD"
        case let .dateOutsideYear(field, date, year): "\(field) 的日期 \(date) 不属于 \(year) 年的安排"
        case let .emptyHolidayName(field): "\(field) 缺少节日名称"
        case let .holidayRangeReversed(name, first, last): "“\(name)”的放假结束日 \(last) 早于开始日 \(first)"
        case let .holidaysOutOfOrder(previous, next): "“\(next)”应排在“\(previous)”之后且不能与之重叠"
        case let .makeUpDayNotWeekend(day): "调休上班日 \(day) 不是周六或周日"
        case let .makeUpDayIsHoliday(day): "调休上班日 \(day) 同时在放假期间内"
        case let .duplicateMakeUpDay(day): "调休上班日 \(day) 重复"
        case let .iCalendarMalformed(line, reason): "iCalendar 文件第 \(line) 行有误：\(reason)"
        case let .iCalendarUnsupported(line, feature): "iCalendar 文件第 \(line) 行使用了不支持的功能：\(feature)"
        case let .iCalendarNoEvents(year): "iCalendar 文件中没有 \(year) 年的事件"
        }
    }

    public var messageEn: String {
        switch self {
        case let .malformedJSON(detail): "malformed holiday schedule: \(detail)"
        case let .invalidYear(year): "invalid year \(year)"
        case .missingSource: "source (notice title, number and URL) is missing"
        case let .invalidDate(field, value): "\(field): \"\(value)\" is not a valid YYYY-MM-DD date"
        case let .dateOutsideYear(field, date, year): "\(field): \(date) does not belong to the \(year) schedule"
        case let .emptyHolidayName(field): "\(field): the holiday has no name"
        case let .holidayRangeReversed(name, first, last): "holiday \"\(name)\" ends (\(last)) before it starts (\(first))"
        case let .holidaysOutOfOrder(previous, next): "holiday \"\(next)\" must come after \"\(previous)\" without overlapping it"
        case let .makeUpDayNotWeekend(day): "make-up working day \(day) is not a Saturday or Sunday"
        case let .makeUpDayIsHoliday(day): "make-up working day \(day) lies inside a holiday"
        case let .duplicateMakeUpDay(day): "make-up working day \(day) is listed twice"
        case let .iCalendarMalformed(line, reason): "iCalendar line \(line): \(reason)"
        case let .iCalendarUnsupported(line, feature): "iCalendar line \(line): unsupported \(feature)"
        case let .iCalendarNoEvents(year): "the iCalendar file has no event in \(year)"
        }
    }
}

/// Why business hours (办公时间) were refused.
public enum BusinessHoursError: DomainError, Equatable {
    /// No weekday is a normal working day.
    case noWorkingWeekdays
    /// No daily interval.
    case noIntervals
    /// An interval is empty or leaves 00:00–24:00 (minutes 0…1440).
    case intervalOutOfDay(start: Int, end: Int)
    /// Intervals are not in order or overlap.
    case intervalsOverlap(DailyInterval, DailyInterval)

    public var code: String {
        switch self {
        case .noWorkingWeekdays: "calendar.no_working_weekdays"
        case .noIntervals: "calendar.no_business_intervals"
        case .intervalOutOfDay: "calendar.interval_out_of_day"
        case .intervalsOverlap: "calendar.intervals_overlap"
        }
    }

    public var kind: DomainErrorKind { .invalid }

    public var messageZh: String {
        switch self {
        case .noWorkingWeekdays: "办公时间至少需要一个工作的星期几"
        case .noIntervals: "办公时间至少需要一个时段"
        case let .intervalOutOfDay(start, end): "时段 \(start)–\(end) 分钟无效：应在 0–1440 之间且开始早于结束"
        case let .intervalsOverlap(a, b): "时段 \(a) 与 \(b) 顺序错误或重叠"
        }
    }

    public var messageEn: String {
        switch self {
        case .noWorkingWeekdays: "business hours need at least one working weekday"
        case .noIntervals: "business hours need at least one daily interval"
        case let .intervalOutOfDay(start, end): "interval \(start)–\(end) minutes is empty or outside 0–1440"
        case let .intervalsOverlap(a, b): "intervals \(a) and \(b) are out of order or overlap"
        }
    }
}

/// Why working-calendar arithmetic could not answer.
public enum WorkingCalendarError: DomainError, Equatable {
    /// The calendar observes public holidays but has no schedule for this year. Never guessed as a normal
    /// year: the State Council publishes each year's schedule in November, and a deployment must load it.
    case calendarYearMissing(Int)
    /// Two schedules for the same year.
    case duplicateYear(Int)
    /// A negative, infinite or NaN amount of time.
    case invalidDuration(String)

    public var code: String {
        switch self {
        case .calendarYearMissing: "calendar.year_missing"
        case .duplicateYear: "calendar.duplicate_year"
        case .invalidDuration: "calendar.invalid_duration"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .calendarYearMissing: .notFound
        case .duplicateYear: .conflict
        case .invalidDuration: .invalid
        }
    }

    public var messageZh: String {
        switch self {
        case let .calendarYearMissing(year): "工作日历缺少 \(year) 年的节假日安排，请导入国务院办公厅的年度通知"
        case let .duplicateYear(year): "\(year) 年的节假日安排重复"
        case let .invalidDuration(value): "时长“\(value)”无效"
        }
    }

    public var messageEn: String {
        switch self {
        case let .calendarYearMissing(year): "the working calendar has no holiday schedule for \(year); import the State Council notice"
        case let .duplicateYear(year): "two holiday schedules for \(year)"
        case let .invalidDuration(value): "invalid duration \(value)"
        }
    }
}

/// Why a pause or resume of a deadline clock (延期/挂账) was refused.
public enum DeadlineClockError: DomainError, Equatable {
    /// Pausing before the clock started.
    case pauseBeforeStart(Date)
    /// Pausing a clock that is already paused.
    case alreadyPaused
    /// Resuming a clock that is running.
    case notPaused
    /// A pause or resume earlier than the clock's last event.
    case outOfOrder(Date, after: Date)

    public var code: String {
        switch self {
        case .pauseBeforeStart: "deadline.pause_before_start"
        case .alreadyPaused: "deadline.already_paused"
        case .notPaused: "deadline.not_paused"
        case .outOfOrder: "deadline.out_of_order"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .alreadyPaused, .notPaused: .conflict
        default: .invalid
        }
    }

    public var messageZh: String {
        switch self {
        case .pauseBeforeStart: "计时开始前不能暂停"
        case .alreadyPaused: "计时已暂停"
        case .notPaused: "计时未暂停，不能恢复"
        case .outOfOrder: "暂停或恢复时间早于上一次计时事件"
        }
    }

    public var messageEn: String {
        switch self {
        case .pauseBeforeStart: "cannot pause before the clock starts"
        case .alreadyPaused: "the clock is already paused"
        case .notPaused: "the clock is not paused"
        case .outOfOrder: "a pause or resume cannot precede the clock's previous event"
        }
    }
}
