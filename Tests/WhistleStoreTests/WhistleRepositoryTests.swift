import Foundation
import SQLKit
import Testing
import WhistleCore
@testable import WhistleStore
import WhistleTestSupport

/// Whistles through the store on every configured engine: numbering, report-in timers fired by the deadline
/// sweep, refusals that change nothing, the stream's change feed and the figures' queries.
@Suite struct WhistleRepositoryTests {
    static let street = "110105026"
    static let city = """
        code,name,kind,parent_code,population,calendar
        110000,北京市,city,,21893095,
        110105,朝阳区,district,110000,3452460
        110105026,望京街道,street,110105,
        110105027,大屯街道,street,110105,
        110105026001,望京西园一区社区,community,110105026,5000
        110105-CGZFJ,朝阳区城市管理综合行政执法局,department,110105,
        110105-JGZD,北京市公安局公安交通管理局朝阳交通支队,department,110105,
        110105027-PCS,大屯派出所,stationed_team,110105-CGZFJ,
        """
    static let coordinator = Actor(personID: "coordinator", role: .streetCoordinator, unitCode: street)
    static let enforcement = Actor(personID: "enforcement", role: .departmentHandler, unitCode: "110105-CGZFJ")
    static let policy = WhistlePolicy.default
    static let place = Coordinate(longitude: 116.4550, latitude: 39.9350)

    /// Beijing wall-clock time on 2026-03-02.
    static func at(_ hour: Int, _ minute: Int = 0) -> Date {
        Date(timeIntervalSince1970: 1_772_409_600 + Double(hour * 3_600 + minute * 60) - 8 * 3_600)
    }

    static func draft(_ units: [String] = ["110105-CGZFJ", "110105-JGZD"]) -> WhistleDraft {
        WhistleDraft(
            type: .jointEnforcement, whistlingUnit: street, subject: "立交桥下违规市场", place: WhistlePlace(address: "望京立交桥下", coordinate: place),
            problem: .keyWork("清理立交桥下违规市场"), summons: units.map { SummonsDraft(unitCode: $0, ask: "到场配合") })
    }

    static func seed(_ store: any Store) async throws {
        _ = try await UnitRepository(store: store).importUnits(try DivisionsFile.parse(city, file: "city.csv").get(), file: "city.csv", now: at(8))
    }

    static func count(_ sql: SQLQueryString, _ store: any Store) async throws -> Int {
        try await store.read { try await $0.raw(sql).first()?.decode(column: "n", as: Int.self) ?? 0 }
    }

    @Test(arguments: TestDatabase.engines)
    func reportInDeadlinesAndRefusals(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            let whistles = WhistleRepository(store: store)
            let before = try await whistles.latestChange()

            // Out of scope: another street's police station; nothing is written and no number is taken.
            await #expect(throws: WhistleError.summonsOutOfScope(whistler: Self.street, unit: "110105027-PCS", level: .street)) {
                _ = try await whistles.raise(Self.draft(["110105027-PCS"]), by: Self.coordinator, at: Self.at(9), policy: Self.policy)
            }
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM whistles", store) == 0)

            let whistle = try await whistles.raise(Self.draft(), by: Self.coordinator, at: Self.at(9), policy: Self.policy)
            #expect(whistle.number == "S20260302-0001")
            let second = try await whistles.raise(Self.draft(["110105-JGZD"]), by: Self.coordinator, at: Self.at(9, 5), policy: Self.policy)
            #expect(second.number == "S20260302-0002")
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM timers WHERE fired_at IS NULL", store) == 3)

            // Signed in on time; a sign-in 1.1 km away is refused and changes nothing.
            let signed = try await whistles.apply(
                .signIn(people: ["张队长"], count: 5, coordinate: Coordinate(longitude: 116.4550, latitude: 39.9360)), to: whistle.id,
                expectedVersion: 1, by: Self.enforcement, at: Self.at(9, 12), policy: Self.policy)
            #expect(signed.version == 2)
            let audit = try await Self.count("SELECT COUNT(*) AS n FROM audit_events", store)
            await #expect(throws: WhistleError.self) {
                _ = try await whistles.apply(
                    .signIn(people: [], count: 1, coordinate: Coordinate(longitude: 116.4550, latitude: 39.9450)), to: second.id,
                    expectedVersion: nil, by: Self.enforcement, at: Self.at(9, 13), policy: Self.policy)
            }
            await #expect(throws: WhistleStoreError.versionConflict(id: whistle.id, expected: 1, actual: 2)) {
                _ = try await whistles.apply(.close(result: "完毕"), to: whistle.id, expectedVersion: 1, by: Self.coordinator, at: Self.at(9, 14), policy: Self.policy)
            }
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM audit_events", store) == audit)
            #expect(try await whistles.whistle(id: whistle.id) == signed)

            // 09:30: the sweep marks 交警 absent on both whistles, exactly once; the signed-in unit has no timer left.
            let sweep = DeadlineSweep(store: store)
            let rules = DemandRepositoryTests.rules
            #expect(try await sweep.fire(at: Self.at(9, 29), limit: 10, rules: rules, whistlePolicy: Self.policy) == 0)
            #expect(try await sweep.fire(at: Self.at(9, 40), limit: 10, rules: rules, whistlePolicy: Self.policy) == 2)
            #expect(try await sweep.fire(at: Self.at(9, 50), limit: 10, rules: rules, whistlePolicy: Self.policy) == 0)
            let marked = try await whistles.whistle(id: whistle.id)
            #expect(marked.summons(of: "110105-JGZD")?.status == .absent)
            #expect(marked.summons(of: "110105-JGZD")?.markedAbsentAt == Self.at(9, 40))
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM whistle_summons WHERE status = 'absent'", store) == 2)

            // The change feed: every event after `before`, in order, with the whistles as they are now.
            let changes = try await whistles.changes(after: before, limit: 100)
            #expect(changes.events.map(\.entry.kind) == [
                "whistle.raised", "whistle.unit_summoned", "whistle.unit_summoned", "whistle.raised", "whistle.unit_summoned",
                "whistle.unit_signed_in", "whistle.unit_absent", "whistle.unit_absent",
            ])
            #expect(changes.events.map(\.seq) == changes.events.map(\.seq).sorted())
            #expect(changes.whistles[whistle.id] == marked)
            #expect(try await whistles.latestChange() == changes.events.last?.seq)
            let tail = try await whistles.changes(after: changes.events[5].seq, limit: 1)
            #expect(tail.events.map(\.entry.kind) == ["whistle.unit_absent"])

            // Lists: a summoned department sees both, another street none; the district's filter.
            let forDepartment = try await whistles.list(status: .open, involving: "110105-JGZD", district: nil, after: nil, limit: 1)
            #expect(forDepartment.items.map(\.id) == [second.id] && forDepartment.nextCursor != nil)
            let next = try await whistles.list(status: .open, involving: "110105-JGZD", district: nil, after: forDepartment.nextCursor, limit: 1)
            #expect(next.items.map(\.id) == [whistle.id] && next.nextCursor == nil)
            #expect(try await whistles.list(status: nil, involving: "110105027", district: nil, after: nil, limit: 10).items.isEmpty)
            #expect(try await whistles.list(status: nil, involving: "110105", district: "110105", after: nil, limit: 10).items.count == 2)

            // Figures' queries: whistles raised in the period, demands in the whistler's area.
            #expect(try await whistles.raised(from: Self.at(0), to: Self.at(24), district: "110105").count == 2)
            #expect(try await whistles.raised(from: Self.at(9, 1), to: Self.at(24), district: nil).map(\.id) == [second.id])
            let demands = DemandRepository(store: store)
            for (hour, area) in [(8, "110105026001"), (10, "110105026"), (11, "110105027001")] {
                _ = try await demands.receive(
                    DemandDraft(type: .complaint, channel: .web, content: "桥下摊贩占道", location: DemandLocation(address: "望京", areaCode: area)),
                    idempotencyKey: nil, by: nil, at: Self.at(hour), rules: rules)
            }
            #expect(try await whistles.demandCounts(in: [Self.street, "110105027"], from: Self.at(0), to: Self.at(24)) == [Self.street: 2, "110105027": 1])
            #expect(try await whistles.demandCounts(in: [Self.street], from: Self.at(9), to: Self.at(24)) == [Self.street: 1])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func whistlePoliciesByEffectiveDay(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let policies = PolicyRepository(store: store)
            let stricter = try WhistlePolicy(
                effectiveFrom: CalendarDay(year: 2026, month: 4, day: 1)!, reportInMinutes: [.jointEnforcement: 20, .emergency: 15, .publicDemand: 60, .keyWork: 120],
                signInRadiusMetres: 300, scoreMin: 0, scoreMax: 10)
            try await policies.save(WhistlePolicy.default, now: Self.at(8))
            try await policies.save(stricter, now: Self.at(8))
            let stored = try await policies.all(WhistlePolicy.self)
            #expect(stored == [WhistlePolicy.default, stricter])
            #expect(WhistlePolicy.inForce(at: Self.at(9), among: stored) == .default)
            #expect(WhistlePolicy.inForce(at: CalendarDay(year: 2026, month: 4, day: 1)!.startInBeijing, among: stored) == stricter)
            #expect(try await policies.all(LoopPolicy.self).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func partyMembersAndTasks(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            let party = PartyWorkRepository(store: store)
            let staff = Actor(personID: "staff", role: .communityStaff, unitCode: "110105026001")
            let member = try await party.register(
                PartyMemberDraft(name: "李老师", workUnit: "退休教师", homeCommunity: "110105026001"), memberID: nil, by: staff, at: Self.at(9))
            _ = try await party.setAvailable(false, memberID: member.id, by: staff, at: Self.at(9, 1))
            #expect(try await party.members(of: "110105026001", availableOnly: true).isEmpty)
            _ = try await party.setAvailable(true, memberID: member.id, by: staff, at: Self.at(9, 2))
            let task = try await party.createTask(community: "110105026001", title: "助老", detail: "陪同就医", needed: 2, by: staff, at: Self.at(9, 3))
            _ = try await party.act(.take(memberID: member.id), on: task.id, by: staff, at: Self.at(9, 4))
            let logged = try await party.act(
                .logHours(memberID: member.id, hours: 2, day: CalendarDay(year: 2026, month: 3, day: 2)!, note: nil), on: task.id, by: staff, at: Self.at(12))
            #expect(logged.hours.map(\.hours) == [2])
            #expect(try await party.member(id: member.id).hours == 2)
            #expect(try await party.tasks(of: "110105026001", status: .open).map(\.id) == [task.id])
            await #expect(throws: PartyStoreError.memberNotFound("nobody")) {
                _ = try await party.act(.take(memberID: "nobody"), on: task.id, by: staff, at: Self.at(12))
            }
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM audit_events WHERE subject_type IN ('party_member', 'community_task')", store) == 6)
        }
    }
}
