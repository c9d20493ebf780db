import Foundation
import Testing
import WhistleCore

@Suite struct AssessmentIndicatorTests {
    /// 立案 50, 结案 45, 按期结案 40; 应处置 60, 处置 54, 按期处置 48; 返工 6, 延期 3, 超期待处置 3.
    static let tally = UnitTally(
        filed: 50, closed: 45, closedOnTime: 40, toHandle: 60, handled: 54, handledOnTime: 48, reworked: 6, extended: 3,
        overduePending: 3)

    /// 结案率 45/50 = 0.9; 按期结案率 40/50 = 0.8; 处置率 54/60 = 0.9; 按期处置率 48/60 = 0.8;
    /// 返工率 6/54 = 1/9; 延期率 3/60 = 0.05; 超期待处置率 3/60 = 0.05.
    /// 综合指标值 (Chengdu Jinniu) = 100 × (0.3 × 0.9 + 0.2 × 0.8 + 0.2 × (1 − 1/9) + 0.1 × 0.95 + 0.2 × 0.95)
    /// = 100 × (0.27 + 0.16 + 0.17778 + 0.095 + 0.19) = 89.2778.
    @Test func theRatesAndTheCompositeValue() throws {
        let i = CityManagementIndicators(tally: Self.tally, weights: .chengduJinniu)
        #expect(i.filed == 50)
        #expect(i.closureRate == 0.9)
        #expect(i.onTimeClosureRate == 0.8)
        #expect(i.handlingRate == 0.9)
        #expect(i.onTimeHandlingRate == 0.8)
        #expect(abs(try #require(i.reworkRate) - 1.0 / 9) < 1e-12)
        #expect(i.extensionRate == 0.05)
        #expect(i.overduePendingRate == 0.05)
        #expect(abs(try #require(i.compositeValue) - (89 + 5.0 / 18)) < 1e-9)

        // Equal weights 1/7: 100 × (0.9 + 0.8 + 0.9 + 0.8 + 8/9 + 0.95 + 0.95)/7 = 100 × (5.3 + 8/9)/7 = 100 × 6.18889/7 ≈ 88.4127.
        let seventh = 1.0 / 7
        let equal = IndicatorWeights(
            closure: seventh, onTimeClosure: seventh, handling: seventh, onTimeHandling: seventh, rework: seventh,
            extended: seventh, overduePending: seventh)
        _ = try AssessmentFixtures.scheme(indicatorWeights: equal)  // accepted: the sum is 1 within rounding
        let e = CityManagementIndicators(tally: Self.tally, weights: equal)
        let expected: Double = 100 * (5.3 + 8.0 / 9) / 7
        #expect(abs(try #require(e.compositeValue) - expected) < 1e-9)
    }

    /// Undefined denominators give nil rates, and a composite needing one of them is nil too.
    @Test func undefinedDenominatorsAreNil() throws {
        let none = CityManagementIndicators(tally: .zero, weights: .chengduJinniu)
        #expect(none.filed == 0)
        #expect([none.closureRate, none.onTimeClosureRate, none.handlingRate, none.onTimeHandlingRate, none.reworkRate,
                 none.extensionRate, none.overduePendingRate, none.compositeValue].allSatisfy { $0 == nil })

        // 10 filed, 8 closed, 10 to handle, none handled: 返工率 (over 处置数 = 0) is undefined.
        let idle = UnitTally(filed: 10, closed: 8, toHandle: 10)
        let i = CityManagementIndicators(tally: idle, weights: .chengduJinniu)
        #expect(i.closureRate == 0.8 && i.handlingRate == 0 && i.reworkRate == nil)
        #expect(i.compositeValue == nil)  // 返工率 weighs 0.2 in Jinniu's formula
        // Weights on 结案率 only: 100 × 0.8 = 80; the undefined 返工率 carries no weight.
        let closureOnly = IndicatorWeights(
            closure: 1, onTimeClosure: 0, handling: 0, onTimeHandling: 0, rework: 0, extended: 0, overduePending: 0)
        #expect(CityManagementIndicators(tally: idle, weights: closureOnly).compositeValue == 80)
    }

    /// Tallies of streets add up to their district's.
    @Test func talliesSum() {
        let sum = Self.tally + UnitTally(filed: 1, toHandle: 2, handled: 2, reworked: 1)
        #expect(sum.filed == 51 && sum.toHandle == 62 && sum.handled == 56 && sum.reworked == 7 && sum.closed == 45)
        #expect(sum - Self.tally == UnitTally(filed: 1, toHandle: 2, handled: 2, reworked: 1))
    }
}

@Suite struct AssessmentGovernanceTests {
    /// Rule: top-2 in at least 2 of the last 3 periods. Four periods are given, so "2026-01" falls out.
    ///   2026-01: A 50, B 40, C 30                → (outside the window; B would otherwise have 2)
    ///   2026-02: A 10, B 30, C 20, D 20          → B 1, C 2, D 2 (tied at the cut: both in), A 4
    ///   2026-03: A 60, B 5, C 40, D 0            → A 1, C 2, B 3; D's 0 never counts
    ///   2026-04: A 70, B 45, C 10, D 50          → A 1, D 2, B 3, C 4
    /// In the window: A twice (03, 04), C twice (02, 03), D twice (02, 04), B once (02) → A, C, D.
    @Test func streetsOftenInTheTopAreCandidatesWithEvidence() {
        let volumes = [
            "2026-01": ["A": 50, "B": 40, "C": 30],
            "2026-02": ["A": 10, "B": 30, "C": 20, "D": 20],
            "2026-03": ["A": 60, "B": 5, "C": 40, "D": 0],
            "2026-04": ["A": 70, "B": 45, "C": 10, "D": 50],
        ]
        let candidates = GovernanceWatch.candidates(monthlyVolumes: volumes, rule: GovernanceRule(topN: 2, times: 2, window: 3))
        #expect(candidates == [
            GovernanceCandidate(unitCode: "A", evidence: [
                GovernanceEvidence(periodLabel: "2026-03", rank: 1, volume: 60),
                GovernanceEvidence(periodLabel: "2026-04", rank: 1, volume: 70),
            ]),
            GovernanceCandidate(unitCode: "C", evidence: [
                GovernanceEvidence(periodLabel: "2026-02", rank: 2, volume: 20),
                GovernanceEvidence(periodLabel: "2026-03", rank: 2, volume: 40),
            ]),
            GovernanceCandidate(unitCode: "D", evidence: [
                GovernanceEvidence(periodLabel: "2026-02", rank: 2, volume: 20),
                GovernanceEvidence(periodLabel: "2026-04", rank: 2, volume: 50),
            ]),
        ])
    }

    /// Beijing's default rule (top-10, 3 of 6) over 6 periods (index 0–5) and 13 streets:
    /// S02…S11 have 100 − n demands (98 … 89), S12 has 2; S01 has 500 in periods 0, 2, 4 and 1 otherwise;
    /// S13 has 400 in periods 1, 3 and none otherwise.
    ///   periods 0, 2, 4: S01 1st, S02…S10 2nd–10th, S11 11th → top 10: S01, S02…S10
    ///   periods 1, 3:    S13 1st, S02…S10 2nd–10th, S11 11th → top 10: S13, S02…S10
    ///   period 5:        S02…S11 1st–10th                    → top 10: S02…S11
    /// S01: 3 of 6 → candidate; S02…S10: 6 of 6; S13: 2 of 6 and S11: 1 of 6 → not.
    @Test func beijingsDefaultRule() {
        let labels = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
        var volumes: [String: [String: Int]] = [:]
        for (index, label) in labels.enumerated() {
            var month = ["S12": 2, "S01": index.isMultiple(of: 2) ? 500 : 1, "S13": [1, 3].contains(index) ? 400 : 0]
            for n in 2...11 { month["S" + (n < 10 ? "0" : "") + String(n)] = 100 - n }
            volumes[label] = month
        }
        let candidates = GovernanceWatch.candidates(monthlyVolumes: volumes, rule: AssessmentScheme.beijing.governance)
        #expect(candidates.map(\.unitCode) == ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10"])
        #expect(candidates[0].evidence == ["2025-10", "2025-12", "2026-02"].map {
            GovernanceEvidence(periodLabel: $0, rank: 1, volume: 500)
        })
        #expect(candidates[9].evidence.map(\.rank) == [10, 10, 10, 10, 10, 9])
    }
}
