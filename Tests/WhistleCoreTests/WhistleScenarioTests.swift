import Foundation
import Testing
import WhistleCore

/// The Longxiang case (龙翔街道, Wuhua seed): a street whistles ten units to clear a market under an overpass.
@Suite("Whistle: the Longxiang case")
struct WhistleScenarioTests {
    typealias F = WhistleFixtures

    @Test("raise, report in (on time, late, absent), log, close, score, blind view, figures")
    func longxiang() throws {
        // 09:00 三级哨, 综合执法: report in by 09:30.
        let raise = try WhistleMachine.decide(
            nil, .raise(F.draft(), id: "W1", number: "S20260302-0001"), by: F.coordinator, at: F.at("09:00"), policy: F.policy,
            units: F.units)
        var w = raise.whistle
        #expect(w.version == 1)
        #expect(w.level == .street)
        #expect(w.status == .open)
        #expect(w.summons.count == 10)
        #expect(w.reportInDue == F.at("09:30"))
        #expect(raise.events.map(\.kind) == [.raised] + Array(repeating: .unitSummoned, count: 10))
        #expect(raise.events[0].details["reportInMinutes"] == "30")
        #expect(WhistleMachine.dueTimers(w, policy: F.policy).count == 10)
        #expect(WhistleMachine.dueTimers(w, policy: F.policy).first?.key.hasPrefix("W1/") == true)
        #expect(Set(WhistleMachine.dueTimers(w, policy: F.policy).map(\.key)).contains("W1/110000-RQ/report-in"))

        // Acknowledgements, then eight units sign in on time.
        w = try F.apply(w, .acknowledge, by: F.handler(F.traffic), at: "09:02")
        w = try F.apply(w, .acknowledge, by: F.handler(F.gas), at: "09:03")
        #expect(w.summons(of: F.traffic)?.status == .acknowledged)
        let onTime = [F.policeStation, F.cityManagement, F.enforcement, F.fire, F.market, F.marketStation, F.sanitation, F.justice]
        for (minute, unit) in zip(10..., onTime) { w = try F.signIn(w, unit, at: "09:\(minute)", count: 6) }
        #expect(w.summons.filter { $0.status == .signedIn }.count == 8)
        #expect(w.summons(of: F.fire)?.signIn?.late == false)
        #expect((w.summons(of: F.fire)?.signIn?.distanceMetres ?? 0) > 100)
        #expect((w.summons(of: F.fire)?.signIn?.distanceMetres ?? 999) < 120)
        #expect(WhistleMachine.dueTimers(w, policy: F.policy).map(\.unitCode).sorted() == [F.gas, F.traffic].sorted())

        // The deadline passes: the service marks the two units still out absent … a stale timer is refused.
        #expect(throws: WhistleError.notYetDue(unit: F.gas, due: F.at("09:30"))) {
            try F.apply(w, .markAbsent(unit: F.gas), by: nil, at: "09:29")
        }
        let absent = try WhistleMachine.decide(w, .markAbsent(unit: F.gas), by: nil, at: F.at("09:30"), policy: F.policy)
        #expect(absent.events.map(\.kind) == [.unitAbsent])
        #expect(absent.events[0].details["from"] == "acknowledged")
        #expect(absent.events[0].details["to"] == "absent")
        #expect(absent.events[0].details["escalatedTo"] == F.district)
        w = absent.whistle
        #expect(w.summons(of: F.gas)?.status == .absent)
        // … while 交警 arrives late at 09:45, before its timer fired.
        w = try F.signIn(w, F.traffic, at: "09:45")
        #expect(w.summons(of: F.traffic)?.signIn?.late == true)
        #expect(w.summons(of: F.traffic)?.status == .signedIn)
        #expect(WhistleMachine.dueTimers(w, policy: F.policy).isEmpty)
        #expect(throws: WhistleError.summonsWrongState(action: .markAbsent, unit: F.traffic, status: .signedIn)) {
            try F.apply(w, .markAbsent(unit: F.traffic), by: nil, at: "09:46")
        }

        // The joint-handling log, by the street and a summoned unit.
        w = try F.apply(w, .addLog(note: "86 个临时摊点清理完毕", attachments: ["photo://w1/1.jpg"]), by: F.handler(F.cityManagement), at: "12:00")
        w = try F.apply(w, .addLog(note: "桥下交通组织调整方案已确定"), by: F.coordinator, at: "14:00")
        #expect(w.log.count == 2)
        #expect(w.log[0].attachments == ["photo://w1/1.jpg"])

        // 事不完、人不撤: the street closes with the result, then scores every unit once.
        let close = try WhistleMachine.decide(
            w, .close(result: "违规市场取缔完毕，桥下交通组织已调整"), by: F.coordinator, at: F.at("15:00"), policy: F.policy)
        w = close.whistle
        #expect(w.status == .closed)
        #expect(w.closedAt == F.at("15:00"))
        #expect(close.events.first?.details["absent"] == "1")
        #expect(close.events.first?.details["late"] == "1")
        #expect(WhistleMachine.dueTimers(w, policy: F.policy).isEmpty)

        for unit in F.longxiangUnits {
            let timeliness = unit == F.gas ? 0 : unit == F.traffic ? 5 : 10
            w = try F.apply(
                w, .score(unit: unit, timeliness: timeliness, effort: 8, result: 9, comment: "按时到场，配合有力"), by: F.coordinator, at: "16:00")
        }
        #expect(w.scores.count == 10)
        #expect(w.scores[F.gas]?.total == 17)
        #expect(w.version == 1 + 2 + 8 + 1 + 1 + 2 + 1 + 10)

        // 背靠背: a scored unit sees its own score and not who gave it; the street sees all it gave.
        let seenByCityManagement = w.scores(visibleTo: F.handler(F.cityManagement))
        #expect(Array(seenByCityManagement.keys) == [F.cityManagement])
        #expect(seenByCityManagement[F.cityManagement]?.total == 27)
        #expect(seenByCityManagement[F.cityManagement]?.scoredBy == nil)
        let seenByGas = w.scores(visibleTo: F.handler(F.gas))
        #expect(seenByGas[F.gas]?.timeliness == 0)
        #expect(seenByGas[F.gas]?.scoredBy == nil)
        let seenByStreet = w.scores(visibleTo: F.coordinator)
        #expect(seenByStreet.count == 10)
        #expect(seenByStreet.values.allSatisfy { $0.scoredBy == F.coordinator.personID })
        #expect(w.scores(visibleTo: F.handler(F.police)).isEmpty)  // not summoned: sees nothing

        // Figures: 1 whistle over 500 demands; 8 of 10 decided report-ins on time.
        let figures = WhistleFigures.summarise([w], demandsInPeriod: 500)
        #expect(figures.count == 1)
        #expect(figures.per1000Demands == 2)
        #expect(figures.onTimeReportInRate == 0.8)
        // 10…17 minutes for eight units and 45 for 交警: (108 + 45) / 9 = 17.
        #expect(figures.meanMinutesToArrive == 17)

        // Department figures: 交警 late at 45 minutes, 燃气 absent, each scored as a share of 3 × 10 marks.
        let byUnit = Dictionary(uniqueKeysWithValues: WhistleFigures.bySummonedUnit([w]).map { ($0.unitCode, $0) })
        #expect(byUnit.count == 10)
        #expect(byUnit[F.traffic]?.late == 1)
        #expect(byUnit[F.traffic]?.meanMinutesToArrive == 45)
        #expect(byUnit[F.traffic]?.meanScoreShare == 22.0 / 30)  // 5 + 8 + 9
        #expect(byUnit[F.gas]?.absent == 1)
        #expect(byUnit[F.gas]?.meanMinutesToArrive == nil)
        #expect(byUnit[F.gas]?.meanScoreShare == 17.0 / 30)  // 0 + 8 + 9
        #expect(byUnit[F.cityManagement].map { [$0.onTime, $0.late, $0.absent] } == [1, 0, 0])
        #expect(byUnit[F.cityManagement]?.meanScoreShare == 27.0 / 30)
        let byStreet = WhistleFigures.byWhistler([w], demands: [F.street: 500])
        #expect(byStreet.map(\.unitCode) == [F.street])
        #expect(byStreet.first?.summary == figures)

        // The whistle round-trips through JSON.
        let data = try JSONEncoder().encode(w)
        #expect(try JSONDecoder().decode(Whistle.self, from: data) == w)
    }

    @Test("the district flags an empty whistle once")
    func review() throws {
        var w = try F.raised([F.cityManagement])
        let flag = try WhistleMachine.decide(
            w, .flagReview(kind: .empty, reason: "例行保洁工作，不属吹哨事项"), by: F.districtSupervisor, at: F.at("10:00"), policy: F.policy)
        w = flag.whistle
        #expect(w.reviewFlag?.kind == .empty)
        #expect(w.reviewFlag?.by == F.districtSupervisor.personID)
        #expect(flag.events.map(\.kind) == [.reviewFlagged])
        #expect(throws: WhistleError.alreadyFlagged(.empty)) {
            try F.apply(w, .flagReview(kind: .wrong, reason: "再次认定"), by: F.districtSupervisor, at: "10:05")
        }
        let otherDistrict = Actor(personID: "supervisor@haidian", role: .supervisor, unitCode: "110108")
        #expect(throws: WhistleError.notDistrictReviewer(district: F.district)) {
            try F.apply(try F.raised([F.cityManagement]), .flagReview(kind: .wrong, reason: "x"), by: otherDistrict, at: "10:05")
        }
    }

    @Test("who may summon whom, by level")
    func scope() throws {
        let u = F.units
        func may(_ whistler: String, _ summoned: String) -> Bool { WhistleRules.maySummon(whistler: u[whistler]!, summoned: u[summoned]!) }
        // 一级哨: the community and its other grids.
        #expect(WhistleRules.level(of: u[F.grid1]!) == .grid)
        #expect(may(F.grid1, F.community))
        #expect(may(F.grid1, F.grid2))
        #expect(!may(F.grid1, F.grid1))
        #expect(!may(F.grid1, F.otherGrid))
        #expect(!may(F.grid1, F.policeStation))
        #expect(!may(F.grid1, F.cityManagement))
        #expect(!may(F.grid1, F.street))
        // 二级哨: the street and its stationed teams.
        #expect(WhistleRules.level(of: u[F.community]!) == .community)
        #expect(may(F.community, F.street))
        #expect(may(F.community, F.policeStation))
        #expect(!may(F.community, F.otherStation))
        #expect(!may(F.community, F.cityManagement))
        #expect(!may(F.community, F.otherStreet))
        // 三级哨: district and city departments/enterprises, the street's own teams.
        #expect(WhistleRules.level(of: u[F.street]!) == .street)
        for unit in F.longxiangUnits { #expect(may(F.street, unit), "\(unit)") }
        #expect(may(F.street, F.police))
        #expect(!may(F.street, F.otherStation))
        #expect(!may(F.street, F.otherDistrictDepartment))
        #expect(!may(F.street, F.community))
        #expect(!may(F.street, F.district))
        #expect(!may(F.street, F.street))
        #expect(WhistleRules.level(of: u[F.cityManagement]!) == nil)
    }

    @Test("a grid whistles inside its community")
    func gridWhistle() throws {
        let worker = Actor(personID: "grid@1", role: .gridWorker, unitCode: F.grid1)
        let w = try WhistleMachine.decide(
            nil, .raise(F.draft([F.community, F.grid2], type: .publicDemand, by: F.grid1), id: "W2", number: "S2"), by: worker,
            at: F.at("09:00"), policy: F.policy, units: F.units).whistle
        #expect(w.level == .grid)
        #expect(w.reportInDue == F.at("11:00"))  // 群众诉求: 120 minutes (assumption)
    }

    @Test("the default policy and a command round-trip through JSON")
    func coding() throws {
        let policy = WhistlePolicy.default
        #expect(policy.reportInMinutes(for: .emergency) == 30)
        #expect(policy.reportInMinutes(for: .keyWork) == 240)
        let decoded = try JSONDecoder().decode(WhistlePolicy.self, from: JSONEncoder().encode(policy))
        #expect(decoded == policy)
        #expect(throws: WhistlePolicyError.reportInMissing(.keyWork)) {
            try WhistlePolicy(
                effectiveFrom: policy.effectiveFrom, reportInMinutes: [.publicDemand: 1, .jointEnforcement: 1, .emergency: 1],
                signInRadiusMetres: 500, scoreMin: 0, scoreMax: 10)
        }
        let command = WhistleCommand.signIn(people: ["王"], count: 3, coordinate: F.nearby)
        #expect(try JSONDecoder().decode(WhistleCommand.self, from: JSONEncoder().encode(command)) == command)
        let raise = WhistleCommand.raise(F.draft(), id: "W1", number: "N1")
        #expect(try JSONDecoder().decode(WhistleCommand.self, from: JSONEncoder().encode(raise)) == raise)
    }
}
