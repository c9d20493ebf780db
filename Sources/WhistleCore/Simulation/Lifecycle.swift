import Foundation

/// One simulated demand's life: the draft taken at intake, then every step through the loop in time order,
/// with the deadline service's marks (超期, 督办) in between, until it closes or the next step would come
/// after `now`. Steps draw their randomness in a fixed order, so a later `now` only extends a life.
struct Lifecycle {
    /// Why a life ends before it closes.
    enum Stop: Error {
        case reachedNow
        case refused(LoopError)
    }

    let simulation: CitySimulation
    var random: SimulationRandom
    let now: Date

    /// Opens the demand received at `received` and lives it.
    mutating func run(number: String, received: Date, category: CitySimulation.Category) -> SimulatedDemand {
        let streetIndex = simulation.streetTable.index(random.unit())
        let street = simulation.streets[streetIndex]
        let area = street.communities.isEmpty ? street.code : random.element(street.communities)
        let (draft, agent) = draft(street: street, area: area, category: category)
        let opened: Decision
        do throws(LoopError) {
            opened = try Intake.open(draft, id: random.uuid(), number: number, by: agent, at: received, rules: simulation.rules)
        } catch {
            preconditionFailure("a simulated draft was refused at intake: \(error)")  // the init checked the configuration
        }
        var driver = LoopDriver(demand: opened.demand, events: opened.events, now: now, rules: simulation.rules)
        do throws(Stop) {
            if driver.demand.status == .received {
                let neighbour = simulation.streets[simulation.neighbours[streetIndex]]
                try handle(&driver, street: street, neighbour: neighbour, area: area, category: category)
            }
        } catch {
            if case let .refused(error) = error { driver.refusal = error }
        }
        return SimulatedDemand(demand: driver.demand, events: driver.events, refusal: driver.refusal)
    }

    // MARK: Intake

    /// What the resident said and how: type, channel, words, place, person; the hotline agent for a call.
    private mutating func draft(
        street: CitySimulation.Street, area: String, category: CitySimulation.Category
    ) -> (DemandDraft, Actor?) {
        let mix = simulation.mix
        let channel = mix.channels[simulation.channelTable.index(random.unit())].channel
        let type = mix.types[simulation.typeTable.index(random.unit())].type
        let agent = channel == .phone ? random.element(simulation.staff.agents) : nil
        let party = random.unit()
        let name = category.nameZh ?? category.code
        let address = type == .consultation && random.chance(0.5)
            ? "" : "\(street.name)\(random.element(Self.roads))\(1 + random.below(200))号"
        let surname = random.element(Self.surnames)
        let person = random.chance(0.1) ? nil
            : random.chance(0.6) ? surname + (random.chance(0.5) ? "先生" : "女士") : surname + random.element(Self.givenNames)
        let phone = random.chance(0.9) ? "1\(3 + random.below(7))" + random.digits(9) : "010-\(5 + random.below(4))" + random.digits(7)
        var draft = DemandDraft(
            type: type, channel: channel, partyType: party < 0.97 ? .person : party < 0.99 ? .legalPerson : .organisation,
            categoryCode: agent == nil ? nil : category.code, title: agent == nil ? name : nil,
            content: "\(address)\(name)：\(random.element(Self.phrases[type]!))",
            location: DemandLocation(address: address, areaCode: area),
            complainant: Complainant(name: person, phone: phone, confidential: random.chance(mix.confidential)),
            attachments: [.app, .wechat].contains(channel) && random.chance(0.4) ? ["sim/photo-\(random.digits(8)).jpg"] : [])
        if agent != nil, random.chance(mix.emergency) {
            let line = random.element(EmergencyLine.allCases)
            draft.emergencyTransfer = line
            draft.content = "\(address)发生紧急情况，已转\(line.nameZh)"
        } else if agent != nil, simulation.rules.directAnswerTypes.contains(type), random.chance(mix.directAnswer) {
            draft.directAnswer = "已告知诉求人相关政策规定及办理渠道"
        }
        return (draft, agent)
    }

    // MARK: Handling

    /// 派单, perhaps 退单 and 改派, then rounds of handling and callback (重办 while warranted), and 结案.
    private mutating func handle(
        _ driver: inout LoopDriver, street: CitySimulation.Street, neighbour: CitySimulation.Street, area: String,
        category: CitySimulation.Category
    ) throws(Stop) {
        let mix = simulation.mix
        var unit = simulation.route(category.code, area, driver.demand.createdAt) ?? street.code
        let classify = driver.demand.categoryCode == nil ? category.code : nil  // what the hotline did not classify
        try driver.apply(.dispatch(primary: unit, deadlineClass: category.deadlineClass, categoryCode: classify),
                         by: dispatcher(), at: driver.later(max(20, random.logNormal(median: 240, sigma: 0.7))))
        var order = driver.demand.orders[0].id

        // A wrong unit asks to return the order at once, with its leader's approval; the centre mostly agrees
        // that it dispatched wrongly and re-dispatches: to the street (属地兜底), or from the street to a
        // neighbouring one (属地不符).
        let other = unit == street.code ? neighbour.code : street.code
        if random.chance(mix.wrongUnit), other != unit {
            let reason: ReturnReason = unit == street.code ? .wrongArea : .wrongFunction
            let evidence = ["sim/\(order)/first-contact.mp3"]
            let asked = try driver.later(min(random.logNormal(median: 5400, sigma: 0.8), 6 * 3600), in: simulation.rules.calendar(forUnit: unit))
            try driver.apply(.requestReturn(order: order, reason: reason, evidence: evidence, leaderApproval: Staff.leader(unit)),
                             by: Staff.handler(unit, 1), at: asked)
            let approve = random.chance(0.8)
            try driver.apply(.ruleOnReturn(order: order, approve: approve, dispatchErred: approve),
                             by: dispatcher(), at: driver.later(random.logNormal(median: 2400, sigma: 0.8)))
            if approve {
                try driver.apply(.reDispatch(order: order, to: other),
                                 by: dispatcher(), at: driver.later(random.logNormal(median: 600, sigma: 0.6)))
                (unit, order) = (other, driver.demand.orders[1].id)
            }
        }

        let quality = UnitQuality(seed: simulation.seed, unit: unit)
        let deadlineClass = simulation.rules.deadlineClass(category.deadlineClass)!  // checked by the simulation's init
        for round in 0... {
            let late = try work(&driver, order: order, unit: unit, deadlineClass: deadlineClass, quality: quality)
            let outcome = try callBack(&driver, quality: quality, round: round, late: late)
            guard outcome.warrantsReopen else { break }
            if round < 2, random.chance(mix.reopen) {
                try driver.apply(.reopen(note: "诉求人反映问题未解决，重新办理"),
                                 by: dispatcher(), at: driver.later(random.logNormal(median: 1800, sigma: 0.6)))
                continue
            }
            if random.chance(mix.unreasonable) {
                try driver.apply(.flagUnreasonable(approver: simulation.staff.supervisor, reason: "诉求超出政策规定范围"),
                                 by: dispatcher(), at: driver.later(random.logNormal(median: 3 * 3600, sigma: 0.8)))
            }
            break
        }
        try driver.apply(.close(), by: dispatcher(), at: driver.later(random.logNormal(median: 7200, sigma: 0.8)))
    }

    /// One round of the unit's work: 签收, 联系, perhaps 延期 and a progress note, then 办结反馈 — on time
    /// mostly, late more often at a worse unit. Urgent and utility classes (natural hours) are handled round
    /// the clock, the rest in the unit's business time. Returns whether the result came after its deadline.
    private mutating func work(
        _ driver: inout LoopDriver, order: String, unit: String, deadlineClass: DeadlineClass, quality: UnitQuality
    ) throws(Stop) -> Bool {
        let natural = !deadlineClass.resolution.countsBusinessTime
        let time = natural ? nil : simulation.rules.calendar(forUnit: unit)
        let handler = Staff.handler(unit, 1 + random.below(3))
        try driver.apply(.signFor(order: order), by: handler,
                         at: driver.later(random.logNormal(median: (natural ? 600 : 1800) * quality.slowness, sigma: 1), in: time))
        try driver.apply(.recordContact(order: order), by: handler,
                         at: driver.later(random.logNormal(median: (natural ? 1200 : 3600) * quality.slowness, sigma: 1), in: time))

        var due = try driver.resolutionDue(order)
        if deadlineClass.extensionAllowed, random.chance(simulation.mix.extensionRequest) {
            let left = try driver.span(to: due, in: time)
            if left > 0 {
                // Asked for before the deadline, for as long again as the class allows; mostly granted.
                try driver.apply(.requestExtension(order: order, extra: deadlineClass.resolution, reason: "需协调多个部门，申请延期办理"),
                                 by: handler, at: driver.later(left * (0.4 + 0.4 * random.unit()), in: time))
                try driver.apply(.ruleOnExtension(order: order, approve: random.chance(0.9)),
                                 by: dispatcher(), at: driver.later(random.logNormal(median: 3600, sigma: 0.7)))
                due = try driver.resolutionDue(order)
            }
        }
        let late = random.chance(min(0.5, simulation.mix.lateResult * quality.lateness))
        let left = try driver.span(to: due, in: time)
        let finished = try late || left <= 0
            ? driver.later(random.logNormal(median: 4 * 3600, sigma: 1), in: time, from: max(due, driver.demand.updatedAt))
            : driver.later(left * (0.05 + 0.9 * pow(random.unit(), 1.6)), in: time)
        if !natural, random.chance(0.35) {
            try driver.apply(.addProgress(order: order, note: "已安排人员现场核实，正在协调处理"), by: handler,
                             at: driver.later(driver.span(to: finished, in: time) * random.unit(), in: time))
        }
        try driver.apply(.reportResult(order: order, summary: "已现场核实处理，并向诉求人反馈办理结果"), by: handler, at: finished)
        return finished > due
    }

    /// 回访 one or two days after the result, 09:00–20:00; an invalid attempt is tried again the next day
    /// half of the time. Returns the last outcome.
    private mutating func callBack(
        _ driver: inout LoopDriver, quality: UnitQuality, round: Int, late: Bool
    ) throws(Stop) -> CallbackOutcome {
        var outcome = try callOnce(&driver, days: random.chance(0.3) ? 2 : 1, quality: quality, round: round, late: late)
        if !outcome.isValid, random.chance(0.5) {
            outcome = try callOnce(&driver, days: 1, quality: quality, round: round, late: late)
        }
        return outcome
    }

    private mutating func callOnce(
        _ driver: inout LoopDriver, days: Int, quality: UnitQuality, round: Int, late: Bool
    ) throws(Stop) -> CallbackOutcome {
        let day = CalendarDay(beijing: driver.demand.updatedAt).adding(days: days)
        let at = day.startInBeijing.addingTimeInterval(3600 * (9 + 11 * random.unit()))
        let outcome = self.outcome(quality: quality, round: round, late: late)
        try driver.apply(.recordCallback(outcome: outcome), by: random.element(simulation.staff.callbackAgents), at: at)
        return outcome
    }

    /// What the resident says: solved more often at a better unit, after a reopening, and when on time;
    /// satisfied mostly when solved (calibrated to 解决率 ≈ 94 %, 满意率 ≈ 95 % city-wide).
    private mutating func outcome(quality: UnitQuality, round: Int, late: Bool) -> CallbackOutcome {
        if random.chance(simulation.mix.invalidCallback) { return .invalid(random.chance(0.75) ? .unreachable : .refused) }
        let contacted = random.chance(1 - 0.01 * quality.lateness)
        let solvedOdds = simulation.mix.solved / (1 - simulation.mix.solved)
        let odds = log(solvedOdds) + 0.6 * quality.z + (round > 0 ? 0.7 : 0) - (late ? 0.6 : 0)
        let solved = random.chance(1 / (1 + exp(-odds)))
        let u = random.unit()
        let satisfied = solved ? 1 / (1 + exp(-2.2 - 0.4 * quality.z)) : 0.1
        let satisfaction: Satisfaction = u < satisfied ? .satisfied : u < (solved ? 0.98 : 0.45) ? .basicallySatisfied : .unsatisfied
        return .valid(contacted: contacted, solved: solved, satisfaction: satisfaction)
    }

    private mutating func dispatcher() -> Actor { random.element(simulation.staff.dispatchers) }

    static let roads = ["建国路", "光华路", "朝阳北路", "团结湖路", "工体北路", "幸福大街", "和平里街", "安定路", "学院路", "中关村大街",
                        "丰台路", "永定路", "石景山路", "花园路", "青年路", "育新街"]
    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"]
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
                             "桂英", "建华", "志强", "海燕", "晓东", "文博"]
    static let phrases: [DemandType: [String]] = [
        .consultation: ["想咨询相关政策和办理流程", "请问需要准备哪些材料，到哪里办理"],
        .complaint: ["问题已持续多日，影响居民正常生活，希望尽快解决", "多次反映未得到解决，请相关部门尽快处理"],
        .help: ["请求相关部门帮助协调解决", "家中老人行动不便，希望尽快派人处理"],
        .report: ["现场存在违规行为，请相关部门核查处理", "有人长期违规经营，请予以查处"],
        .suggestion: ["建议相关部门统筹改进", "建议增加相关设施，方便周边居民"],
    ]
}

/// Drives one demand through the real machine: its state so far and every event, each step decided by
/// ``Loop/decide(_:_:by:at:rules:)`` after the deadline service's marks that fall before it.
struct LoopDriver {
    var demand: Demand
    var events: [LoopEvent]
    let now: Date
    let rules: LoopRules
    var refusal: LoopError?
    /// The earliest instant the deadline service may act at, as of its last run; only a new clock (dispatch,
    /// re-dispatch, reopening, extension) can bring it forward.
    fileprivate var quietUntil = Date.distantPast

    /// Decides a command at `time`, after whatever the deadline service did meanwhile; a step after `now`
    /// does not happen (the deadline service still runs up to `now`).
    mutating func apply(_ command: LoopCommand, by actor: Actor?, at time: Date) throws(Lifecycle.Stop) {
        guard time <= now else {
            try markDeadlines(until: now)
            throw .reachedNow
        }
        try markDeadlines(until: time)
        try decide(command, by: actor, at: time)
    }

    private mutating func decide(_ command: LoopCommand, by actor: Actor?, at time: Date) throws(Lifecycle.Stop) {
        do throws(LoopError) {
            let decision = try Loop.decide(demand, command, by: actor, at: time, rules: rules)
            demand = decision.demand
            events += decision.events
        } catch { throw .refused(error) }
        switch command {
        case .dispatch, .reDispatch, .reopen, .ruleOnExtension: quietUntil = .distantPast
        default: break
        }
    }

    /// The deadline service up to `time` (超期 at a running step's deadline, 督办 ``LoopRules/superviseAfter``
    /// later), decided with no actor at the timer's instant, as ``Loop/dueTimers(_:rules:)`` would schedule.
    private mutating func markDeadlines(until time: Date) throws(Lifecycle.Stop) {
        guard time >= quietUntil, let order = demand.primaryOrder, order.isOpen else { return }
        let calendar = rules.calendar(forUnit: order.unitCode)
        var timers: [(at: Date, command: LoopCommand)] = []
        var next = Date.distantFuture
        func schedule(_ at: Date, _ command: LoopCommand) {
            if at <= time { timers.append((at, command)) } else { next = min(next, at) }
        }
        for step in order.runningSteps {
            let due = try Self.calendar { () throws(WorkingCalendarError) in try order[step].dueAt(calendar) }
            if order[step].overdueAt == nil { schedule(due, .markOverdue(order: order.id, step: step)) }
            if order[step].supervisedAt == nil, due <= time || due < next {
                let supervise = try Self.calendar { () throws(WorkingCalendarError) in
                    try calendar.deadline(for: rules.superviseAfter, from: due)
                }
                schedule(supervise, .supervise(order: order.id, step: step))
            }
        }
        for timer in timers.sorted(by: { $0.at < $1.at }) { try decide(timer.command, by: nil, at: timer.at) }
        quietUntil = next
    }

    /// The order's resolution deadline now.
    func resolutionDue(_ order: String) throws(Lifecycle.Stop) -> Date {
        guard let found = demand.order(order) else { throw .refused(.orderNotFound(order)) }
        let calendar = rules.calendar(forUnit: found.unitCode)
        return try Self.calendar { () throws(WorkingCalendarError) in try found.resolution.dueAt(calendar) }
    }

    /// `seconds` after the last step (or `start`): in the business time of `calendar`, or natural time.
    func later(_ seconds: Double, in calendar: WorkingCalendar? = nil, from start: Date? = nil) throws(Lifecycle.Stop) -> Date {
        let start = start ?? demand.updatedAt
        guard let calendar else { return start.addingTimeInterval(seconds) }
        return try Self.calendar { () throws(WorkingCalendarError) in try calendar.addWorkingTime(max(0, seconds), to: start) }
    }

    /// The time from the last step to `end`: business time of `calendar`, or natural time.
    func span(to end: Date, in calendar: WorkingCalendar?) throws(Lifecycle.Stop) -> Double {
        guard let calendar else { return end.timeIntervalSince(demand.updatedAt) }
        return try Self.calendar { () throws(WorkingCalendarError) in try calendar.workingTime(from: demand.updatedAt, to: end) }
    }

    private static func calendar<T>(_ body: () throws(WorkingCalendarError) -> T) throws(Lifecycle.Stop) -> T {
        do throws(WorkingCalendarError) { return try body() } catch { throw .refused(.calendar(error)) }
    }
}

/// A handling unit's persistent quality (z ~ N(0, 1) from the seed and its code): a worse unit signs and
/// contacts later, reports late more often, solves and satisfies less.
struct UnitQuality {
    let z: Double

    init(seed: UInt64, unit: String) {
        var random = SimulationRandom(seed: seed, .unitQuality, code: unit)
        z = random.normal()
    }

    /// Multiplier of its delays.
    var slowness: Double { exp(-0.35 * z) }
    /// Multiplier of its share of late results (and of uncontacted callbacks).
    var lateness: Double { exp(-0.7 * z) }
}
