import Foundation
import WhistleCore

/// Shared fixtures of the calendar tests: the shipped 2025/2026 schedules and Beijing-time helpers.
enum CalendarFixtures {
    /// Sources/WhistleServer/Resources/calendars, found from this file (symlinks resolved, so the tests also
    /// run from a scratch package that links the test folder).
    static let calendarsDirectory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/WhistleServer/Resources/calendars")

    static func shippedData(_ year: Int) throws -> Data {
        try Data(contentsOf: calendarsDirectory.appendingPathComponent("cn-\(year).json"))
    }

    static func schedule(_ year: Int) throws -> HolidaySchedule {
        try HolidaySchedule.decode(from: shippedData(year))
    }

    /// A 5×8 Beijing office calendar (Mon–Fri 09:00–12:00, 13:30–17:30) over the given years.
    static func office(_ years: [Int] = [2025, 2026]) throws -> WorkingCalendar {
        try WorkingCalendar(schedules: years.map(schedule), businessHours: .governmentOffice)
    }

    /// Whole working days (00:00–24:00 on working days) over 2025 and 2026.
    static func wholeDays() throws -> WorkingCalendar {
        try WorkingCalendar(schedules: [2025, 2026].map(schedule), businessHours: .wholeWorkingDays)
    }

    /// The 7×24 hotline calendar: no schedule needed.
    static func hotline() throws -> WorkingCalendar {
        try WorkingCalendar(schedules: [], businessHours: .allDay)
    }

    /// `"2026-02-24 17:30"` in Beijing time (UTC+8), parsed independently of the code under test.
    static func bj(_ text: String) -> Date {
        let iso = text.replacingOccurrences(of: " ", with: "T") + ":00+08:00"
        guard let date = ISO8601DateFormatter().date(from: iso) else { fatalError("bad test instant \(text)") }
        return date
    }

    /// A date as `"yyyy-MM-dd HH:mm"` Beijing time, for readable expectations.
    static func text(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
