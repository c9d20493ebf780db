import Foundation
import WhistleCore

enum AssessmentFixtures {
    /// `y-m-d h:min:s` in Beijing time (UTC+8).
    static func beijing(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0, _ s: Int = 0) -> Date {
        CalendarDay(year: y, month: m, day: d)!.startInBeijing.addingTimeInterval(Double(h * 3_600 + min * 60 + s))
    }

    /// A tally of callbacks; the valid ones neither 满意 nor 基本满意 are 不满意.
    static func callbacks(valid: Int, contacted: Int, solved: Int, satisfied: Int, basically: Int, invalid: Int = 0) -> UnitTally {
        UnitTally(callbacks: CallbackCounts(
            valid: valid, contacted: contacted, solved: solved, satisfied: satisfied, basicallySatisfied: basically,
            unsatisfied: valid - satisfied - basically, invalid: invalid))
    }

    /// The example: 40 valid callbacks, 36 contacted, 30 solved, 25 满意 + 8 基本满意 (+ 7 不满意).
    /// 响应率 36/40 = 0.9; 解决率 30/40 = 0.75; 满意率 (25 + 0.9 × 8)/40 = 32.2/40 = 0.805;
    /// 综合成绩 0.1 × 90 + 0.5 × 75 + 0.4 × 80.5 = 9 + 37.5 + 32.2 = 78.7.
    static let forty = callbacks(valid: 40, contacted: 36, solved: 30, satisfied: 25, basically: 8)

    /// Beijing's scheme with some values changed, validated.
    static func scheme(
        from: CalendarDay = AssessmentScheme.beijing.effectiveFrom, weights: RateWeights = AssessmentScheme.beijing.weights,
        excludesUnreasonable: Bool = true, whistleWeight: Double = 1.0 / 3, indicatorWeights: IndicatorWeights = .chengduJinniu
    ) throws -> AssessmentScheme {
        let b = AssessmentScheme.beijing
        return try AssessmentScheme(
            effectiveFrom: from, weights: weights, basicSatisfactionWeight: b.basicSatisfactionWeight,
            periodStartDay: b.periodStartDay, excludesUnreasonable: excludesUnreasonable, whistleWeight: whistleWeight,
            indicatorWeights: indicatorWeights, governance: b.governance)
    }
}
