@testable import WhistleCore
import Testing

/// Always answers from a fixed table of content → label, so metrics can be checked by hand.
private struct TableSuggester: LabelSuggester {
    var labels: [String]
    var answers: [String: String]

    func suggest(title: String, content: String, top: Int) -> [LabelSuggestion] {
        answers[content].map { [LabelSuggestion(label: $0, confidence: 0.9)] } ?? []
    }
}

@Suite("Classifier metrics and cross-validation")
struct ClassifierMetricsTests {
    /// Ten predictions over labels A, B, C (rows actual, columns predicted):
    ///
    ///          A  B  C   support
    ///     A    3  1  0   4
    ///     B    0  2  1   3
    ///     C    2  0  1   3
    ///
    /// correct = 3 + 2 + 1 = 6 → accuracy 6 / 10 = 0.6
    /// A: predicted 3 + 0 + 2 = 5 → precision 3/5 = 0.6, recall 3/4 = 0.75, F1 = 2·0.6·0.75 / 1.35 = 2/3
    /// B: predicted 1 + 2 + 0 = 3 → precision 2/3, recall 2/3, F1 = 2/3
    /// C: predicted 0 + 1 + 1 = 2 → precision 1/2, recall 1/3, F1 = 2·(1/2)(1/3) / (5/6) = 2/5
    /// macro-F1 = (2/3 + 2/3 + 2/5) / 3 = (10/15 + 10/15 + 6/15) / 3 = 26/45 ≈ 0.5778
    static func handTable() -> ConfusionTable {
        var table = ConfusionTable(labels: ["A", "B", "C"])
        table.record(actual: "A", predicted: "A", count: 3)
        table.record(actual: "A", predicted: "B")
        table.record(actual: "B", predicted: "B", count: 2)
        table.record(actual: "B", predicted: "C")
        table.record(actual: "C", predicted: "C")
        table.record(actual: "C", predicted: "A", count: 2)
        return table
    }

    @Test func confusionMetricsMatchTheHandComputation() throws {
        let table = Self.handTable()
        #expect(table.total == 10)
        #expect(table.correct == 6)
        #expect(table.accuracy == 0.6)
        let scores = table.scores
        #expect(scores.map(\.label) == ["A", "B", "C"])
        #expect(scores.map(\.support) == [4, 3, 3])
        #expect(abs(scores[0].precision - 0.6) < 1e-12 && abs(scores[0].recall - 0.75) < 1e-12)
        #expect(abs(scores[0].f1 - 2.0 / 3) < 1e-12)
        #expect(abs(scores[1].f1 - 2.0 / 3) < 1e-12)
        #expect(abs(scores[2].precision - 0.5) < 1e-12 && abs(scores[2].recall - 1.0 / 3) < 1e-12)
        #expect(abs(scores[2].f1 - 0.4) < 1e-12)
        #expect(abs(table.macroF1 - 26.0 / 45) < 1e-12)
        #expect(table.count(actual: "C", predicted: "A") == 2)
        #expect(table.count(actual: "Z", predicted: "A") == 0)
        #expect(table.description.contains("#3    2    0    1    3    0.33  C"))
    }

    @Test func mergingAddsCountsAndUnitesLabels() {
        var other = ConfusionTable(labels: ["C", "D"])
        other.record(actual: "D", predicted: "C")
        let merged = Self.handTable().merged(with: other)
        #expect(merged.labels == ["A", "B", "C", "D"])
        #expect(merged.total == 11)
        #expect(merged.count(actual: "D", predicted: "C") == 1)
        // D: support 1, never predicted → precision 0, recall 0, F1 0; C gains a false positive.
        let d = merged.scores.last
        #expect(d?.label == "D" && d?.support == 1 && d?.precision == 0 && d?.recall == 0 && d?.f1 == 0)
    }

    /// Four predictions: 0.95 right, 0.95 right, 0.95 wrong, 0.35 wrong.
    /// Bin 0.9–1.0: n 3, confidence 0.95, accuracy 2/3 → |2/3 − 0.95| = 0.28333…, weight 3/4 → 0.2125
    /// Bin 0.3–0.4: n 1, confidence 0.35, accuracy 0 → 0.35, weight 1/4 → 0.0875
    /// ECE = 0.2125 + 0.0875 = 0.3
    @Test func expectedCalibrationErrorMatchesTheHandComputation() {
        var table = CalibrationTable()
        table.record(confidence: 0.95, correct: true)
        table.record(confidence: 0.95, correct: true)
        table.record(confidence: 0.95, correct: false)
        table.record(confidence: 0.35, correct: false)
        #expect(abs(table.expectedCalibrationError - 0.3) < 1e-12)
        #expect(table.bins[9].count == 3 && table.bins[3].count == 1)
        // Confidence 1 falls in the last bin; merging doubles every count and keeps the ECE.
        var edge = CalibrationTable()
        edge.record(confidence: 1, correct: true)
        #expect(edge.bins[9].count == 1 && edge.expectedCalibrationError == 0)
        #expect(abs(table.merged(with: table).expectedCalibrationError - 0.3) < 1e-12)
        #expect(CalibrationTable().expectedCalibrationError == 0)
    }

    @Test func evaluationCountsMissingSuggestionsAsWrong() {
        let suggester = TableSuggester(labels: ["A", "B"], answers: ["a": "A", "b": "A"])
        let evaluation = ClassifierEvaluation.of(suggester, on: [
            LabelledText(content: "a", label: "A"),
            LabelledText(content: "b", label: "B"),
            LabelledText(content: "?", label: "B"),
        ])
        #expect(evaluation.count == 3)
        #expect(abs(evaluation.accuracy - 1.0 / 3) < 1e-12)
        #expect(evaluation.confusion.count(actual: "B", predicted: ConfusionTable.noSuggestion) == 1)
        // Scores skip “—”: A has precision 1/2, recall 1 → F1 2/3; B has F1 0 → macro-F1 1/3.
        #expect(evaluation.perLabel.map(\.label) == ["A", "B"])
        #expect(abs(evaluation.macroF1 - 1.0 / 3) < 1e-12)
    }

    @Test func foldsAreStratifiedDisjointAndSeeded() throws {
        var demands = SyntheticDemands(seed: 3)
        let examples = demands.make(perLabel: 12) + demands.make(perLabel: 1).prefix(2)  // labels of 13, 13, 12, 12
        let folds = try CrossValidation.folds(examples, k: 5, seed: 42)
        #expect(folds.count == 5)
        #expect(folds.flatMap(\.test).sorted() == Array(examples.indices))
        for fold in folds {
            #expect(Set(fold.training).isDisjoint(with: fold.test))
            #expect(fold.training.count + fold.test.count == examples.count)
            for label in demands.labels {
                let inTest = fold.test.filter { examples[$0].label == label }.count
                #expect((2...3).contains(inTest))  // 12 or 13 over 5 folds
            }
        }
        let sizes = folds.map(\.test.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(try CrossValidation.folds(examples, k: 5, seed: 42) == folds)
        #expect(try CrossValidation.folds(examples, k: 5, seed: 43) != folds)
    }

    @Test func heldOutSplitKeepsEveryLabelInTraining() throws {
        var demands = SyntheticDemands(seed: 4)
        let examples = demands.make(perLabel: 20) + [LabelledText(content: "电梯", label: "孤例")]
        let split = try CrossValidation.split(examples, heldOutFraction: 0.15, seed: 1)
        #expect(split.heldOut.count == 12)  // 15 % of 20 = 3 per label, none of the single “孤例”
        #expect(Set(split.training.map { examples[$0].label }).count == 5)
        #expect((split.training + split.heldOut).sorted() == Array(examples.indices))
    }
}
