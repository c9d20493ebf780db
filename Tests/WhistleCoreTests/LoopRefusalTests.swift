import Foundation
import Testing
import WhistleCore

/// A command the loop must refuse, with the typed refusal it must give.
struct Refusal: Sendable, CustomTestStringConvertible {
    var name: String
    var given: @Sendable () throws -> Scenario
    var command: LoopCommand
    var actor: Actor?
    var at: String
    var expected: LoopError

    var testDescription: String { name }
}

/// Starting points for the refusals: a demand at each stage (2026-03-02 is a Monday).
private enum Given {
    typealias F = LoopFixtures
    static let cgw = F.cityManagement, jtw = F.transport

    static func received() throws -> Scenario { Scenario(try F.received(at: "2026-03-02 08:50")) }

    static func dispatched(_ deadlineClass: String = "general", coHandler: Bool = false) throws -> Scenario {
        var s = try received()
        try s.apply(.dispatch(primary: cgw, coHandlers: coHandler ? [jtw] : [], deadlineClass: deadlineClass), by: F.dispatcher, at: "2026-03-02 09:00")
        return s
    }

    static func signed(_ deadlineClass: String = "general", coHandler: Bool = false) throws -> Scenario {
        var s = try dispatched(deadlineClass, coHandler: coHandler)
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-02 09:30")
        return s
    }

    static func returnRequested() throws -> Scenario {
        var s = try signed()
        try s.apply(.requestReturn(order: "D1-1", reason: .unclearOwnership, evidence: ["e"], leaderApproval: F.leader(cgw)),
                    by: F.handler(cgw), at: "2026-03-02 10:00")
        return s
    }

    static func parked() throws -> Scenario {
        var s = try signed()
        try s.apply(.requestPark(order: "D1-1", reason: "等待"), by: F.handler(cgw), at: "2026-03-02 10:00")
        try s.apply(.ruleOnPark(order: "D1-1", approve: true), by: F.dispatcher, at: "2026-03-02 10:30")
        return s
    }

    static func reported() throws -> Scenario {
        var s = try signed()
        try s.apply(.reportResult(order: "D1-1", summary: "已处理"), by: F.handler(cgw), at: "2026-03-03 10:00")
        return s
    }

    static func calledBack(_ outcome: CallbackOutcome = .valid(contacted: true, solved: true, satisfaction: .satisfied)) throws -> Scenario {
        var s = try reported()
        try s.apply(.recordCallback(outcome: outcome), by: F.callbackAgent, at: "2026-03-04 10:00")
        return s
    }

    static func closed() throws -> Scenario {
        var s = try calledBack()
        try s.apply(.close(), by: F.dispatcher, at: "2026-03-04 11:00")
        return s
    }

    static func merged() throws -> Scenario {
        var s = try received()
        try s.apply(.merge(into: "D0"), by: F.dispatcher, at: "2026-03-02 09:00")
        return s
    }

    static func flagged() throws -> Scenario {
        var s = try received()
        try s.apply(.flagMalicious(approver: F.dispatcher), by: F.agent, at: "2026-03-02 09:00")
        return s
    }

    static func transferred() throws -> Scenario {
        var draft = F.draft(.help)
        draft.emergencyTransfer = .ambulance
        return Scenario(try Intake.open(draft, id: "D1", number: "N", by: F.agent, at: CalendarFixtures.bj("2026-03-02 08:50"), rules: F.rules).demand)
    }
}

@Suite("Closed loop refusals")
struct LoopRefusalTests {
    typealias F = LoopFixtures
    static let cgw = F.cityManagement, jtw = F.transport
    static let late = CalendarFixtures.bj("2026-03-05 17:30")

    static let cases: [Refusal] = [
        // Dispatch
        Refusal(name: "an agent cannot dispatch", given: Given.received, command: .dispatch(primary: cgw, deadlineClass: "general"),
                actor: F.agent, at: "2026-03-02 09:00", expected: .roleNotAllowed(action: .dispatch, role: .hotlineAgent)),
        Refusal(name: "unknown deadline class", given: Given.received, command: .dispatch(primary: cgw, deadlineClass: "slow"),
                actor: F.dispatcher, at: "2026-03-02 09:00", expected: .deadlineClassNotFound("slow")),
        Refusal(name: "primary also a co-handler", given: Given.received,
                command: .dispatch(primary: cgw, coHandlers: [jtw, cgw], deadlineClass: "general"), actor: F.dispatcher,
                at: "2026-03-02 09:00", expected: .invalidField(field: "coHandlers", problem: .duplicate(cgw))),
        Refusal(name: "blank primary", given: Given.received, command: .dispatch(primary: " ", deadlineClass: "general"),
                actor: F.dispatcher, at: "2026-03-02 09:00", expected: .invalidField(field: "primary", problem: .empty)),
        Refusal(name: "dispatch twice", given: { try Given.dispatched() }, command: .dispatch(primary: jtw, deadlineClass: "general"),
                actor: F.dispatcher, at: "2026-03-02 09:10", expected: .demandWrongState(action: .dispatch, status: .dispatched)),
        Refusal(name: "dispatch an emergency transfer", given: Given.transferred, command: .dispatch(primary: cgw, deadlineClass: "urgent"),
                actor: F.dispatcher, at: "2026-03-02 09:00", expected: .demandWrongState(action: .dispatch, status: .transferred)),
        // Re-dispatch
        Refusal(name: "re-dispatch to the same unit", given: { try Given.dispatched() }, command: .reDispatch(order: "D1-1", to: cgw),
                actor: F.dispatcher, at: "2026-03-02 10:00", expected: .reDispatchToSameUnit(order: "D1-1", unit: cgw)),
        Refusal(name: "re-dispatch to a unit already on the demand", given: { try Given.dispatched(coHandler: true) },
                command: .reDispatch(order: "D1-1", to: jtw), actor: F.dispatcher, at: "2026-03-02 10:00",
                expected: .unitAlreadyAssigned(jtw)),
        Refusal(name: "re-dispatch with a return pending", given: Given.returnRequested, command: .reDispatch(order: "D1-1", to: jtw),
                actor: F.dispatcher, at: "2026-03-02 11:00",
                expected: .orderWrongState(action: .reDispatch, order: "D1-1", status: .returnRequested)),
        Refusal(name: "a unit cannot re-dispatch", given: { try Given.dispatched() }, command: .reDispatch(order: "D1-1", to: jtw),
                actor: F.handler(cgw), at: "2026-03-02 10:00", expected: .roleNotAllowed(action: .reDispatch, role: .departmentHandler)),
        // Handling
        Refusal(name: "another unit signs for", given: { try Given.dispatched() }, command: .signFor(order: "D1-1"),
                actor: F.handler(jtw), at: "2026-03-02 10:00", expected: .notOrderUnit(order: "D1-1", unit: cgw)),
        Refusal(name: "a callback agent signs for", given: { try Given.dispatched() }, command: .signFor(order: "D1-1"),
                actor: F.callbackAgent, at: "2026-03-02 10:00", expected: .roleNotAllowed(action: .signFor, role: .callbackAgent)),
        Refusal(name: "the system signs for", given: { try Given.dispatched() }, command: .signFor(order: "D1-1"),
                actor: nil, at: "2026-03-02 10:00", expected: .roleNotAllowed(action: .signFor, role: nil)),
        Refusal(name: "unknown order", given: { try Given.dispatched() }, command: .signFor(order: "D1-9"),
                actor: F.handler(cgw), at: "2026-03-02 10:00", expected: .orderNotFound("D1-9")),
        Refusal(name: "sign for twice", given: { try Given.signed() }, command: .signFor(order: "D1-1"),
                actor: F.handler(cgw), at: "2026-03-02 10:00", expected: .orderWrongState(action: .signFor, order: "D1-1", status: .signed)),
        Refusal(name: "progress before signing", given: { try Given.dispatched() }, command: .addProgress(order: "D1-1", note: "x"),
                actor: F.handler(cgw), at: "2026-03-02 10:00",
                expected: .orderWrongState(action: .addProgress, order: "D1-1", status: .dispatched)),
        Refusal(name: "empty progress note", given: { try Given.signed() }, command: .addProgress(order: "D1-1", note: "  "),
                actor: F.handler(cgw), at: "2026-03-02 10:00", expected: .invalidField(field: "note", problem: .empty)),
        Refusal(name: "too many attachments", given: { try Given.signed() },
                command: .reportResult(order: "D1-1", summary: "ok", attachments: Array(repeating: "a", count: 21)),
                actor: F.handler(cgw), at: "2026-03-02 10:00", expected: .invalidField(field: "attachments", problem: .tooMany(max: 20))),
        Refusal(name: "primary result with a co-handler open (首接负责)", given: { try Given.signed(coHandler: true) },
                command: .reportResult(order: "D1-1", summary: "ok"), actor: F.handler(cgw), at: "2026-03-02 10:00",
                expected: .coHandlersOpen(orders: ["D1-2"])),
        // Return
        Refusal(name: "return without evidence", given: { try Given.signed() },
                command: .requestReturn(order: "D1-1", reason: .wrongArea, evidence: [], leaderApproval: F.leader(cgw)),
                actor: F.handler(cgw), at: "2026-03-02 10:00", expected: .evidenceMissing(order: "D1-1")),
        Refusal(name: "return without leader approval", given: { try Given.signed() },
                command: .requestReturn(order: "D1-1", reason: .wrongArea, evidence: ["e"], leaderApproval: nil),
                actor: F.handler(cgw), at: "2026-03-02 10:00", expected: .leaderApprovalMissing(order: "D1-1")),
        Refusal(name: "return approved by a handler", given: { try Given.signed() },
                command: .requestReturn(order: "D1-1", reason: .wrongArea, evidence: ["e"], leaderApproval: F.handler(cgw)),
                actor: F.handler(cgw), at: "2026-03-02 10:00",
                expected: .leaderApprovalInvalid(order: "D1-1", approver: "handler@110105-CGW")),
        Refusal(name: "return approved by another unit's leader", given: { try Given.signed() },
                command: .requestReturn(order: "D1-1", reason: .wrongArea, evidence: ["e"], leaderApproval: F.leader(jtw)),
                actor: F.handler(cgw), at: "2026-03-02 10:00",
                expected: .leaderApprovalInvalid(order: "D1-1", approver: "leader@110105-JTW")),
        Refusal(name: "return after the window", given: { try Given.signed() },
                command: .requestReturn(order: "D1-1", reason: .wrongArea, evidence: ["e"], leaderApproval: F.leader(cgw)),
                actor: F.handler(cgw), at: "2026-03-05 17:31", expected: .returnWindowPassed(order: "D1-1", windowEnd: late)),
        Refusal(name: "ruling on no return", given: { try Given.signed() }, command: .ruleOnReturn(order: "D1-1", approve: true),
                actor: F.dispatcher, at: "2026-03-02 10:00",
                expected: .orderWrongState(action: .ruleOnReturn, order: "D1-1", status: .signed)),
        Refusal(name: "a unit leader rules on its own return", given: Given.returnRequested,
                command: .ruleOnReturn(order: "D1-1", approve: true), actor: F.leader(cgw), at: "2026-03-02 11:00",
                expected: .roleNotAllowed(action: .ruleOnReturn, role: .unitLeader)),
        Refusal(name: "a second request while one is pending", given: Given.returnRequested,
                command: .requestPark(order: "D1-1", reason: "x"), actor: F.handler(cgw), at: "2026-03-02 11:00",
                expected: .orderWrongState(action: .requestPark, order: "D1-1", status: .returnRequested)),
        // Extension
        Refusal(name: "extension in the urgent class", given: { try Given.signed("urgent") },
                command: .requestExtension(order: "D1-1", extra: .naturalHours(2), reason: "x"), actor: F.handler(cgw),
                at: "2026-03-02 10:00", expected: .extensionNotAllowed(order: "D1-1", deadlineClass: "urgent")),
        Refusal(name: "extension after the deadline", given: { try Given.signed() },
                command: .requestExtension(order: "D1-1", extra: .workingDays(2), reason: "x"), actor: F.handler(cgw),
                at: "2026-03-11 17:30", expected: .extensionPastDeadline(order: "D1-1", deadline: CalendarFixtures.bj("2026-03-11 17:30"))),
        Refusal(name: "extension of no time", given: { try Given.signed() },
                command: .requestExtension(order: "D1-1", extra: .workingDays(0), reason: "x"), actor: F.handler(cgw),
                at: "2026-03-02 10:00", expected: .invalidField(field: "extra", problem: .notPositive)),
        Refusal(name: "extension without a reason", given: { try Given.signed() },
                command: .requestExtension(order: "D1-1", extra: .workingDays(2), reason: ""), actor: F.handler(cgw),
                at: "2026-03-02 10:00", expected: .invalidField(field: "reason", problem: .empty)),
        Refusal(name: "ruling on no extension", given: { try Given.signed() }, command: .ruleOnExtension(order: "D1-1", approve: true),
                actor: F.dispatcher, at: "2026-03-02 10:00",
                expected: .orderWrongState(action: .ruleOnExtension, order: "D1-1", status: .signed)),
        // Parking
        Refusal(name: "ruling on no parking", given: { try Given.signed() }, command: .ruleOnPark(order: "D1-1", approve: true),
                actor: F.dispatcher, at: "2026-03-02 10:00", expected: .orderWrongState(action: .ruleOnPark, order: "D1-1", status: .signed)),
        Refusal(name: "unpark a running order", given: { try Given.signed() }, command: .unpark(order: "D1-1"),
                actor: F.dispatcher, at: "2026-03-02 10:00", expected: .orderWrongState(action: .unpark, order: "D1-1", status: .signed)),
        Refusal(name: "another unit unparks", given: Given.parked, command: .unpark(order: "D1-1"),
                actor: F.handler(jtw), at: "2026-03-03 10:00", expected: .notOrderUnit(order: "D1-1", unit: cgw)),
        Refusal(name: "close a parked demand", given: Given.parked, command: .close(), actor: F.dispatcher,
                at: "2026-03-03 10:00", expected: .demandWrongState(action: .close, status: .parked)),
        // Callback, reopening, closure
        Refusal(name: "callback before the result", given: { try Given.signed() },
                command: .recordCallback(outcome: .invalid(.refused)), actor: F.callbackAgent, at: "2026-03-02 10:00",
                expected: .demandWrongState(action: .recordCallback, status: .inProgress)),
        Refusal(name: "a dispatcher records a callback", given: Given.reported,
                command: .recordCallback(outcome: .invalid(.refused)), actor: F.dispatcher, at: "2026-03-04 10:00",
                expected: .roleNotAllowed(action: .recordCallback, role: .dispatcher)),
        Refusal(name: "reopen a satisfied demand", given: { try Given.calledBack() }, command: .reopen(), actor: F.dispatcher,
                at: "2026-03-04 12:00", expected: .reopenNotWarranted),
        Refusal(name: "reopen before the callback", given: Given.reported, command: .reopen(), actor: F.dispatcher,
                at: "2026-03-04 12:00", expected: .demandWrongState(action: .reopen, status: .resultReported)),
        Refusal(name: "close before the callback", given: Given.reported, command: .close(), actor: F.dispatcher,
                at: "2026-03-04 12:00", expected: .demandWrongState(action: .close, status: .resultReported)),
        Refusal(name: "a unit closes the demand", given: { try Given.calledBack() }, command: .close(), actor: F.leader(cgw),
                at: "2026-03-04 12:00", expected: .roleNotAllowed(action: .close, role: .unitLeader)),
        Refusal(name: "close twice", given: Given.closed, command: .close(), actor: F.dispatcher,
                at: "2026-03-04 12:00", expected: .demandWrongState(action: .close, status: .closed)),
        // Merge
        Refusal(name: "merge into itself", given: Given.received, command: .merge(into: "D1"), actor: F.dispatcher,
                at: "2026-03-02 09:00", expected: .mergeIntoItself),
        Refusal(name: "merge twice", given: Given.merged, command: .merge(into: "D7"), actor: F.dispatcher,
                at: "2026-03-02 10:00", expected: .alreadyMerged(into: "D0")),
        Refusal(name: "merge a closed demand", given: Given.closed, command: .merge(into: "D0"), actor: F.dispatcher,
                at: "2026-03-04 12:00", expected: .demandWrongState(action: .merge, status: .closed)),
        // Flags
        Refusal(name: "an agent approves a flag", given: Given.received, command: .flagMalicious(approver: F.agent),
                actor: F.agent, at: "2026-03-02 09:00", expected: .approverNotAllowed(action: .flagMalicious, role: .hotlineAgent)),
        Refusal(name: "flag twice", given: Given.flagged, command: .flagMalicious(approver: F.supervisor),
                actor: F.dispatcher, at: "2026-03-02 10:00", expected: .alreadyFlagged(.malicious)),
        Refusal(name: "an agent rules a demand unreasonable", given: Given.received,
                command: .flagUnreasonable(approver: F.dispatcher, reason: "x"), actor: F.agent, at: "2026-03-02 09:00",
                expected: .roleNotAllowed(action: .flagUnreasonable, role: .hotlineAgent)),
        Refusal(name: "unreasonable without a reason", given: Given.received,
                command: .flagUnreasonable(approver: F.dispatcher, reason: " "), actor: F.supervisor, at: "2026-03-02 09:00",
                expected: .invalidField(field: "reason", problem: .empty)),
        // Urging, supervision, deadlines
        Refusal(name: "a handler urges", given: { try Given.dispatched() }, command: .urge(order: "D1-1"), actor: F.handler(cgw),
                at: "2026-03-02 10:00", expected: .roleNotAllowed(action: .urge, role: .departmentHandler)),
        Refusal(name: "urge a closed order", given: Given.closed, command: .urge(order: "D1-1"), actor: F.supervisor,
                at: "2026-03-04 12:00", expected: .orderWrongState(action: .urge, order: "D1-1", status: .closed)),
        Refusal(name: "a person marks overdue", given: { try Given.dispatched() }, command: .markOverdue(order: "D1-1", step: .resolution),
                actor: F.dispatcher, at: "2026-03-12 10:00", expected: .roleNotAllowed(action: .markOverdue, role: .dispatcher)),
        Refusal(name: "overdue before the deadline", given: { try Given.dispatched() },
                command: .markOverdue(order: "D1-1", step: .resolution), actor: nil, at: "2026-03-11 17:29",
                expected: .notYetDue(order: "D1-1", step: .resolution, due: CalendarFixtures.bj("2026-03-11 17:30"))),
        Refusal(name: "overdue of a done step", given: { try Given.signed() }, command: .markOverdue(order: "D1-1", step: .signFor),
                actor: nil, at: "2026-03-04 10:00", expected: .stepNotRunning(order: "D1-1", step: .signFor)),
        Refusal(name: "system supervision without a step", given: { try Given.dispatched() }, command: .supervise(order: "D1-1"),
                actor: nil, at: "2026-03-20 10:00", expected: .invalidField(field: "step", problem: .empty)),
    ]

    @Test(arguments: cases)
    func refused(_ refusal: Refusal) throws {
        let scenario = try refusal.given()
        let before = scenario.demand
        var error: LoopError?
        do throws(LoopError) {
            _ = try Loop.decide(scenario.demand, refusal.command, by: refusal.actor, at: CalendarFixtures.bj(refusal.at), rules: F.rules)
        } catch let refused { error = refused }
        #expect(error == refusal.expected)
        #expect(scenario.demand == before)  // a value: nothing to undo
        if let error {
            #expect(error.code.contains("."))
            #expect(!error.messageZh.isEmpty && !error.messageEn.isEmpty)
        }
    }

    @Test func everyRefusalKindMapsToTheRightStatus() {
        #expect(LoopError.roleNotAllowed(action: .dispatch, role: .hotlineAgent).kind == .forbidden)
        #expect(LoopError.notOrderUnit(order: "o", unit: "u").kind == .forbidden)
        #expect(LoopError.leaderApprovalInvalid(order: "o", approver: "p").kind == .forbidden)
        #expect(LoopError.orderNotFound("o").kind == .notFound)
        #expect(LoopError.demandWrongState(action: .close, status: .parked).kind == .conflict)
        #expect(LoopError.coHandlersOpen(orders: ["o"]).kind == .conflict)
        #expect(LoopError.evidenceMissing(order: "o").kind == .invalid)
        #expect(LoopError.extensionPastDeadline(order: "o", deadline: .now).kind == .invalid)
        #expect(LoopError.calendar(.calendarYearMissing(2027)).code == "calendar.year_missing")
        #expect(LoopError.demandWrongState(action: .close, status: .parked).code == "demand.wrong_state")
        #expect(LoopError.demandWrongState(action: .close, status: .parked).messageZh == "诉求当前状态为“已挂账”，不能结案")
        #expect(LoopError.returnWindowPassed(order: "D1-1", windowEnd: Self.late).messageZh.contains("2026-03-05 17:30"))
    }

    // MARK: Intake

    static let badDrafts: [(String, @Sendable (inout DemandDraft) -> Void, LoopError)] = [
        ("empty content", { $0.content = " \n " }, .invalidField(field: "content", problem: .empty)),
        ("content too long", { $0.content = String(repeating: "长", count: 5001) }, .invalidField(field: "content", problem: .tooLong(max: 5000))),
        ("letters in the phone", { $0.complainant.phone = "1381234abcd" }, .invalidField(field: "complainant.phone", problem: .notAPhoneNumber)),
        ("short mobile", { $0.complainant.phone = "1381234567" }, .invalidField(field: "complainant.phone", problem: .notAPhoneNumber)),
        ("bad grid code", { $0.location.gridCode = "1101050010" }, .invalidField(field: "location.gridCode", problem: .notAGridCode)),
        ("bad area code", { $0.location.areaCode = "11010" }, .invalidField(field: "location.areaCode", problem: .notADivisionCode)),
        ("coordinate out of range", { $0.location.coordinate = Coordinate(longitude: 200, latitude: 39) },
         .invalidField(field: "location.coordinate", problem: .coordinateOutOfRange)),
        ("blank attachment", { $0.attachments = ["a", ""] }, .invalidField(field: "attachments", problem: .empty)),
        ("answer and transfer", { $0.type = .consultation; $0.directAnswer = "x"; $0.emergencyTransfer = .police },
         .invalidField(field: "directAnswer", problem: .conflicts(with: "emergencyTransfer"))),
    ]

    @Test func badDraftsAreRefusedField() throws {
        for (name, spoil, expected) in Self.badDrafts {
            var draft = F.draft()
            spoil(&draft)
            #expect(throws: expected, "\(name)") {
                try Intake.open(draft, id: "D1", number: "N", by: F.agent, at: .now, rules: F.rules)
            }
        }
        #expect(throws: LoopError.invalidField(field: "id", problem: .empty)) {
            try Intake.open(F.draft(), id: "", number: "N", by: F.agent, at: .now, rules: F.rules)
        }
    }

    @Test(arguments: ["13812345678", "138-1234-5678", "19912345678", "010-65123456", "0755-1234567", "021-12345678-801",
                      "01065123456", "65123456"])
    func phoneNumbersAccepted(_ phone: String) { #expect(DemandDraft.isPhoneNumber(phone)) }

    @Test(arguments: ["", "12812345678", "1381234567", "+8613812345678", "010--65123456", "-13812345678", "010-123",
                      "0-65123456", "123", "138 1234 5678"])
    func phoneNumbersRefused(_ phone: String) { #expect(!DemandDraft.isPhoneNumber(phone)) }
}
