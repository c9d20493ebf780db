import Foundation
import Synchronization
import WhistleCore

/// The rules of the closed loop this server applies: the Beijing defaults over the official holiday
/// schedules, those bundled in Resources/calendars overridden year by year by those imported with
/// `whistle calendar import`.
final class LoopConfiguration: Sendable {
    private let bundled: [HolidaySchedule]
    private let rules: Mutex<LoopRules>

    init(bundled: [HolidaySchedule]) throws {
        self.bundled = bundled
        rules = Mutex(try Self.rules(schedules: bundled))
    }

    /// The rules in force now.
    var current: LoopRules { rules.withLock { $0 } }

    /// Applies imported schedules on top of the bundled ones.
    func load(imported: [HolidaySchedule]) throws {
        let years = Set(imported.map(\.year))
        let merged = bundled.filter { !years.contains($0.year) } + imported
        let next = try Self.rules(schedules: merged)
        rules.withLock { $0 = next }
    }

    static func bundledSchedules() throws -> [HolidaySchedule] {
        // Found the same way as every other bundled resource (Bundle.module, subdirectory Resources/…).
        let files = (Bundle.module.urls(forResourcesWithExtension: "json", subdirectory: "Resources/calendars") ?? [])
            .map { $0 as URL }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Resources/calendars/*.json"]) }
        return try files.map { try HolidaySchedule.decode(from: Data(contentsOf: $0)) }
    }

    /// Departments, streets and communities work 5×8 (Mon–Fri 09:00–12:00, 13:30–17:30 on working days).
    static func rules(schedules: [HolidaySchedule]) throws -> LoopRules {
        LoopRules.beijingDefault(calendar: try WorkingCalendar(schedules: schedules, businessHours: .governmentOffice))
    }
}
