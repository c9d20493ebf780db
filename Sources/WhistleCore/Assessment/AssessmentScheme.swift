import Foundation

/// How units are assessed (SPEC §6, 一张卷子): the three rates (三率) and their composite (综合成绩), the
/// assessment period, the exclusion of 不合理诉求, the weight of street whistle scores in a department's
/// result, the digital-city-management composite (综合指标值) and the 治理类 rule, as data with an effective day.
///
/// A period is assessed with the version in force at the period's START (``assessing(_:among:)``): a version
/// effective in the middle of a period applies from the first whole period after it, and past periods keep
/// the version they started under, so a published ranking never changes when the rules do. Periods are cut
/// with one start day; a version that changes ``periodStartDay`` should take effect on the first day of its
/// first period, and the period before it is the caller's to close (this type does not bridge the two).
public struct AssessmentScheme: Sendable, Hashable, Codable, EffectiveDated {
    /// The first day the version applies, `YYYY-MM-DD` (00:00 Beijing time).
    public var effectiveFrom: CalendarDay
    /// Weights of 响应率 / 解决率 / 满意率 in 综合成绩; each 0…1, summing to 1.
    public var weights: RateWeights
    /// Weight of 基本满意 in 满意率 (满意 counts 1), 0…1.
    public var basicSatisfactionWeight: Double
    /// Day of the month a period starts, 1…28 (Beijing districts: 19, i.e. the 19th to the 18th of the next
    /// month; 1 gives calendar months). Days 29–31 are refused so every month has the start day.
    public var periodStartDay: Int
    /// Callbacks of demands ruled 不合理诉求 (after review) leave the three rates.
    public var excludesUnreasonable: Bool
    /// Weight of the mean street whistle score (一哨一考核) in a summoned department's result, 0…1
    /// (SPEC §5: at least 1/3, a local policy this type does not impose).
    public var whistleWeight: Double
    /// Weights of the digital-city-management composite (综合指标值).
    public var indicatorWeights: IndicatorWeights
    /// When a street becomes a 治理类 candidate.
    public var governance: GovernanceRule

    public init(
        effectiveFrom: CalendarDay, weights: RateWeights, basicSatisfactionWeight: Double, periodStartDay: Int,
        excludesUnreasonable: Bool, whistleWeight: Double, indicatorWeights: IndicatorWeights, governance: GovernanceRule
    ) throws(AssessmentSchemeError) {
        self.effectiveFrom = effectiveFrom
        self.weights = weights
        self.basicSatisfactionWeight = basicSatisfactionWeight
        self.periodStartDay = periodStartDay
        self.excludesUnreasonable = excludesUnreasonable
        self.whistleWeight = whistleWeight
        self.indicatorWeights = indicatorWeights
        self.governance = governance
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        effectiveFrom = try c.decode(CalendarDay.self, forKey: .effectiveFrom)
        weights = try c.decode(RateWeights.self, forKey: .weights)
        basicSatisfactionWeight = try c.decode(Double.self, forKey: .basicSatisfactionWeight)
        periodStartDay = try c.decode(Int.self, forKey: .periodStartDay)
        excludesUnreasonable = try c.decode(Bool.self, forKey: .excludesUnreasonable)
        whistleWeight = try c.decode(Double.self, forKey: .whistleWeight)
        indicatorWeights = try c.decode(IndicatorWeights.self, forKey: .indicatorWeights)
        governance = try c.decode(GovernanceRule.self, forKey: .governance)
        try validate()
    }

    /// Beijing's defaults (domain rules §2, rules 16–19, 22), in force since the regulation took effect
    /// (2021-09-24): weights 0.1 / 0.5 / 0.4, 基本满意 × 0.9, periods from the 19th, 不合理诉求 excluded,
    /// whistle scores 1/3 of a department's result, 治理类 = top-10 in 3 of the last 6 periods.
    public static let beijing = try! AssessmentScheme(
        effectiveFrom: CalendarDay(year: 2021, month: 9, day: 24)!,
        weights: RateWeights(response: 0.1, resolution: 0.5, satisfaction: 0.4), basicSatisfactionWeight: 0.9,
        periodStartDay: 19, excludesUnreasonable: true, whistleWeight: 1.0 / 3, indicatorWeights: .chengduJinniu,
        governance: GovernanceRule(topN: 10, times: 3, window: 6))

    /// The version that assesses `period`: the one in force at the period's start (see the type's note).
    public static func assessing(_ period: AssessmentPeriod, among versions: [Self]) -> Self? {
        inForce(at: period.start, among: versions)
    }

    /// The period labelled `YYYY-MM` (the month it ends in), cut by the start day of the newest version: periods
    /// are named one way at a time, and the period found is then assessed by its own version. `nil` for a
    /// malformed label.
    public static func period(labelled label: String, among versions: [Self]) -> AssessmentPeriod? {
        AssessmentPeriod(label: label, startDay: periodStartDay(among: versions))
    }

    /// The start day periods are cut by: the newest version's.
    public static func periodStartDay(among versions: [Self]) -> Int {
        versions.max { $0.effectiveFrom < $1.effectiveFrom }?.periodStartDay ?? beijing.periodStartDay
    }

    /// The period of this scheme's start day that contains `instant` (Beijing time).
    public func period(containing instant: Date) -> AssessmentPeriod {
        AssessmentPeriod(containing: instant, startDay: periodStartDay)!
    }

    private func validate() throws(AssessmentSchemeError) {
        try weights.validate()
        try Self.check("basicSatisfactionWeight", basicSatisfactionWeight)
        guard (1...28).contains(periodStartDay) else { throw .periodStartDayOutOfRange(periodStartDay) }
        try Self.check("whistleWeight", whistleWeight)
        try indicatorWeights.validate()
        try governance.validate()
    }

    /// Refuses a weight outside 0…1 (NaN included).
    static func check(_ field: String, _ value: Double) throws(AssessmentSchemeError) {
        guard (0...1).contains(value) else { throw .weightOutOfRange(field: field, value: value) }
    }

    /// Refuses weights whose sum is not 1 (within rounding).
    static func checkSum(_ field: String, _ values: [Double]) throws(AssessmentSchemeError) {
        let sum = values.reduce(0, +)
        guard abs(sum - 1) < 1e-9 else { throw .weightsDoNotSumToOne(field: field, sum: sum) }
    }
}

/// Weights of the three rates in 综合成绩 (rule 17): each 0…1, summing to 1.
public struct RateWeights: Sendable, Hashable, Codable {
    /// 响应率
    public var response: Double
    /// 解决率
    public var resolution: Double
    /// 满意率
    public var satisfaction: Double

    public init(response: Double, resolution: Double, satisfaction: Double) {
        self.response = response
        self.resolution = resolution
        self.satisfaction = satisfaction
    }

    func validate() throws(AssessmentSchemeError) {
        try AssessmentScheme.check("weights.response", response)
        try AssessmentScheme.check("weights.resolution", resolution)
        try AssessmentScheme.check("weights.satisfaction", satisfaction)
        try AssessmentScheme.checkSum("weights", [response, resolution, satisfaction])
    }
}

/// Weights of the digital-city-management composite (综合指标值, rule 28): each 0…1, summing to 1. A positive
/// rate enters as itself, a negative one (返工率, 延期率, 超期待处置率) as 1 − rate.
///
/// The national formula (GB/T 30428.4 / CJ/T 292) was not retrieved (domain rules §4.1, §4.5); local
/// formulas differ, so these weights are configuration. The default is Chengdu Jinniu's [S56].
public struct IndicatorWeights: Sendable, Hashable, Codable {
    /// 结案率
    public var closure: Double
    /// 按期结案率
    public var onTimeClosure: Double
    /// 处置率
    public var handling: Double
    /// 按期处置率
    public var onTimeHandling: Double
    /// 1 − 返工率
    public var rework: Double
    /// 1 − 延期率
    public var extended: Double
    /// 1 − 超期待处置率
    public var overduePending: Double

    public init(
        closure: Double, onTimeClosure: Double, handling: Double, onTimeHandling: Double, rework: Double,
        extended: Double, overduePending: Double
    ) {
        self.closure = closure
        self.onTimeClosure = onTimeClosure
        self.handling = handling
        self.onTimeHandling = onTimeHandling
        self.rework = rework
        self.extended = extended
        self.overduePending = overduePending
    }

    /// Chengdu Jinniu [S56]: 处置率 × 30 + 按期处置率 × 20 + (1 − 返工率) × 20 + (1 − 超期待处置率) × 20 +
    /// (1 − 延期率) × 10; the closure rates are reported but carry no weight.
    public static let chengduJinniu = IndicatorWeights(
        closure: 0, onTimeClosure: 0, handling: 0.3, onTimeHandling: 0.2, rework: 0.2, extended: 0.1, overduePending: 0.2)

    var all: [(field: String, value: Double)] {
        [("closure", closure), ("onTimeClosure", onTimeClosure), ("handling", handling), ("onTimeHandling", onTimeHandling),
         ("rework", rework), ("extended", extended), ("overduePending", overduePending)]
    }

    func validate() throws(AssessmentSchemeError) {
        for (field, value) in all { try AssessmentScheme.check("indicatorWeights.\(field)", value) }
        try AssessmentScheme.checkSum("indicatorWeights", all.map(\.value))
    }
}

/// When a street becomes a 治理类 candidate (rule 22, unconfirmed default): in the top `topN` by demand
/// volume in at least `times` of the last `window` periods.
public struct GovernanceRule: Sendable, Hashable, Codable {
    public var topN: Int
    public var times: Int
    public var window: Int

    public init(topN: Int, times: Int, window: Int) {
        self.topN = topN
        self.times = times
        self.window = window
    }

    func validate() throws(AssessmentSchemeError) {
        guard topN >= 1, window >= 1, (1...window).contains(times) else {
            throw .governanceRuleInvalid(topN: topN, times: times, window: window)
        }
    }
}

/// Why an assessment scheme was refused.
public enum AssessmentSchemeError: DomainError, Equatable {
    case weightOutOfRange(field: String, value: Double)
    case weightsDoNotSumToOne(field: String, sum: Double)
    case periodStartDayOutOfRange(Int)
    case governanceRuleInvalid(topN: Int, times: Int, window: Int)

    public var code: String {
        switch self {
        case .weightOutOfRange: "assessment.weight_out_of_range"
        case .weightsDoNotSumToOne: "assessment.weights_do_not_sum_to_one"
        case .periodStartDayOutOfRange: "assessment.period_start_day_out_of_range"
        case .governanceRuleInvalid: "assessment.governance_rule_invalid"
        }
    }

    public var kind: DomainErrorKind { .invalid }

    public var messageZh: String {
        switch self {
        case let .weightOutOfRange(field, value): "权重“\(field)”的取值 \(value) 应在 0 与 1 之间"
        case let .weightsDoNotSumToOne(field, sum): "“\(field)”的权重之和为 \(sum)，应为 1"
        case let .periodStartDayOutOfRange(day): "考核周期起始日 \(day) 应在 1 至 28 日之间"
        case let .governanceRuleInvalid(topN, times, window):
            "治理类规则无效：前 \(topN) 名、\(window) 个周期内 \(times) 次（名次与周期数至少为 1，次数不超过周期数）"
        }
    }

    public var messageEn: String {
        switch self {
        case let .weightOutOfRange(field, value): "weight \(field) = \(value) must lie between 0 and 1"
        case let .weightsDoNotSumToOne(field, sum): "the weights of \(field) sum to \(sum), not 1"
        case let .periodStartDayOutOfRange(day): "the period start day \(day) must lie between 1 and 28"
        case let .governanceRuleInvalid(topN, times, window):
            "governance rule top-\(topN), \(times) of \(window) periods is invalid (top and window at least 1, times at most the window)"
        }
    }
}
