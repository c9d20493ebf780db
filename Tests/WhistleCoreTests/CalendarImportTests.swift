import Foundation
import Testing
import WhistleCore

@Suite("Holiday schedules: JSON and iCalendar import")
struct CalendarImportTests {
    // MARK: Shipped data

    @Test func shippedSchedulesMatchTheNotices() throws {
        let y2025 = try CalendarFixtures.schedule(2025)
        #expect(y2025.year == 2025)
        #expect(y2025.source.contains("国办发明电〔2024〕12号"))
        #expect(y2025.source.contains("https://wxredian.com/art?id=63e914e2d2b1c4a258e09fe1282edb17"))
        #expect(y2025.holidays.map(\.nameZh) == ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"])
        #expect(y2025.holidays.map { $0.days.count } == [1, 8, 3, 5, 3, 8])
        #expect(y2025.makeUpWorkdays.map(\.description) == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])

        let y2026 = try CalendarFixtures.schedule(2026)
        #expect(y2026.source.contains("https://politics.gmw.cn/2025-11/04/content_38391083.htm"))
        #expect(y2026.holidays.map { $0.days.count } == [3, 9, 3, 5, 3, 3, 7])
        #expect(y2026.holidays[1].firstDay.description == "2026-02-15")
        #expect(y2026.holidays[1].lastDay.description == "2026-02-23")
        #expect(y2026.makeUpWorkdays.map(\.description)
            == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
    }

    // MARK: Round trips

    @Test(arguments: [2025, 2026])
    func jsonRoundTrip(year: Int) throws {
        let schedule = try CalendarFixtures.schedule(year)
        #expect(try HolidaySchedule.decode(from: schedule.jsonData()) == schedule)
        // Codable through a plain JSONDecoder validates too.
        #expect(try JSONDecoder().decode(HolidaySchedule.self, from: schedule.jsonData()) == schedule)
    }

    @Test(arguments: [2025, 2026])
    func iCalendarRoundTrip(year: Int) throws {
        let schedule = try CalendarFixtures.schedule(year)
        let ics = schedule.iCalendar()
        // RFC 5545: CRLF lines of at most 75 octets.
        let lines = ics.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(ics.hasSuffix("END:VCALENDAR\r\n"))
        #expect(ics.contains("DTSTART;VALUE=DATE:\(year)"))
        // The source (long, Chinese, with commas) comes back through X-WR-CALDESC.
        #expect(try HolidaySchedule.importICalendar(ics, year: year) == schedule)
        // Reimported and exported again: identical text.
        #expect(try HolidaySchedule.importICalendar(ics, year: year).iCalendar() == ics)
    }

    @Test func multiYearFeedIsImportedOneYearAtATime() throws {
        let ics2025 = try CalendarFixtures.schedule(2025).iCalendar()
        let ics2026 = try CalendarFixtures.schedule(2026).iCalendar()
        // Splice the 2026 events into the 2025 calendar.
        let events2026 = ics2026.components(separatedBy: "BEGIN:VEVENT").dropFirst()
            .map { "BEGIN:VEVENT" + $0.replacingOccurrences(of: "END:VCALENDAR\r\n", with: "") }.joined()
        let both = ics2025.replacingOccurrences(of: "END:VCALENDAR\r\n", with: events2026 + "END:VCALENDAR\r\n")
        let imported = try HolidaySchedule.importICalendar(both, year: 2026, source: "feed")
        #expect(imported.holidays == (try CalendarFixtures.schedule(2026)).holidays)
        #expect(imported.makeUpWorkdays == (try CalendarFixtures.schedule(2026)).makeUpWorkdays)
        #expect(imported.source == "feed")
        #expect(throws: HolidayScheduleError.iCalendarNoEvents(year: 2027)) {
            try HolidaySchedule.importICalendar(both, year: 2027)
        }
    }

    @Test func thirdPartyFeedConvention() throws {
        // The shape of the public "中国节假日" feeds: one event per day, 休/班 markers, LF endings, a time zone
        // component, a folded SUMMARY and escaped text.
        let feed = """
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//example//holidays//CN
            BEGIN:VTIMEZONE
            TZID:Asia/Shanghai
            BEGIN:STANDARD
            DTSTART:19700101T000000
            TZOFFSETFROM:+0800
            TZOFFSETTO:+0800
            END:STANDARD
            END:VTIMEZONE
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260101
            DTEND;VALUE=DATE:20260104
            SUMMARY:元旦 休
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260104
            SUMMARY:元旦 班
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260214
            DTEND;VALUE=DATE:20260215
            SUMMARY:春节调休上班
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260215
            DTEND;VALUE=DATE:20260219
            SUMMARY:春节（休）
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260219
            DTEND;VALUE=DATE:20260224
            SUMMARY:春
             节（休）
            END:VEVENT
            BEGIN:VEVENT
            DTSTART:20260228
            SUMMARY:补班
            BEGIN:VALARM
            ACTION:DISPLAY
            TRIGGER:-PT15M
            END:VALARM
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260925
            DTEND;VALUE=DATE:20260928
            SUMMARY:中秋节\\, 团圆
            X-WHISTLE-NAME-EN:Mid-Autumn
            END:VEVENT
            END:VCALENDAR
            """
        let schedule = try HolidaySchedule.importICalendar(feed, year: 2026, source: "test feed")
        #expect(schedule.holidays.map(\.nameZh) == ["元旦", "春节", "中秋节, 团圆"])
        #expect(schedule.holidays.map(\.nameEn) == ["New Year's Day", "Spring Festival", "Mid-Autumn"])
        #expect(schedule.holidays[1].firstDay.description == "2026-02-15")  // two events merged into one range
        #expect(schedule.holidays[1].lastDay.description == "2026-02-23")
        #expect(schedule.makeUpWorkdays.map(\.description) == ["2026-01-04", "2026-02-14", "2026-02-28"])
    }

    @Test(arguments: [
        ("春节 班", true, "春节 班"), ("补班", true, "补班"), ("国庆节调休上班", true, "国庆节调休上班"),
        ("春节（班）", true, "春节（班）"), ("Make-up workday", true, "Make-up workday"),
        ("春节 休", false, "春节"), ("劳动节(休)", false, "劳动节"), ("国庆节放假", false, "国庆节"),
        ("春节假期", false, "春节"), ("端午节", false, "端午节"), ("休", false, "休"),
    ])
    func summaryConvention(summary: String, isMakeUp: Bool, name: String) {
        let result = HolidaySchedule.classify(summary: summary)
        #expect(result.isMakeUpWorkday == isMakeUp)
        #expect(result.name == name)
    }

    // MARK: Malformed JSON

    private static func json(
        year: String = "2026", source: String = #""notice""#,
        holidays: String = #"[{"nameZh": "春节", "nameEn": "Spring Festival", "firstDay": "2026-02-15", "lastDay": "2026-02-23"}]"#,
        makeUps: String = #"["2026-02-14"]"#
    ) -> Data {
        Data(#"{"year": \#(year), "source": \#(source), "holidays": \#(holidays), "makeUpWorkdays": \#(makeUps)}"#.utf8)
    }

    private static func holiday(_ name: String, _ first: String, _ last: String) -> String {
        #"{"nameZh": "\#(name)", "nameEn": "x", "firstDay": "\#(first)", "lastDay": "\#(last)"}"#
    }

    @Test func validJSONFixtureDecodes() throws {
        #expect(try HolidaySchedule.decode(from: Self.json()).holidays.count == 1)
    }

    @Test func malformedJSON() {
        func error(_ data: Data) -> HolidayScheduleError? {
            do { _ = try HolidaySchedule.decode(from: data); return nil } catch { return error }
        }
        if case let .malformedJSON(detail) = error(Data("not json".utf8)) {
            #expect(!detail.isEmpty)
        } else { Issue.record("expected malformedJSON") }
        if case let .malformedJSON(detail) = error(Data(#"{"year": 2026, "holidays": [], "makeUpWorkdays": []}"#.utf8)) {
            #expect(detail.contains("source"))
        } else { Issue.record("expected malformedJSON naming source") }
        if case let .malformedJSON(detail) = error(Self.json(year: #""2026""#)) {
            #expect(detail.contains("year"))
        } else { Issue.record("expected malformedJSON naming year") }

        #expect(error(Self.json(source: #""  ""#)) == .missingSource)
        #expect(error(Self.json(year: "26")) == .invalidYear(26))
        #expect(error(Self.json(holidays: "[" + Self.holiday("春节", "2026-02-15", "2026-02-30") + "]"))
            == .invalidDate(field: "holidays[0].lastDay", value: "2026-02-30"))
        #expect(error(Self.json(makeUps: #"["2026/02/14"]"#)) == .invalidDate(field: "makeUpWorkdays[0]", value: "2026/02/14"))
        #expect(error(Self.json(holidays: "[" + Self.holiday("元旦", "2027-01-01", "2027-01-03") + "]"))
            == .dateOutsideYear(field: "holidays[0].firstDay", date: CalendarDay("2027-01-01")!, year: 2026))
        #expect(error(Self.json(holidays: "[" + Self.holiday("春节", "2026-02-23", "2026-02-15") + "]"))
            == .holidayRangeReversed(name: "春节", first: CalendarDay("2026-02-23")!, last: CalendarDay("2026-02-15")!))
        #expect(error(Self.json(holidays: "[" + Self.holiday("国庆节", "2026-10-01", "2026-10-07") + ","
                + Self.holiday("春节", "2026-02-15", "2026-02-23") + "]"))
            == .holidaysOutOfOrder(previous: "国庆节", next: "春节"))
        #expect(error(Self.json(holidays: "[" + Self.holiday("", "2026-02-15", "2026-02-23") + "]"))
            == .emptyHolidayName(field: "holidays[0]"))
        #expect(error(Self.json(makeUps: #"["2026-03-03"]"#)) == .makeUpDayNotWeekend(CalendarDay("2026-03-03")!))
        #expect(error(Self.json(makeUps: #"["2026-02-21"]"#)) == .makeUpDayIsHoliday(CalendarDay("2026-02-21")!))
        #expect(error(Self.json(makeUps: #"["2026-02-14", "2026-02-14"]"#)) == .duplicateMakeUpDay(CalendarDay("2026-02-14")!))
    }

    @Test func newYearBridgeFromDecember() throws {
        // The 2019 notice: 元旦 2018-12-30 – 2019-01-01, 2018-12-29 (Saturday) 上班.
        let y2019 = try HolidaySchedule(
            year: 2019, source: "国务院办公厅关于2019年部分节假日安排的通知",
            holidays: [Holiday(nameZh: "元旦", nameEn: "New Year's Day", firstDay: CalendarDay("2018-12-30")!,
                               lastDay: CalendarDay("2019-01-01")!)],
            makeUpWorkdays: [CalendarDay("2018-12-29")!])
        #expect(y2019.isHoliday(CalendarDay("2018-12-31")!))
        #expect(throws: HolidayScheduleError.dateOutsideYear(field: "makeUpWorkdays[0]", date: CalendarDay("2018-12-22")!, year: 2019)) {
            try HolidaySchedule(year: 2019, source: "x", holidays: [], makeUpWorkdays: [CalendarDay("2018-12-22")!])
        }
    }

    // MARK: Malformed iCalendar

    private static func ics(_ body: String) -> String {
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALDESC:src\r\n" + body + "END:VCALENDAR\r\n"
    }

    @Test(arguments: [
        ("VERSION:2.0\r\n", HolidayScheduleError.iCalendarMalformed(line: 1, reason: "VERSION outside BEGIN:VCALENDAR … END:VCALENDAR")),
        ("", HolidayScheduleError.iCalendarMalformed(line: 1, reason: "no BEGIN:VCALENDAR")),
        (ics("BEGIN:VEVENT\r\nDTSTART:20260215T090000\r\nSUMMARY:春节\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.iCalendarUnsupported(line: 5, feature: "DTSTART with a time (holidays are all-day VALUE=DATE)")),
        (ics("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260215\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:春节\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.iCalendarUnsupported(line: 6, feature: "RRULE (list each holiday as its own event)")),
        (ics("BEGIN:VEVENT\r\nSUMMARY:春节\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.iCalendarMalformed(line: 6, reason: "VEVENT without DTSTART")),
        (ics("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260230\r\nSUMMARY:春节\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.iCalendarMalformed(line: 5, reason: "DTSTART \"20260230\" is not a YYYYMMDD date")),
        (ics("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260215\r\nDTEND;VALUE=DATE:20260215\r\nSUMMARY:春节\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.iCalendarMalformed(line: 6, reason: "DTEND must be after DTSTART (DTEND is exclusive)")),
        (ics("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260215\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.iCalendarMalformed(line: 5, reason: "VEVENT without SUMMARY")),
        (ics("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260215\r\nSUMMARY:春节\r\n"),
         HolidayScheduleError.iCalendarMalformed(line: 7, reason: "END:VCALENDAR does not close BEGIN:VEVENT")),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260215\r\nSUMMARY:春节\r\nEND:VEVENT\r\n",
         HolidayScheduleError.iCalendarMalformed(line: 5, reason: "missing END:VCALENDAR")),
        (ics("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260215\r\nSUMMARY\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.iCalendarMalformed(line: 6, reason: "content line without \":\"")),
        (ics("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260216\r\nSUMMARY:补班\r\nEND:VEVENT\r\n"),
         HolidayScheduleError.makeUpDayNotWeekend(CalendarDay("2026-02-16")!)),
    ])
    func malformedICalendar(text: String, expected: HolidayScheduleError) {
        #expect(throws: expected) { try HolidaySchedule.importICalendar(text, year: 2026) }
    }

    @Test func iCalendarWithoutSourceIsRefused() throws {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260215\r\nSUMMARY:春节\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        #expect(throws: HolidayScheduleError.missingSource) { try HolidaySchedule.importICalendar(text, year: 2026) }
        #expect(try HolidaySchedule.importICalendar(text, year: 2026, source: "operator file").holidays.count == 1)
    }

    @Test func errorsSpeakBothLanguages() {
        let error = HolidayScheduleError.makeUpDayNotWeekend(CalendarDay("2026-03-03")!)
        #expect(error.code == "calendar.makeup_day_not_weekend")
        #expect(error.messageZh.contains("2026-03-03"))
        #expect(error.messageEn.contains("Saturday or Sunday"))
        #expect(WorkingCalendarError.calendarYearMissing(2027).code == "calendar.year_missing")
    }
}
