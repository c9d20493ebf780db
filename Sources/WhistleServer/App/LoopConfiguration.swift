import Foundation
import Synchronization
import WhistleCore

/// The rules of the closed loop this server applies: the Beijing defaults over the official holiday
/// schedules (those bundled in Resources/calendars, overridden year by year by those imported with
/// `whistle calendar import`) and each unit's business hours (its `calendar` code; `office` by default).
/// Loaded at start; imports apply from the next start.
final class LoopConfiguration: Sendable {
    private let bundled: [HolidaySchedule]
    private let rules: Mutex<LoopRules>

    init(bundled: [HolidaySchedule]) throws {
        self.bundled = bundled
        rules = Mutex(try Self.rules(schedules: bundled, unitCalendars: [:]))
    }

    /// The rules in force now.
    var current: LoopRules { rules.withLock { $0 } }

    /// Applies imported schedules on top of the bundled ones, and the units' calendar codes.
    func load(imported: [HolidaySchedule], unitCalendars: [String: String]) throws {
        let years = Set(imported.map(\.year))
        let merged = bundled.filter { !years.contains($0.year) } + imported
        let next = try Self.rules(schedules: merged, unitCalendars: unitCalendars)
        rules.withLock { $0 = next }
    }

    static func bundledSchedules() throws -> [HolidaySchedule] {
        // Found the same way as every other bundled resource (Bundle.module, subdirectory Resources/…).
        let files = (Bundle.module.urls(forResourcesWithExtension: "json", subdirectory: "Resources/calendars") ?? [])
            .map { $0 as URL }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Resources/calendars/*.json"]) }
        return try files.map { try HolidaySchedule.decode(from: Data(contentsOf: $0)) }
    }

    /// One working calendar per named business hours; a unit uses the one its code names.
    static func rules(schedules: [HolidaySchedule], unitCalendars: [String: String]) throws -> LoopRules {
        var calendars: [String: WorkingCalendar] = [:]
        for (name, hours) in BusinessHours.named {
            calendars[name] = try WorkingCalendar(schedules: schedules, businessHours: hours)
        }
        let office = calendars[BusinessHours.defaultName]!
        return LoopRules.beijingDefault { [calendars] unit in unitCalendars[unit].flatMap { calendars[$0] } ?? office }
    }
}
