import Foundation
import SQLKit

/// A durable timer: something that must happen to a subject at an instant (a deadline turning yellow,
/// going overdue, supervision after overdue). Timers are derived from the subject's state and rescheduled
/// whenever it changes; a fired timer keeps its row with the time it fired.
public struct ScheduledTimer: Sendable, Equatable {
    /// Stable across reschedules (e.g. `ORDER/resolution/overdue/2`), so a timer fires at most once.
    public var key: String
    public var subjectID: String
    public var kind: String
    public var dueAt: Date
    /// What the handler needs to act (e.g. the Core timer as JSON).
    public var payload: String

    public init(key: String, subjectID: String, kind: String, dueAt: Date, payload: String = "") {
        self.key = key
        self.subjectID = subjectID
        self.kind = kind
        self.dueAt = dueAt
        self.payload = payload
    }
}

/// The timer table behind the deadline service. Claiming and handling a timer happen in the caller's one
/// transaction, so a crash before commit leaves the timer due (it fires after restart) and a commit marks
/// it fired (it never fires again). On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several servers take
/// different timers at once; on SQLite the single writer already serialises.
public enum TimerQueue {
    /// Makes `timers` the subject's pending timers: pending ones no longer wanted are dropped (they are
    /// derived data, not history), new ones added; timers that already fired are left as they are.
    public static func schedule(_ timers: [ScheduledTimer], for subjectID: String, in db: any SQLDatabase) async throws {
        let wanted = Set(timers.map(\.key))
        let pending = try await db.raw("SELECT key FROM timers WHERE subject_id = \(bind: subjectID) AND fired_at IS NULL")
            .all().map { try $0.decode(column: "key", as: String.self) }
        for key in pending where !wanted.contains(key) {
            try await db.raw("DELETE FROM timers WHERE key = \(bind: key) AND fired_at IS NULL").run()
        }
        for timer in timers { try await add(timer, in: db) }
    }

    /// Adds a timer, or moves it if it has not fired; the subject's other timers are left alone.
    public static func add(_ timer: ScheduledTimer, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO timers (key, subject_id, kind, due_at, payload) VALUES
            (\(bind: timer.key), \(bind: timer.subjectID), \(bind: timer.kind), \(bind: timer.dueAt.millisecondsSince1970), \(bind: timer.payload))
            ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload WHERE timers.fired_at IS NULL
            """).run()
    }

    /// Locks and returns up to `limit` due, unfired timers, earliest first.
    public static func claimDue(at now: Date, limit: Int, engine: Engine, in db: any SQLDatabase) async throws -> [ScheduledTimer] {
        let lock: SQLQueryString = engine == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.raw("""
            SELECT key, subject_id, kind, due_at, payload FROM timers
            WHERE fired_at IS NULL AND due_at <= \(bind: now.millisecondsSince1970)
            ORDER BY due_at, key LIMIT \(bind: limit)\(lock)
            """).all().map(timer(from:))
    }

    public static func markFired(_ key: String, at now: Date, in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE timers SET fired_at = \(bind: now.millisecondsSince1970) WHERE key = \(bind: key)").run()
    }

    /// The subject's timers, fired or not (for tests and the case view).
    public static func timers(of subjectID: String, in db: any SQLDatabase) async throws -> [(timer: ScheduledTimer, firedAt: Date?)] {
        try await db.raw("SELECT key, subject_id, kind, due_at, payload, fired_at FROM timers WHERE subject_id = \(bind: subjectID) ORDER BY due_at, key")
            .all().map { row in
                (try timer(from: row), try row.decode(column: "fired_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
            }
    }

    private static func timer(from row: any SQLRow) throws -> ScheduledTimer {
        ScheduledTimer(
            key: try row.decode(column: "key", as: String.self), subjectID: try row.decode(column: "subject_id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            dueAt: Date(millisecondsSince1970: try row.decode(column: "due_at", as: Int64.self)),
            payload: try row.decode(column: "payload", as: String.self))
    }
}
