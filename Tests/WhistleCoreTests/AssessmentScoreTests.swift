import Foundation
import Testing
import WhistleCore

@Suite struct AssessmentScoreTests {
    typealias F = AssessmentFixtures

    /// 40 valid: 响应率 36/40 = 0.9, 解决率 30/40 = 0.75, 满意率 (25 + 0.9 × 8)/40 = 0.805;
    /// 综合成绩 0.1 × 90 + 0.5 × 75 + 0.4 × 80.5 = 78.7.
    @Test func theThreeRatesAndTheComposite() throws {
        let score = try #require(Assessment.score(tally: F.forty, scheme: .beijing))
        #expect(score.responseRate == 0.9)
        #expect(score.resolutionRate == 0.75)
        #expect(abs(score.satisfactionRate - 0.805) < 1e-12)
        #expect(abs(score.composite - 78.7) < 1e-9)
        #expect(score.result == score.composite)
        #expect(score.whistleScore == nil)
    }

    /// The same 40 callbacks recorded one by one, plus 3 invalid ones (无效回访), which change no rate.
    @Test func aTallyKeptIncrementallyFromCallbacks() throws {
        var tally = UnitTally.zero
        for i in 0..<40 {
            let satisfaction: Satisfaction = i < 25 ? .satisfied : i < 33 ? .basicallySatisfied : .unsatisfied
            tally += UnitTally(callback: .valid(contacted: i < 36, solved: i < 30, satisfaction: satisfaction))
        }
        for _ in 0..<3 { tally += UnitTally(callback: .invalid(.unreachable)) }
        #expect(tally == F.callbacks(valid: 40, contacted: 36, solved: 30, satisfied: 25, basically: 8, invalid: 3))
        #expect(Assessment.score(tally: tally, scheme: .beijing) == Assessment.score(tally: F.forty, scheme: .beijing))

        // A later callback supersedes an earlier one (the last scores): an unsatisfied, unsolved callback
        // is replaced by a satisfied, solved one. 解决率 31/40 = 0.775, 满意率 (26 + 7.2)/40 = 0.83;
        // 综合成绩 9 + 0.5 × 77.5 + 0.4 × 83 = 9 + 38.75 + 33.2 = 80.95.
        tally -= UnitTally(callback: .valid(contacted: true, solved: false, satisfaction: .unsatisfied))
        tally += UnitTally(callback: .valid(contacted: true, solved: true, satisfaction: .satisfied))
        let score = try #require(Assessment.score(tally: tally, scheme: .beijing))
        #expect(abs(score.composite - 80.95) < 1e-9)
    }

    @Test func noValidCallbackMeansNoScoreNotZero() {
        #expect(Assessment.score(tally: .zero, scheme: .beijing) == nil)
        #expect(Assessment.score(tally: F.callbacks(valid: 0, contacted: 0, solved: 0, satisfied: 0, basically: 0, invalid: 5), scheme: .beijing) == nil)
        // All valid callbacks belong to unreasonable demands, which Beijing excludes.
        let onlyUnreasonable = UnitTally(callback: .valid(contacted: true, solved: true, satisfaction: .satisfied), unreasonable: true)
        #expect(Assessment.score(tally: onlyUnreasonable, scheme: .beijing) == nil)
        // A unit that did nothing scores nil, a unit that failed every callback scores 0.
        let failed = F.callbacks(valid: 2, contacted: 0, solved: 0, satisfied: 0, basically: 0)
        #expect(Assessment.score(tally: failed, scheme: .beijing)?.composite == 0)
    }

    /// 10 more valid callbacks of 不合理诉求: contacted, not solved, 不满意.
    /// Excluded (Beijing): the score stays 78.7. Included: 50 valid, 46 contacted, 30 solved, 25 + 8:
    /// 响应率 46/50 = 0.92, 解决率 30/50 = 0.6, 满意率 (25 + 7.2)/50 = 0.644;
    /// 综合成绩 0.1 × 92 + 0.5 × 60 + 0.4 × 64.4 = 9.2 + 30 + 25.76 = 64.96.
    @Test func unreasonableDemandsAreExcludedWhenTheSchemeSaysSo() throws {
        var tally = F.forty
        for _ in 0..<10 {
            tally += UnitTally(callback: .valid(contacted: true, solved: false, satisfaction: .unsatisfied), unreasonable: true)
        }
        tally += UnitTally(callback: .invalid(.refused), unreasonable: true)
        #expect(tally.excluded == 11)
        let excluded = try #require(Assessment.score(tally: tally, scheme: .beijing))
        #expect(abs(excluded.composite - 78.7) < 1e-9)
        let included = try #require(Assessment.score(tally: tally, scheme: F.scheme(excludesUnreasonable: false)))
        #expect(abs(included.responseRate - 0.92) < 1e-12)
        #expect(abs(included.resolutionRate - 0.6) < 1e-12)
        #expect(abs(included.satisfactionRate - 0.644) < 1e-12)
        #expect(abs(included.composite - 64.96) < 1e-9)
    }

    /// Composite 78.7 and a mean whistle score share of 0.9 (→ 90), street scores weighing 1/3:
    /// result = 2/3 × 78.7 + 1/3 × 90 = (157.4 + 90)/3 = 247.4/3 = 82.4666…
    /// With a weight of 1/2: (78.7 + 90)/2 = 84.35. Never scored on a whistle: result = composite.
    @Test func aDepartmentBlendsItsWhistleScore() throws {
        let blended = try #require(Assessment.score(tally: F.forty, scheme: .beijing, whistleShare: 0.9))
        #expect(abs(blended.composite - 78.7) < 1e-9)
        #expect(abs(try #require(blended.whistleScore) - 90) < 1e-9)
        #expect(abs(blended.result - 247.4 / 3) < 1e-9)
        let half = try #require(Assessment.score(tally: F.forty, scheme: F.scheme(whistleWeight: 0.5), whistleShare: 0.9))
        #expect(abs(half.result - 84.35) < 1e-9)
        let unsummoned = try #require(Assessment.score(tally: F.forty, scheme: .beijing, whistleShare: nil))
        #expect(unsummoned.result == unsummoned.composite)
        // The whistle score alone never makes a score: no valid callback, no score.
        #expect(Assessment.score(tally: .zero, scheme: .beijing, whistleShare: 1) == nil)
    }

    /// Property: tallying each unit's callbacks and summing the tallies scores the same as counting all the
    /// callbacks at once (the tally is a monoid, and the score depends on the counts only).
    @Test func summingTalliesThenScoringEqualsScoringTheMergedCounts() {
        var random = SplitMix64(seed: 12345)
        let satisfactions = Satisfaction.allCases
        for _ in 0..<200 {
            var total = UnitTally.zero
            var raw = (valid: 0, contacted: 0, solved: 0, satisfied: 0, basically: 0, invalid: 0)
            var unreasonable = 0
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                var unit = UnitTally.zero
                for _ in 0..<Int.random(in: 0...30, using: &random) {
                    let isUnreasonable = Int.random(in: 0..<10, using: &random) == 0
                    let outcome: CallbackOutcome = Int.random(in: 0..<5, using: &random) == 0
                        ? .invalid(.unreachable)
                        : .valid(contacted: .random(using: &random), solved: .random(using: &random),
                                 satisfaction: satisfactions.randomElement(using: &random)!)
                    unit += UnitTally(callback: outcome, unreasonable: isUnreasonable)
                    if isUnreasonable { unreasonable += 1; continue }
                    switch outcome {
                    case .invalid: raw.invalid += 1
                    case let .valid(contacted, solved, satisfaction):
                        raw.valid += 1
                        if contacted { raw.contacted += 1 }
                        if solved { raw.solved += 1 }
                        if satisfaction == .satisfied { raw.satisfied += 1 }
                        if satisfaction == .basicallySatisfied { raw.basically += 1 }
                    }
                }
                total = total + unit
            }
            let merged = AssessmentFixtures.callbacks(
                valid: raw.valid, contacted: raw.contacted, solved: raw.solved, satisfied: raw.satisfied,
                basically: raw.basically, invalid: raw.invalid)
            #expect(total.callbacks == merged.callbacks)
            #expect(total.excluded == unreasonable)
            #expect(Assessment.score(tally: total, scheme: .beijing) == Assessment.score(tally: merged, scheme: .beijing))
        }
    }
}
