import Foundation
import SQLKit
import Testing
import WhistleCore
@testable import WhistleStore
import WhistleTestSupport

/// Every path of the closed loop driven through the store, on SQLite and (when configured) PostgreSQL: after
/// each step the demand is read back from the store and its status, version, orders and deadlines checked,
/// and its audit trail must have gained exactly the expected event kinds. The pure state machine has the
/// same paths in `LoopScenarioTests`; here they go through transactions, JSON documents, the order
/// projection, the timer queue, the audit chain and the approvers' role assignments.
///
/// Calendar: the shipped 2026 one, 5×8 for every unit (Mon–Fri 09:00–12:00, 13:30–17:30, 7 business hours a
/// day). March 2026 has no holiday: Mon 03-02 … Fri 03-06, Mon 03-09 … Fri 03-13, Mon 03-16 … are the
/// working days. N working days end at 17:30 on the N-th working day after the start ("general": 1 working
/// day to sign for and to contact, 7 to resolve).
@Suite struct DemandScenarioTests {
    typealias R = DemandRepositoryTests
    static let rules = R.rules

    // MARK: Units and people

    static let centre = R.centre  // 110000-RXZX, the 12345 centre
    static let cgw = "110105-CGW"
    static let jtw = "110105-JTW"
    static let swj = "110105-SWJ"
    static let street = "110105001"

    static let cityCSV = """
        code,name,kind,parent_code,population
        110000,北京市,city,,21893095
        110105,朝阳区,district,110000,3452460
        110105001,建外街道,street,110105,
        110105-CGW,朝阳区城市管理委员会,department,110105,
        110105-JTW,朝阳区交通委员会,department,110105,
        110105-SWJ,朝阳区水务局,department,110105,
        110000-RXZX,北京市12345市民服务热线中心,department,110000,
        """

    static let agent = R.agent
    static let dispatcher = R.dispatcher
    static let callbackAgent = R.callbackAgent
    static let cgwHandler = R.handler
    static let jtwHandler = Actor(personID: "handler-jtw", role: .departmentHandler, unitCode: jtw)
    static let coordinator = Actor(personID: "coordinator-jw", role: .streetCoordinator, unitCode: street)
    static let cgwLeader = Actor(personID: "leader-cgw", role: .unitLeader, unitCode: cgw)
    static let streetLeader = Actor(personID: "leader-jw", role: .unitLeader, unitCode: street)
    /// Held the leader role at the street once; it has ended.
    static let formerLeader = Actor(personID: "leader-jw-former", role: .unitLeader, unitCode: street)

    /// Imports the units and grants everyone their role, so that the store finds the approvers.
    static func seed(_ store: any Store) async throws {
        let rows = try DivisionsFile.parse(cityCSV, file: "city.csv").get()
        let summary = try await UnitRepository(store: store).importUnits(rows, file: "city.csv", now: march(1, 9))
        #expect(summary.inserted == 7 && summary.updated == 0)
        let people = PeopleRepository(store: store)
        for actor in [agent, dispatcher, callbackAgent, cgwHandler, jtwHandler, coordinator, cgwLeader, streetLeader, formerLeader] {
            try await people.add(Person(id: actor.personID, name: actor.personID), now: march(1, 9))
            try await people.grant(RoleAssignment(personID: actor.personID, role: actor.role, unitCode: actor.unitCode), now: march(1, 9))
        }
        try await people.end(RoleAssignment(personID: formerLeader.personID, role: .unitLeader, unitCode: street), now: march(1, 10))
    }

    // MARK: Time

    /// Beijing wall-clock time on a day of March 2026.
    static func march(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date { R.at(hour, minute, days: day - 2) }

    /// Beijing `yyyy-MM-dd HH:mm`.
    static func local(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    static func draft(_ type: DemandType = .complaint, _ content: String = "小区门口路灯不亮已一周") -> DemandDraft {
        DemandDraft(type: type, channel: .phone, content: content,
                    location: DemandLocation(address: "建国门外大街 1 号", areaCode: street),
                    complainant: Complainant(name: "张三", phone: "13812345678"))
    }

    // MARK: (1) 主办 + 协办 to closure (首接负责)

    @Test(arguments: TestDatabase.engines)
    func primaryAndCoHandlerToClosure(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var c = try await Drive.receive(Self.draft(), by: Self.agent, at: Self.march(2, 9), in: store)
            #expect(c.demand.status == .received && c.demand.version == 1 && c.demand.orders.isEmpty)
            #expect(c.trail.map(\.kind) == ["demand.received"])
            let (primary, co) = (c.order(1), c.order(2))

            try await c.step(.dispatch(primary: Self.cgw, coHandlers: [Self.jtw], deadlineClass: "general", categoryCode: "05-0113"),
                             by: Self.dispatcher, at: Self.march(2, 9, 10), gains: [.demandDispatched, .orderDispatched, .orderDispatched])
            #expect(c.demand.status == .dispatched && c.demand.version == 2 && c.demand.categoryCode == "05-0113")
            #expect(c.demand.orders.map(\.id) == [primary, co])
            #expect(c.demand.orders.map(\.role) == [.primary, .coHandler])
            #expect(c.statuses == [.dispatched, .dispatched])
            // Mon 09:10 + 1 working day = Tue 17:30; + 7 working days = Wed 03-11 17:30 (3,4,5,6,9,10,11).
            #expect(try c.deadlines(1) == ["2026-03-03 17:30", "2026-03-03 17:30", "2026-03-11 17:30"])
            #expect(try c.deadlines(2) == ["2026-03-03 17:30", "2026-03-03 17:30", "2026-03-11 17:30"])
            #expect(c.trail[2].details["resolutionDue"] == "2026-03-11T09:30:00.000Z")
            #expect(try await c.pendingTimers()["1/resolution/overdue/1"] == "2026-03-11 17:30")
            #expect(try await c.pendingTimers()["2/resolution/overdue/1"] == "2026-03-11 17:30")
            #expect(try await R.count("work_orders", store) == 2)

            try await c.step(.signFor(order: primary), by: Self.cgwHandler, at: Self.march(2, 10), gains: [.orderSigned])
            #expect(c.demand.status == .inProgress && c.demand.version == 3 && c.statuses == [.signed, .dispatched])
            #expect(c.trail.last?.details["onTime"] == "true")
            try await c.step(.recordContact(order: primary, note: "电话联系诉求人"), by: Self.cgwLeader, at: Self.march(2, 10, 30), gains: [.orderContacted])
            #expect(c.demand.version == 4 && c.statuses == [.contacted, .dispatched])
            try await c.step(.addProgress(order: primary, note: "已派维修班组", attachments: ["photo-1"]), by: Self.cgwHandler,
                             at: Self.march(3, 10), gains: [.orderProgressNoted])
            #expect(c.demand.status == .inProgress && c.demand.version == 5 && c.statuses == [.inProgress, .dispatched])
            #expect(c.demand.orders[0].progress.map(\.attachments) == [["photo-1"]])

            // The open co-handler blocks the primary's result, and the demand cannot close while in progress.
            #expect(try await c.refusal(.reportResult(order: primary, summary: "已修复"), by: Self.cgwHandler, at: Self.march(3, 11))
                as? LoopError == .coHandlersOpen(orders: [co]))
            #expect(try await c.refusal(.close(), by: Self.dispatcher, at: Self.march(3, 11))
                as? LoopError == .demandWrongState(action: .close, status: .inProgress))
            // A unit acts only on its own order.
            #expect(try await c.refusal(.signFor(order: co), by: Self.cgwHandler, at: Self.march(3, 11))
                as? LoopError == .notOrderUnit(order: co, unit: Self.jtw))

            try await c.step(.signFor(order: co), by: Self.jtwHandler, at: Self.march(3, 11), gains: [.orderSigned])
            #expect(c.demand.status == .inProgress && c.demand.version == 6 && c.statuses == [.inProgress, .signed])
            try await c.step(.reportResult(order: co, summary: "已配合断电检修"), by: Self.jtwHandler, at: Self.march(4, 10), gains: [.orderResultReported])
            #expect(c.demand.status == .inProgress && c.demand.version == 7)  // a co-handler's result does not finish the demand
            #expect(c.statuses == [.inProgress, .resultReported])
            #expect(try await c.pendingTimers().keys.allSatisfy { $0.hasPrefix("1/") })  // the co-handler's clocks are done

            try await c.step(.reportResult(order: primary, summary: "路灯已修复", attachments: ["photo-2"]), by: Self.cgwHandler,
                             at: Self.march(4, 14), gains: [.orderResultReported])
            #expect(c.demand.status == .resultReported && c.demand.version == 8 && c.statuses == [.resultReported, .resultReported])
            #expect(c.trail.last?.details["demandTo"] == "result_reported" && c.trail.last?.details["onTime"] == "true")
            #expect(c.trail.last?.attachments == ["photo-2"])
            #expect(try await c.pendingTimers().isEmpty)
            #expect(try await c.refusal(.close(), by: Self.dispatcher, at: Self.march(4, 15))
                as? LoopError == .demandWrongState(action: .close, status: .resultReported))

            try await c.step(.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)),
                             by: Self.callbackAgent, at: Self.march(5, 10), gains: [.demandCallbackRecorded])
            #expect(c.demand.status == .callbackDone && c.demand.version == 9)
            #expect(c.demand.lastCallback?.unitCode == Self.cgw && c.demand.lastCallback?.round == 0)

            try await c.step(.close(note: "办结"), by: Self.dispatcher, at: Self.march(5, 11), gains: [.demandClosed, .orderClosed, .orderClosed])
            #expect(c.demand.status == .closed && c.demand.version == 10 && c.statuses == [.closed, .closed])
            #expect(c.demand.closedAt == Self.march(5, 11) && c.demand.countsInScores)
            #expect(try await c.pendingTimers().isEmpty)
            #expect(try await DemandRepository(store: store).list(status: .closed, unit: Self.jtw, after: nil, limit: 10).items.map(\.id) == [c.id])
            #expect(try await R.count("work_orders", store) == 2)
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    // MARK: (2) 退单 approved as a dispatch error, then 改派

    @Test(arguments: TestDatabase.engines)
    func returnApprovedAsDispatchErrorThenReDispatched(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var c = try await Drive.receive(Self.draft(), by: Self.agent, at: Self.march(2, 9), in: store)
            let (first, second, third) = (c.order(1), c.order(2), c.order(3))
            try await c.step(.dispatch(primary: Self.street, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 9, 30),
                             gains: [.demandDispatched, .orderDispatched])
            #expect(c.demand.status == .dispatched && c.demand.version == 2 && c.statuses == [.dispatched])
            #expect(try c.deadlines(1) == ["2026-03-03 17:30", "2026-03-03 17:30", "2026-03-11 17:30"])

            // The leader's approval must be a role held now: not a stranger's, not an ended one.
            let request = { (leader: Actor) in
                LoopCommand.requestReturn(order: first, reason: .wrongArea, evidence: ["first-call.mp3", "site.jpg"],
                                          leaderApproval: leader, note: "地址属于相邻街道")
            }
            let impostor = Actor(personID: "impostor", role: .unitLeader, unitCode: Self.street)
            #expect(try await c.refusal(request(impostor), by: Self.coordinator, at: Self.march(3, 9, 50))
                as? AccessError == .roleNotHeld(RoleAssignment(personID: "impostor", role: .unitLeader, unitCode: Self.street)))
            #expect(try await c.refusal(request(Self.formerLeader), by: Self.coordinator, at: Self.march(3, 9, 55))
                as? AccessError == .roleNotHeld(RoleAssignment(personID: Self.formerLeader.personID, role: .unitLeader, unitCode: Self.street)))
            // A real leader of another unit is refused by the loop.
            #expect(try await c.refusal(request(Self.cgwLeader), by: Self.coordinator, at: Self.march(3, 9, 58))
                as? LoopError == .leaderApprovalInvalid(order: first, approver: Self.cgwLeader.personID))

            try await c.step(request(Self.streetLeader), by: Self.coordinator, at: Self.march(3, 10), gains: [.orderReturnRequested])
            #expect(c.demand.status == .dispatched && c.demand.version == 3 && c.statuses == [.returnRequested])  // a request moves nothing else
            #expect(c.trail.last?.attachments == ["first-call.mp3", "site.jpg"])
            #expect(c.trail.last?.details["leaderApproval"] == Self.streetLeader.personID)
            // Return window: 3 working days after dispatch (Mon) = Thu 03-05 17:30.
            #expect(c.trail.last?.details["windowEnd"] == "2026-03-05T09:30:00.000Z")
            // The clock keeps running while the return is asked for.
            #expect(!c.demand.orders[0].signFor.isPaused)
            #expect(try c.deadlines(1) == ["2026-03-03 17:30", "2026-03-03 17:30", "2026-03-11 17:30"])
            #expect(try await c.pendingTimers()["1/sign_for/overdue/1"] == "2026-03-03 17:30")

            try await c.step(.ruleOnReturn(order: first, approve: true, dispatchErred: true, note: "派单错误"), by: Self.dispatcher,
                             at: Self.march(3, 11), gains: [.orderReturnApproved])
            #expect(c.demand.status == .returned && c.demand.version == 4 && c.statuses == [.returned])
            #expect(c.trail.last?.details["dispatchErred"] == "true" && c.trail.last?.details["demandTo"] == "returned")
            #expect(!c.demand.orders[0].chargedToUnit)  // a dispatch error is not the street's time
            #expect(c.demand.orders[0].closedAt == Self.march(3, 11))
            #expect(try await c.pendingTimers().isEmpty)

            try await c.step(.reDispatch(order: first, to: Self.cgw), by: Self.dispatcher, at: Self.march(3, 11, 10),
                             gains: [.orderDispatched, .demandRedispatched])
            #expect(c.demand.status == .dispatched && c.demand.version == 5 && c.statuses == [.returned, .dispatched])
            #expect(c.demand.orders[0].replacedBy == second && c.demand.primaryOrder?.id == second)
            #expect(c.demand.orders[1].unitCode == Self.cgw && c.demand.orders[1].role == .primary && c.demand.orders[1].chargedToUnit)
            #expect(c.trail.last?.details["previousUnit"] == Self.street && c.trail.last?.details["unit"] == Self.cgw)
            // New clocks from Tue 11:10: Wed 03-04 17:30; 7 working days = Thu 03-12 17:30.
            #expect(try c.deadlines(2) == ["2026-03-04 17:30", "2026-03-04 17:30", "2026-03-12 17:30"])
            #expect(try await c.pendingTimers().keys.allSatisfy { $0.hasPrefix("2/") })
            #expect(try await c.refusal(.reDispatch(order: first, to: Self.jtw), by: Self.dispatcher, at: Self.march(3, 11, 20))
                as? LoopError == .orderWrongState(action: .reDispatch, order: first, status: .returned))

            // The new unit returns it too, approved but not as a dispatch error: that order stays charged.
            try await c.step(.signFor(order: second), by: Self.cgwHandler, at: Self.march(3, 14), gains: [.orderSigned])
            #expect(c.demand.status == .inProgress && c.demand.version == 6 && c.statuses == [.returned, .signed])
            try await c.step(.requestReturn(order: second, reason: .wrongFunction, evidence: ["duty-list.pdf"], leaderApproval: Self.cgwLeader),
                             by: Self.cgwHandler, at: Self.march(4, 10), gains: [.orderReturnRequested])
            #expect(c.demand.status == .inProgress && c.demand.version == 7 && c.statuses == [.returned, .returnRequested])
            try await c.step(.ruleOnReturn(order: second, approve: true), by: Self.dispatcher, at: Self.march(4, 11), gains: [.orderReturnApproved])
            #expect(c.demand.status == .returned && c.demand.version == 8 && c.statuses == [.returned, .returned])
            #expect(c.trail.last?.details["dispatchErred"] == "false")
            #expect(c.demand.orders.map(\.chargedToUnit) == [false, true])
            try await c.step(.reDispatch(order: second, to: Self.swj, note: "属水务职责"), by: Self.dispatcher, at: Self.march(4, 11, 10),
                             gains: [.orderDispatched, .demandRedispatched])
            #expect(c.demand.status == .dispatched && c.demand.version == 9 && c.statuses == [.returned, .returned, .dispatched])
            #expect(c.demand.orders.map(\.replacedBy) == [second, third, nil])
            // From Wed 11:10: Thu 03-05 17:30; 7 working days = Fri 03-13 17:30.
            #expect(try c.deadlines(3) == ["2026-03-05 17:30", "2026-03-05 17:30", "2026-03-13 17:30"])
            #expect(try await c.pendingTimers()["3/resolution/overdue/1"] == "2026-03-13 17:30")
            #expect(try await DemandRepository(store: store).list(status: nil, unit: Self.street, after: nil, limit: 10).items.map(\.id) == [c.id])
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    // MARK: (3) 退单 rejected

    @Test(arguments: TestDatabase.engines)
    func returnRejectedLeavesTheAssignmentAndTheClock(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var c = try await Drive.receive(Self.draft(), by: Self.agent, at: Self.march(2, 9), in: store)
            let order = c.order(1)
            try await c.step(.dispatch(primary: Self.cgw, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 9, 30),
                             gains: [.demandDispatched, .orderDispatched])
            try await c.step(.signFor(order: order), by: Self.cgwHandler, at: Self.march(2, 10), gains: [.orderSigned])
            #expect(c.demand.status == .inProgress && c.demand.version == 3 && c.statuses == [.signed])
            #expect(try c.deadlines(1) == ["2026-03-03 17:30", "2026-03-03 17:30", "2026-03-11 17:30"])

            try await c.step(.requestReturn(order: order, reason: .wrongFunction, evidence: ["duty-list.pdf"], leaderApproval: Self.cgwLeader),
                             by: Self.cgwHandler, at: Self.march(4, 10), gains: [.orderReturnRequested])
            #expect(c.demand.status == .inProgress && c.demand.version == 4 && c.statuses == [.returnRequested])
            #expect(try c.deadlines(1)[2] == "2026-03-11 17:30")
            #expect(try await c.pendingTimers()["1/resolution/overdue/1"] == "2026-03-11 17:30")

            try await c.step(.ruleOnReturn(order: order, approve: false, note: "属于本单位职责"), by: Self.dispatcher, at: Self.march(5, 10),
                             gains: [.orderReturnRejected])
            #expect(c.demand.status == .inProgress && c.demand.version == 5 && c.statuses == [.signed])
            #expect(c.trail.last?.details == ["from": "return_requested", "to": "signed", "order": order])
            let stands = c.demand.orders[0]
            #expect(stands.unitCode == Self.cgw && stands.pending == nil && stands.chargedToUnit && stands.replacedBy == nil)
            #expect(stands.resolution.clock.pauses.isEmpty)  // never paused, so nothing gained
            #expect(try c.deadlines(1)[2] == "2026-03-11 17:30")
            #expect(try await c.pendingTimers()["1/resolution/overdue/1"] == "2026-03-11 17:30")

            // The window (3 working days after Mon 09:30) closed on Thu 03-05 at 17:30.
            #expect(try await c.refusal(.requestReturn(order: order, reason: .wrongFunction, evidence: ["x"], leaderApproval: Self.cgwLeader),
                                        by: Self.cgwHandler, at: Self.march(6, 9))
                as? LoopError == .returnWindowPassed(order: order, windowEnd: Self.march(5, 17, 30)))
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    // MARK: (4) 延期: approved, refused, and too late

    @Test(arguments: TestDatabase.engines)
    func extensionApprovedRefusedAndTooLate(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var c = try await Drive.receive(Self.draft(), by: Self.agent, at: Self.march(2, 9), in: store)
            let order = c.order(1)
            try await c.step(.dispatch(primary: Self.cgw, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 9, 30),
                             gains: [.demandDispatched, .orderDispatched])
            try await c.step(.signFor(order: order), by: Self.cgwHandler, at: Self.march(2, 10), gains: [.orderSigned])
            try await c.step(.recordContact(order: order), by: Self.cgwHandler, at: Self.march(2, 10, 30), gains: [.orderContacted])
            #expect(c.demand.status == .inProgress && c.demand.version == 4 && c.statuses == [.contacted])
            #expect(try c.deadlines(1)[2] == "2026-03-11 17:30")

            try await c.step(.requestExtension(order: order, extra: .workingDays(3), reason: "需协调产权单位"), by: Self.cgwHandler,
                             at: Self.march(10, 10), gains: [.orderExtensionRequested])
            #expect(c.demand.status == .inProgress && c.demand.version == 5 && c.statuses == [.extensionRequested])
            #expect(try c.deadlines(1)[2] == "2026-03-11 17:30")

            let approved = try await c.step(.ruleOnExtension(order: order, approve: true), by: Self.dispatcher, at: Self.march(10, 15),
                                             gains: [.orderExtensionApproved, .demandDeadlineNotice])
            #expect(c.demand.status == .inProgress && c.demand.version == 6 && c.statuses == [.contacted])
            // 3 working days counted from the old deadline (Wed 03-11 17:30): Thu 12, Fri 13, Mon 16.
            #expect(try c.deadlines(1)[2] == "2026-03-16 17:30")
            #expect(approved[0].details["previousDeadline"] == "2026-03-11T09:30:00.000Z")
            #expect(approved[0].details["newDeadline"] == "2026-03-16T09:30:00.000Z")
            #expect(approved[1].details["newDeadlineLocal"] == "2026-03-16 17:30")
            #expect(approved[1].reason == "需协调产权单位")
            #expect(c.demand.orders[0].resolution.generation == 2)
            #expect(c.demand.orders[0].extensions.map(\.newDeadline) == [Self.march(16, 17, 30)])
            // The timers of the old deadline are gone; the new generation's are due at the new one.
            let timers = try await c.pendingTimers()
            #expect(timers["1/resolution/overdue/2"] == "2026-03-16 17:30" && timers["1/resolution/overdue/1"] == nil)
            #expect(timers["1/resolution/supervise/2"] == "2026-03-17 17:30")

            try await c.step(.requestExtension(order: order, extra: .workingDays(2), reason: "仍需协调"), by: Self.cgwHandler,
                             at: Self.march(12, 10), gains: [.orderExtensionRequested])
            #expect(c.demand.version == 7 && c.statuses == [.extensionRequested])
            try await c.step(.ruleOnExtension(order: order, approve: false, note: "不予延期"), by: Self.dispatcher, at: Self.march(12, 11),
                             gains: [.orderExtensionRejected])
            #expect(c.demand.status == .inProgress && c.demand.version == 8 && c.statuses == [.contacted])
            #expect(try c.deadlines(1)[2] == "2026-03-16 17:30")
            #expect(c.demand.orders[0].resolution.generation == 2 && c.demand.orders[0].extensions.count == 1)
            #expect(try await c.pendingTimers()["1/resolution/overdue/2"] == "2026-03-16 17:30")

            // Asked after the (extended) deadline: refused, nothing changed.
            let late = try await c.refusal(.requestExtension(order: order, extra: .workingDays(1), reason: "再延"), by: Self.cgwHandler,
                                           at: Self.march(17, 9))
            #expect(late as? LoopError == .extensionPastDeadline(order: order, deadline: Self.march(16, 17, 30)))
            #expect((late as? any DomainError)?.code == "order.extension_past_deadline")
            #expect(c.demand.version == 8 && c.statuses == [.contacted])
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    // MARK: (5) 挂账 (parking)

    @Test(arguments: TestDatabase.engines)
    func parkingPausesTheClocksUntilUnparked(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var c = try await Drive.receive(Self.draft(), by: Self.agent, at: Self.march(2, 8, 50), in: store)
            let order = c.order(1)
            try await c.step(.dispatch(primary: Self.cgw, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 9),
                             gains: [.demandDispatched, .orderDispatched])
            try await c.step(.signFor(order: order), by: Self.cgwHandler, at: Self.march(2, 10), gains: [.orderSigned])
            try await c.step(.recordContact(order: order), by: Self.cgwHandler, at: Self.march(2, 10, 30), gains: [.orderContacted])
            #expect(c.demand.status == .inProgress && c.demand.version == 4 && c.statuses == [.contacted])
            #expect(try c.deadlines(1)[2] == "2026-03-11 17:30")

            // A request refused first: nothing paused.
            try await c.step(.requestPark(order: order, reason: "等待材料"), by: Self.cgwHandler, at: Self.march(3, 10), gains: [.orderParkRequested])
            #expect(c.demand.status == .inProgress && c.demand.version == 5 && c.statuses == [.parkRequested])
            try await c.step(.ruleOnPark(order: order, approve: false), by: Self.dispatcher, at: Self.march(3, 11), gains: [.orderParkRejected])
            #expect(c.demand.status == .inProgress && c.demand.version == 6 && c.statuses == [.contacted])
            #expect(c.demand.orders[0].resolution.clock.pauses.isEmpty && c.demand.orders[0].parking == nil)

            try await c.step(.requestPark(order: order, reason: "需纳入年度改造计划"), by: Self.cgwHandler, at: Self.march(4, 8, 30),
                             gains: [.orderParkRequested])
            #expect(c.demand.version == 7 && c.statuses == [.parkRequested])
            try await c.step(.ruleOnPark(order: order, approve: true), by: Self.dispatcher, at: Self.march(4, 9), gains: [.orderParked])
            #expect(c.demand.status == .parked && c.demand.version == 8 && c.statuses == [.parked])
            #expect(c.trail.last?.details["demandTo"] == "parked")
            #expect(c.demand.orders[0].resolution.isPaused && c.demand.orders[0].parking?.approvedBy == Self.dispatcher.personID)
            #expect(try await c.pendingTimers().isEmpty)  // a parked order has no running clock
            // Parked since Wed 09:00: as of then the deadline is still Wed 03-11 17:30; as of Fri 12:00, 17 business
            // hours later (7 + 7 + 3), it has moved as far: Thu 12 (7), Fri 13 (7), Mon 16 09:00–12:00 (3).
            #expect(try c.due(1, .resolution, asOf: Self.march(4, 9)) == "2026-03-11 17:30")
            #expect(try c.due(1, .resolution, asOf: Self.march(6, 12)) == "2026-03-16 12:00")
            // The deadline service has nothing to fire, long after the original deadline.
            #expect(try await DeadlineSweep(store: store).fire(at: Self.march(12, 18), limit: 100, rules: Self.rules, whistlePolicy: .default) == 0)
            #expect(try await c.refusal(.reportResult(order: order, summary: "x"), by: Self.cgwHandler, at: Self.march(5, 9))
                as? LoopError == .orderWrongState(action: .reportResult, order: order, status: .parked))

            // Lifted by the unit on Mon 03-09 09:00: three working days (21 business hours) were parked, so
            // the deadline moves from Wed 03-11 17:30 to Mon 03-16 17:30.
            try await c.step(.unpark(order: order, note: "资金已落实"), by: Self.cgwHandler, at: Self.march(9, 9), gains: [.orderUnparked])
            #expect(c.demand.status == .inProgress && c.demand.version == 9 && c.statuses == [.contacted])
            #expect(c.trail.last?.details["resolutionDue"] == "2026-03-16T09:30:00.000Z")
            #expect(try c.deadlines(1)[2] == "2026-03-16 17:30")
            #expect(!c.demand.orders[0].resolution.isPaused && c.demand.orders[0].parking == nil)
            // The same timer keys (same generation), at the moved instants.
            #expect(try await c.pendingTimers() == [
                "1/resolution/yellow/1": "2026-03-12 17:30", "1/resolution/overdue/1": "2026-03-16 17:30",
                "1/resolution/supervise/1": "2026-03-17 17:30",
            ])
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    // MARK: (6) 回访 "not solved" → 重办 → result → satisfied → 结案

    @Test(arguments: TestDatabase.engines)
    func unsolvedCallbackReopensThenCloses(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var c = try await Drive.receive(Self.draft(), by: Self.agent, at: Self.march(2, 9), in: store)
            let order = c.order(1)
            try await c.step(.dispatch(primary: Self.cgw, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 9, 30),
                             gains: [.demandDispatched, .orderDispatched])
            try await c.step(.signFor(order: order), by: Self.cgwHandler, at: Self.march(2, 10), gains: [.orderSigned])
            try await c.step(.reportResult(order: order, summary: "已处理"), by: Self.cgwHandler, at: Self.march(3, 10), gains: [.orderResultReported])
            #expect(c.demand.status == .resultReported && c.demand.version == 4 && c.statuses == [.resultReported])
            #expect(try await c.pendingTimers().isEmpty)
            try await c.step(.recordCallback(outcome: .valid(contacted: true, solved: false, satisfaction: .unsatisfied), note: "路灯仍不亮"),
                             by: Self.callbackAgent, at: Self.march(4, 10), gains: [.demandCallbackRecorded])
            #expect(c.demand.status == .callbackDone && c.demand.version == 5)
            #expect(c.trail.last?.details["solved"] == "false")

            try await c.step(.reopen(note: "诉求人反映未解决"), by: Self.dispatcher, at: Self.march(4, 11), gains: [.demandReopened, .orderReopened])
            #expect(c.demand.status == .dispatched && c.demand.version == 6 && c.statuses == [.dispatched])
            #expect(c.demand.reopenCount == 1)
            #expect(c.trail[c.trail.count - 2].details == ["from": "callback_done", "to": "dispatched", "reopenCount": "1"])
            #expect(OrderStep.allCases.allSatisfy { c.demand.orders[0][$0].generation == 2 && !c.demand.orders[0][$0].isCompleted })
            #expect(c.demand.orders[0].results.count == 1)  // the first result stays on record
            // New clocks from Wed 03-04 11:00: Thu 03-05 17:30; 7 working days = Fri 03-13 17:30.
            #expect(try c.deadlines(1) == ["2026-03-05 17:30", "2026-03-05 17:30", "2026-03-13 17:30"])
            #expect(c.trail.last?.details["resolutionDue"] == "2026-03-13T09:30:00.000Z")
            let timers = try await c.pendingTimers()
            #expect(timers["1/resolution/overdue/2"] == "2026-03-13 17:30" && timers["1/sign_for/overdue/2"] == "2026-03-05 17:30")
            #expect(timers.keys.allSatisfy { $0.hasSuffix("/2") })
            #expect(try await c.refusal(.reopen(), by: Self.dispatcher, at: Self.march(4, 11, 5))
                as? LoopError == .demandWrongState(action: .reopen, status: .dispatched))

            try await c.step(.signFor(order: order), by: Self.cgwHandler, at: Self.march(4, 14), gains: [.orderSigned])
            #expect(c.demand.status == .inProgress && c.demand.version == 7 && c.statuses == [.signed])
            try await c.step(.reportResult(order: order, summary: "更换灯具"), by: Self.cgwHandler, at: Self.march(5, 10), gains: [.orderResultReported])
            #expect(c.demand.status == .resultReported && c.demand.version == 8 && c.statuses == [.resultReported])
            #expect(c.demand.orders[0].results.map(\.note) == ["已处理", "更换灯具"])
            try await c.step(.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)),
                             by: Self.callbackAgent, at: Self.march(6, 10), gains: [.demandCallbackRecorded])
            #expect(c.demand.status == .callbackDone && c.demand.version == 9)
            #expect(c.demand.callbacks.map(\.round) == [0, 1])
            #expect(try await c.refusal(.reopen(), by: Self.dispatcher, at: Self.march(6, 10, 5)) as? LoopError == .reopenNotWarranted)

            try await c.step(.close(), by: Self.dispatcher, at: Self.march(6, 16), gains: [.demandClosed, .orderClosed])
            #expect(c.demand.status == .closed && c.demand.version == 10 && c.statuses == [.closed])
            #expect(c.demand.reopenCount == 1)
            #expect(try await c.pendingTimers().isEmpty)
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    // MARK: (7) 合并 (merge)

    @Test(arguments: TestDatabase.engines)
    func duplicateIsMergedIntoItsParent(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var parent = try await Drive.receive(Self.draft(), by: Self.agent, at: Self.march(2, 9), in: store)
            try await parent.step(.dispatch(primary: Self.cgw, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 9, 30),
                                  gains: [.demandDispatched, .orderDispatched])
            var c = try await Drive.receive(Self.draft(.complaint, "路灯不亮，之前反映过"), by: Self.agent, at: Self.march(2, 9, 20), in: store)
            let order = c.order(1)
            try await c.step(.dispatch(primary: Self.cgw, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 9, 40),
                             gains: [.demandDispatched, .orderDispatched])
            try await c.step(.signFor(order: order), by: Self.cgwHandler, at: Self.march(2, 10), gains: [.orderSigned])
            #expect(c.demand.status == .inProgress && c.demand.version == 3 && c.statuses == [.signed])
            #expect(try await !c.pendingTimers().isEmpty)

            #expect(try await c.refusal(.merge(into: c.id), by: Self.dispatcher, at: Self.march(2, 10, 30)) as? LoopError == .mergeIntoItself)
            #expect(try await c.refusal(.merge(into: "nope"), by: Self.dispatcher, at: Self.march(2, 10, 30))
                as? DemandStoreError == .notFound("nope"))

            try await c.step(.merge(into: parent.id), by: Self.dispatcher, at: Self.march(2, 11), gains: [.demandMerged, .orderClosed])
            #expect(c.demand.status == .merged && c.demand.version == 4 && c.statuses == [.closed])
            #expect(c.demand.parentID == parent.id && c.demand.closedAt == Self.march(2, 11))
            #expect(c.trail[c.trail.count - 2].details == ["from": "in_progress", "to": "merged", "parent": parent.id])
            #expect(c.trail.last?.details["mergedInto"] == parent.id)
            #expect(c.demand.openOrders.isEmpty && !c.demand.countsInScores)
            #expect(try await c.pendingTimers().isEmpty)

            // Merged once is merged for good, and nothing merges into a merged demand.
            #expect(try await c.refusal(.merge(into: parent.id), by: Self.dispatcher, at: Self.march(2, 12))
                as? LoopError == .alreadyMerged(into: parent.id))
            #expect(try await parent.refusal(.merge(into: c.id), by: Self.dispatcher, at: Self.march(2, 12))
                as? LoopError == .alreadyMerged(into: parent.id))
            #expect(try await c.refusal(.signFor(order: order), by: Self.cgwHandler, at: Self.march(2, 12))
                as? LoopError == .orderWrongState(action: .signFor, order: order, status: .closed))
            // The parent is untouched (its reload and trail are checked by the refusal above).
            #expect(parent.demand.status == .dispatched && parent.demand.version == 2 && parent.trail.count == 3)
            #expect(try parent.deadlines(1) == ["2026-03-03 17:30", "2026-03-03 17:30", "2026-03-11 17:30"])
            #expect(try await DemandRepository(store: store).list(status: .merged, unit: nil, after: nil, limit: 10).items.map(\.id) == [c.id])
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }

    // MARK: (8) Closed at intake: emergency transfer and direct answer

    @Test(arguments: TestDatabase.engines)
    func emergencyTransferAndDirectAnswerCloseWithoutDispatch(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.seed(store)
            var fire = Self.draft(.help, "楼道起火，有人被困")
            fire.emergencyTransfer = .fire
            let transferred = try await Drive.receive(fire, by: Self.agent, at: Self.march(2, 10), in: store)
            #expect(transferred.demand.status == .transferred && transferred.demand.version == 1)
            #expect(transferred.demand.closedAt == Self.march(2, 10) && transferred.demand.orders.isEmpty)
            #expect(!transferred.demand.countsInScores)
            #expect(transferred.trail.map(\.kind) == ["demand.transferred"])
            #expect(transferred.trail[0].details["emergencyLine"] == "119" && transferred.trail[0].details["to"] == "transferred")
            #expect(transferred.trail[0].actor?.personID == Self.agent.personID)
            #expect(try await transferred.pendingTimers().isEmpty)
            #expect(try await transferred.refusal(.dispatch(primary: Self.cgw, deadlineClass: "urgent"), by: Self.dispatcher, at: Self.march(2, 10, 1))
                as? LoopError == .demandWrongState(action: .dispatch, status: .transferred))

            var question = Self.draft(.consultation, "居住证办理需要哪些材料？")
            question.directAnswer = "携带身份证、租房合同到社区服务站办理。"
            let answered = try await Drive.receive(question, by: Self.agent, at: Self.march(2, 10, 5), in: store)
            #expect(answered.demand.status == .answered && answered.demand.version == 1 && answered.demand.orders.isEmpty)
            #expect(answered.demand.directAnswer == "携带身份证、租房合同到社区服务站办理。")
            #expect(answered.trail.map(\.kind) == ["demand.answered"])
            #expect(try await answered.pendingTimers().isEmpty)
            #expect(try await answered.refusal(.dispatch(primary: Self.cgw, deadlineClass: "general"), by: Self.dispatcher, at: Self.march(2, 10, 6))
                as? LoopError == .demandWrongState(action: .dispatch, status: .answered))
            #expect(try await answered.refusal(.close(), by: Self.dispatcher, at: Self.march(2, 10, 6))
                as? LoopError == .demandWrongState(action: .close, status: .answered))

            // A complaint cannot be answered away at intake: refused, nothing stored.
            var complaint = Self.draft()
            complaint.directAnswer = "已解释"
            await #expect(throws: LoopError.invalidField(field: "directAnswer", problem: .notForType(.complaint))) {
                _ = try await DemandRepository(store: store).receive(complaint, idempotencyKey: nil, by: Self.agent, at: Self.march(2, 10, 10), rules: Self.rules)
            }
            #expect(try await R.count("demands", store) == 2)
            #expect(try await R.count("work_orders", store) == 0)
            #expect(try await AuditLog.verify(store).isIntact)
        }
    }
}

/// One demand driven through the store. Each step is applied with the version last read (as If-Match would),
/// then the demand is read back and its audit trail checked: the earlier entries unchanged, exactly the
/// expected kinds added, stamped with the step's time and actor. A refusal must leave both as they were.
struct Drive {
    let store: any Store
    let demands: DemandRepository
    let id: String
    /// As read back after the last step.
    private(set) var demand: Demand
    /// The audit trail as read back after the last step.
    private(set) var trail: [AuditEntry]

    static func receive(_ draft: DemandDraft, by actor: Actor, at time: Date, in store: any Store) async throws -> Drive {
        let demands = DemandRepository(store: store)
        let intake = try await demands.receive(draft, idempotencyKey: nil, by: actor, at: time, rules: DemandScenarioTests.rules)
        #expect(intake.created)
        let demand = try await demands.demand(id: intake.demand.id)
        #expect(demand == intake.demand)
        return Drive(store: store, demands: demands, id: demand.id, demand: demand, trail: try await demands.events(of: demand.id))
    }

    /// The id the n-th order (1-based) has or will have.
    func order(_ n: Int) -> String { "\(id)-\(n)" }

    var statuses: [OrderStatus] { demand.orders.map(\.status) }

    /// Applies a command; returns the audit entries it added.
    @discardableResult
    mutating func step(
        _ command: LoopCommand, by actor: Actor, at time: Date, gains kinds: [LoopEventKind],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [AuditEntry] {
        let returned = try await demands.apply(command, to: id, expectedVersion: demand.version, by: actor, at: time,
                                               rules: DemandScenarioTests.rules)
        let reloaded = try await demands.demand(id: id)
        #expect(reloaded == returned, "the stored document is the decided one", sourceLocation: sourceLocation)
        #expect(reloaded.version == demand.version + 1, sourceLocation: sourceLocation)
        #expect(reloaded.updatedAt == time, sourceLocation: sourceLocation)
        let events = try await demands.events(of: id)
        #expect(Array(events.prefix(trail.count)) == trail, "history unchanged", sourceLocation: sourceLocation)
        let gained = Array(events.dropFirst(trail.count))
        #expect(gained.map(\.kind) == kinds.map(\.rawValue), sourceLocation: sourceLocation)
        let auditActor = AuditActor(actor)
        #expect(gained.allSatisfy { $0.at == time && $0.actor == auditActor && $0.subjectID == id }, sourceLocation: sourceLocation)
        demand = reloaded
        trail = events
        return gained
    }

    /// The error a refused command throws; the demand and its trail must be unchanged.
    func refusal(
        _ command: LoopCommand, by actor: Actor, at time: Date, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (any Error)? {
        var refusal: (any Error)?
        do {
            _ = try await demands.apply(command, to: id, expectedVersion: demand.version, by: actor, at: time, rules: DemandScenarioTests.rules)
        } catch {
            refusal = error
        }
        #expect(refusal != nil, "refused", sourceLocation: sourceLocation)
        #expect(try await demands.demand(id: id) == demand, "unchanged", sourceLocation: sourceLocation)
        #expect(try await demands.events(of: id) == trail, "nothing audited", sourceLocation: sourceLocation)
        return refusal
    }

    /// A step's deadline as Beijing `yyyy-MM-dd HH:mm`, as of `asOf` for a paused clock.
    func due(_ n: Int, _ step: OrderStep, asOf: Date? = nil) throws -> String {
        let order = demand.orders[n - 1]
        return DemandScenarioTests.local(try order[step].dueAt(DemandScenarioTests.rules.calendar(forUnit: order.unitCode), asOf: asOf))
    }

    /// Sign-for, first-contact and resolution deadlines of the n-th order.
    func deadlines(_ n: Int) throws -> [String] {
        try OrderStep.allCases.map { try due(n, $0) }
    }

    /// The demand's unfired timers: key without the demand id (`1/resolution/overdue/1`) → Beijing instant.
    func pendingTimers() async throws -> [String: String] {
        let id = id
        let rows = try await store.read { try await TimerQueue.timers(of: id, in: $0) }
        return Dictionary(uniqueKeysWithValues: rows.filter { $0.firedAt == nil }.map {
            (String($0.timer.key.dropFirst(id.count + 1)), DemandScenarioTests.local($0.timer.dueAt))
        })
    }
}
