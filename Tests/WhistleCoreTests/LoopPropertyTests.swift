import Foundation
import PropertyBased
import Testing
import WhistleCore

/// Random walks through the loop: each step picks a command (usually one that fits the state, sometimes a
/// wrong actor), a time some minutes to days later, and checks the invariants after every accepted command.
@Suite("Closed loop properties")
struct LoopPropertyTests {
    typealias F = LoopFixtures
    static let units = [F.cityManagement, F.transport, F.street, F.water]
    static let classes = ["urgent", "utilities", "general", "complex"]
    static let start = CalendarFixtures.bj("2026-03-02 08:30")

    /// One random step: what kind of move, a number to choose its arguments, minutes until it happens.
    struct Step: Sendable, CustomStringConvertible {
        var op: Int
        var pick: Int
        var minutes: Int
        var description: String { "(\(op), \(pick), +\(minutes)m)" }
    }

    static let step = zip(Gen.int(in: 0...29), Gen.int(in: 0...9999), Gen.int(in: 0...(2 * 24 * 60)))
        .map { Step(op: $0, pick: $1, minutes: $2) }
    static let walk = step.array(of: 1...60)

    /// What a step does: mostly a move that fits the state (so walks get far), sometimes the deadline
    /// service firing the next timer, sometimes any command by anyone (so refusals are exercised too).
    enum Move {
        case command(LoopCommand, Actor?)
        case nextTimer
    }

    static func move(_ step: Step, on demand: Demand) -> Move {
        switch step.op {
        case 0..<18: guided(step.pick, on: demand)
        case 18..<21: .nextTimer
        default: anything(step.pick % 24, step.pick / 24, on: demand)
        }
    }

    /// A command that fits the demand's state, by an actor allowed to give it.
    static func guided(_ p: Int, on demand: Demand) -> Move {
        switch demand.status {
        case .received:
            return p % 50 == 0 ? .command(.merge(into: "P"), F.dispatcher) : anything(0, p, on: demand)
        case .resultReported:
            return anything(15, p, on: demand)
        case .callbackDone:
            return p % 3 == 0 ? anything(15, p, on: demand) : .command(p % 3 == 1 ? .reopen() : .close(), F.dispatcher)
        case .transferred, .answered, .closed, .merged:
            return anything(19, p, on: demand)
        case .dispatched, .inProgress, .returned, .parked:
            let open = demand.orders.filter { $0.isOpen || ($0.status == .returned && $0.replacedBy == nil) }
            guard !open.isEmpty else { return anything(0, p, on: demand) }
            let order = open[p % open.count]
            let unit = p % 5 == 0 ? F.leader(order.unitCode) : F.handler(order.unitCode)
            let q = p / 7
            let choices: [LoopCommand] = switch order.status {
            case .dispatched: [.signFor(order: order.id), .signFor(order: order.id), requestReturn(order, q)]
            case .signed, .contacted, .inProgress:
                [.recordContact(order: order.id), .addProgress(order: order.id, note: "进展"), .reportResult(order: order.id, summary: "办结"),
                 .reportResult(order: order.id, summary: "办结"), requestReturn(order, q),
                 .requestExtension(order: order.id, extra: q % 2 == 0 ? .workingDays(1 + q % 3) : .naturalHours(12), reason: "协调"),
                 .requestPark(order: order.id, reason: "挂账")]
            case .returnRequested: [.ruleOnReturn(order: order.id, approve: q % 2 == 0, dispatchErred: q % 3 == 0)]
            case .extensionRequested: [.ruleOnExtension(order: order.id, approve: q % 3 != 0)]
            case .parkRequested: [.ruleOnPark(order: order.id, approve: q % 3 != 0)]
            case .parked: [.unpark(order: order.id)]
            case .returned: [.reDispatch(order: order.id, to: units[q % 4])]
            case .resultReported, .closed, .reassigned: [.signFor(order: order.id)]
            }
            let command = choices[q % choices.count]
            let byCentre: Bool = switch command {
            case .ruleOnReturn, .ruleOnExtension, .ruleOnPark, .reDispatch: true
            case .unpark: q % 2 == 0
            default: false
            }
            return .command(command, byCentre ? F.dispatcher : unit)
        }
    }

    static func requestReturn(_ order: WorkOrder, _ q: Int) -> LoopCommand {
        .requestReturn(order: order.id, reason: ReturnReason.allCases[q % 4], evidence: ["e\(q)"], leaderApproval: F.leader(order.unitCode))
    }

    /// Any command, with arguments and actor chosen by `p` (often wrong for the state).
    static func anything(_ op: Int, _ p: Int, on demand: Demand) -> Move {
        let order = demand.orders.isEmpty ? nil : demand.orders[p % demand.orders.count]
        let orderID = order?.id ?? "none"
        let unitActor = order.map { p % 5 == 0 ? F.leader($0.unitCode) : F.handler($0.unitCode) } ?? F.handler(units[0])
        let step3 = OrderStep.allCases[p % 3]
        let (command, actor): (LoopCommand, Actor?) = switch op {
        case 0:
            (.dispatch(primary: units[p % 4], coHandlers: p % 3 == 0 ? [units[(p + 1) % 4]] : p % 3 == 1 ? [units[(p + 1) % 4], units[(p + 2) % 4]] : [],
                       deadlineClass: classes[p % 4]), F.dispatcher)
        case 1: (.reDispatch(order: orderID, to: units[p % 4], deadlineClass: p % 2 == 0 ? nil : classes[p % 4]), F.dispatcher)
        case 2, 3: (.signFor(order: orderID), unitActor)
        case 4: (.recordContact(order: orderID), unitActor)
        case 5: (.addProgress(order: orderID, note: "进展 \(p)"), unitActor)
        case 6, 7: (.reportResult(order: orderID, summary: "办结 \(p)"), unitActor)
        case 8: (order.map { requestReturn($0, p) } ?? .signFor(order: orderID), unitActor)
        case 9: (.ruleOnReturn(order: orderID, approve: p % 2 == 0, dispatchErred: p % 3 == 0), F.dispatcher)
        case 10: (.requestExtension(order: orderID, extra: p % 2 == 0 ? .workingDays(1 + p % 3) : .naturalHours(12), reason: "协调"), unitActor)
        case 11: (.ruleOnExtension(order: orderID, approve: p % 3 != 0), F.dispatcher)
        case 12: (.requestPark(order: orderID, reason: "挂账 \(p)"), unitActor)
        case 13: (.ruleOnPark(order: orderID, approve: p % 3 != 0), F.dispatcher)
        case 14: (.unpark(order: orderID), p % 2 == 0 ? F.dispatcher : unitActor)
        case 15:
            (.recordCallback(outcome: p % 4 == 0 ? .invalid(.unreachable)
                : .valid(contacted: p % 5 != 0, solved: p % 3 != 0, satisfaction: Satisfaction.allCases[p % 3])), F.callbackAgent)
        case 16: (.reopen(), F.dispatcher)
        case 17: (.close(), F.dispatcher)
        case 18: p % 40 == 0 ? (.merge(into: "P\(p)"), F.dispatcher) : (.urge(order: orderID), F.supervisor)
        case 19: p % 2 == 0 ? (.flagMalicious(approver: F.dispatcher), F.agent) : (.flagUnreasonable(approver: F.supervisor, reason: "复核"), F.supervisor)
        case 20: (.markOverdue(order: orderID, step: step3), nil)
        case 21: (.supervise(order: orderID, step: step3), nil)
        case 22: (.supervise(order: orderID, note: "督办"), F.supervisor)
        default:
            ([F.agent, F.callbackAgent, F.supervisor, F.handler(F.street), F.dispatcher].map { (LoopCommand.signFor(order: orderID), $0) })[p % 5]
        }
        return .command(command, actor)
    }

    @Test func randomWalksKeepTheInvariants() async {
        await propertyCheck(count: 200, input: Self.walk) { steps in
            var demand = try F.received(at: "2026-03-02 08:30")
            var now = Self.start
            var reopens = 0
            for step in steps {
                now = now.addingTimeInterval(Double(step.minutes) * 60)
                let command: LoopCommand, actor: Actor?
                switch Self.move(step, on: demand) {
                case let .command(c, a): (command, actor) = (c, a)
                case .nextTimer:
                    // The deadline service fires the earliest timer that has a command, at its instant.
                    guard let timer = Loop.dueTimers(demand, rules: F.rules).first(where: { $0.command != nil }) else { continue }
                    now = max(now, timer.at)
                    (command, actor) = (timer.command!, nil)
                }
                let decision: Decision
                do throws(LoopError) {
                    decision = try Loop.decide(demand, command, by: actor, at: now, rules: F.rules)
                } catch {
                    // Refusals are typed and about the request, never a broken clock or an unanswerable calendar;
                    // a timer fired at its own instant is never refused.
                    if case .clock = error { Issue.record("clock refusal \(error) for \(command)") }
                    if case .calendar = error { Issue.record("calendar refusal \(error) for \(command)") }
                    if case .nextTimer = Self.move(step, on: demand) { Issue.record("timer refused: \(error) for \(command)") }
                    continue
                }
                if case .reopen = command { reopens += 1 }
                try Self.checkInvariants(before: demand, after: decision, at: now, reopens: reopens, command: command)
                demand = decision.demand
            }
        }
    }

    static func checkInvariants(before: Demand, after decision: Decision, at now: Date, reopens: Int, command: LoopCommand) throws {
        let demand = decision.demand
        let context = Comment(rawValue: "\(command) → \(demand.status)")
        // One version per accepted command, stamped now, with events that say what moved.
        #expect(demand.version == before.version + 1, context)
        #expect(demand.updatedAt == now, context)
        #expect(!decision.events.isEmpty, context)
        for event in decision.events {
            #expect(event.at == now && event.demandID == demand.id, context)
            #expect(event.details["from"] != nil && event.details["to"] != nil, context)
        }
        #expect(demand.reopenCount == reopens, context)

        // Nothing finished has open work; a merged demand has its parent.
        if demand.status == .closed || demand.status == .merged {
            #expect(demand.openOrders.isEmpty, context)
        }
        #expect((demand.status == .merged) == (demand.parentID != nil), context)

        for order in demand.orders {
            // Parked ⇔ every step not yet done is paused; nothing else ever pauses.
            let undone = OrderStep.allCases.filter { !order[$0].isCompleted }
            if order.status == .parked {
                #expect(order.parking != nil && undone.allSatisfy { order[$0].isPaused }, context)
            } else {
                #expect(order.parking == nil && OrderStep.allCases.allSatisfy { !order[$0].isPaused }, context)
            }
            let requesting: Set<OrderStatus> = [.returnRequested, .extensionRequested, .parkRequested]
            #expect((order.pending != nil) == requesting.contains(order.status), context)
            if order.status == .resultReported { #expect(order.resolution.isCompleted && order.result != nil, context) }
        }

        // One open order per unit, at most one open primary.
        let open = demand.openOrders
        #expect(Set(open.map(\.unitCode)).count == open.count, context)
        #expect(open.filter { $0.role == .primary }.count <= 1, context)
        // 首接负责: a reported primary has no open co-handler.
        if let primary = demand.primaryOrder, primary.status == .resultReported {
            #expect(!demand.orders.contains { $0.role == .coHandler && $0.isOpen }, context)
        }
        // While handled, the demand shows its primary's state.
        if let primary = demand.primaryOrder, [.dispatched, .inProgress, .returned, .parked, .resultReported].contains(demand.status) {
            let shown = primary.pending?.priorStatus ?? primary.status
            let expected: DemandStatus = switch shown {
            case .dispatched: .dispatched
            case .parked: .parked
            case .returned: .returned
            case .resultReported: .resultReported
            default: .inProgress
            }
            #expect(demand.status == expected, context)
        }

        // Timers: only for running steps of open, unparked orders, with unique keys, none for a finished demand.
        let timers = Loop.dueTimers(demand, rules: F.rules)
        #expect(Set(timers.map(\.key)).count == timers.count, context)
        for timer in timers {
            let order = try #require(demand.order(timer.orderID))
            #expect(order.isOpen && order.status != .parked && !order[timer.step].isCompleted, context)
            #expect(timer.key.hasSuffix("/\(order[timer.step].generation)"), context)
        }
        if demand.status.isTerminal { #expect(timers.isEmpty, context) }
    }

    /// A parked clock never moves the deadline backwards, and unparking moves it forward by the time parked.
    @Test func parkingNeverShortensTheResolutionDeadline() async {
        await propertyCheck(input: Gen.int(in: 0...3), Gen.int(in: 0...(5 * 24 * 60)), Gen.int(in: 1...(6 * 24 * 60))) { unit, after, parked in
            var s = Scenario(try F.received(at: "2026-03-02 08:30"))
            let dispatchAt = "2026-03-02 09:00"
            try s.apply(.dispatch(primary: Self.units[unit], deadlineClass: "complex"), by: F.dispatcher, at: dispatchAt)
            let handler = F.handler(Self.units[unit])
            try s.apply(.signFor(order: "D1-1"), by: handler, at: "2026-03-02 09:10")
            let before = try s.order(1).resolution.dueAt(F.rules.calendar(forUnit: Self.units[unit]))
            let parkAt = CalendarFixtures.bj("2026-03-02 09:20").addingTimeInterval(Double(after) * 60)
            let unparkAt = parkAt.addingTimeInterval(Double(parked) * 60)
            s.demand = try Loop.decide(s.demand, .requestPark(order: "D1-1", reason: "x"), by: handler, at: parkAt, rules: F.rules).demand
            s.demand = try Loop.decide(s.demand, .ruleOnPark(order: "D1-1", approve: true), by: F.dispatcher, at: parkAt, rules: F.rules).demand
            let calendar = F.rules.calendar(forUnit: Self.units[unit])
            #expect(try s.order(1).resolution.dueAt(calendar, asOf: unparkAt) >= before)
            s.demand = try Loop.decide(s.demand, .unpark(order: "D1-1"), by: F.dispatcher, at: unparkAt, rules: F.rules).demand
            let after = try s.order(1).resolution.dueAt(calendar)
            #expect(after >= before)
            if parkAt < before {
                let pausedBusinessTime = try calendar.workingTime(from: parkAt, to: unparkAt)
                #expect(abs(try calendar.workingTime(from: before, to: after) - pausedBusinessTime) < 1e-3)
            } else {
                #expect(after == before)
            }
        }
    }
}
