import Foundation
import Testing
import WhistleCore

/// Demands driven through every path of the closed loop on the real 2026 calendar (5×8 departments:
/// Mon–Fri 09:00–12:00, 13:30–17:30; Spring Festival 02-15…02-23 off, Saturdays 02-14 and 02-28 worked).
@Suite("Closed loop scenarios")
struct LoopScenarioTests {
    typealias F = LoopFixtures
    let cgw = F.cityManagement, jtw = F.transport

    // MARK: Intake

    @Test func emergencyIsTransferredAndNeverDispatched() throws {
        var draft = F.draft(.help, content: "楼道起火，有人被困")
        draft.emergencyTransfer = .fire
        let decision = try Intake.open(draft, id: "E1", number: "N1", by: F.agent, at: CalendarFixtures.bj("2026-03-02 10:00"), rules: F.rules)
        #expect(decision.demand.status == .transferred)
        #expect(decision.demand.version == 1)
        #expect(decision.demand.closedAt == CalendarFixtures.bj("2026-03-02 10:00"))
        #expect(decision.demand.orders.isEmpty)
        #expect(!decision.demand.countsInScores)
        #expect(decision.events.map(\.kind) == [.demandTransferred])
        #expect(decision.events[0].details["emergencyLine"] == "119")
        #expect(decision.events[0].details["to"] == "transferred")

        let scenario = Scenario(decision.demand)
        #expect(scenario.refusal(.dispatch(primary: cgw, deadlineClass: "urgent"), by: F.dispatcher, at: "2026-03-02 10:01")
            == .demandWrongState(action: .dispatch, status: .transferred))
        // Only the hotline marks a transfer: a public form cannot make a case vanish.
        #expect(throws: LoopError.roleNotAllowed(action: .intake, role: nil)) {
            try Intake.open(draft, id: "E2", number: "N2", by: nil, at: .now, rules: F.rules)
        }
    }

    @Test func consultationAnsweredAtOnceClosesWithoutDispatch() throws {
        var draft = F.draft(.consultation, content: "居住证办理需要哪些材料？")
        draft.directAnswer = "  携带身份证、租房合同到社区服务站办理。 "
        let decision = try Intake.open(draft, id: "A1", number: "N1", by: F.agent, at: CalendarFixtures.bj("2026-03-02 10:00"), rules: F.rules)
        #expect(decision.demand.status == .answered)
        #expect(decision.demand.status.isTerminal)
        #expect(decision.demand.directAnswer == "携带身份证、租房合同到社区服务站办理。")
        #expect(decision.events.map(\.kind) == [.demandAnswered])
        #expect(decision.events[0].actor == F.agent)

        var complaint = F.draft(.complaint)
        complaint.directAnswer = "已解释"
        #expect(throws: LoopError.invalidField(field: "directAnswer", problem: .notForType(.complaint))) {
            try Intake.open(complaint, id: "A2", number: "N2", by: F.agent, at: .now, rules: F.rules)
        }
    }

    @Test func publicIntakeIsReceived() throws {
        let draft = DemandDraft(
            type: .suggestion, channel: .open311, partyType: .organisation, content: "建议增设公交站",
            location: DemandLocation(address: "", coordinate: Coordinate(longitude: 116.46, latitude: 39.91), gridCode: "110105001001001"),
            complainant: Complainant(phone: "010-65123456", confidential: true))
        let decision = try Intake.open(draft, id: "P1", number: "N1", by: nil, at: CalendarFixtures.bj("2026-03-02 10:00"), rules: F.rules)
        #expect(decision.demand.status == .received)
        #expect(decision.demand.receivedBy == nil)
        #expect(decision.demand.draft == draft)
        #expect(decision.events.map(\.kind) == [.demandReceived])
        #expect(decision.events[0].actor == nil)
    }

    // MARK: The whole loop with a co-handler (首接负责)

    @Test func primaryAndCoHandlerToClosure() throws {
        var s = Scenario(try F.received(at: "2026-02-10 09:50"))
        let dispatched = try s.apply(.dispatch(primary: cgw, coHandlers: [jtw], deadlineClass: "general", categoryCode: "05-0113"),
                                     by: F.dispatcher, at: "2026-02-10 10:00")
        #expect(s.demand.status == .dispatched)
        #expect(s.demand.categoryCode == "05-0113")
        #expect(s.demand.dispatchedAt == CalendarFixtures.bj("2026-02-10 10:00"))
        #expect(dispatched.map(\.kind) == [.demandDispatched, .orderDispatched, .orderDispatched])
        #expect(dispatched[0].details["latencySeconds"] == "600")
        #expect(dispatched[0].details["from"] == "received" && dispatched[0].details["to"] == "dispatched")
        #expect(s.demand.orders.map(\.id) == ["D1-1", "D1-2"])
        #expect(s.demand.orders.map(\.role) == [.primary, .coHandler])
        // 1 working day to sign for and contact; 7 working days to resolve, across the Spring Festival.
        #expect(try s.due(1, .signFor) == "2026-02-11 17:30")
        #expect(try s.due(1, .firstContact) == "2026-02-11 17:30")
        #expect(try s.due(1, .resolution) == "2026-02-26 17:30")
        #expect(dispatched[1].details["resolutionDue"] == "2026-02-26T09:30:00.000Z")

        let signed = try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-02-10 14:00")
        #expect(signed[0].details == ["from": "dispatched", "to": "signed", "demandFrom": "dispatched", "demandTo": "in_progress",
                                      "due": "2026-02-11T09:30:00.000Z", "onTime": "true"])
        try s.apply(.recordContact(order: "D1-1", note: "电话联系诉求人"), by: F.leader(cgw), at: "2026-02-10 15:00")
        #expect(s.order(1).status == .contacted)
        try s.apply(.addProgress(order: "D1-1", note: "已派维修班组", attachments: ["photo-1"]), by: F.handler(cgw), at: "2026-02-11 10:00")
        #expect(s.order(1).status == .inProgress)
        #expect(s.order(1).progress.map(\.attachments) == [["photo-1"]])

        // The primary cannot report the final result while its co-handler is open.
        #expect(s.refusal(.reportResult(order: "D1-1", summary: "已修复"), by: F.handler(cgw), at: "2026-02-12 10:00")
            == .coHandlersOpen(orders: ["D1-2"]))

        try s.apply(.signFor(order: "D1-2"), by: F.handler(jtw), at: "2026-02-11 09:30")
        try s.apply(.reportResult(order: "D1-2", summary: "已配合断电检修"), by: F.handler(jtw), at: "2026-02-12 11:00")
        #expect(s.order(2).status == .resultReported)
        #expect(s.demand.status == .inProgress)  // a co-handler's result does not finish the demand

        let reported = try s.apply(.reportResult(order: "D1-1", summary: "路灯已修复", attachments: ["photo-2"]),
                                   by: F.handler(cgw), at: "2026-02-12 16:00")
        #expect(reported[0].details["demandTo"] == "result_reported")
        #expect(reported[0].details["onTime"] == "true")
        #expect(s.order(1).result?.note == "路灯已修复")
        #expect(s.refusal(.close(), by: F.dispatcher, at: "2026-02-13 09:00") == .demandWrongState(action: .close, status: .resultReported))

        try s.apply(.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)),
                    by: F.callbackAgent, at: "2026-02-13 10:00")
        #expect(s.demand.status == .callbackDone)
        #expect(s.demand.lastCallback?.unitCode == cgw)
        #expect(s.demand.lastCallback?.round == 0)

        let closed = try s.apply(.close(note: "办结"), by: F.dispatcher, at: "2026-02-13 11:00")
        #expect(s.demand.status == .closed)
        #expect(s.demand.closedAt == CalendarFixtures.bj("2026-02-13 11:00"))
        #expect(s.demand.orders.allSatisfy { $0.status == .closed && !$0.isOpen })
        #expect(closed.map(\.kind) == [.demandClosed, .orderClosed, .orderClosed])
        #expect(s.demand.version == 10)
        #expect(s.demand.countsInScores)
        #expect(Loop.dueTimers(s.demand, rules: F.rules).isEmpty)
        #expect(s.events.allSatisfy { $0.demandID == "D1" && $0.details["from"] != nil && $0.details["to"] != nil })
    }

    // MARK: 退单 (return) and 改派 (re-dispatch)

    @Test func returnApprovedAsDispatchErrorThenReDispatched() throws {
        var s = Scenario(try F.received(at: "2026-03-02 09:00"))
        try s.apply(.dispatch(primary: F.street, deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:30")
        let coordinator = Actor(personID: "coordinator", role: .streetCoordinator, unitCode: F.street)
        let requested = try s.apply(
            .requestReturn(order: "D1-1", reason: .wrongArea, evidence: ["first-call.mp3", "site.jpg"],
                           leaderApproval: F.leader(F.street), note: "地址属于相邻街道"),
            by: coordinator, at: "2026-03-03 10:00")
        #expect(s.order(1).status == .returnRequested)
        #expect(s.demand.status == .dispatched)  // a pending request moves nothing else
        #expect(requested[0].attachments == ["first-call.mp3", "site.jpg"])
        #expect(requested[0].details["windowEnd"] == "2026-03-05T09:30:00.000Z")  // 3 working days: Thu 17:30
        #expect(requested[0].details["leaderApproval"] == "leader@110105001")
        #expect(!s.order(1).signFor.isPaused)  // a return request never pauses the clock

        let approved = try s.apply(.ruleOnReturn(order: "D1-1", approve: true, dispatchErred: true, note: "派单错误"),
                                   by: F.dispatcher, at: "2026-03-03 11:00")
        #expect(approved.map(\.kind) == [.orderReturnApproved])
        #expect(approved[0].details["dispatchErred"] == "true")
        #expect(approved[0].details["demandTo"] == "returned")
        #expect(s.order(1).status == .returned)
        #expect(!s.order(1).chargedToUnit)
        #expect(s.demand.status == .returned)
        #expect(Loop.dueTimers(s.demand, rules: F.rules).isEmpty)

        let redispatched = try s.apply(.reDispatch(order: "D1-1", to: cgw), by: F.dispatcher, at: "2026-03-03 11:10")
        #expect(redispatched.map(\.kind) == [.orderDispatched, .demandRedispatched])
        #expect(redispatched[1].details["from"] == "returned" && redispatched[1].details["to"] == "dispatched")
        #expect(s.order(1).replacedBy == "D1-2")
        #expect(s.order(2).unitCode == cgw && s.order(2).role == .primary)
        #expect(s.demand.primaryOrder?.id == "D1-2")
        #expect(s.demand.status == .dispatched)
        // The clock restarts for the new unit.
        #expect(try s.due(2, .resolution) == "2026-03-12 17:30")
        #expect(s.refusal(.reDispatch(order: "D1-1", to: jtw), by: F.dispatcher, at: "2026-03-03 11:20")
            == .orderWrongState(action: .reDispatch, order: "D1-1", status: .returned))
        #expect(s.demand.version == 5)
    }

    @Test func returnRejectedLeavesTheAssignmentAndTheClock() throws {
        var s = Scenario(try F.received(at: "2026-03-02 09:00"))
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:30")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-02 10:00")
        #expect(try s.due(1, .resolution) == "2026-03-11 17:30")
        try s.apply(.requestReturn(order: "D1-1", reason: .wrongFunction, evidence: ["duty-list.pdf"], leaderApproval: F.leader(cgw)),
                    by: F.handler(cgw), at: "2026-03-04 10:00")
        let rejected = try s.apply(.ruleOnReturn(order: "D1-1", approve: false, note: "属于本单位职责"), by: F.dispatcher, at: "2026-03-05 10:00")
        #expect(rejected[0].kind == .orderReturnRejected)
        #expect(rejected[0].details == ["from": "return_requested", "to": "signed"])
        #expect(s.order(1).status == .signed)
        #expect(s.order(1).pending == nil)
        #expect(s.order(1).chargedToUnit)
        #expect(s.order(1).resolution.clock.pauses.isEmpty)
        #expect(try s.due(1, .resolution) == "2026-03-11 17:30")
        #expect(s.demand.status == .inProgress)
        // The window (3 working days after dispatch) closed on Thursday at 17:30.
        #expect(s.refusal(.requestReturn(order: "D1-1", reason: .wrongFunction, evidence: ["x"], leaderApproval: F.leader(cgw)),
                          by: F.handler(cgw), at: "2026-03-06 09:00")
            == .returnWindowPassed(order: "D1-1", windowEnd: CalendarFixtures.bj("2026-03-05 17:30")))
    }

    @Test func reDispatchOnTheCentresInitiativeIsNotChargedToTheUnit() throws {
        var s = Scenario(try F.received(at: "2026-03-02 09:00"))
        try s.apply(.dispatch(primary: cgw, coHandlers: [jtw], deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:30")
        try s.apply(.signFor(order: "D1-2"), by: F.handler(jtw), at: "2026-03-02 10:00")
        let events = try s.apply(.reDispatch(order: "D1-2", to: F.street, deadlineClass: "complex", note: "改由街道协办"),
                                 by: F.dispatcher, at: "2026-03-02 11:00")
        #expect(events.map(\.kind) == [.orderReassigned, .orderDispatched, .demandRedispatched])
        #expect(s.order(2).status == .reassigned && !s.order(2).chargedToUnit && s.order(2).replacedBy == "D1-3")
        #expect(s.order(3).role == .coHandler && s.order(3).deadlineClassCode == "complex")
        #expect(s.demand.status == .dispatched)
        #expect(s.demand.openOrders.map(\.id) == ["D1-1", "D1-3"])
    }

    // MARK: 延期 (extension)

    @Test func extensionApprovedMovesTheDeadlineAndTellsTheResident() throws {
        var s = Scenario(try F.received(at: "2026-02-10 09:50"))
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-02-10 10:00")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-02-10 11:00")
        try s.apply(.requestExtension(order: "D1-1", extra: .workingDays(3), reason: "需协调产权单位"), by: F.handler(cgw), at: "2026-02-25 10:00")
        #expect(s.order(1).status == .extensionRequested)
        #expect(s.demand.status == .inProgress)

        let approved = try s.apply(.ruleOnExtension(order: "D1-1", approve: true), by: F.dispatcher, at: "2026-02-25 15:00")
        #expect(approved.map(\.kind) == [.orderExtensionApproved, .demandDeadlineNotice])
        // 3 working days from the old deadline (Thu 02-26 17:30): Fri 27, Sat 28 (调休), Mon 03-02.
        #expect(try s.due(1, .resolution) == "2026-03-02 17:30")
        #expect(approved[0].details["previousDeadline"] == "2026-02-26T09:30:00.000Z")
        #expect(approved[0].details["newDeadline"] == "2026-03-02T09:30:00.000Z")
        #expect(approved[1].details["newDeadlineLocal"] == "2026-03-02 17:30")
        #expect(approved[1].reason == "需协调产权单位")
        #expect(s.order(1).status == .signed)
        #expect(s.order(1).resolution.generation == 2)
        #expect(s.order(1).extensions.map(\.newDeadline) == [CalendarFixtures.bj("2026-03-02 17:30")])
        #expect(Loop.dueTimers(s.demand, rules: F.rules).contains { $0.key == "D1-1/resolution/overdue/2" && $0.at == CalendarFixtures.bj("2026-03-02 17:30") })

        // A second request, refused: the deadline stands.
        try s.apply(.requestExtension(order: "D1-1", extra: .workingDays(2), reason: "仍需协调"), by: F.handler(cgw), at: "2026-02-27 10:00")
        let refused = try s.apply(.ruleOnExtension(order: "D1-1", approve: false, note: "不予延期"), by: F.dispatcher, at: "2026-02-27 11:00")
        #expect(refused.map(\.kind) == [.orderExtensionRejected])
        #expect(try s.due(1, .resolution) == "2026-03-02 17:30")
        #expect(s.order(1).resolution.generation == 2)

        // After the deadline it is too late to ask.
        #expect(s.refusal(.requestExtension(order: "D1-1", extra: .workingDays(1), reason: "再延"), by: F.handler(cgw), at: "2026-03-03 09:00")
            == .extensionPastDeadline(order: "D1-1", deadline: CalendarFixtures.bj("2026-03-02 17:30")))
    }

    @Test func urgentOrdersCannotBeExtended() throws {
        var s = Scenario(try F.received(at: "2026-03-07 19:50"))
        try s.apply(.dispatch(primary: F.water, deadlineClass: "urgent"), by: F.dispatcher, at: "2026-03-07 20:00")
        // The water company works round the clock: 1 working hour, then 2 natural hours.
        #expect(try s.due(1, .signFor) == "2026-03-07 21:00")
        #expect(try s.due(1, .resolution) == "2026-03-07 22:00")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(F.water), at: "2026-03-07 20:10")
        #expect(s.refusal(.requestExtension(order: "D1-1", extra: .naturalHours(2), reason: "管线复杂"), by: F.handler(F.water), at: "2026-03-07 21:00")
            == .extensionNotAllowed(order: "D1-1", deadlineClass: "urgent"))
    }

    // MARK: 挂账 (parking)

    @Test func parkingStopsTheClocksUntilUnparked() throws {
        var s = Scenario(try F.received(at: "2026-03-02 08:50"))
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:00")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-02 10:00")
        try s.apply(.recordContact(order: "D1-1"), by: F.handler(cgw), at: "2026-03-02 10:30")
        #expect(try s.due(1, .resolution) == "2026-03-11 17:30")
        try s.apply(.requestPark(order: "D1-1", reason: "需纳入年度改造计划"), by: F.handler(cgw), at: "2026-03-04 08:30")
        let parked = try s.apply(.ruleOnPark(order: "D1-1", approve: true), by: F.dispatcher, at: "2026-03-04 09:00")
        #expect(parked[0].kind == .orderParked)
        #expect(parked[0].details["demandTo"] == "parked")
        #expect(s.order(1).status == .parked && s.demand.status == .parked)
        #expect(s.order(1).resolution.isPaused)
        #expect(s.order(1).parking?.approvedBy == "dispatcher-1")
        #expect(Loop.dueTimers(s.demand, rules: F.rules).isEmpty)
        // While parked the deadline moves with time: Wed 09:00 → Fri 12:00 is 17 business hours.
        #expect(try s.due(1, .resolution, asOf: "2026-03-06 12:00") == "2026-03-16 12:00")
        #expect(s.refusal(.markOverdue(order: "D1-1", step: .resolution), by: nil, at: "2026-03-12 09:00")
            == .stepNotRunning(order: "D1-1", step: .resolution))
        #expect(s.refusal(.reportResult(order: "D1-1", summary: "x"), by: F.handler(cgw), at: "2026-03-05 09:00")
            == .orderWrongState(action: .reportResult, order: "D1-1", status: .parked))

        // The unit lifts it when it can act; three working days were parked.
        let unparked = try s.apply(.unpark(order: "D1-1", note: "资金已落实"), by: F.handler(cgw), at: "2026-03-09 09:00")
        #expect(unparked[0].details["to"] == "contacted" && unparked[0].details["demandTo"] == "in_progress")
        #expect(unparked[0].details["resolutionDue"] == "2026-03-16T09:30:00.000Z")
        #expect(try s.due(1, .resolution) == "2026-03-16 17:30")
        #expect(!s.order(1).resolution.isPaused && s.order(1).parking == nil)
        #expect(Loop.dueTimers(s.demand, rules: F.rules).map(\.key) == [
            "D1-1/resolution/yellow/1", "D1-1/resolution/overdue/1", "D1-1/resolution/supervise/1",
        ])
    }

    @Test func parkingInsideAnExtensionMovesTheExtendedDeadline() throws {
        var s = Scenario(try F.received(at: "2026-02-10 09:50"))
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-02-10 10:00")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-02-10 11:00")
        try s.apply(.requestExtension(order: "D1-1", extra: .workingDays(3), reason: "协调"), by: F.handler(cgw), at: "2026-02-25 10:00")
        try s.apply(.ruleOnExtension(order: "D1-1", approve: true), by: F.dispatcher, at: "2026-02-25 11:00")
        #expect(try s.due(1, .resolution) == "2026-03-02 17:30")
        try s.apply(.requestPark(order: "D1-1", reason: "等待材料"), by: F.handler(cgw), at: "2026-02-27 08:50")
        try s.apply(.ruleOnPark(order: "D1-1", approve: true), by: F.dispatcher, at: "2026-02-27 09:00")
        try s.apply(.unpark(order: "D1-1"), by: F.dispatcher, at: "2026-03-02 09:00")
        // Parked Fri 02-27 and Sat 02-28 (a working Saturday): 14 business hours, so 21 remain from Monday.
        #expect(try s.due(1, .resolution) == "2026-03-04 17:30")
    }

    // MARK: 回访 and 重办 (callback and reopening)

    @Test func unsolvedCallbackReopensWithNewClocks() throws {
        var s = Scenario(try F.received(at: "2026-03-02 09:00"))
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:30")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-02 10:00")
        try s.apply(.reportResult(order: "D1-1", summary: "已处理"), by: F.handler(cgw), at: "2026-03-03 10:00")
        try s.apply(.recordCallback(outcome: .valid(contacted: true, solved: false, satisfaction: .unsatisfied), note: "路灯仍不亮"),
                    by: F.callbackAgent, at: "2026-03-04 10:00")
        #expect(s.demand.lastCallback?.outcome.warrantsReopen == true)

        let reopened = try s.apply(.reopen(note: "诉求人反映未解决"), by: F.dispatcher, at: "2026-03-04 11:00")
        #expect(reopened.map(\.kind) == [.demandReopened, .orderReopened])
        #expect(reopened[0].details == ["from": "callback_done", "to": "dispatched", "reopenCount": "1"])
        #expect(s.demand.reopenCount == 1)
        #expect(s.demand.status == .dispatched)
        #expect(s.order(1).status == .dispatched)
        #expect(OrderStep.allCases.allSatisfy { s.order(1)[$0].generation == 2 && !s.order(1)[$0].isCompleted })
        #expect(try s.due(1, .resolution) == "2026-03-13 17:30")  // 7 working days from Wed 03-04
        #expect(s.order(1).results.count == 1)  // the first result stays on record
        #expect(s.refusal(.reopen(), by: F.dispatcher, at: "2026-03-04 11:05") == .demandWrongState(action: .reopen, status: .dispatched))

        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-04 14:00")
        try s.apply(.reportResult(order: "D1-1", summary: "更换灯具"), by: F.handler(cgw), at: "2026-03-05 10:00")
        try s.apply(.recordCallback(outcome: .invalid(.unreachable)), by: F.callbackAgent, at: "2026-03-06 10:00")
        #expect(s.refusal(.reopen(), by: F.dispatcher, at: "2026-03-06 10:05") == .reopenNotWarranted)
        try s.apply(.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .basicallySatisfied)),
                    by: F.callbackAgent, at: "2026-03-06 15:00")
        #expect(s.refusal(.reopen(), by: F.dispatcher, at: "2026-03-06 15:05") == .reopenNotWarranted)
        try s.apply(.close(), by: F.dispatcher, at: "2026-03-06 16:00")
        #expect(s.demand.status == .closed)
        #expect(s.demand.callbacks.map(\.round) == [0, 1, 1])
        #expect(s.demand.reopenCount == 1)
    }

    // MARK: 评价 (the complainant's rating)

    @Test func complainantRatesTheClosedDemandOnceByPhone() throws {
        var s = Scenario(try F.received(at: "2026-03-02 09:00"))
        let rate = LoopCommand.rate(phone: "138-1234-5678", satisfaction: .basicallySatisfied, comment: "  处理及时  ")
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:30")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-02 10:00")
        try s.apply(.reportResult(order: "D1-1", summary: "已更换灯具"), by: F.handler(cgw), at: "2026-03-03 10:00")
        try s.apply(.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)), by: F.callbackAgent, at: "2026-03-04 10:00")
        #expect(s.refusal(rate, by: nil, at: "2026-03-04 11:00") == .demandWrongState(action: .rate, status: .callbackDone))
        try s.apply(.close(), by: F.dispatcher, at: "2026-03-04 12:00")

        // Staff cannot rate for the resident; a wrong phone is refused like an unknown number.
        #expect(s.refusal(rate, by: F.callbackAgent, at: "2026-03-05 09:00") == .roleNotAllowed(action: .rate, role: .callbackAgent))
        #expect(s.refusal(.rate(phone: "13900000000", satisfaction: .satisfied), by: nil, at: "2026-03-05 09:00") == .notComplainant)
        #expect(s.refusal(.rate(phone: "", satisfaction: .satisfied), by: nil, at: "2026-03-05 09:00") == .notComplainant)
        #expect(s.refusal(.rate(phone: "13812345678", satisfaction: .satisfied, comment: String(repeating: "长", count: 5001)), by: nil, at: "2026-03-05 09:00")
            == .invalidField(field: "comment", problem: .tooLong(max: 5000)))

        let rated = try s.apply(rate, by: nil, at: "2026-03-05 09:00")
        #expect(rated.map(\.kind) == [.demandRated])
        #expect(rated[0].actor == nil && rated[0].reason == "处理及时")
        #expect(rated[0].details == ["from": "closed", "to": "closed", "satisfaction": "basically_satisfied"])
        #expect(s.demand.rating?.satisfaction == .basicallySatisfied && s.demand.rating?.comment == "处理及时")
        #expect(s.demand.rating?.at == CalendarFixtures.bj("2026-03-05 09:00"))
        #expect(s.demand.status == .closed && s.demand.lastCallback?.outcome == .valid(contacted: true, solved: true, satisfaction: .satisfied))
        #expect(s.refusal(.rate(phone: "13812345678", satisfaction: .unsatisfied), by: nil, at: "2026-03-06 09:00") == .alreadyRated)
    }

    // MARK: 合并 (merge)

    @Test func duplicateIsMergedIntoItsParent() throws {
        var s = Scenario(try F.received("D2", at: "2026-03-02 09:00"))
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:30")
        try s.apply(.signFor(order: "D2-1"), by: F.handler(cgw), at: "2026-03-02 10:00")
        let merged = try s.apply(.merge(into: "D1"), by: F.dispatcher, at: "2026-03-02 11:00")
        #expect(merged.map(\.kind) == [.demandMerged, .orderClosed])
        #expect(merged[0].details == ["from": "in_progress", "to": "merged", "parent": "D1"])
        #expect(merged[1].details["mergedInto"] == "D1")
        #expect(s.demand.status == .merged && s.demand.parentID == "D1")
        #expect(s.demand.openOrders.isEmpty)
        #expect(!s.demand.countsInScores)
        #expect(s.refusal(.merge(into: "D3"), by: F.dispatcher, at: "2026-03-02 12:00") == .alreadyMerged(into: "D1"))
        #expect(s.refusal(.signFor(order: "D2-1"), by: F.handler(cgw), at: "2026-03-02 12:00")
            == .orderWrongState(action: .signFor, order: "D2-1", status: .closed))

        let parent = try F.received("D1", at: "2026-03-01 09:00")
        #expect(throws: Never.self) { try Loop.checkMerge(try F.received("D3", at: "2026-03-02 09:00"), into: parent) }
        #expect(throws: LoopError.alreadyMerged(into: "D1")) { try Loop.checkMerge(parent, into: s.demand) }
        #expect(throws: LoopError.mergeIntoItself) { try Loop.checkMerge(parent, into: parent) }
    }

    // MARK: Flags

    @Test func flagsExcludeFromScoresWithTheirApprover() throws {
        var s = Scenario(try F.received(at: "2026-03-02 09:00"))
        try s.apply(.flagMalicious(approver: F.dispatcher, note: "同一号码当日来电 30 次"), by: F.agent, at: "2026-03-02 09:05")
        #expect(s.demand.flags.malicious?.approvedBy == "dispatcher-1")
        #expect(s.demand.flags.malicious?.by == "agent-1")
        #expect(s.demand.status == .received)  // never deletes, never closes
        #expect(!s.demand.countsInScores)
        try s.apply(.flagUnreasonable(approver: F.supervisor, reason: "诉求超出政策范围"), by: F.supervisor, at: "2026-03-02 10:00")
        #expect(s.demand.flags.unreasonable?.approverRole == .supervisor)
        #expect(s.events.last?.details["approvedBy"] == "supervisor-1")
    }

    // MARK: Deadlines, urging and supervision

    @Test func deadlineServiceMarksOverdueAndSupervises() throws {
        var s = Scenario(try F.received(at: "2026-03-02 08:50"))
        try s.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:00")
        let timers = Loop.dueTimers(s.demand, rules: F.rules)
        let byKey = Dictionary(uniqueKeysWithValues: timers.map { ($0.key, CalendarFixtures.text($0.at)) })
        // Sign-for: 14 business hours; yellow at 75 % = 10.5 h (Tue 14:00); supervision 1 working day after.
        #expect(byKey["D1-1/sign_for/yellow/1"] == "2026-03-03 14:00")
        #expect(byKey["D1-1/sign_for/overdue/1"] == "2026-03-03 17:30")
        #expect(byKey["D1-1/sign_for/supervise/1"] == "2026-03-04 17:30")
        // Resolution: 56 business hours; yellow after 42 (Mon 03-09 at close).
        #expect(byKey["D1-1/resolution/yellow/1"] == "2026-03-09 17:30")
        #expect(byKey["D1-1/resolution/overdue/1"] == "2026-03-11 17:30")
        #expect(byKey["D1-1/resolution/supervise/1"] == "2026-03-12 17:30")
        #expect(timers.count == 9)
        #expect(timers.map(\.at) == timers.map(\.at).sorted())
        #expect(timers.first { $0.key == "D1-1/sign_for/overdue/1" }?.command == .markOverdue(order: "D1-1", step: .signFor))
        #expect(DeadlineTimer.command(forKey: "D1-1/sign_for/supervise/1") == .supervise(order: "D1-1", step: .signFor))
        #expect(DeadlineTimer.command(forKey: "D1-1/sign_for/yellow/1") == nil)
        #expect(DeadlineTimer.command(forKey: "nonsense") == nil)

        #expect(s.refusal(.markOverdue(order: "D1-1", step: .signFor), by: nil, at: "2026-03-03 17:00")
            == .notYetDue(order: "D1-1", step: .signFor, due: CalendarFixtures.bj("2026-03-03 17:30")))
        #expect(s.refusal(.markOverdue(order: "D1-1", step: .signFor), by: F.supervisor, at: "2026-03-03 18:00")
            == .roleNotAllowed(action: .markOverdue, role: .supervisor))
        let overdue = try s.apply(.markOverdue(order: "D1-1", step: .signFor), by: nil, at: "2026-03-03 17:30")
        #expect(overdue.map(\.kind) == [.orderOverdue, .orderUrged])
        #expect(overdue.allSatisfy { $0.actor == nil })
        #expect(overdue[1].details["automatic"] == "true")
        #expect(s.order(1).urgeCount == 1)
        #expect(s.order(1).signFor.overdueAt == CalendarFixtures.bj("2026-03-03 17:30"))
        #expect(s.refusal(.markOverdue(order: "D1-1", step: .signFor), by: nil, at: "2026-03-03 18:00")
            == .alreadyOverdue(order: "D1-1", step: .signFor))
        let pending = Set(Loop.dueTimers(s.demand, rules: F.rules).map(\.key))
        #expect(!pending.contains("D1-1/sign_for/overdue/1") && pending.contains("D1-1/sign_for/supervise/1"))

        #expect(s.refusal(.supervise(order: "D1-1", step: .signFor), by: nil, at: "2026-03-04 17:00")
            == .notYetDue(order: "D1-1", step: .signFor, due: CalendarFixtures.bj("2026-03-04 17:30")))
        let supervised = try s.apply(.supervise(order: "D1-1", step: .signFor), by: nil, at: "2026-03-04 17:30")
        #expect(supervised[0].details["automatic"] == "true" && supervised[0].details["step"] == "sign_for")
        #expect(s.refusal(.supervise(order: "D1-1", step: .signFor), by: nil, at: "2026-03-04 18:00")
            == .alreadySupervised(order: "D1-1", step: .signFor))

        // People urge and supervise too.
        try s.apply(.urge(order: "D1-1", note: "请尽快签收"), by: F.supervisor, at: "2026-03-05 08:00")
        try s.apply(.supervise(order: "D1-1", note: "督办"), by: F.dispatcher, at: "2026-03-05 08:10")
        #expect(s.order(1).urgeCount == 2 && s.order(1).superviseCount == 2)

        let late = try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-05 09:00")
        #expect(late[0].details["onTime"] == "false")
        #expect(s.refusal(.markOverdue(order: "D1-1", step: .signFor), by: nil, at: "2026-03-05 10:00")
            == .stepNotRunning(order: "D1-1", step: .signFor))
        #expect(Loop.dueTimers(s.demand, rules: F.rules).allSatisfy { $0.step != .signFor })
    }

    @Test func aMissingCalendarYearRefusesTheDispatch() throws {
        let s = Scenario(try F.received(at: "2026-12-28 09:00"))
        // 15 working days from 2026-12-28 run into 2027, whose schedule is not loaded.
        #expect(s.refusal(.dispatch(primary: cgw, deadlineClass: "complex"), by: F.dispatcher, at: "2026-12-28 10:00")
            == .calendar(.calendarYearMissing(2027)))

        // Due on 2026-12-31: the dispatch stands, only the supervision instant (in 2027) cannot be scheduled yet.
        var t = Scenario(try F.received(at: "2026-12-22 09:00"))
        try t.apply(.dispatch(primary: cgw, deadlineClass: "general"), by: F.dispatcher, at: "2026-12-22 10:00")
        #expect(try t.due(1, .resolution) == "2026-12-31 17:30")
        let keys = Set(Loop.dueTimers(t.demand, rules: F.rules).map(\.key))
        #expect(keys.contains("D1-1/resolution/overdue/1") && !keys.contains("D1-1/resolution/supervise/1"))
        #expect(keys.contains("D1-1/sign_for/supervise/1"))
    }

    @Test func demandsRoundTripThroughJSON() throws {
        var s = Scenario(try F.received(at: "2026-03-02 09:00"))
        try s.apply(.dispatch(primary: cgw, coHandlers: [jtw], deadlineClass: "general"), by: F.dispatcher, at: "2026-03-02 09:30")
        try s.apply(.signFor(order: "D1-1"), by: F.handler(cgw), at: "2026-03-02 10:00")
        try s.apply(.requestPark(order: "D1-1", reason: "等待"), by: F.handler(cgw), at: "2026-03-02 11:00")
        try s.apply(.ruleOnPark(order: "D1-1", approve: true), by: F.dispatcher, at: "2026-03-02 11:30")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        #expect(try decoder.decode(Demand.self, from: encoder.encode(s.demand)) == s.demand)
        #expect(try decoder.decode([LoopEvent].self, from: encoder.encode(s.events)) == s.events)
        let command = LoopCommand.requestReturn(order: "D1-1", reason: .wrongArea, evidence: ["a"], leaderApproval: F.leader(cgw))
        #expect(try decoder.decode(LoopCommand.self, from: encoder.encode(command)) == command)
    }
}
