import Foundation
import SQLKit
import WhistleCore

/// Official holiday schedules imported as data (`whistle calendar import`), one per year. They override
/// the schedules bundled with Whistle for the same year.
public struct CalendarRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Stores (or replaces) a year's schedule; the replacement is audited with the source of both and who
    /// imported it in the console (`actor`; `nil` from the command line). The deadline service then retimes
    /// the open demands (``Retiming``).
    public func save(_ schedule: HolidaySchedule, by actor: AuditActor? = nil, now: Date) async throws {
        let document = String(decoding: schedule.jsonData(), as: UTF8.self)
        try await store.write { db in
            let previous = try await db.raw("SELECT source FROM holiday_schedules WHERE year = \(bind: schedule.year)").first()
                .map { try $0.decode(column: "source", as: String.self) }
            try await db.raw("""
                INSERT INTO holiday_schedules (year, source, document, imported_at)
                VALUES (\(bind: schedule.year), \(bind: schedule.source), \(bind: document), \(bind: now.millisecondsSince1970))
                ON CONFLICT (year) DO UPDATE SET source = excluded.source, document = excluded.document, imported_at = excluded.imported_at
                """).run()
            var details = ["source": schedule.source, "holidays": "\(schedule.holidays.count)", "makeUpWorkdays": "\(schedule.makeUpWorkdays.count)"]
            if let previous { details["replaced"] = previous }
            try await AuditLog.append([AuditEntry(subjectType: "calendar", subjectID: String(schedule.year), kind: "calendar.imported", at: now, actor: actor, details: details)],
                                      engine: store.engine, in: db)
            // The open demands' deadlines follow (a newer import of the year restarts the walk).
            let retiming = try Retiming.start(.holidays(year: schedule.year), at: now)
            try await TimerQueue.schedule([retiming], for: retiming.subjectID, in: db)
        }
    }

    /// The latest retimings of open demands that finished (`calendar.retimed`), newest first: after holiday imports
    /// and business-hours changes (subject `calendar`: the year or `business-hours`) and rules versions taking
    /// effect (subject `policy`: the version's day).
    public func retimings(limit: Int) async throws -> [AuditEntry] {
        try await store.read { try await AuditLog.latest("calendar.retimed", about: ["calendar", "policy"], limit: limit, in: $0) }
    }

    public func all() async throws -> [HolidaySchedule] {
        try await store.read { db in
            try await db.raw("SELECT document FROM holiday_schedules ORDER BY year").all().map {
                try HolidaySchedule.decode(from: Data(try $0.decode(column: "document", as: String.self).utf8))
            }
        }
    }
}
