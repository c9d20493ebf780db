import Foundation

/// One public holiday of a year's schedule (法定节假日放假安排): the days off, inclusive, including the
/// weekend days that fall inside it.
public struct Holiday: Sendable, Hashable, Codable {
    /// Chinese name as in the notice, e.g. `春节`.
    public let nameZh: String
    /// English name, e.g. `Spring Festival`.
    public let nameEn: String
    /// First day off.
    public let firstDay: CalendarDay
    /// Last day off (inclusive).
    public let lastDay: CalendarDay

    /// A holiday; ``HolidaySchedule`` validates it.
    public init(nameZh: String, nameEn: String, firstDay: CalendarDay, lastDay: CalendarDay) {
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    /// Whether `day` is one of this holiday's days off.
    public func contains(_ day: CalendarDay) -> Bool { firstDay <= day && day <= lastDay }

    /// Every day off, in order.
    public var days: [CalendarDay] {
        (firstDay.dayNumber...max(firstDay.dayNumber, lastDay.dayNumber)).map(CalendarDay.init(dayNumber:))
    }
}

/// A year's official holiday schedule (国务院办公厅关于某年部分节假日安排的通知): the holidays and the make-up
/// working days (调休上班, weekend days that are working days). Every other day follows the normal week.
///
/// Data, not code: a year is published each November and loaded as JSON (``decode(from:)``) or iCalendar
/// (``importICalendar(_:year:source:)``) without a release.
///
/// Validation (the initialiser and both importers):
/// - `year` is 1900…9999 and `source` names the notice (title, number, URL);
/// - holidays have a Chinese name, end on or after their first day, and are listed in date order without
///   overlapping;
/// - make-up working days are Saturdays or Sundays, outside every holiday, each listed once;
/// - every date lies in `year`, except that a New Year holiday and its make-up day may start in the last
///   week of December of the year before (the 2017 and 2019 notices did so: 元旦 2016-12-31 – 2017-01-02;
///   2018-12-29 上班 in the 2019 notice).
public struct HolidaySchedule: Sendable, Hashable, Codable {
    /// The year this notice is for.
    public let year: Int
    /// The notice's title, number, publication date and URL, quoted so operators can check the data.
    public let source: String
    /// Holidays in date order.
    public let holidays: [Holiday]
    /// Make-up working days (调休上班), in date order; coded as `"YYYY-MM-DD"` strings.
    public let makeUpWorkdays: [CalendarDay]

    /// A validated schedule; make-up days are sorted, holidays must already be in order.
    public init(
        year: Int, source: String, holidays: [Holiday], makeUpWorkdays: [CalendarDay]
    ) throws(HolidayScheduleError) {
        guard (1900...9999).contains(year) else { throw .invalidYear(year) }
        guard !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .missingSource }
        func check(_ day: CalendarDay, _ field: String) throws(HolidayScheduleError) {
            let bridge = day.year == year - 1 && day.month == 12 && day.day >= 25
            guard day.year == year || bridge else { throw .dateOutsideYear(field: field, date: day, year: year) }
        }
        var previous: Holiday?
        for (i, holiday) in holidays.enumerated() {
            let field = "holidays[\(i)]"
            guard !holiday.nameZh.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .emptyHolidayName(field: field)
            }
            try check(holiday.firstDay, "\(field).firstDay")
            try check(holiday.lastDay, "\(field).lastDay")
            guard holiday.firstDay <= holiday.lastDay else {
                throw .holidayRangeReversed(name: holiday.nameZh, first: holiday.firstDay, last: holiday.lastDay)
            }
            if let previous, previous.lastDay >= holiday.firstDay {
                throw .holidaysOutOfOrder(previous: previous.nameZh, next: holiday.nameZh)
            }
            previous = holiday
        }
        var seen = Set<CalendarDay>()
        for (i, day) in makeUpWorkdays.enumerated() {
            try check(day, "makeUpWorkdays[\(i)]")
            guard day.weekday.isWeekend else { throw .makeUpDayNotWeekend(day) }
            guard !holidays.contains(where: { $0.contains(day) }) else { throw .makeUpDayIsHoliday(day) }
            guard seen.insert(day).inserted else { throw .duplicateMakeUpDay(day) }
        }
        self.year = year
        self.source = source
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays.sorted()
    }

    /// Whether `day` is a day off of one of the holidays.
    public func isHoliday(_ day: CalendarDay) -> Bool { holidays.contains { $0.contains(day) } }

    /// Decodes and validates a schedule from JSON:
    /// `{"year": 2026, "source": "…", "holidays": [{"nameZh": "春节", "nameEn": "Spring Festival",
    /// "firstDay": "2026-02-15", "lastDay": "2026-02-23"}], "makeUpWorkdays": ["2026-02-14"]}`.
    public static func decode(from data: Data) throws(HolidayScheduleError) -> HolidaySchedule {
        let raw: RawSchedule
        do {
            raw = try JSONDecoder().decode(RawSchedule.self, from: data)
        } catch let error as DecodingError {
            throw .malformedJSON(describe(error))
        } catch {
            throw .malformedJSON(String(describing: error))
        }
        return try raw.validated()
    }

    /// The schedule as pretty-printed JSON with sorted keys (the format ``decode(from:)`` reads).
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers and arrays of them cannot fail.
        return try! encoder.encode(self)
    }

    /// Decodes and validates like ``decode(from:)``; a rule broken throws ``HolidayScheduleError``.
    public init(from decoder: any Decoder) throws {
        self = try RawSchedule(from: decoder).validated()
    }

    // Dates are read as strings first so a bad date is reported with its field, not as a decoding failure.
    private struct RawSchedule: Decodable {
        struct RawHoliday: Decodable {
            var nameZh: String
            var nameEn: String?
            var firstDay: String
            var lastDay: String
        }

        var year: Int
        var source: String
        var holidays: [RawHoliday]
        var makeUpWorkdays: [String]

        func validated() throws(HolidayScheduleError) -> HolidaySchedule {
            func day(_ text: String, _ field: String) throws(HolidayScheduleError) -> CalendarDay {
                guard let day = CalendarDay(text) else { throw .invalidDate(field: field, value: text) }
                return day
            }
            var parsed: [Holiday] = []
            for (i, h) in holidays.enumerated() {
                parsed.append(Holiday(
                    nameZh: h.nameZh, nameEn: h.nameEn ?? h.nameZh,
                    firstDay: try day(h.firstDay, "holidays[\(i)].firstDay"),
                    lastDay: try day(h.lastDay, "holidays[\(i)].lastDay")))
            }
            var makeUps: [CalendarDay] = []
            for (i, text) in makeUpWorkdays.enumerated() {
                makeUps.append(try day(text, "makeUpWorkdays[\(i)]"))
            }
            return try HolidaySchedule(year: year, source: source, holidays: parsed, makeUpWorkdays: makeUps)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "(root)" : String(p.drop { $0 == "." })
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = path(context)
            return "missing field \"\(key.stringValue)\"" + (parent == "(root)" ? "" : " in \(parent)")
        case let .typeMismatch(type, context): return "\(path(context)): expected \(type)"
        case let .valueNotFound(type, context): return "\(path(context)): expected \(type), found null"
        case let .dataCorrupted(context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return String(describing: error)
        }
    }
}
