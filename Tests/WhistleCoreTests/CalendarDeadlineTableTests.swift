import Foundation
import Testing
import WhistleCore

/// One hand-checked row: from `start` (Beijing time), `days` working days end at close of business (17:30)
/// of the `days`-th working day after the start day.
struct WorkingDaysRow: Sendable, CustomTestStringConvertible {
    var start: String
    var days: Int
    var due: String
    var testDescription: String { "\(start) + \(days) working days → \(due)" }
}

private func rows(_ start: String, _ dues: [Int: String]) -> [WorkingDaysRow] {
    dues.sorted { $0.key < $1.key }.map { WorkingDaysRow(start: start, days: $0.key, due: $0.value + " 17:30") }
}

@Suite("Working-day deadlines across official holidays (5×8 office)")
struct CalendarDeadlineTableTests {
    // 2026 Spring Festival: holidays Sun 02-15 … Mon 02-23 (9 days); make-up Saturdays 02-14 and 02-28.
    // Working days around it: Thu 12, Fri 13, Sat 14 (调休), [15–23 off], Tue 24, Wed 25, Thu 26, Fri 27,
    // Sat 28 (调休), [Sun 03-01 off], Mon 03-02, Tue 03-03, Wed 03-04.
    static let springFestival2026: [WorkingDaysRow] =
        // Thu 12 → 13(1) 14(2) 24(3) 25(4) 26(5) 27(6) 28(7)
        rows("2026-02-12 10:00", [1: "2026-02-13", 3: "2026-02-24", 5: "2026-02-26", 7: "2026-02-28"])
        // Fri 13 after hours → 14(1) 24(2) 25(3) 26(4) 27(5) 28(6) 03-02(7): the evening start changes nothing.
        + rows("2026-02-13 16:00", [1: "2026-02-14", 3: "2026-02-25", 5: "2026-02-27", 7: "2026-03-02"])
        + rows("2026-02-13 20:00", [1: "2026-02-14", 3: "2026-02-25", 5: "2026-02-27", 7: "2026-03-02"])
        // Sat 14 (make-up day itself; the start day never counts) → 24(1) 25 26(3) 27 28(5) 03-02 03-03(7)
        + rows("2026-02-14 11:00", [1: "2026-02-24", 3: "2026-02-26", 5: "2026-02-28", 7: "2026-03-03"])
        // Wed 18 (初二, a holiday) and Mon 23 late (last holiday) count exactly like Sat 14.
        + rows("2026-02-18 09:30", [1: "2026-02-24", 3: "2026-02-26", 5: "2026-02-28", 7: "2026-03-03"])
        + rows("2026-02-23 23:59", [1: "2026-02-24", 3: "2026-02-26", 5: "2026-02-28", 7: "2026-03-03"])
        // Tue 24 before opening → 25(1) 26 27(3) 28 03-02(5) 03-03 03-04(7)
        + rows("2026-02-24 08:00", [1: "2026-02-25", 3: "2026-02-27", 5: "2026-03-02", 7: "2026-03-04"])

    // 2025 National Day + Mid-Autumn: holidays Wed 10-01 … Wed 10-08; make-up Sun 09-28 and Sat 10-11.
    static let nationalDay2025: [WorkingDaysRow] =
        // Fri 09-26 → [Sat 27 off] 28(1, Sunday make-up) 29 30(3) [10-01…08 off] 10-09 10(5) 11(6, Sat) [12 off] 13(7)
        rows("2025-09-26 15:00", [1: "2025-09-28", 3: "2025-09-30", 5: "2025-10-10", 7: "2025-10-13"])
        // Tue 09-30 → 10-09(1) 10 11(3) [12 off] 13 14(5) 15 16(7)
        + rows("2025-09-30 17:00", [1: "2025-10-09", 3: "2025-10-11", 5: "2025-10-14", 7: "2025-10-16"])
        // Sat 10-04, inside the holiday: same as from the last working day before it.
        + rows("2025-10-04 10:00", [1: "2025-10-09", 3: "2025-10-11", 5: "2025-10-14", 7: "2025-10-16"])

    // 2026 New Year: holidays Thu 01-01 … Sat 01-03; make-up Sun 01-04. Crosses the 2025/2026 schedules.
    static let newYear2026: [WorkingDaysRow] =
        // Tue 12-30 → 31(1) [01-01…03 off] 04(2, Sunday make-up) 05(3) 06 07(5) 08 09(7)
        rows("2025-12-30 10:00", [1: "2025-12-31", 3: "2026-01-05", 5: "2026-01-07", 7: "2026-01-09"])
        // Wed 12-31 → 04(1) 05 06(3) 07 08(5) 09 [10, 11 weekend] 12(7)
        + rows("2025-12-31 10:00", [1: "2026-01-04", 3: "2026-01-06", 5: "2026-01-08", 7: "2026-01-12"])
        + rows("2026-01-03 12:00", [1: "2026-01-04", 3: "2026-01-06", 5: "2026-01-08", 7: "2026-01-12"])

    @Test(arguments: springFestival2026 + nationalDay2025 + newYear2026)
    func workingDays(_ row: WorkingDaysRow) throws {
        let calendar = try CalendarFixtures.office()
        let due = try calendar.addWorkingDays(row.days, to: CalendarFixtures.bj(row.start))
        #expect(CalendarFixtures.text(due) == row.due)
        #expect(due == CalendarFixtures.bj(row.due))
    }

    @Test func absoluteInstantIsBeijingCloseOfBusiness() throws {
        // 17:30 Beijing is 09:30 UTC, whatever the machine's zone.
        let due = try CalendarFixtures.office().addWorkingDays(3, to: CalendarFixtures.bj("2026-02-12 10:00"))
        #expect(due == Date(timeIntervalSince1970: 1_771_925_400))  // 2026-02-24T09:30:00Z
    }

    @Test func otherBusinessHours() throws {
        // Whole working days end at 24:00: 3 working days from Fri 02-13 → 14, 24, 25 → 02-26 00:00.
        #expect(try CalendarFixtures.text(CalendarFixtures.wholeDays().addWorkingDays(3, to: CalendarFixtures.bj("2026-02-13 16:00")))
            == "2026-02-26 00:00")
        // The 7×24 hotline counts every day: 1 working day from Fri 02-13 ends at the end of Sat 02-14.
        #expect(try CalendarFixtures.text(CalendarFixtures.hotline().addWorkingDays(1, to: CalendarFixtures.bj("2026-02-13 16:00")))
            == "2026-02-15 00:00")
        // 0 working days: close of business of the start day, or of the next working day.
        let office = try CalendarFixtures.office()
        #expect(CalendarFixtures.text(try office.addWorkingDays(0, to: CalendarFixtures.bj("2026-02-13 10:00"))) == "2026-02-13 17:30")
        #expect(CalendarFixtures.text(try office.addWorkingDays(0, to: CalendarFixtures.bj("2026-02-15 10:00"))) == "2026-02-24 17:30")
    }

    @Test func zoneWithDaylightSavingTime() throws {
        // A Berlin 5×8 office (09:00–17:00, no holiday schedule) across the switch to summer time on
        // Sun 2026-03-29: exercises the Calendar path used for zones whose offset changes.
        let berlin = try WorkingCalendar(
            schedules: [], timeZone: TimeZone(identifier: "Europe/Berlin")!,
            businessHours: BusinessHours(weekdays: Weekday.workweek, intervals: [DailyInterval(9, 0, to: 17, 0)], observesHolidays: false))
        let fridayNine = Date(timeIntervalSince1970: 1_774_598_400)  // 2026-03-27T08:00Z = 09:00 CET
        // 8 h on Friday, then 1 h on Monday from 09:00 CEST (07:00Z) → 08:00Z.
        #expect(try berlin.addWorkingHours(9, to: fridayNine) == Date(timeIntervalSince1970: 1_774_857_600))
        #expect(try berlin.workingTime(from: fridayNine + 7 * 3600, to: Date(timeIntervalSince1970: 1_774_857_600)) == 2 * 3600)
        // 1 working day from Friday: Monday 17:00 CEST = 15:00Z.
        #expect(try berlin.addWorkingDays(1, to: fridayNine) == Date(timeIntervalSince1970: 1_774_882_800))
        // Before 2000 even Beijing goes through Calendar (China had DST until 1991); the paths agree at the seam.
        let hotline = try CalendarFixtures.hotline()
        #expect(hotline.day(containing: CalendarFixtures.bj("1999-12-31 23:59")).description == "1999-12-31")
        #expect(CalendarFixtures.text(try hotline.addWorkingDays(1, to: CalendarFixtures.bj("1999-12-31 10:00"))) == "2000-01-02 00:00")
        #expect(hotline.instant(CalendarDay("1999-12-31")!, minute: 1440) == hotline.instant(CalendarDay("2000-01-01")!))
    }

    @Test func workingHours() throws {
        let office = try CalendarFixtures.office()
        func add(_ hours: Double, _ start: String) throws -> String {
            CalendarFixtures.text(try office.addWorkingHours(hours, to: CalendarFixtures.bj(start)))
        }
        // Fri 13 17:00: 30 min to closing, then 30 min on make-up Sat 14 from 09:00.
        #expect(try add(1, "2026-02-13 17:00") == "2026-02-14 09:30")
        // Sat 14 17:00: 30 min, then the holiday, then Tue 24 from 09:00.
        #expect(try add(1, "2026-02-14 17:00") == "2026-02-24 09:30")
        // 1 hour from 11:00 ends at the morning's closing instant 12:00, not after lunch.
        #expect(try add(1, "2026-02-12 11:00") == "2026-02-12 12:00")
        // 2 hours from 11:00: 11:00–12:00, lunch, 13:30–14:30.
        #expect(try add(2, "2026-02-12 11:00") == "2026-02-12 14:30")
        // A start at night begins counting at the next opening.
        #expect(try add(0.5, "2026-02-12 22:00") == "2026-02-13 09:30")
        // Wed 2025-12-31 16:30: 1 h that day, then the whole 7 h of make-up Sun 2026-01-04.
        #expect(try add(8, "2025-12-31 16:30") == "2026-01-04 17:30")
        // And back: 30 min + 7 h (Sat 14) + 30 min.
        #expect(try office.workingTime(from: CalendarFixtures.bj("2026-02-13 17:00"), to: CalendarFixtures.bj("2026-02-24 09:30"))
            == 8 * 3600)
        #expect(try office.workingTime(from: CalendarFixtures.bj("2026-02-24 09:30"), to: CalendarFixtures.bj("2026-02-13 17:00"))
            == -8 * 3600)
    }

    @Test func naturalDaysAndHours() throws {
        let office = try CalendarFixtures.office()
        // 7 日 from Thu 02-12: day 7 is Thu 02-19, a holiday → next working day Tue 02-24 (民法典 第二百零三条).
        #expect(CalendarFixtures.text(try office.addNaturalDays(7, to: CalendarFixtures.bj("2026-02-12 10:00"))) == "2026-02-24 17:30")
        // 7 日 from Mon 02-02 → Mon 02-09, a working day.
        #expect(CalendarFixtures.text(try office.addNaturalDays(7, to: CalendarFixtures.bj("2026-02-02 10:00"))) == "2026-02-09 17:30")
        // Natural hours ignore the calendar: 2 h over a holiday night.
        #expect(CalendarFixtures.text(office.addNaturalHours(2, to: CalendarFixtures.bj("2026-02-17 23:00"))) == "2026-02-18 01:00")
    }

    @Test func workingDayCounts() throws {
        let office = try CalendarFixtures.office()
        // 2025: 261 weekdays − 18 weekday holidays + 5 make-up days; 2026: 261 − 19 + 6. Both 248.
        for year in [2025, 2026] {
            let first = CalendarDay(year: year, month: 1, day: 1)!
            let days = (0..<365).map { first.adding(days: $0) }
            #expect(try days.filter { try office.isWorkingDay($0) }.count == 248)
        }
        #expect(try office.isWorkingDay(CalendarDay("2026-02-14")!))  // 调休 Saturday
        #expect(try !office.isWorkingDay(CalendarDay("2026-02-16")!))  // Monday in the holiday
        #expect(try !office.isWorkingDay(CalendarDay("2026-03-01")!))  // ordinary Sunday
        #expect(try office.isOpen(at: CalendarFixtures.bj("2026-02-14 09:00")))
        #expect(try !office.isOpen(at: CalendarFixtures.bj("2026-02-14 12:00")))
        #expect(try !office.isOpen(at: CalendarFixtures.bj("2026-02-16 10:00")))
    }

    @Test func missingYearIsAnErrorNeverANormalWeek() throws {
        let only2025 = try CalendarFixtures.office([2025])
        // Tue 2025-12-30 + 3 working days must look at 2026-01-01.
        #expect(throws: WorkingCalendarError.calendarYearMissing(2026)) {
            try only2025.addWorkingDays(3, to: CalendarFixtures.bj("2025-12-30 10:00"))
        }
        #expect(throws: WorkingCalendarError.calendarYearMissing(2026)) {
            try only2025.addWorkingHours(40, to: CalendarFixtures.bj("2025-12-29 10:00"))
        }
        let both = try CalendarFixtures.office()
        #expect(throws: WorkingCalendarError.calendarYearMissing(2024)) { try both.isWorkingDay(CalendarDay("2024-05-01")!) }
        #expect(throws: WorkingCalendarError.calendarYearMissing(2027)) {
            try both.workingTime(from: CalendarFixtures.bj("2026-12-30 10:00"), to: CalendarFixtures.bj("2027-01-02 10:00"))
        }
        // Ending exactly at midnight does not need the next year.
        #expect(try both.workingTime(from: CalendarFixtures.bj("2026-12-31 17:00"), to: CalendarFixtures.bj("2027-01-01 00:00")) == 1800)
        #expect(both.missingYears(2025...2027) == [2027])
        // The 7×24 hotline needs no schedule at all.
        #expect(try CalendarFixtures.hotline().isWorkingDay(CalendarDay("2030-02-03")!))
        #expect(try CalendarFixtures.hotline().missingYears([2030]).isEmpty)
        // Adding next year's notice as data fixes it.
        let next = try HolidaySchedule(year: 2027, source: "test notice", holidays: [], makeUpWorkdays: [])
        #expect(try both.adding(next).isWorkingDay(CalendarDay("2027-01-04")!))
        #expect(throws: WorkingCalendarError.duplicateYear(2026)) { try both.adding(CalendarFixtures.schedule(2026)) }
        #expect(throws: WorkingCalendarError.invalidDuration("-1 working days")) {
            try both.addWorkingDays(-1, to: CalendarFixtures.bj("2026-03-02 10:00"))
        }
    }
}

@Suite("Deadline clocks and classes")
struct CalendarDeadlineClockTests {
    @Test func generalResolutionWithExtensionPause() throws {
        let office = try CalendarFixtures.office()
        // 一般 7 working days from Thu 02-12 10:00 → Sat 02-28 17:30 (see the table above).
        var clock = DeadlineClock(start: CalendarFixtures.bj("2026-02-12 10:00"), allowed: .workingDays(7))
        #expect(CalendarFixtures.text(try clock.dueAt(office)) == "2026-02-28 17:30")
        // Budget: Thu 12 6 h + Fri 13 7 h + Sat 14 7 h + 24…28 5 × 7 h = 55 working hours.
        #expect(try clock.allowedTime(in: office) == 55 * 3600)
        // 75 % = 41.25 h, reached on Fri 02-27 at 09:15 (41 h by the end of Thu 26).
        #expect(try clock.light(at: CalendarFixtures.bj("2026-02-27 09:14"), in: office) == .green)
        #expect(try clock.light(at: CalendarFixtures.bj("2026-02-27 09:16"), in: office) == .yellow)
        #expect(try clock.light(at: CalendarFixtures.bj("2026-02-28 17:29"), in: office) == .yellow)
        #expect(try clock.light(at: CalendarFixtures.bj("2026-02-28 17:30"), in: office) == .red)

        // 延期 approved: paused Tue 24 10:00 → Wed 25 10:00 = 6 h + 1 h = 7 working hours, one working day:
        // the due date moves from Sat 28 17:30 to Mon 03-02 17:30.
        try clock.pause(at: CalendarFixtures.bj("2026-02-24 10:00"))
        #expect(clock.isPaused)
        #expect(CalendarFixtures.text(try clock.dueAt(office, asOf: CalendarFixtures.bj("2026-02-25 10:00"))) == "2026-03-02 17:30")
        // Without "now", as if resumed at the pause.
        #expect(CalendarFixtures.text(try clock.dueAt(office)) == "2026-02-28 17:30")
        // The light is frozen while paused, even long after the old deadline.
        let atPause = try clock.elapsedFraction(at: CalendarFixtures.bj("2026-02-24 10:00"), in: office)
        #expect(try clock.elapsedFraction(at: CalendarFixtures.bj("2026-03-20 10:00"), in: office) == atPause)
        #expect(try clock.light(at: CalendarFixtures.bj("2026-03-20 10:00"), in: office) == .green)

        try clock.resume(at: CalendarFixtures.bj("2026-02-25 10:00"))
        #expect(CalendarFixtures.text(try clock.dueAt(office)) == "2026-03-02 17:30")
        #expect(try clock.light(at: CalendarFixtures.bj("2026-03-02 17:30"), in: office) == .red)
    }

    @Test func naturalHoursClockMovesByNaturalPause() throws {
        var clock = DeadlineClock(start: CalendarFixtures.bj("2026-02-17 23:00"), allowed: .naturalHours(2))
        let hotline = try CalendarFixtures.hotline()
        #expect(CalendarFixtures.text(try clock.dueAt(hotline)) == "2026-02-18 01:00")
        try clock.pause(at: CalendarFixtures.bj("2026-02-17 23:30"))
        try clock.resume(at: CalendarFixtures.bj("2026-02-18 08:00"))
        #expect(CalendarFixtures.text(try clock.dueAt(hotline)) == "2026-02-18 09:30")
        // A pause after the deadline changes nothing: the clock stays red.
        var late = DeadlineClock(start: CalendarFixtures.bj("2026-02-17 23:00"), allowed: .naturalHours(2))
        try late.pause(at: CalendarFixtures.bj("2026-02-18 03:00"))
        #expect(CalendarFixtures.text(try late.dueAt(hotline, asOf: CalendarFixtures.bj("2026-02-18 05:00"))) == "2026-02-18 01:00")
        #expect(try late.light(at: CalendarFixtures.bj("2026-02-18 05:00"), in: hotline) == .red)
    }

    @Test func pauseRulesAreTyped() throws {
        let start = CalendarFixtures.bj("2026-03-02 10:00")
        var clock = DeadlineClock(start: start, allowed: .workingDays(1))
        #expect(throws: DeadlineClockError.notPaused) { try clock.resume(at: start) }
        #expect(throws: DeadlineClockError.pauseBeforeStart(start - 1)) { try clock.pause(at: start - 1) }
        try clock.pause(at: start + 60)
        #expect(throws: DeadlineClockError.alreadyPaused) { try clock.pause(at: start + 120) }
        #expect(throws: DeadlineClockError.outOfOrder(start, after: start + 60)) { try clock.resume(at: start) }
        try clock.resume(at: start + 120)
        #expect(throws: DeadlineClockError.outOfOrder(start + 60, after: start + 120)) { try clock.pause(at: start + 60) }
    }

    @Test func beijingDefaults() throws {
        let classes = Dictionary(uniqueKeysWithValues: DeadlineClass.beijingDefaults.map { ($0.code, $0) })
        #expect(classes.count == 4)
        #expect(classes["urgent"]?.signFor == .workingHours(1))
        #expect(classes["urgent"]?.resolution == .naturalHours(2))
        #expect(classes["urgent"]?.extensionAllowed == false)
        #expect(classes["utilities"]?.firstContact == .naturalHours(24))
        #expect(classes["general"]?.resolution == .workingDays(7))
        #expect(classes["general"]?.signFor == .workingDays(1))
        #expect(classes["complex"]?.resolution == .workingDays(15))
        #expect(DeadlineClass.beijingDefault(code: "complex")?.nameZh == "复杂疑难")
        // Stored as data: JSON round trip, durations as {"kind", "amount"}.
        let data = try JSONEncoder().encode(DeadlineClass.beijingDefaults)
        #expect(try JSONDecoder().decode([DeadlineClass].self, from: data) == DeadlineClass.beijingDefaults)
        let seven = try JSONDecoder().decode(DeadlineDuration.self, from: Data(#"{"kind":"workingDays","amount":7}"#.utf8))
        #expect(seven == .workingDays(7))
        #expect(seven.descriptionZh == "7个工作日")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DeadlineDuration.self, from: Data(#"{"kind":"workingDays","amount":1.5}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DeadlineDuration.self, from: Data(#"{"kind":"fortnights","amount":1}"#.utf8))
        }
    }

    @Test func businessHoursValidation() throws {
        #expect(throws: BusinessHoursError.intervalOutOfDay(start: 600, end: 540)) { try DailyInterval(start: 600, end: 540) }
        #expect(throws: BusinessHoursError.noWorkingWeekdays) {
            try BusinessHours(weekdays: [], intervals: BusinessHours.governmentOffice.intervals, observesHolidays: true)
        }
        let morning = try DailyInterval(9, 0, to: 12, 0)
        let overlapping = try DailyInterval(11, 0, to: 14, 0)
        #expect(throws: BusinessHoursError.intervalsOverlap(morning, overlapping)) {
            try BusinessHours(weekdays: Weekday.workweek, intervals: [morning, overlapping], observesHolidays: true)
        }
        let json = try JSONEncoder().encode(BusinessHours.governmentOffice)
        #expect(try JSONDecoder().decode(BusinessHours.self, from: json) == .governmentOffice)
        #expect(throws: BusinessHoursError.intervalOutOfDay(start: 0, end: 2000)) {
            try JSONDecoder().decode(
                BusinessHours.self,
                from: Data(#"{"weekdays":[1],"intervals":[{"start":0,"end":2000}],"observesHolidays":true}"#.utf8))
        }
        #expect(BusinessHours.governmentOffice.intervals.map(\.description) == ["09:00–12:00", "13:30–17:30"])
    }
}
