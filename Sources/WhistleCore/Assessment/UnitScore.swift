/// A unit's score for one period (SPEC §6): the three rates as shares 0…1, 综合成绩 and the result on a
/// 0–100 scale.
public struct UnitScore: Sendable, Hashable, Codable {
    /// 响应率 = contacted / valid callbacks.
    public var responseRate: Double
    /// 解决率 = solved / valid callbacks.
    public var resolutionRate: Double
    /// 满意率 = (满意 + w × 基本满意) / valid callbacks.
    public var satisfactionRate: Double
    /// 综合成绩 = 100 × (w_r × 响应率 + w_s × 解决率 + w_m × 满意率).
    public var composite: Double
    /// The mean street whistle score (一哨一考核) as 0–100, when it entered the result.
    public var whistleScore: Double?
    /// What the unit is ranked by: the composite, blended with the whistle score for a department that was
    /// scored on whistles.
    public var result: Double
}

/// Scoring of units (SPEC §6, domain rules 15–19).
public enum Assessment {
    /// The score of a unit from its tally, or `nil` when it has no valid callback that counts (no score, not zero).
    ///
    /// - Parameter whistleShare: for a department, its mean whistle score as a share of the highest possible
    ///   (``SummonedUnitFigures/meanScoreShare``, 0…1, clamped) over the same period. Then
    ///   result = (1 − s) × composite + s × 100 × whistleShare with s = ``AssessmentScheme/whistleWeight``.
    ///   `nil` (not a department, never summoned, or summoned but never scored) leaves result = composite.
    public static func score(tally: UnitTally, scheme: AssessmentScheme, whistleShare: Double? = nil) -> UnitScore? {
        let counts = tally.counted(under: scheme)
        guard counts.valid > 0 else { return nil }
        let valid = Double(counts.valid)
        let response = Double(counts.contacted) / valid
        let resolution = Double(counts.solved) / valid
        let satisfaction = (Double(counts.satisfied) + scheme.basicSatisfactionWeight * Double(counts.basicallySatisfied)) / valid
        let w = scheme.weights
        let composite = 100 * (w.response * response + w.resolution * resolution + w.satisfaction * satisfaction)
        let whistleScore = whistleShare.map { 100 * min(max($0, 0), 1) }
        let result = whistleScore.map { (1 - scheme.whistleWeight) * composite + scheme.whistleWeight * $0 } ?? composite
        return UnitScore(
            responseRate: response, resolutionRate: resolution, satisfactionRate: satisfaction, composite: composite,
            whistleScore: whistleScore, result: result)
    }
}
