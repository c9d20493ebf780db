import Foundation
import Testing
import WhistleCore

/// Each refusal of the whistle throws its typed error and changes nothing.
@Suite("Whistle: refusals")
struct WhistleRefusalTests {
    typealias F = WhistleFixtures

    @Test("a sign-in too far from the place is refused")
    func tooFar() throws {
        let w = try F.raised()
        do {
            _ = try F.apply(w, .signIn(people: ["李"], count: 2, coordinate: F.farAway), by: F.handler(F.fire), at: "09:10")
            Issue.record("expected a refusal")
        } catch let error as WhistleError {
            guard case let .tooFarAway(unit, distance, allowed) = error else { Issue.record("wrong error \(error)"); return }
            #expect(unit == F.fire)
            #expect(distance > 1_000 && distance < 1_200)
            #expect(allowed == 500)
            #expect(error.code == "whistle.sign_in_too_far")
            #expect(error.kind == .invalid)
        }
    }

    @Test("summoning a unit out of scope, itself, twice or unknown is refused")
    func summoning() throws {
        func raise(_ summons: [String], by actor: Actor = F.coordinator, unit: String = F.street) throws {
            _ = try WhistleMachine.decide(
                nil, .raise(F.draft(summons, by: unit), id: "W9", number: "N9"), by: actor, at: F.at("09:00"), policy: F.policy,
                units: F.units)
        }
        #expect(throws: WhistleError.summonsOutOfScope(whistler: F.street, unit: F.otherDistrictDepartment, level: .street)) {
            try raise([F.cityManagement, F.otherDistrictDepartment])
        }
        #expect(throws: WhistleError.summonsOutOfScope(whistler: F.street, unit: F.otherStation, level: .street)) {
            try raise([F.otherStation])
        }
        #expect(throws: WhistleError.summonsSelf(unit: F.street)) { try raise([F.street]) }
        #expect(throws: WhistleError.duplicateSummons(unit: F.fire)) { try raise([F.fire, F.fire]) }
        #expect(throws: WhistleError.unitNotFound("110105-NOPE")) { try raise(["110105-NOPE"]) }
        #expect(throws: WhistleError.invalidField(field: "summons", problem: .empty)) { try raise([]) }
        // 一级哨 cannot reach a stationed team.
        let worker = Actor(personID: "grid@1", role: .gridWorker, unitCode: F.grid1)
        #expect(throws: WhistleError.summonsOutOfScope(whistler: F.grid1, unit: F.policeStation, level: .grid)) {
            try raise([F.policeStation], by: worker, unit: F.grid1)
        }
        // Only the whistling unit's own people raise; a department does not whistle.
        #expect(throws: WhistleError.notWhistlingUnit(unit: F.street)) {
            try raise([F.fire], by: Actor(personID: "c@other", role: .streetCoordinator, unitCode: F.otherStreet))
        }
        #expect(throws: WhistleError.roleNotAllowed(action: .raise, role: .departmentHandler)) {
            try raise([F.fire], by: F.handler(F.cityManagement), unit: F.cityManagement)
        }
        let error = WhistleError.summonsOutOfScope(whistler: F.street, unit: F.otherStation, level: .street)
        #expect(error.code == "whistle.summons_out_of_scope")
        #expect(error.kind == .forbidden)
    }

    @Test("only the whistling unit closes, once")
    func closing() throws {
        let w = try F.raised()
        #expect(throws: WhistleError.notWhistlingUnit(unit: F.street)) {
            try F.apply(w, .close(result: "完成"), by: Actor(personID: "c@other", role: .streetCoordinator, unitCode: F.otherStreet), at: "12:00")
        }
        #expect(throws: WhistleError.roleNotAllowed(action: .close, role: .departmentHandler)) {
            try F.apply(w, .close(result: "完成"), by: F.handler(F.cityManagement), at: "12:00")
        }
        let closed = try F.apply(w, .close(result: "完成"), by: F.coordinator, at: "12:00")
        #expect(throws: WhistleError.wrongState(action: .close, status: .closed)) {
            try F.apply(closed, .close(result: "再次"), by: F.coordinator, at: "12:01")
        }
        #expect(throws: WhistleError.wrongState(action: .signIn, status: .closed)) {
            try F.signIn(closed, F.fire, at: "12:02")
        }
    }

    @Test("one whistle, one score: a second score, an early score, a bad mark are refused")
    func scoring() throws {
        var w = try F.raised([F.fire, F.traffic])
        #expect(throws: WhistleError.wrongState(action: .score, status: .open)) {
            try F.apply(w, .score(unit: F.fire, timeliness: 9, effort: 9, result: 9), by: F.coordinator, at: "10:00")
        }
        w = try F.apply(w, .close(result: "完成"), by: F.coordinator, at: "12:00")
        w = try F.apply(w, .score(unit: F.fire, timeliness: 9, effort: 9, result: 9), by: F.coordinator, at: "12:10")
        #expect(throws: WhistleError.alreadyScored(unit: F.fire)) {
            try F.apply(w, .score(unit: F.fire, timeliness: 1, effort: 1, result: 1), by: F.coordinator, at: "12:20")
        }
        #expect(WhistleError.alreadyScored(unit: F.fire).code == "whistle.already_scored")
        #expect(WhistleError.alreadyScored(unit: F.fire).kind == .conflict)
        #expect(throws: WhistleError.scoreOutOfRange(field: "effort", value: 11, min: 0, max: 10)) {
            try F.apply(w, .score(unit: F.traffic, timeliness: 5, effort: 11, result: 5), by: F.coordinator, at: "12:20")
        }
        #expect(throws: WhistleError.summonsNotFound(unit: F.gas)) {
            try F.apply(w, .score(unit: F.gas, timeliness: 5, effort: 5, result: 5), by: F.coordinator, at: "12:20")
        }
        #expect(throws: WhistleError.notWhistlingUnit(unit: F.street)) {
            try F.apply(w, .score(unit: F.traffic, timeliness: 5, effort: 5, result: 5),
                        by: Actor(personID: "c@other", role: .streetCoordinator, unitCode: F.otherStreet), at: "12:20")
        }
    }

    @Test("only summoned units report in; only the system marks absent; raise needs no whistle")
    func misc() throws {
        let w = try F.raised([F.fire])
        #expect(throws: WhistleError.notSummoned(unit: F.traffic)) { try F.signIn(w, F.traffic, at: "09:10") }
        #expect(throws: WhistleError.roleNotAllowed(action: .markAbsent, role: .streetCoordinator)) {
            try F.apply(w, .markAbsent(unit: F.fire), by: F.coordinator, at: "09:40")
        }
        let signed = try F.signIn(w, F.fire, at: "09:10")
        #expect(throws: WhistleError.summonsWrongState(action: .signIn, unit: F.fire, status: .signedIn)) {
            try F.signIn(signed, F.fire, at: "09:11")
        }
        #expect(throws: WhistleError.alreadyExists("W1")) {
            try WhistleMachine.decide(w, .raise(F.draft(), id: "W1", number: "N"), by: F.coordinator, at: F.at("09:00"), policy: F.policy, units: F.units)
        }
        #expect(throws: WhistleError.whistleMissing) {
            try WhistleMachine.decide(nil, .acknowledge, by: F.handler(F.fire), at: F.at("09:00"), policy: F.policy)
        }
    }

    @Test("a unit marked absent may still sign in while open: late, the absence kept on record")
    func lateAfterAbsent() throws {
        var w = try F.raised([F.fire])
        w = try F.apply(w, .markAbsent(unit: F.fire), by: nil, at: "09:31")
        #expect(throws: WhistleError.summonsWrongState(action: .markAbsent, unit: F.fire, status: .absent)) {
            try F.apply(w, .markAbsent(unit: F.fire), by: nil, at: "09:32")
        }
        #expect(throws: WhistleError.summonsWrongState(action: .acknowledge, unit: F.fire, status: .absent)) {
            try F.apply(w, .acknowledge, by: F.handler(F.fire), at: "09:33")
        }
        w = try F.signIn(w, F.fire, at: "10:05")
        #expect(w.summons(of: F.fire)?.status == .signedIn)
        #expect(w.summons(of: F.fire)?.signIn?.late == true)
        #expect(w.summons(of: F.fire)?.markedAbsentAt == F.at("09:31"))
        #expect(WhistleFigures.summarise([w], demandsInPeriod: 0).onTimeReportInRate == 0)
        #expect(WhistleFigures.summarise([w], demandsInPeriod: 0).per1000Demands == nil)
    }
}
