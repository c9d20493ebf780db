import Foundation
import Testing
import WhistleCore

/// Shared fixtures of the closed-loop tests: units, people, rules over the shipped 2025/2026 calendars.
enum LoopFixtures {
    /// 朝阳区城管委 (a 5×8 department)
    static let cityManagement = "110105-CGW"
    /// 朝阳区交通委
    static let transport = "110105-JTW"
    /// 建外街道 (5×8)
    static let street = "110105001"
    /// 自来水集团 朝阳分公司: a public-service enterprise on a 7×24 calendar
    static let water = "110105-SW"

    static let office = try! CalendarFixtures.office()
    static let hotline = try! CalendarFixtures.hotline()

    /// Beijing defaults; the water company works round the clock, everyone else 5×8.
    static let rules = LoopRules.beijingDefault { unit in unit.hasSuffix("-SW") ? hotline : office }

    static let centre = "110000-12345"
    static let dispatcher = Actor(personID: "dispatcher-1", role: .dispatcher, unitCode: centre)
    static let agent = Actor(personID: "agent-1", role: .hotlineAgent, unitCode: centre)
    static let callbackAgent = Actor(personID: "callback-1", role: .callbackAgent, unitCode: centre)
    static let supervisor = Actor(personID: "supervisor-1", role: .supervisor, unitCode: "110105")

    static func handler(_ unit: String) -> Actor { Actor(personID: "handler@\(unit)", role: .departmentHandler, unitCode: unit) }
    static func leader(_ unit: String) -> Actor { Actor(personID: "leader@\(unit)", role: .unitLeader, unitCode: unit) }

    static func draft(_ type: DemandType = .complaint, content: String = "小区门口路灯不亮已一周") -> DemandDraft {
        DemandDraft(
            type: type, channel: .phone, content: content,
            location: DemandLocation(address: "建国门外大街 1 号", areaCode: "110105001"),
            complainant: Complainant(name: "张三", phone: "13812345678"))
    }

    /// A received complaint, opened by the hotline at `time` (Beijing).
    static func received(_ id: String = "D1", at time: String) throws -> Demand {
        try Intake.open(draft(), id: id, number: "20260302-0000001", by: agent, at: CalendarFixtures.bj(time), rules: rules).demand
    }
}

/// A demand driven through the loop by a test: every accepted command must add exactly one version.
struct Scenario {
    var demand: Demand
    var events: [LoopEvent] = []
    var rules = LoopFixtures.rules

    init(_ demand: Demand) { self.demand = demand }

    /// Decides a command at a Beijing time; returns the events it produced.
    @discardableResult
    mutating func apply(
        _ command: LoopCommand, by actor: Actor?, at time: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws(LoopError) -> [LoopEvent] {
        let decision = try Loop.decide(demand, command, by: actor, at: CalendarFixtures.bj(time), rules: rules)
        #expect(decision.demand.version == demand.version + 1, sourceLocation: sourceLocation)
        #expect(!decision.events.isEmpty, sourceLocation: sourceLocation)
        demand = decision.demand
        events += decision.events
        return decision.events
    }

    /// The refusal of a command; the demand is a value, so a refusal cannot have touched it.
    func refusal(_ command: LoopCommand, by actor: Actor?, at time: String) -> LoopError? {
        do throws(LoopError) {
            _ = try Loop.decide(demand, command, by: actor, at: CalendarFixtures.bj(time), rules: rules)
            return nil
        } catch { return error }
    }

    /// The n-th order (1-based) of the demand.
    func order(_ n: Int) -> WorkOrder { demand.orders[n - 1] }

    /// A step's deadline as Beijing `yyyy-MM-dd HH:mm`, as of `time` when given (for paused clocks).
    func due(_ n: Int, _ step: OrderStep, asOf time: String? = nil) throws -> String {
        let order = order(n)
        return CalendarFixtures.text(try order[step].dueAt(
            rules.calendar(forUnit: order.unitCode), asOf: time.map(CalendarFixtures.bj)))
    }

    /// The kinds of the events so far, as stable strings.
    var kinds: [String] { events.map(\.kind.rawValue) }
}
