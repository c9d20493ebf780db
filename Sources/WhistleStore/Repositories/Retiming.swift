import Foundation
import SQLKit
import WhistleCore

/// 重新计时: when a year's holiday schedule is imported or replaced, or units' business hours change, the
/// deadlines of open demands move, and those reaching into a year that had no schedule get timers at last
/// (``Loop/dueTimers(_:rules:)`` leaves out what a calendar cannot compute); when a version of the loop's rules
/// takes effect, the yellow threshold and the supervision delay may differ. The change schedules a retiming
/// timer in its own transaction (due when the version takes effect); the deadline service then rewrites the
/// timers and order rows of the open demands a batch per firing, each firing scheduling the next. So the work
/// survives a restart, runs on one server at a time, and is audited (`calendar.retimed`) when done.
enum Retiming {
    static let kind = "demands.retime"
    /// Demands rewritten per firing, in one transaction: small, since SQLite's single writer (intake
    /// included) waits for it (scripts/bench/retime.sh: 200 made intake's 90th percentile 213 ms).
    static let batch = 50
    /// How long to wait for this server to load the change (``RuleVersions`` reloads every `dispatch.reload`).
    static let reloadWait: TimeInterval = 5
    /// The statuses walked, in this order: every one a demand with open orders can have.
    static let statuses = DemandStatus.allCases.filter { !$0.isTerminal && $0 != .received }

    /// What moved the deadlines.
    enum Cause: Codable, Equatable {
        /// A year's holiday schedule was imported or replaced.
        case holidays(year: Int)
        /// These units' business hours (their calendar codes) changed.
        case businessHours(units: [String])
        /// The version of the loop's rules effective from this day takes effect.
        case loopRules(effectiveFrom: CalendarDay)

        /// The timers' subject: a newer change of the same kind restarts the walk.
        var subject: String {
            switch self {
            case let .holidays(year): "calendar/\(year)"
            case .businessHours: "calendar/business-hours"
            case let .loopRules(day): "rules/loop/\(day)"
            }
        }

        /// What the audit entry is about.
        var audited: (type: String, id: String) {
            switch self {
            case let .holidays(year): ("calendar", String(year))
            case .businessHours: ("calendar", "business-hours")
            case let .loopRules(day): ("policy", day.description)
            }
        }
    }

    /// Where the walk is: its cause and start, then the status and the last sort key done in it.
    struct Progress: Codable, Equatable {
        var cause: Cause
        var startedAt: Int64
        var status: DemandStatus
        var after: String
        var retimed: Int
    }

    /// The first timer, due at `now` (when the change applies), for a change just stored.
    static func start(_ cause: Cause, at now: Date) throws -> ScheduledTimer {
        try timer(Progress(cause: cause, startedAt: now.millisecondsSince1970, status: statuses[0], after: "", retimed: 0), at: now)
    }

    static func timer(_ progress: Progress, at instant: Date) throws -> ScheduledTimer {
        ScheduledTimer(
            key: "\(progress.cause.subject)/retime/\(progress.startedAt)/\(progress.status.rawValue)/\(progress.after)/\(instant.millisecondsSince1970)",
            subjectID: progress.cause.subject, kind: kind, dueAt: instant,
            payload: String(decoding: try JSONEncoder().encode(progress), as: UTF8.self))
    }

    /// One firing: the next batch under `rules`, once they hold the change as stored; then the next timer, or
    /// the audit entry when every status is done.
    static func fire(_ scheduled: ScheduledTimer, at now: Date, rules: LoopRules, engine: Engine, in db: any SQLDatabase) async throws {
        var progress = try JSONDecoder().decode(Progress.self, from: Data(scheduled.payload.utf8))
        guard try await loaded(progress.cause, in: rules, db) else {
            // This server has not reloaded its calendars since the change: try again shortly.
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
                var details = ["openDemands": String(progress.retimed)]
                if case let .businessHours(units) = progress.cause { details["units"] = units.prefix(20).joined(separator: " ") }
                try await AuditLog.append([AuditEntry(
                    subjectType: progress.cause.audited.type, subjectID: progress.cause.audited.id, kind: "calendar.retimed", at: now,
                    details: details)], engine: engine, in: db)
                return
            }
            progress.status = statuses[next]
            progress.after = ""
        }
        try await TimerQueue.add(try timer(progress, at: now), in: db)
    }

    /// Whether `rules` compute with what the store holds now for the cause.
    private static func loaded(_ cause: Cause, in rules: LoopRules, _ db: any SQLDatabase) async throws -> Bool {
        switch cause {
        case let .holidays(year):
            let stored = try await db.raw("SELECT document FROM holiday_schedules WHERE year = \(bind: year)").first()
                .map { try HolidaySchedule.decode(from: Data(try $0.decode(column: "document", as: String.self).utf8)) }
            return stored == rules.calendar(forUnit: "").schedules.first { $0.year == year }
        case let .businessHours(units):
            for (unit, code) in try await UnitRepository.calendarCodes(of: Set(units), in: db) {
                let hours = code.flatMap { BusinessHours.named[$0] } ?? BusinessHours.named[BusinessHours.defaultName]
                guard rules.calendar(forUnit: unit).businessHours == hours else { return false }
            }
            return true
        case let .loopRules(day):
            return rules.effectiveFrom >= day.startInBeijing
        }
    }
}
