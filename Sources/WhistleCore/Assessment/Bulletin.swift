import Foundation

/// A bulletin (日通报 / 周汇总 / 月分析): volumes by channel, type, category and area, deadlines met, the three
/// rates of the city and of every ranked unit with their movement against the period before, the top problems,
/// the overdue and supervised orders, and the whistle figures. Built from the rollups by ``init(_:)``; pure.
public struct Bulletin: Sendable, Hashable, Codable {
    public var kind: ReportKind
    public var periodLabel: String
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay
    public var previousFirstDay: CalendarDay
    public var previousLastDay: CalendarDay
    /// The scheme version the rates were computed under.
    public var schemeEffectiveFrom: CalendarDay
    public var summary: Summary
    public var byChannel: [Volume]
    public var byType: [Volume]
    /// The ten categories with most demands (top problems).
    public var topCategories: [Volume]
    /// Districts, with demands per 10,000 residents.
    public var byDistrict: [Volume]
    /// Every ranked unit with a filed order or a callback in either period, by group, best result first.
    public var units: [UnitLine]
    /// Overdue (超期待处置) and supervised (督办) primary orders open now, oldest first; at most ``listLimit`` each.
    public var overdue: [OrderLine]
    public var supervised: [OrderLine]
    public var whistles: WhistleSummary

    public static let listLimit = 50
    public static let topCategoryCount = 10

    /// The city's figures.
    public struct Summary: Sendable, Hashable, Codable {
        /// 受理量, this period and the one before.
        public var received: Int
        public var previousReceived: Int
        /// 派单量 (primary orders), 处置数, 按期处置率, 结案数.
        public var filed: Int
        public var handled: Int
        public var onTimeHandlingRate: Double?
        public var closed: Int
        /// The three rates and 综合成绩 over all units' valid callbacks, now and before.
        public var score: UnitScore?
        public var previousScore: UnitScore?
        /// Open orders overdue and supervised now (not only those listed), and due soon (临期: on yellow) now.
        public var overdueNow: Int
        public var supervisedNow: Int
        public var yellowNow: Int
    }

    /// Demands received under one key, now and before.
    public struct Volume: Sendable, Hashable, Codable {
        public var key: String
        public var name: String
        public var count: Int
        public var previous: Int
        /// Share of the period's demands (0…1).
        public var share: Double?
        /// Per 10,000 residents, for areas with a known population.
        public var per10kResidents: Double?
    }

    /// One ranked unit's line.
    public struct UnitLine: Sendable, Hashable, Codable {
        public var group: UnitGroup
        public var unitCode: String
        public var unitName: String
        public var filed: Int
        public var onTimeHandlingRate: Double?
        public var validCallbacks: Int
        public var score: UnitScore?
        public var previousScore: UnitScore?
    }

    /// An order needing attention.
    public struct OrderLine: Sendable, Hashable, Codable {
        public var number: String
        public var unitCode: String
        public var unitName: String
        public var categoryCode: String?
        public var dispatchedAt: Date
        public var superviseCount: Int
    }

    /// What a bulletin is made of: the store's sums and lists, and the names to show.
    public struct Inputs: Sendable {
        public var period: ReportPeriod
        public var scheme: AssessmentScheme
        /// Dimension → key → demands received, this period and the one before.
        public var volumes: [DemandVolume.Dimension: [String: Int]]
        public var previousVolumes: [DemandVolume.Dimension: [String: Int]]
        /// Unit code → tally, this period and the one before.
        public var tallies: [String: UnitTally]
        public var previousTallies: [String: UnitTally]
        public var overdue: [(demand: Demand, order: WorkOrder)]
        public var supervised: [(demand: Demand, order: WorkOrder)]
        public var overdueNow: Int
        public var supervisedNow: Int
        public var yellowNow: Int
        public var whistles: WhistleSummary
        public var units: [String: OrgUnit]
        public var categoryNames: [String: String]

        public init(
            period: ReportPeriod, scheme: AssessmentScheme, volumes: [DemandVolume.Dimension: [String: Int]],
            previousVolumes: [DemandVolume.Dimension: [String: Int]], tallies: [String: UnitTally], previousTallies: [String: UnitTally],
            overdue: [(demand: Demand, order: WorkOrder)], supervised: [(demand: Demand, order: WorkOrder)], overdueNow: Int, supervisedNow: Int,
            yellowNow: Int, whistles: WhistleSummary, units: [String: OrgUnit], categoryNames: [String: String]
        ) {
            self.period = period
            self.scheme = scheme
            self.volumes = volumes
            self.previousVolumes = previousVolumes
            self.tallies = tallies
            self.previousTallies = previousTallies
            self.overdue = overdue
            self.supervised = supervised
            self.overdueNow = overdueNow
            self.supervisedNow = supervisedNow
            self.yellowNow = yellowNow
            self.whistles = whistles
            self.units = units
            self.categoryNames = categoryNames
        }
    }

    public init(_ inputs: Inputs) {
        let period = inputs.period
        kind = period.kind
        periodLabel = period.label
        (firstDay, lastDay, previousFirstDay, previousLastDay) = (period.firstDay, period.lastDay, period.previousFirstDay, period.previousLastDay)
        schemeEffectiveFrom = inputs.scheme.effectiveFrom
        let scheme = inputs.scheme

        func volumes(
            _ now: [String: Int]?, _ before: [String: Int]?, name: (String) -> String, population: (String) -> Int? = { _ in nil }
        ) -> [Volume] {
            let now = now ?? [:], before = before ?? [:]
            let total = now.values.reduce(0, +)
            return Set(now.keys).union(before.keys).map { key in
                let count = now[key] ?? 0
                return Volume(
                    key: key, name: key == DemandVolume.unknown ? "未知" : name(key), count: count, previous: before[key] ?? 0,
                    share: total > 0 ? Double(count) / Double(total) : nil,
                    per10kResidents: population(key).flatMap { $0 > 0 ? Double(count) * 10_000 / Double($0) : nil })
            }.sorted { ($1.count, $0.key) < ($0.count, $1.key) }
        }
        func volumes(_ dimension: DemandVolume.Dimension, name: (String) -> String) -> [Volume] {
            volumes(inputs.volumes[dimension], inputs.previousVolumes[dimension], name: name)
        }
        let received = (inputs.volumes[.channel] ?? [:]).values.reduce(0, +)
        byChannel = volumes(.channel) { Channel(rawValue: $0)?.nameZh ?? $0 }
        byType = volumes(.type) { DemandType(rawValue: $0)?.nameZh ?? $0 }
        topCategories = Array(volumes(.category) { inputs.categoryNames[$0] ?? $0 }.filter { $0.key != DemandVolume.unknown }.prefix(Self.topCategoryCount))
        // Streets roll up into their district (the first six digits).
        func districts(_ areas: [String: Int]?) -> [String: Int] {
            Dictionary((areas ?? [:]).map { ($0.key == DemandVolume.unknown ? $0.key : String($0.key.prefix(6)), $0.value) }, uniquingKeysWith: +)
        }
        byDistrict = volumes(districts(inputs.volumes[.area]), districts(inputs.previousVolumes[.area]),
                             name: { inputs.units[$0]?.name ?? $0 }, population: { inputs.units[$0]?.population })

        let cityNow = inputs.tallies.values.reduce(UnitTally.zero, +), cityBefore = inputs.previousTallies.values.reduce(UnitTally.zero, +)
        func rate(_ count: Int, _ of: Int) -> Double? { of > 0 ? Double(count) / Double(of) : nil }
        summary = Summary(
            received: received, previousReceived: (inputs.previousVolumes[.channel] ?? [:]).values.reduce(0, +),
            filed: cityNow.filed, handled: cityNow.handled, onTimeHandlingRate: rate(cityNow.handledOnTime, cityNow.toHandle),
            closed: cityNow.closed, score: Assessment.score(tally: cityNow, scheme: scheme),
            previousScore: Assessment.score(tally: cityBefore, scheme: scheme), overdueNow: inputs.overdueNow, supervisedNow: inputs.supervisedNow,
            yellowNow: inputs.yellowNow)

        units = Set(inputs.tallies.keys).union(inputs.previousTallies.keys).compactMap { code -> UnitLine? in
            guard let unit = inputs.units[code], let group = UnitGroup(kind: unit.kind, code: code) else { return nil }
            let tally = inputs.tallies[code] ?? .zero
            return UnitLine(
                group: group, unitCode: code, unitName: unit.name, filed: tally.filed, onTimeHandlingRate: rate(tally.handledOnTime, tally.toHandle),
                validCallbacks: tally.callbacks.valid, score: Assessment.score(tally: tally, scheme: scheme),
                previousScore: inputs.previousTallies[code].flatMap { Assessment.score(tally: $0, scheme: scheme) })
        }.sorted {
            let groups = UnitGroup.allCases
            return (groups.firstIndex(of: $0.group)!, -($0.score?.composite ?? -1), $0.unitCode)
                < (groups.firstIndex(of: $1.group)!, -($1.score?.composite ?? -1), $1.unitCode)
        }
        func lines(_ orders: [(demand: Demand, order: WorkOrder)]) -> [OrderLine] {
            orders.prefix(Self.listLimit).map {
                OrderLine(number: $0.demand.number, unitCode: $0.order.unitCode, unitName: inputs.units[$0.order.unitCode]?.name ?? $0.order.unitCode,
                          categoryCode: $0.demand.categoryCode, dispatchedAt: $0.order.dispatchedAt, superviseCount: $0.order.superviseCount)
            }
        }
        overdue = lines(inputs.overdue)
        supervised = lines(inputs.supervised)
        whistles = inputs.whistles
    }
}

/// The bulletin as tables, for the CSV and Excel downloads: one sheet per table, headers in Chinese or
/// English, every count a number and every rate a percent so the file still computes.
extension Bulletin {
    public enum Language: String, Sendable, CaseIterable { case zh, en }

    public struct Table: Sendable, Hashable {
        public var title: String
        public var rows: [[Cell]]
    }

    public func tables(_ language: Language = .zh) -> [Table] {
        let zh = language == .zh
        func header(_ pairs: [(String, String)]) -> [Cell] { pairs.map { .text(zh ? $0.0 : $0.1) } }
        func rate(_ value: Double?) -> Cell { value.map(Cell.percent) ?? .empty }
        func points(_ value: Double?) -> Cell { value.map { .number(($0 * 100).rounded() / 100) } ?? .empty }
        func volumeTable(_ title: (String, String), _ key: (String, String), _ lines: [Volume], population: Bool = false, total: Bool = true) -> Table {
            var rows = [header([("编码", "Code"), key, ("本期", "This period"), ("上期", "Previous"), ("占比", "Share")]
                               + (population ? [("每万人", "Per 10,000 residents")] : []))]
            for line in lines {
                rows.append([.text(line.key), .text(line.name), .integer(line.count), .integer(line.previous), rate(line.share)]
                            + (population ? [points(line.per10kResidents)] : []))
            }
            if total {
                let count = lines.reduce(0) { $0 + $1.count }, previous = lines.reduce(0) { $0 + $1.previous }
                rows.append([.text(zh ? "合计" : "Total"), .empty, .integer(count), .integer(previous), rate(count > 0 ? 1 : nil)])
            }
            return Table(title: zh ? title.0 : title.1, rows: rows)
        }
        let s = summary
        let summaryRows: [[Cell]] = [
            header([("指标", "Figure"), ("本期", "This period"), ("上期", "Previous")]),
            [.text(zh ? "受理量" : "Demands received"), .integer(s.received), .integer(s.previousReceived)],
            [.text(zh ? "派单量（主办）" : "Orders dispatched (primary)"), .integer(s.filed), .empty],
            [.text(zh ? "处置数" : "Results reported"), .integer(s.handled), .empty],
            [.text(zh ? "按期处置率" : "Handled on time"), rate(s.onTimeHandlingRate), .empty],
            [.text(zh ? "结案数" : "Orders closed"), .integer(s.closed), .empty],
            [.text(zh ? "响应率" : "Response rate"), rate(s.score?.responseRate), rate(s.previousScore?.responseRate)],
            [.text(zh ? "解决率" : "Resolution rate"), rate(s.score?.resolutionRate), rate(s.previousScore?.resolutionRate)],
            [.text(zh ? "满意率" : "Satisfaction rate"), rate(s.score?.satisfactionRate), rate(s.previousScore?.satisfactionRate)],
            [.text(zh ? "综合成绩" : "Composite score"), points(s.score?.composite), points(s.previousScore?.composite)],
            [.text(zh ? "临期（黄灯，当前）" : "Due soon (yellow, now)"), .integer(s.yellowNow), .empty],
            [.text(zh ? "超期待处置（当前）" : "Overdue, pending (now)"), .integer(s.overdueNow), .empty],
            [.text(zh ? "督办中（当前）" : "Under supervision (now)"), .integer(s.supervisedNow), .empty],
            [.text(zh ? "吹哨数" : "Whistles"), .integer(whistles.count), .empty],
            [.text(zh ? "按时报到率" : "On-time report-in rate"), rate(whistles.onTimeReportInRate), .empty],
        ]
        var unitRows = [header([
            ("组别", "Group"), ("编码", "Code"), ("单位", "Unit"), ("派单量", "Orders"), ("按期处置率", "Handled on time"),
            ("有效回访", "Valid callbacks"), ("响应率", "Response"), ("解决率", "Resolution"), ("满意率", "Satisfaction"),
            ("综合成绩", "Composite"), ("上期综合成绩", "Previous composite"),
        ])]
        for line in units {
            unitRows.append([
                .text(zh ? line.group.nameZh : line.group.rawValue), .text(line.unitCode), .text(line.unitName), .integer(line.filed),
                rate(line.onTimeHandlingRate), .integer(line.validCallbacks), rate(line.score?.responseRate), rate(line.score?.resolutionRate),
                rate(line.score?.satisfactionRate), points(line.score?.composite), points(line.previousScore?.composite),
            ])
        }
        func orderTable(_ title: (String, String), _ lines: [OrderLine]) -> Table {
            let rows = [header([("工单编号", "Number"), ("承办单位编码", "Unit code"), ("承办单位", "Unit"), ("类别", "Category"),
                                ("派单时间", "Dispatched"), ("督办次数", "Supervisions")])]
                + lines.map { [.text($0.number), .text($0.unitCode), .text($0.unitName), .text($0.categoryCode ?? ""),
                               .text(Stamp.local($0.dispatchedAt)), .integer($0.superviseCount)] }
            return Table(title: zh ? title.0 : title.1, rows: rows)
        }
        return [
            Table(title: zh ? "概要" : "Summary", rows: summaryRows),
            volumeTable(("渠道", "Channels"), ("渠道", "Channel"), byChannel),
            volumeTable(("类型", "Types"), ("类型", "Type"), byType),
            volumeTable(("热点问题", "Top problems"), ("类别", "Category"), topCategories, total: false),
            volumeTable(("各区", "Districts"), ("区", "District"), byDistrict, population: true),
            Table(title: zh ? "单位成绩" : "Units", rows: unitRows),
            orderTable(("超期待处置", "Overdue"), overdue),
            orderTable(("督办", "Supervised"), supervised),
        ]
    }

    /// The title of the bulletin, e.g. `月分析 2026-11（2026-10-19 至 2026-11-18）`.
    public func title(_ language: Language = .zh) -> String {
        language == .zh ? "\(kind.nameZh) \(periodLabel)（\(firstDay) 至 \(lastDay)）" : "\(kind.nameEn) \(periodLabel) (\(firstDay) to \(lastDay))"
    }

    /// Every table as one sheet.
    public func workbook(_ language: Language = .zh) -> Workbook {
        Workbook(sheets: tables(language).map { Sheet(name: $0.title, rows: $0.rows) })
    }

    /// Every table one after the other, each under its title and separated by an empty line.
    public func csvRows(_ language: Language = .zh) -> [[Cell]] {
        [[.text(title(language))], []] + tables(language).flatMap { [[.text($0.title)]] + $0.rows + [[]] }
    }
}
