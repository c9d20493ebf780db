import Foundation
import SQLKit
import Synchronization
import Testing
import WhistleCore
import WhistleStore
import WhistleTestSupport

/// What a crash must never do: lose an acknowledged demand, or lose or repeat a deadline.
/// SIGKILL leaves no chance to flush or shut down; the file on disk is all that remains.
@Suite(.serialized) struct CrashRecoveryTests {
    static let city = """
        code,name,kind,parent_code
        110000,北京市,city,
        110000-RXZX,北京市12345市民服务热线中心,department,110000
        110105,朝阳区,district,110000
        110105-CGW,朝阳区城市管理委员会,department,110105
        """

    /// A database with the small city and a hotline agent; returns the agent's token.
    static func prepare(_ path: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appending(path: "whistle-city-\(UUID().uuidString).csv")
        try Data(city.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let db = ["--db", "sqlite:\(path)"]
        #expect(try runWhistle(["import", "divisions", file.path] + db).status == 0)
        #expect(try runWhistle(["user", "add", "--id", "agent-1", "--name", "话务员", "--role", "hotline_agent", "--unit", "110000-RXZX"] + db).status == 0)
        let token = try runWhistle(["token", "issue", "--user", "agent-1", "--role", "hotline_agent", "--unit", "110000-RXZX"] + db)
        #expect(token.status == 0)
        return token.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    final class Acknowledged: Sendable {
        let ids = Mutex<[String]>([])
        var count: Int { ids.withLock { $0.count } }
    }

    @Test func everyAcknowledgedDemandSurvivesSIGKILL() async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        let token = try Self.prepare(path)
        let port = randomPort()
        let server = try ServerProcess(arguments: ["serve", "--db", "sqlite:\(path)", "--port", "\(port)"])
        try await server.waitUntilReady(port: port)

        let acknowledged = Acknowledged()
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<16 {
                group.addTask {
                    for n in 0..<1_000 {
                        let body = #"{"type":"complaint","channel":"phone","content":"第 \#(client)-\#(n) 件：楼道灯不亮","complainant":{"phone":"13800000000"}}"#
                        guard let (status, text) = try? await post(port, "/api/v1/demands", token: token, json: body) else { return }
                        guard status == 201 else { continue }
                        if let id = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["id"] as? String {
                            acknowledged.ids.withLock { $0.append(id) }
                        }
                    }
                }
            }
            // Kill mid-stream, with requests in flight.
            while acknowledged.count < 200 { try? await Task.sleep(for: .milliseconds(5)) }
            kill(server.process.processIdentifier, SIGKILL)
        }
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .uncaughtSignal)

        let restarted = try ServerProcess(arguments: ["serve", "--db", "sqlite:\(path)", "--port", "\(port)"])
        try await restarted.waitUntilReady(port: port)
        let ids = acknowledged.ids.withLock { $0 }
        for id in ids {
            let (status, _) = try await get(port, "/api/v1/demands/\(id)", token: token)
            #expect(status == 200, "acknowledged demand \(id) was lost")
            let (_, events) = try await get(port, "/api/v1/demands/\(id)/events", token: token)
            #expect(events.contains("demand.received"), "demand \(id) lost its events")
        }
        #expect(try await restarted.stop(signal: SIGTERM) == 0)
        let verified = try runWhistle(["audit", "verify", "--db", "sqlite:\(path)"])
        #expect(verified.status == 0 && verified.output.contains("intact"), "\(verified.output)\(verified.errors)")
    }

    @Test func dueDeadlinesFireExactlyOnceAcrossSIGKILL() async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        _ = try Self.prepare(path)

        // 60 demands dispatched on 2026-03-02: all their deadlines are long past.
        let rules = LoopRules.beijingDefault(calendar: try WorkingCalendar(schedules: [
            try HolidaySchedule.decode(from: Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appending(path: "../../Sources/WhistleServer/Resources/calendars/cn-2026.json"))),
        ], businessHours: .governmentOffice))
        let agent = Actor(personID: "agent-1", role: .hotlineAgent, unitCode: "110000-RXZX")
        let dispatcher = Actor(personID: "dispatcher-1", role: .dispatcher, unitCode: "110000-RXZX")
        let start = Date(timeIntervalSince1970: 1_772_413_200)  // 2026-03-02 09:00 Beijing
        let (ids, total) = try await SQLiteStore(path: path, logger: TestDatabase.logger).withRunning { store in
            let demands = DemandRepository(store: store)
            var ids: [String] = []
            for n in 0..<60 {
                let draft = DemandDraft(type: .complaint, channel: .phone, content: "第 \(n) 件：井盖缺失")
                let id = try await demands.receive(draft, idempotencyKey: nil, by: agent, at: start, rules: rules).demand.id
                _ = try await demands.apply(.dispatch(primary: "110105-CGW", deadlineClass: "general"), to: id, expectedVersion: nil,
                                            by: dispatcher, at: start.addingTimeInterval(60), rules: rules)
                ids.append(id)
            }
            return (ids, try await Self.timers(in: store).total)
        }
        #expect(total == 60 * 9)

        // One timer a transaction, so the kill lands half-way.
        let environment = ["WHISTLE_DEADLINES_BATCH": "1", "WHISTLE_DEADLINES_INTERVAL": "0.05"]
        let port = randomPort()
        let server = try ServerProcess(arguments: ["serve", "--db", "sqlite:\(path)", "--port", "\(port)"], environment: environment)
        let observer = try await SQLiteStore(path: path, readers: 1, logger: TestDatabase.logger)
        try await observer.withRunning { observer in
            var firedBeforeKill = 0
            for _ in 0..<3_000 where firedBeforeKill < 40 {
                firedBeforeKill = (try? await Self.timers(in: observer).fired) ?? 0
                try await Task.sleep(for: .milliseconds(10))
            }
            kill(server.process.processIdentifier, SIGKILL)
            server.process.waitUntilExit()
            let afterKill = try await Self.timers(in: observer).fired
            #expect(afterKill > 0 && afterKill < total, "the kill should land while timers are firing (\(afterKill) of \(total))")

            let restarted = try ServerProcess(arguments: ["serve", "--db", "sqlite:\(path)", "--port", "\(port)"], environment: environment)
            var fired = 0
            for _ in 0..<3_000 where fired < total {
                fired = try await Self.timers(in: observer).fired
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(fired == total, "after restart only \(fired) of \(total) fired; server log:\n\(restarted.logTail())")
            #expect(try await restarted.stop(signal: SIGTERM) == 0)

            // Exactly once: per demand, each of the three steps turned yellow, went overdue and was supervised once.
            for id in ids {
                let kinds = try await observer.read { try await AuditLog.entries(subjectType: "demand", subjectID: id, in: $0) }.map(\.kind)
                for kind in ["order.light_yellow", "order.overdue", "order.supervised"] {
                    #expect(kinds.count { $0 == kind } == 3, "\(id): \(kind) fired \(kinds.count { $0 == kind }) times")
                }
            }
            #expect(try await AuditLog.verify(observer).isIntact)
        }
    }

    static func timers(in store: any Store) async throws -> (total: Int, fired: Int) {
        try await store.read { db in
            let row = try await db.raw("SELECT COUNT(*) AS total, COUNT(fired_at) AS fired FROM timers").first()
            return (try row?.decode(column: "total", as: Int.self) ?? 0, try row?.decode(column: "fired", as: Int.self) ?? 0)
        }
    }
}
