import Foundation
import SQLKit
import Testing
import WhistleCore
@testable import WhistleStore
import WhistleTestSupport

/// Duplicate candidates and classifier versions through the store, on every configured engine.
@Suite struct DispatchRepositoryTests {
    typealias Loop = DemandRepositoryTests
    static let wangjing = Coordinate(longitude: 116.4700, latitude: 40.0000)

    static func draft(_ content: String, category: String?, at point: Coordinate?, area: String? = "110105001") -> DemandDraft {
        DemandDraft(type: .complaint, channel: .phone, categoryCode: category, content: content,
                    location: DemandLocation(address: "望京", coordinate: point, areaCode: area))
    }

    /// A point `metres` north of Wangjing.
    static func north(_ metres: Double) -> Coordinate { Coordinate(longitude: wangjing.longitude, latitude: wangjing.latitude + metres / 111_195) }

    @Test(arguments: TestDatabase.engines)
    func duplicatesAreNearSimilarOpenAndRecent(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            func receive(_ draft: DemandDraft, days: Int = 0) async throws -> Demand {
                try await demands.receive(draft, idempotencyKey: nil, by: Loop.agent, at: Loop.at(9, days: days), rules: Loop.rules).demand
            }
            let text = "望京西园三区门口井盖缺失，夜里很危险"
            let near = try await receive(Self.draft("望京西园三区门口的井盖丢了，晚上危险", category: "JG", at: Self.north(120)), days: 3)
            let alike = try await receive(Self.draft(text, category: "JG", at: Self.north(400)), days: 2)
            _ = try await receive(Self.draft(text, category: "JG", at: Self.north(900)), days: 3)  // too far
            _ = try await receive(Self.draft(text, category: "ZY", at: Self.north(50)), days: 3)  // another category
            _ = try await receive(Self.draft(text, category: "JG", at: Self.north(50)), days: -6)  // older than 7 days
            _ = try await receive(Self.draft("小区里广场舞噪音太大", category: "JG", at: Self.north(10)), days: 3)  // other words
            let noPlace = try await receive(Self.draft(text, category: "JG", at: nil, area: "110105001002"), days: 3)
            let merged = try await receive(Self.draft(text, category: "JG", at: Self.north(30)), days: 3)
            _ = try await demands.apply(.merge(into: near.id), to: merged.id, expectedVersion: nil, by: Loop.dispatcher, at: Loop.at(10, days: 3), rules: Loop.rules)

            let now = Loop.at(12, days: 3)
            let probe = Duplicates.Probe(title: nil, content: text, coordinate: Self.wangjing, areaCode: "110105001002")
            let rules = DuplicateRules.default
            let candidates = try await demands.duplicateCandidates(category: "JG", of: probe, at: now, rules: rules)
            let proposed = Duplicates.propose(for: probe, among: candidates, at: now, rules: rules)
            // Same text: in the same community without coordinates (nearness 0.5), then 400 m away (0.2); reworded
            // text 120 m away last. The far, other-category, old, unrelated and merged ones never.
            #expect(proposed.map(\.demandID) == [noPlace.id, alike.id, near.id])
            #expect(proposed.map(\.textSimilarity) == [1, 1, 0.6])
            #expect(proposed.map { $0.distanceMeters.map { Int($0.rounded()) } } == [nil, 400, 120])
            #expect(proposed.allSatisfy { $0.score > 0 && $0.score <= 1 })
        }
    }

    @Test(arguments: TestDatabase.engines)
    func trainingsAreStoredAsVersions(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let words = ["JG": ["井盖", "缺失", "丢失", "危险"], "ZY": ["噪音", "扰民", "深夜", "施工"], "LD": ["路灯", "不亮", "损坏", "黑暗"]]
            for index in 0..<45 {
                let (category, vocabulary) = words.sorted { $0.key < $1.key }[index % 3]
                let content = (0..<6).map { vocabulary[($0 * 7 + index) % vocabulary.count] }.joined() + "请处理"
                let id = try await demands.receive(Self.draft(content, category: category, at: nil), idempotencyKey: nil, by: Loop.agent,
                                                   at: Loop.at(9), rules: Loop.rules).demand.id
                let order = try #require(try await demands.apply(.dispatch(primary: Loop.department, deadlineClass: "general"), to: id, expectedVersion: nil,
                                                                 by: Loop.dispatcher, at: Loop.at(9, 5), rules: Loop.rules).orders.first).id
                for (command, actor) in [
                    (LoopCommand.signFor(order: order), Loop.handler), (.reportResult(order: order, summary: "已处理"), Loop.handler),
                    (.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)), Loop.callbackAgent),
                    (.close(), Loop.dispatcher),
                ] {
                    _ = try await demands.apply(command, to: id, expectedVersion: nil, by: actor, at: Loop.at(11), rules: Loop.rules)
                }
            }
            _ = try await demands.receive(Self.draft("井盖缺失", category: "JG", at: nil), idempotencyKey: nil, by: Loop.agent, at: Loop.at(12), rules: Loop.rules)

            let classifiers = ClassifierRepository(store: store)
            let examples = try await classifiers.trainingExamples(for: .unit, limit: 1_000)
            #expect(examples.count == 45 && Set(examples.map(\.label)) == ["{district}-CGW"])  // open demands do not count

            let first = try await classifiers.retrain(.category, limit: 1_000, at: Loop.at(13))
            #expect(first.version == 1 && first.examples == 45 && first.trained.heldOut.accuracy > 0.8)
            let second = try await classifiers.retrain(.category, limit: 30, at: Loop.at(14))
            #expect(second.version == 2 && second.examples == 30)
            // A training based on a version that is no longer the newest is not stored.
            #expect(try await classifiers.save(first.trained, target: .category, examples: 45, basedOn: 1, at: Loop.at(15)) == nil)

            let versions = try await classifiers.versions(.category)
            #expect(versions.map(\.version) == [2, 1] && versions.map(\.examples) == [30, 45])
            let newest = try #require(try await classifiers.load(.category))
            #expect(newest.version == 2 && newest.classifier.labels == ["JG", "LD", "ZY"])
            #expect(newest.classifier.suggest(content: "深夜施工噪音扰民").first?.label == "ZY")
            #expect(try await classifiers.load(.unit) == nil)
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }
}

/// PBKDF2-HMAC-SHA256 against RFC 7914 §11's test vectors, and hashes that verify only their password.
@Suite struct PasswordHashTests {
    @Test func knownVectors() {
        #expect(PasswordHash.derive("passwd", salt: Array("salt".utf8), rounds: 1).map { String(format: "%02x", $0) }.joined()
            == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        #expect(PasswordHash.derive("Password", salt: Array("NaCl".utf8), rounds: 80_000).map { String(format: "%02x", $0) }.joined()
            == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56")
    }

    @Test func hashesVerifyOnlyTheirPassword() {
        let hash = PasswordHash.make("正确的密码 correct", rounds: 1_000)
        #expect(hash.hasPrefix("pbkdf2-sha256$1000$") && PasswordHash.verify("正确的密码 correct", against: hash))
        #expect(!PasswordHash.verify("正确的密码 correct!", against: hash) && !PasswordHash.verify("x", against: "garbage"))
        #expect(PasswordHash.make("same", rounds: 1_000) != PasswordHash.make("same", rounds: 1_000))  // salted
    }
}

/// The rollups kept in the demand transaction (`unit_day_tallies`, `demand_day_volumes`) equal the tallies and
/// volumes computed afresh from the demands, through reopenings and later callbacks, on every configured engine.
@Suite struct TallyRollupTests {
    typealias Loop = DemandRepositoryTests

    @Test(arguments: TestDatabase.engines)
    func theRollupEqualsAFreshCount(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            func handled(_ id: String, callbacks: [CallbackOutcome], close: Bool) async throws {
                let order = try #require(try await demands.apply(.dispatch(primary: Loop.department, deadlineClass: "general"), to: id, expectedVersion: nil,
                                                                 by: Loop.dispatcher, at: Loop.at(9, 5), rules: Loop.rules).orders.first).id
                _ = try await demands.apply(.signFor(order: order), to: id, expectedVersion: nil, by: Loop.handler, at: Loop.at(9, 30), rules: Loop.rules)
                for (round, outcome) in callbacks.enumerated() {
                    if round > 0 {  // reopened: the order is dispatched again and signed for again
                        _ = try await demands.apply(.reopen(note: "未解决"), to: id, expectedVersion: nil, by: Loop.dispatcher, at: Loop.at(10, days: round), rules: Loop.rules)
                        _ = try await demands.apply(.signFor(order: order), to: id, expectedVersion: nil, by: Loop.handler, at: Loop.at(10, 30, days: round), rules: Loop.rules)
                    }
                    _ = try await demands.apply(.reportResult(order: order, summary: "已处理"), to: id, expectedVersion: nil, by: Loop.handler,
                                                at: Loop.at(11, days: round), rules: Loop.rules)
                    _ = try await demands.apply(.recordCallback(outcome: outcome), to: id, expectedVersion: nil, by: Loop.callbackAgent,
                                                at: Loop.at(12, days: round), rules: Loop.rules)
                }
                if close { _ = try await demands.apply(.close(), to: id, expectedVersion: nil, by: Loop.dispatcher, at: Loop.at(13, days: callbacks.count), rules: Loop.rules) }
            }
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await demands.receive(Loop.draft(), idempotencyKey: nil, by: Loop.agent, at: Loop.at(9), rules: Loop.rules).demand.id) }
            try await handled(ids[0], callbacks: [.valid(contacted: true, solved: true, satisfaction: .satisfied)], close: true)
            try await handled(ids[1], callbacks: [.valid(contacted: true, solved: false, satisfaction: .unsatisfied),
                                                  .valid(contacted: true, solved: true, satisfaction: .basicallySatisfied)], close: true)
            _ = try await demands.apply(.dispatch(primary: Loop.department, deadlineClass: "general"), to: ids[2], expectedVersion: nil,
                                        by: Loop.dispatcher, at: Loop.at(9, 5), rules: Loop.rules)

            let (from, through) = (CalendarDay(year: 2026, month: 3, day: 1)!, CalendarDay(year: 2026, month: 3, day: 31)!)
            let rolled = try await TallyRollup.tallies(from: from, through: through, store: store)
            var fresh: [String: UnitTally] = [:]
            for id in ids {
                for entry in DayTally.contributions(of: try await demands.demand(id: id), calendar: { Loop.rules.calendar(forUnit: $0) }) {
                    fresh[entry.unitCode, default: .zero] += entry.tally
                }
            }
            #expect(rolled == fresh)
            // One unit's tally by its own key range: the same, and zero where it has nothing.
            #expect(try await ReportRepository(store: store).tally(of: Loop.department, from: from, through: through) == rolled[Loop.department])
            #expect(try await ReportRepository(store: store).tally(of: "110105-JTW", from: from, through: through) == .zero)
            for dimension in DemandVolume.Dimension.allCases {
                var received: [String: Int] = [:]
                for id in ids { for entry in DemandVolume.contributions(of: try await demands.demand(id: id)) where entry.dimension == dimension { received[entry.key, default: 0] += 1 } }
                #expect(try await ReportRepository(store: store).volumes(dimension, from: from, through: through) == received, "\(dimension)")
            }
            // 3 filed; 2 handled on time (each order once), 1 handled again after reopening; 2 closed; the last
            // callback of each demand: one 满意, one 基本满意 — the superseded 不满意 no longer counts.
            let cgw = try #require(rolled[Loop.department])
            #expect((cgw.filed, cgw.toHandle, cgw.handled, cgw.handledOnTime, cgw.reworked, cgw.closed) == (3, 3, 2, 2, 1, 2))
            #expect(cgw.callbacks == CallbackCounts(valid: 2, contacted: 2, solved: 2, satisfied: 1, basicallySatisfied: 1))
            let score = try #require(Assessment.score(tally: cgw, scheme: .beijing))
            // 响应 2/2, 解决 2/2, 满意 (1 + 0.9 × 1)/2 = 0.95 → 100 × (0.1 + 0.5 + 0.4 × 0.95) = 98
            #expect(abs(score.composite - 98) < 1e-9)
            // A later day range sees nothing of March.
            #expect(try await TallyRollup.tallies(from: CalendarDay(year: 2026, month: 4, day: 1)!, through: CalendarDay(year: 2026, month: 4, day: 30)!, store: store).isEmpty)
        }
    }
}

/// The orders a bulletin lists: those the deadline service found overdue and supervised, while they are
/// open and their result is not in; a closed demand is in neither list.
@Suite struct ReportRepositoryTests {
    typealias Loop = DemandRepositoryTests

    /// Demands received at 09:00 and dispatched at 09:05 to the department ("general"), one on each of `days`.
    static func dispatched(on days: [Int], _ demands: DemandRepository) async throws -> [Demand] {
        var dispatched: [Demand] = []
        for day in days {
            let id = try await demands.receive(Loop.draft(), idempotencyKey: nil, by: Loop.agent, at: Loop.at(9, days: day), rules: Loop.rules).demand.id
            dispatched.append(try await demands.apply(.dispatch(primary: Loop.department, deadlineClass: "general"), to: id, expectedVersion: nil,
                                                      by: Loop.dispatcher, at: Loop.at(9, 5, days: day), rules: Loop.rules))
        }
        return dispatched
    }

    @Test(arguments: TestDatabase.engines)
    func overdueAndSupervisedOrders(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let demands = DemandRepository(store: store)
            let ids = try await Self.dispatched(on: [0, 0, 0], demands).map(\.id)
            func order(_ id: String) async throws -> String { try #require(try await demands.demand(id: id).orders.first).id }
            // The first is handled and closed in time.
            let first = try await order(ids[0])
            for (command, actor) in [(LoopCommand.signFor(order: first), Loop.handler), (.recordContact(order: first), Loop.handler),
                                     (.reportResult(order: first, summary: "已修复"), Loop.handler),
                                     (.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)), Loop.callbackAgent),
                                     (.close(), Loop.dispatcher)] {
                _ = try await demands.apply(command, to: ids[0], expectedVersion: nil, by: actor, at: Loop.at(11), rules: Loop.rules)
            }
            let reports = ReportRepository(store: store)
            #expect(try await reports.orders(.overdue, limit: 10).count == 0)

            // A month later the deadline service has marked the other two overdue and supervised them.
            _ = try await DeadlineSweep(store: store).fire(at: Loop.at(9, days: 30), limit: 100, rules: Loop.rules, whistlePolicy: .default)
            let overdue = try await reports.orders(.overdue, limit: 10)
            #expect(overdue.count == 2 && Set(overdue.first.map(\.demand.id)) == Set(ids.dropFirst()))
            let supervised = try await reports.orders(.supervised, limit: 1)
            #expect(supervised.count == 2 && supervised.first.count == 1)

            // The third reports its result, late: no longer pending, so no longer 超期待处置.
            let third = try await order(ids[2])
            _ = try await demands.apply(.signFor(order: third), to: ids[2], expectedVersion: nil, by: Loop.handler, at: Loop.at(10, days: 30), rules: Loop.rules)
            _ = try await demands.apply(.reportResult(order: third, summary: "已处理"), to: ids[2], expectedVersion: nil, by: Loop.handler,
                                        at: Loop.at(10, days: 30), rules: Loop.rules)
            let second = try await order(ids[1])
            #expect(try await reports.orders(.overdue, limit: 10).first.map(\.order.id) == [second])
        }
    }

    /// 黄灯 by the clock: an order counts from its yellow instant until its deadline (the deadline service's
    /// marking is not awaited), nearest deadline first, in its scope. Migration 19 fills the same instants from
    /// the timers of orders stored before it.
    @Test(arguments: TestDatabase.engines)
    func yellowLightsByTheClock(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let dispatched = try await Self.dispatched(on: [0, 1, 2], DemandRepository(store: store))
            let lights = dispatched.map { DemandRepository.ResolutionLight.of(WhistleCore.Loop.dueTimers($0, rules: Loop.rules))[$0.orders[0].id]! }
            #expect(lights[0].yellowAt < lights[1].yellowAt && lights[1].yellowAt < lights[0].dueAt && lights[0].dueAt < lights[2].yellowAt)
            let reports = ReportRepository(store: store)
            func yellow(at instant: Date) async throws -> [String] {
                let found = try await reports.orders(.yellow(at: instant), limit: 10)
                #expect(found.count == found.first.count)
                return found.first.map(\.demand.id)
            }
            #expect(try await yellow(at: lights[0].yellowAt.addingTimeInterval(-60)).isEmpty)
            #expect(try await yellow(at: lights[1].yellowAt) == [dispatched[0].id, dispatched[1].id])
            // By scope: the district's units, the unit itself; not another district's, not another unit.
            for (scope, count) in [(ReportRepository.Scope.area("110105"), 2), (.unit(Loop.department), 2), (.area("110106"), 0), (.unit("110105-JTW"), 0)] {
                #expect(try await reports.orders(.yellow(at: lights[1].yellowAt), in: scope, limit: 10).count == count, "\(scope)")
            }
            // Past the first deadline: red, whether or not the deadline service has marked it yet.
            let late = lights[0].dueAt.addingTimeInterval(60)
            #expect(try await yellow(at: late) == [dispatched[1].id])
            _ = try await DeadlineSweep(store: store).fire(at: late, limit: 100, rules: Loop.rules, whistlePolicy: .default)
            #expect(try await reports.orders(.overdue, limit: 10).first.map(\.demand.id) == [dispatched[0].id])
            #expect(try await yellow(at: late) == [dispatched[1].id])

            // Migration 19 computes the same columns from the timers.
            func columns() async throws -> [String] {
                try await store.read { db in
                    try await db.raw("SELECT id, yellow_at, due_at FROM work_orders ORDER BY id").all().map {
                        "\(try $0.decode(column: "id", as: String.self)) \(try $0.decode(column: "yellow_at", as: Int64?.self) ?? 0) \(try $0.decode(column: "due_at", as: Int64?.self) ?? 0)"
                    }
                }
            }
            let projected = try await columns()
            #expect(projected.filter { $0.hasSuffix(" 0 0") }.count == 1, "the overdue order has no yellow instant")
            try await store.write { db in
                try await db.raw("UPDATE work_orders SET yellow_at = NULL, due_at = NULL").run()
                for statement in Migration.lights.statements(engine) where statement.hasPrefix("UPDATE") {
                    try await db.raw(SQLQueryString(statement)).run()
                }
            }
            #expect(try await columns() == projected)
        }
    }
}
