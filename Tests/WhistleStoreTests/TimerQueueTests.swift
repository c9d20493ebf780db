import Foundation
import Testing
import WhistleStore
import WhistleTestSupport

@Suite struct TimerQueueTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func timer(_ key: String, _ subject: String, at offset: TimeInterval) -> ScheduledTimer {
        ScheduledTimer(key: key, subjectID: subject, kind: "overdue", dueAt: t0.addingTimeInterval(offset))
    }

    @Test(arguments: TestDatabase.engines)
    func rescheduleReplacesPendingAndKeepsFired(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await store.write { db in
                try await TimerQueue.schedule([Self.timer("a/1", "a", at: 10), Self.timer("a/2", "a", at: 20)], for: "a", in: db)
            }
            let claimed = try await store.write { db in
                let due = try await TimerQueue.claimDue(at: Self.t0.addingTimeInterval(15), limit: 10, engine: store.engine, in: db)
                for timer in due { try await TimerQueue.markFired(timer.key, at: Self.t0.addingTimeInterval(15), in: db) }
                return due.map(\.key)
            }
            #expect(claimed == ["a/1"])
            // The subject changed: a/2 is no longer wanted, a/3 is new, a/1 already fired and stays as history.
            try await store.write { db in
                try await TimerQueue.schedule([Self.timer("a/1", "a", at: 99), Self.timer("a/3", "a", at: 30)], for: "a", in: db)
            }
            let timers = try await store.read { try await TimerQueue.timers(of: "a", in: $0) }
            #expect(timers.map(\.timer.key) == ["a/1", "a/3"])
            #expect(timers[0].timer.dueAt == Self.t0.addingTimeInterval(10) && timers[0].firedAt != nil)
            #expect(timers[1].firedAt == nil)
        }
    }

    static func sweepUntilEmpty(_ store: any Store) async throws -> [String] {
        var fired: [String] = []
        while true {
            let batch = try await store.write { db in
                let due = try await TimerQueue.claimDue(at: t0.addingTimeInterval(100), limit: 7, engine: store.engine, in: db)
                for timer in due { try await TimerQueue.markFired(timer.key, at: t0.addingTimeInterval(100), in: db) }
                return due.map(\.key)
            }
            if batch.isEmpty { return fired }
            fired += batch
        }
    }

    /// Two servers sweeping the same database at once: every due timer fires exactly once.
    @Test(arguments: TestDatabase.engines)
    func concurrentSweepersFireEachTimerOnce(engine: Engine) async throws {
        try await TestDatabase.withLocation(engine) { location async throws in
            let first = try await openStore(location, logger: TestDatabase.logger)
            let second = try await openStore(location, logger: TestDatabase.logger)
            let keys = try await first.withRunning { first in
                try await second.withRunning { second in
                    try await Migrator.migrate(first)
                    try await first.write { db in
                        for subject in 0..<40 {
                            try await TimerQueue.schedule((0..<5).map { Self.timer("s\(subject)/\($0)", "s\(subject)", at: Double($0)) }, for: "s\(subject)", in: db)
                        }
                    }
                    return try await withThrowingTaskGroup(of: [String].self) { group in
                        for store in [first, second] {
                            group.addTask { try await Self.sweepUntilEmpty(store) }
                        }
                        return try await group.reduce(into: [String]()) { $0 += $1 }
                    }
                }
            }
            #expect(keys.count == 200)
            #expect(Set(keys).count == 200)
        }
    }
}
