import Foundation
import SQLKit
import WhistleCore

/// 重新计时: when a year's holiday schedule is imported or replaced, the deadlines of open demands move, and
/// those reaching into a year that had no schedule get timers at last (``Loop/dueTimers(_:rules:)`` leaves
/// out what a calendar cannot compute). The import schedules a retiming timer in its own transaction; the
/// deadline service then rewrites the timers and order rows of the open demands a batch per firing, each
/// firing scheduling the next. So the work survives a restart, runs on one server at a time, and is audited
/// (`calendar.retimed`) when done.
enum Retiming {
    static let kind = "demands.retime"
    /// Demands rewritten per firing: one short transaction each.
    static let batch = 200
    /// How long to wait for this server to load the imported schedule (``RuleVersions`` reloads every
    /// `dispatch.reload`).
    static let reloadWait: TimeInterval = 5
    /// The statuses walked, in this order: every one a demand with open orders can have.
    static let statuses = DemandStatus.allCases.filter { !$0.isTerminal && $0 != .received }

    /// Where the walk is: the schedule's year and when it was imported, then the status and the last sort key
    /// done in it.
    struct Progress: Codable, Equatable {
        var year: Int
        var importedAt: Int64
        var status: DemandStatus
        var after: String
        var retimed: Int
    }

    /// The first timer, due at once, for a schedule just stored.
    static func start(year: Int, importedAt now: Date) throws -> ScheduledTimer {
        try timer(Progress(year: year, importedAt: now.millisecondsSince1970, status: statuses[0], after: "", retimed: 0), at: now)
    }

    static func timer(_ progress: Progress, at instant: Date) throws -> ScheduledTimer {
        ScheduledTimer(
            key: "calendar/\(progress.year)/retime/\(progress.importedAt)/\(progress.status.rawValue)/\(progress.after)/\(instant.millisecondsSince1970)",
            subjectID: "calendar/\(progress.year)", kind: kind, dueAt: instant,
            payload: String(decoding: try JSONEncoder().encode(progress), as: UTF8.self))
    }

    /// One firing: the next batch under `rules`, once they hold the schedule as stored; then the next timer,
    /// or the audit entry when every status is done.
    static func fire(_ scheduled: ScheduledTimer, at now: Date, rules: LoopRules, engine: Engine, in db: any SQLDatabase) async throws {
        var progress = try JSONDecoder().decode(Progress.self, from: Data(scheduled.payload.utf8))
        let stored = try await db.raw("SELECT document FROM holiday_schedules WHERE year = \(bind: progress.year)").first()
            .map { try HolidaySchedule.decode(from: Data(try $0.decode(column: "document", as: String.self).utf8)) }
        let loaded = rules.calendar(forUnit: "").schedules.first { $0.year == progress.year }
        guard stored == loaded else {
            // This server has not reloaded the calendars since the import: try again shortly.
            try await TimerQueue.add(try timer(progress, at: now.addingTimeInterval(reloadWait)), in: db)
            return
        }
        let rows = try await db.raw("""
            SELECT document, sort_key FROM demands WHERE status = \(bind: progress.status.rawValue) AND sort_key > \(bind: progress.after)
            ORDER BY sort_key LIMIT \(bind: batch)
            """).all()
        for row in rows {
            try await DemandRepository.retime(try DemandRepository.decode(try row.decode(column: "document", as: String.self)), rules: rules, in: db)
            progress.after = try row.decode(column: "sort_key", as: String.self)
        }
        progress.retimed += rows.count
        if rows.count < batch {
            guard let next = statuses.firstIndex(of: progress.status).map({ $0 + 1 }), next < statuses.count else {
                try await AuditLog.append([AuditEntry(
                    subjectType: "calendar", subjectID: String(progress.year), kind: "calendar.retimed", at: now,
                    details: ["openDemands": String(progress.retimed)])], engine: engine, in: db)
                return
            }
            progress.status = statuses[next]
            progress.after = ""
        }
        try await TimerQueue.add(try timer(progress, at: now), in: db)
    }
}
