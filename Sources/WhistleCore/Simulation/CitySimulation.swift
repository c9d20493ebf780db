import Foundation

/// A synthetic city-year of demands (模拟数据) for demos, tests and benchmarks: each demand is opened with
/// ``Intake/open(_:id:number:by:at:rules:)`` and lives its whole life through ``Loop/decide(_:_:by:at:rules:)``
/// (dispatch, sign-for, contact, result, extensions, returns, callbacks, reopenings, closing, and the
/// deadline service's 超期/督办), so the data is what the real machine would have recorded.
///
/// Pure and deterministic: no clock, no I/O, no global generator. Every demand draws from its own stream
/// keyed by (seed, day, sequence), so any chunk of any day gives the same demands whatever the chunking.
///
/// Scale and shape follow Beijing's published figures (domain rules §3: 21.43 M demands in 2023, ≈ 25 M
/// and "more than 70,000 a day" in 2025) and the rates the city reports (响应率 ≈ 100 %, 解决率 ≈ 93–95 %,
/// 满意率 ≈ 94–96 %); the curves and shares marked as assumptions are where no figure was found.
public struct CitySimulation: Sendable {
    /// A street or township (街乡镇): where demands come from.
    public struct Street: Sendable, Hashable {
        /// The 9-digit division code.
        public var code: String
        /// Its name, which starts the addresses, e.g. `建外街道`.
        public var name: String
        /// The 6-digit district code: a wrong-area return goes to a street of the same district.
        public var districtCode: String
        /// Its communities and villages (12-digit codes); a demand is located in one of them, or in the
        /// street itself when there are none.
        public var communities: [String]
        /// Resident population; 0 when unknown (then the mean of the others).
        public var population: Int

        public init(code: String, name: String, districtCode: String, communities: [String] = [], population: Int) {
            self.code = code
            self.name = name
            self.districtCode = districtCode
            self.communities = communities
            self.population = population
        }
    }

    /// A leaf category of the taxonomy, with the deadline class it is dispatched under.
    public struct Category: Sendable, Hashable {
        public var code: String
        public var deadlineClass: String
        /// Its name, for the demand's words and the winter boost of 供暖/暖气/供热 categories.
        public var nameZh: String?

        public init(code: String, deadlineClass: String, nameZh: String? = nil) {
            self.code = code
            self.deadlineClass = deadlineClass
            self.nameZh = nameZh
        }
    }

    /// The shares that shape the demands and their lives. Mutate a copy of ``beijing`` to change one.
    public struct Mix: Sendable {
        /// 诉求类型 by weight.
        public var types: [(type: DemandType, weight: Double)]
        /// 受理渠道 by weight.
        public var channels: [(channel: Channel, weight: Double)]
        /// Share of phone consultations the hotline answers at once (直接答复).
        public var directAnswer: Double
        /// Share of calls that belong to 110/119/120/122 (转应急).
        public var emergency: Double
        /// Share of complainants asking for confidentiality (保密).
        public var confidential: Double
        /// Share of handlings (per round, extendable classes only) that ask for an extension (延期).
        public var extensionRequest: Double
        /// Share of dispatches to a wrong unit, which asks to return the order (退单).
        public var wrongUnit: Double
        /// Share of results reported after the deadline by a unit of average quality.
        public var lateResult: Double
        /// Share of first callbacks finding the demand solved at a unit of average quality.
        public var solved: Double
        /// Share of callback attempts that are invalid (无效回访: unreachable, refused).
        public var invalidCallback: Double
        /// Share of unsolved or unsatisfied callbacks the centre reopens (重办), at most twice.
        public var reopen: Double
        /// Share of the unsolved or unsatisfied demands not reopened that are ruled 不合理诉求.
        public var unreasonable: Double

        /// Beijing 12345 as far as known: 90.7 % of demands came by phone in 2020, taken as 80 % now that the
        /// online channels grow; consultations ≈ 35 %, most answered at once (Hangzhou's 直接答复率: 83.85 %).
        /// The rest are assumptions, calibrated so that the three rates land where the city reports them.
        public static let beijing = Mix(
            types: [(.consultation, 35), (.complaint, 30), (.help, 20), (.report, 8), (.suggestion, 7)],
            channels: [(.phone, 80), (.wechat, 9), (.app, 7), (.web, 4)],
            directAnswer: 0.85, emergency: 0.002, confidential: 0.03, extensionRequest: 0.03, wrongUnit: 0.02,
            lateResult: 0.03, solved: 0.89, invalidCallback: 0.04, reopen: 0.4, unreasonable: 0.15)
    }

    public let streets: [Street]
    public let categories: [Category]
    public let rules: LoopRules
    public let seed: UInt64
    /// The yearly scale, e.g. 25,000,000 for Beijing 2025.
    public let demandsPerYear: Int
    /// The 12345 centre (热线中心), where the hotline, dispatchers and callback agents sit.
    public let centre: String
    public let mix: Mix
    let route: @Sendable (_ categoryCode: String, _ areaCode: String, _ at: Date) -> String?
    let streetTable: WeightedTable
    /// For each street, another street of its district (else the next one): where a wrong-area return goes.
    let neighbours: [Int]
    /// Category popularity by month (0 = January).
    let categoryTables: [WeightedTable]
    let typeTable: WeightedTable
    let channelTable: WeightedTable
    let staff: Staff

    /// A simulation of `streets` and the leaf `categories` under `rules`.
    ///
    /// - Parameter route: the primary unit of a category at an area by the duty rules (职责清单) in force at
    ///   the instant of receipt, `nil` for the street itself (属地兜底).
    /// - Precondition: streets and categories are not empty, codes are well formed (9-digit streets,
    ///   12-digit communities) and every category's deadline class is in `rules`.
    public init(
        streets: [Street], categories: [Category], rules: LoopRules, seed: UInt64, demandsPerYear: Int,
        centre: String = "110000-RXZX", mix: Mix = .beijing,
        route: @escaping @Sendable (_ categoryCode: String, _ areaCode: String, _ at: Date) -> String?
    ) {
        precondition(!streets.isEmpty && !categories.isEmpty, "a simulation needs streets and categories")
        for street in streets {
            precondition(Self.isDivision(street.code, digits: 9) && street.communities.allSatisfy { Self.isDivision($0, digits: 12) },
                         "street \(street.code): 9-digit street and 12-digit community codes expected")
        }
        for category in categories {
            precondition(rules.deadlineClass(category.deadlineClass) != nil,
                         "category \(category.code): deadline class \(category.deadlineClass) is not in the rules")
        }
        self.streets = streets
        self.categories = categories
        self.rules = rules
        self.seed = seed
        self.demandsPerYear = demandsPerYear
        self.centre = centre
        self.mix = mix
        self.route = route

        // Volume ∝ population × a persistent log-normal hotness per street (σ 0.6): some streets are always
        // busy, so 治理类 candidates exist.
        let known = streets.map(\.population).filter { $0 > 0 }
        let fallback = known.isEmpty ? 1 : Double(known.reduce(0, +)) / Double(known.count)
        streetTable = WeightedTable(streets.map { street in
            var random = SimulationRandom(seed: seed, .streetHotness, code: street.code)
            return (street.population > 0 ? Double(street.population) : fallback) * exp(0.6 * random.normal())
        })
        neighbours = streets.indices.map { i in
            let district = streets.indices.filter { $0 != i && streets[$0].districtCode == streets[i].districtCode }
            return district.first { $0 > i } ?? district.first ?? (i + 1) % streets.count
        }

        // Zipf-like popularity (exponent 0.9) over a seeded ranking of the leaves, heating boosted in season.
        var random = SimulationRandom(seed: seed, .categoryRanks)
        var ranks = Array(categories.indices)
        for i in ranks.indices.reversed() { ranks.swapAt(i, random.below(i + 1)) }
        var popularity = Array(repeating: 0.0, count: categories.count)
        for (rank, i) in ranks.enumerated() { popularity[i] = 1 / pow(Double(rank + 1), 0.9) }
        categoryTables = Self.heatingSeason.map { boost in
            WeightedTable(categories.indices.map { i in
                let name = categories[i].nameZh ?? ""
                let heating = ["供暖", "暖气", "供热"].contains { name.contains($0) }
                return popularity[i] * (heating ? boost : 1)
            })
        }
        typeTable = WeightedTable(mix.types.map(\.weight))
        channelTable = WeightedTable(mix.channels.map(\.weight))
        staff = Staff(centre: centre)
    }

    // MARK: Volume

    /// Demands received by weekday, Monday first: highest after the weekend, lowest on Sunday (assumption).
    static let weekdayFactor = [1.16, 1.06, 1.02, 1.00, 0.97, 0.90, 0.89]
    /// Demands received by month, January first: the summer peak (rainstorms, heat, noise, outages), the
    /// Spring Festival dip in February, the heating season Nov–Mar (assumption).
    static let monthFactor = [0.96, 0.86, 0.95, 0.95, 1.00, 1.06, 1.14, 1.12, 1.00, 0.94, 1.00, 1.02]
    /// Multiplier of the 供暖/暖气/供热 categories by month: the heating season runs 11-15 to 03-15 in Beijing.
    static let heatingSeason = [6.0, 4, 2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.5, 4, 6]
    /// Calls by hour of the day (Beijing time): quiet at night, peaks 9–11 and 14–16 (assumption).
    static let hourCurve = WeightedTable([
        0.9, 0.5, 0.35, 0.3, 0.3, 0.5, 1.2, 2.8, 5.2, 7.2, 7.4, 6.6, 4.9, 5.0, 6.6, 7.0, 6.5, 5.6, 4.5, 4.0, 3.7, 3.1, 2.2, 1.4,
    ])

    /// The demands received on `day`: the yearly scale spread by weekday and month, ±6 % day-to-day noise.
    /// A year's days sum to ``demandsPerYear`` within rounding and noise.
    public func volume(on day: CalendarDay) -> Int {
        let first = CalendarDay(year: day.year, month: 1, day: 1)!.dayNumber
        let last = CalendarDay(year: day.year, month: 12, day: 31)!.dayNumber
        let yearWeight = (first...last).reduce(0.0) { $0 + Self.weight(CalendarDay(dayNumber: $1)) }
        var random = SimulationRandom(seed: seed, .volume, UInt64(bitPattern: Int64(day.dayNumber)))
        let noise = 0.94 + 0.12 * random.unit()
        return Int((Double(demandsPerYear) * Self.weight(day) * noise / yearWeight).rounded())
    }

    static func weight(_ day: CalendarDay) -> Double {
        weekdayFactor[day.weekday.rawValue - 1] * monthFactor[day.month - 1]
    }

    // MARK: Demands

    /// The demands numbered `sequences` on `day` (the store's numbering: `yyyyMMdd-0000123`, from 1 up to
    /// ``volume(on:)``), each lived up to `now`: steps after `now` do not happen, so recent demands stay open
    /// at whatever stage they reached, and demands received after `now` are left out. Numbers follow the
    /// time of receipt.
    public func demands(on day: CalendarDay, sequences: Range<Int64>, now: Date) -> [SimulatedDemand] {
        let total = Double(max(volume(on: day), 1))
        let start = day.startInBeijing
        let prefix = day.basicDescription + "-"
        let categories = categoryTables[day.month - 1]
        let dayKey = UInt64(bitPattern: Int64(day.dayNumber))
        var demands: [SimulatedDemand] = []
        demands.reserveCapacity(sequences.count)
        for sequence in sequences {
            var random = SimulationRandom(seed: seed, .demand, dayKey, UInt64(bitPattern: sequence))
            // The sequence's slot of the day, mapped through the hour curve.
            let position = min(max(0, (Double(sequence - 1) + random.unit()) / total), 1 - 1e-9)
            let received = start.addingTimeInterval(3600 * Self.hourCurve.inverse(position))
            guard received <= now else { continue }
            let category = self.categories[categories.index(random.unit())]
            var life = Lifecycle(simulation: self, random: random, now: now)
            demands.append(life.run(number: prefix + sequence.zeroPadded(7), received: received, category: category))
        }
        return demands
    }

    static func isDivision(_ code: String, digits: Int) -> Bool {
        code.utf8.count == digits && code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

/// A simulated demand: the demand as its last accepted command left it and every event of its life, in order
/// (the store writes `events.map(\.auditEntry)`).
public struct SimulatedDemand: Sendable {
    public var demand: Demand
    public var events: [LoopEvent]
    /// The command the loop refused, which ended the life early; `nil` when every step was accepted. A
    /// refusal is a fault of the simulation or its configuration (e.g. a calendar year not loaded).
    public var refusal: LoopError?
}

/// The people of the simulated centre: synthetic person ids, Beijing-sized pools (1,700 operators).
struct Staff: Sendable {
    let agents: [Actor]
    let dispatchers: [Actor]
    let callbackAgents: [Actor]
    let supervisor: Actor

    init(centre: String) {
        func pool(_ prefix: String, _ count: Int, _ role: Role) -> [Actor] {
            (1...count).map { Actor(personID: "\(prefix)-\($0.zeroPadded(4))", role: role, unitCode: centre) }
        }
        agents = pool("sim-agent", 1_700, .hotlineAgent)
        dispatchers = pool("sim-dispatcher", 60, .dispatcher)
        callbackAgents = pool("sim-callback", 200, .callbackAgent)
        supervisor = Actor(personID: "sim-supervisor-0001", role: .supervisor, unitCode: centre)
    }

    /// Someone of a handling unit: a street's coordinator (街道统筹), a community's staff, a department's or
    /// enterprise's handler (承办人).
    static func handler(_ unit: String, _ n: Int) -> Actor {
        let role: Role = CitySimulation.isDivision(unit, digits: 9) ? .streetCoordinator
            : CitySimulation.isDivision(unit, digits: 12) ? .communityStaff : .departmentHandler
        return Actor(personID: "sim-\(unit)-\(n)", role: role, unitCode: unit)
    }

    /// The unit's leader (单位负责人), who approves its returns.
    static func leader(_ unit: String) -> Actor { Actor(personID: "sim-\(unit)-leader", role: .unitLeader, unitCode: unit) }
}
