import Foundation
import SQLKit
import Testing
import WhistleCore
@testable import WhistleStore
import WhistleTestSupport

/// The closed loop through the store, on every configured engine.
@Suite struct DemandRepositoryTests {
    static let centre = "110000-RXZX"
    static let department = "110105-CGW"
    static let agent = Actor(personID: "agent-1", role: .hotlineAgent, unitCode: centre)
    static let dispatcher = Actor(personID: "dispatcher-1", role: .dispatcher, unitCode: centre)
    static let callbackAgent = Actor(personID: "callback-1", role: .callbackAgent, unitCode: centre)
    static let handler = Actor(personID: "handler-1", role: .departmentHandler, unitCode: department)

    static let rules: LoopRules = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../Sources/WhistleServer/Resources/calendars").standardized
        let schedules = try! ["cn-2025.json", "cn-2026.json"].map { try HolidaySchedule.decode(from: Data(contentsOf: folder.appending(path: $0))) }
        return LoopRules.beijingDefault(calendar: try! WorkingCalendar(schedules: schedules, businessHours: .governmentOffice))
    }()

    /// Beijing wall-clock time on 2026-03-02 (a Monday) plus `days`.
    static func at(_ hour: Int, _ minute: Int = 0, days: Int = 0) -> Date {
        Date(timeIntervalSince1970: 1_772_409_600 + Double(days * 86_400 + hour * 3_600 + minute * 60) - 8 * 3_600)
    }

    static func draft(_ content: String = "小区门口路灯不亮已一周") -> DemandDraft {
        DemandDraft(type: .complaint, channel: .phone, content: content,
                    location: DemandLocation(address: "建国门外大街 1 号", areaCode: "110105001"),
                    complainant: Complainant(name: "张三", phone: "13812345678"))
    }

    static func count(_ table: String, _ store: any Store) async throws -> Int {
        try await store.read { try await $0.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0 }
    }

    @Test(arguments: TestDatabase.engines)
    func numbersPerDayAndIdempotentRetries(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let first = try await demands.receive(Self.draft(), idempotencyKey: "call-1", by: Self.agent, at: Self.at(9), rules: Self.rules)
            let retry = try await demands.receive(Self.draft(), idempotencyKey: "call-1", by: Self.agent, at: Self.at(9, 1), rules: Self.rules)
            let second = try await demands.receive(Self.draft("噪音扰民"), idempotencyKey: nil, by: Self.agent, at: Self.at(23, 59), rules: Self.rules)
            let nextDay = try await demands.receive(Self.draft("井盖缺失"), idempotencyKey: nil, by: Self.agent, at: Self.at(0, 1, days: 1), rules: Self.rules)
            #expect(first.created && !retry.created && retry.demand == first.demand)
            #expect([first.demand.number, second.demand.number, nextDay.demand.number] == ["20260302-0000001", "20260302-0000002", "20260303-0000001"])
            await #expect(throws: DemandStoreError.idempotencyKeyReused("call-1")) {
                _ = try await demands.receive(Self.draft("另一件事"), idempotencyKey: "call-1", by: Self.agent, at: Self.at(10), rules: Self.rules)
            }
            #expect(try await Self.count("demands", store) == 3)
        }
    }

    /// Many submissions at once share transactions: each still gets its own demand or refusal, numbers stay
    /// dense and unique (a refusal takes none), and one key sent twice yields one demand.
    @Test(arguments: TestDatabase.engines)
    func concurrentIntakesKeepTheirOwnOutcomes(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let outcomes = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<120 {
                    group.addTask {
                        let draft = index % 10 == 3 ? Self.draft("") : Self.draft("第 \(index % 100) 件")  // every 10th is empty: refused
                        let key: String? = index >= 100 ? "dup-\(index % 2)" : nil  // 20 submissions over two keys
                        do {
                            let intake = try await demands.receive(draft, idempotencyKey: key, by: Self.agent, at: Self.at(10), rules: Self.rules)
                            return (index, intake.demand.number + (intake.created ? "" : "/retry"))
                        } catch let error as any DomainError {
                            return (index, error.code)
                        }
                    }
                }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            let refused = outcomes.filter { $0.key < 100 && $0.value == "demand.invalid_field" }.map(\.key).sorted()
            #expect(refused == Array(stride(from: 3, to: 100, by: 10)))
            // An empty body under a key already taken by another body may be refused for either reason.
            for index in [103, 113] {
                #expect(["demand.invalid_field", "demand.idempotency_key_reused"].contains(outcomes[index]))
            }
            // Per key: one demand was created; the other submissions with that key got it back or, when their
            // body differs, a refusal.
            for key in 0..<2 {
                let same = (100..<120).filter { $0 % 2 == key }.compactMap { outcomes[$0] }
                #expect(same.filter { !$0.hasSuffix("/retry") && $0.hasPrefix("2026") }.count <= 1)
            }
            let numbers = outcomes.values.filter { $0.hasPrefix("20260302-") && !$0.hasSuffix("/retry") }.sorted()
            #expect(Set(numbers).count == numbers.count)
            #expect(numbers == (1...numbers.count).map { DemandRepository.number(day: "20260302", sequence: Int64($0)) })
            #expect(try await Self.count("demands", store) == numbers.count)
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    /// Receive → dispatch → sign → contact → report → call back → close, read back from the store, with
    /// every step in the audit chain and no timers left.
    @Test(arguments: TestDatabase.engines)
    func aDemandThroughTheLoop(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let id = try await demands.receive(Self.draft(), idempotencyKey: nil, by: Self.agent, at: Self.at(9), rules: Self.rules).demand.id
            let dispatched = try await demands.apply(.dispatch(primary: Self.department, deadlineClass: "general"), to: id, expectedVersion: 1,
                                                     by: Self.dispatcher, at: Self.at(9, 5), rules: Self.rules)
            let order = try #require(dispatched.orders.first).id
            let pending = try await store.read { try await TimerQueue.timers(of: id, in: $0) }
            #expect(!pending.isEmpty && pending.allSatisfy { $0.firedAt == nil })
            #expect(try await demands.list(status: nil, unit: Self.department, after: nil, limit: 10).items.map(\.id) == [id])
            #expect(try await demands.list(status: nil, unit: "110105-JTW", after: nil, limit: 10).items.isEmpty)

            for (command, actor, minutes) in [
                (LoopCommand.signFor(order: order), Self.handler, 30), (.recordContact(order: order, note: "已电话联系"), Self.handler, 40),
                (.reportResult(order: order, summary: "路灯已修复"), Self.handler, 300),
                (.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)), Self.callbackAgent, 400),
                (.close(note: "办结"), Self.dispatcher, 410),
            ] {
                _ = try await demands.apply(command, to: id, expectedVersion: nil, by: actor, at: Self.at(9, minutes), rules: Self.rules)
            }
            let closed = try await demands.demand(id: id)
            #expect(closed.status == .closed && closed.version == 7)
            #expect(try await demands.list(status: .closed, unit: nil, after: nil, limit: 10).items.map(\.id) == [id])

            let kinds = try await demands.events(of: id).map(\.kind)
            #expect(kinds.first == "demand.received" && kinds.last == "order.closed")
            #expect(kinds.contains("order.signed") && kinds.contains("demand.callback_recorded"))
            #expect(try await AuditLog.verify(store).isIntact)
            let left = try await store.read { try await TimerQueue.timers(of: id, in: $0) }
            #expect(left.allSatisfy { $0.firedAt != nil })
        }
    }

    /// A refusal (by the state machine, or for a stale version) changes nothing: same version, same
    /// document, no audit entry.
    @Test(arguments: TestDatabase.engines)
    func refusalsChangeNothing(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let id = try await demands.receive(Self.draft(), idempotencyKey: nil, by: Self.agent, at: Self.at(9), rules: Self.rules).demand.id
            let before = try await demands.demand(id: id)
            let entries = try await Self.count("audit_events", store)
            await #expect(throws: LoopError.self) {
                _ = try await demands.apply(.close(), to: id, expectedVersion: nil, by: Self.dispatcher, at: Self.at(10), rules: Self.rules)
            }
            await #expect(throws: LoopError.self) {  // a department may not dispatch
                _ = try await demands.apply(.dispatch(primary: Self.department, deadlineClass: "general"), to: id, expectedVersion: nil,
                                            by: Self.handler, at: Self.at(10), rules: Self.rules)
            }
            await #expect(throws: DemandStoreError.versionConflict(id: id, expected: 7, actual: 1)) {
                _ = try await demands.apply(.dispatch(primary: Self.department, deadlineClass: "general"), to: id, expectedVersion: 7,
                                            by: Self.dispatcher, at: Self.at(10), rules: Self.rules)
            }
            await #expect(throws: DemandStoreError.notFound("nope")) {
                _ = try await demands.apply(.close(), to: "nope", expectedVersion: nil, by: Self.dispatcher, at: Self.at(10), rules: Self.rules)
            }
            #expect(try await demands.demand(id: id) == before)
            #expect(try await Self.count("audit_events", store) == entries)
            #expect(try await Self.count("work_orders", store) == 0)
        }
    }

    /// Two people act on the version they both saw: exactly one wins, the other is refused as a conflict.
    @Test(arguments: TestDatabase.engines)
    func concurrentConflictingCommandsOneWins(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let id = try await demands.receive(Self.draft(), idempotencyKey: nil, by: Self.agent, at: Self.at(9), rules: Self.rules).demand.id
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for unit in [Self.department, "110105-JTW", "110105-SWJ", "110105-ZJW"] {
                    group.addTask {
                        do {
                            _ = try await demands.apply(.dispatch(primary: unit, deadlineClass: "general"), to: id, expectedVersion: 1,
                                                        by: Self.dispatcher, at: Self.at(9, 5), rules: Self.rules)
                            return "won"
                        } catch let error as DemandStoreError {
                            return error.code
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.sorted() == ["demand.version_conflict", "demand.version_conflict", "demand.version_conflict", "won"])
            let demand = try await demands.demand(id: id)
            #expect(demand.version == 2 && demand.orders.count == 1)
            #expect(try await Self.count("work_orders", store) == 1)
        }
    }

    /// Sweeping again, or from a second server, never fires a deadline twice.
    @Test(arguments: TestDatabase.engines)
    func deadlinesFireExactlyOnce(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let id = try await demands.receive(Self.draft(), idempotencyKey: nil, by: Self.agent, at: Self.at(9), rules: Self.rules).demand.id
            _ = try await demands.apply(.dispatch(primary: Self.department, deadlineClass: "general"), to: id, expectedVersion: nil,
                                        by: Self.dispatcher, at: Self.at(9, 5), rules: Self.rules)
            let timers = try await store.read { try await TimerQueue.timers(of: id, in: $0) }.count
            let later = Self.at(9, days: 30)
            var fired = 0
            for _ in 0..<3 { fired += try await DeadlineSweep(store: store).fire(at: later, limit: 2, rules: Self.rules, whistlePolicy: .default) }
            fired += try await DeadlineSweep(store: store).fire(at: later, limit: 100, rules: Self.rules, whistlePolicy: .default)
            #expect(fired == timers)
            #expect(try await DeadlineSweep(store: store).fire(at: later, limit: 100, rules: Self.rules, whistlePolicy: .default) == 0)
            // Every timer stays on record with the time it fired.
            let rows = try await store.read { try await TimerQueue.timers(of: id, in: $0) }
            #expect(rows.count == timers && rows.allSatisfy { $0.firedAt == later })
            let kinds = try await demands.events(of: id).map(\.kind)
            // Three steps (sign for, first contact, resolution): each overdue once and supervised once.
            #expect(kinds.filter { $0 == "order.overdue" }.count == 3)
            #expect(kinds.filter { $0 == "order.supervised" }.count == 3)
            #expect(kinds.filter { $0 == "order.light_yellow" }.count == 3)
            let order = try #require(try await demands.demand(id: id).orders.first)
            #expect(order.resolution.overdueAt != nil && order.resolution.supervisedAt != nil)
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }
}
