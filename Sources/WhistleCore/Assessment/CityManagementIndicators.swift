/// Digital-city-management indicators (数字城管 考核指标, domain rules §4.5, rule 28) of one unit and period.
/// A rate whose denominator is 0 is `nil`, not 0. Rates are shares 0…1; 综合指标值 is 0–100.
///
/// Denominators follow the issue: 立案数 for the closure rates (some cities use 应结案数, which the tally does
/// not keep), 处置数 for 返工率 (others use 应结案数 or 立案数), 应处置数 for the rest.
public struct CityManagementIndicators: Sendable, Hashable, Codable {
    /// 立案数
    public var filed: Int
    /// 结案率 = 结案数 / 立案数
    public var closureRate: Double?
    /// 按期结案率 = 按期结案数 / 立案数
    public var onTimeClosureRate: Double?
    /// 处置率 = 处置数 / 应处置数
    public var handlingRate: Double?
    /// 按期处置率 = 按期处置数 / 应处置数
    public var onTimeHandlingRate: Double?
    /// 返工率 = 返工数 / 处置数
    public var reworkRate: Double?
    /// 延期率 = 延期数 / 应处置数
    public var extensionRate: Double?
    /// 超期待处置率 = 超期待处置数 / 应处置数
    public var overduePendingRate: Double?
    /// 综合指标值 = 100 × Σ weight × term, a positive rate as itself and a negative one as 1 − rate
    /// (``IndicatorWeights``); `nil` when a rate with a non-zero weight is undefined.
    public var compositeValue: Double?

    public init(tally t: UnitTally, weights w: IndicatorWeights) {
        func rate(_ count: Int, _ of: Int) -> Double? { of > 0 ? Double(count) / Double(of) : nil }
        filed = t.filed
        closureRate = rate(t.closed, t.filed)
        onTimeClosureRate = rate(t.closedOnTime, t.filed)
        handlingRate = rate(t.handled, t.toHandle)
        onTimeHandlingRate = rate(t.handledOnTime, t.toHandle)
        reworkRate = rate(t.reworked, t.handled)
        extensionRate = rate(t.extended, t.toHandle)
        overduePendingRate = rate(t.overduePending, t.toHandle)
        let terms: [(weight: Double, value: Double?)] = [
            (w.closure, closureRate), (w.onTimeClosure, onTimeClosureRate), (w.handling, handlingRate),
            (w.onTimeHandling, onTimeHandlingRate), (w.rework, reworkRate.map { 1 - $0 }),
            (w.extended, extensionRate.map { 1 - $0 }), (w.overduePending, overduePendingRate.map { 1 - $0 }),
        ]
        var sum = 0.0
        for term in terms where term.weight > 0 {
            guard let value = term.value else {
                compositeValue = nil
                return
            }
            sum += term.weight * value
        }
        compositeValue = 100 * sum
    }
}
