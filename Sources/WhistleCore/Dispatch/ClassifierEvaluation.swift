import Foundation

/// How well a ``LabelSuggester`` did on examples it was not trained on: accuracy of its first suggestion,
/// macro-F1, the confusion table (混淆矩阵) and calibration. Evaluations of several folds merge into one.
public struct ClassifierEvaluation: Sendable, Hashable, Codable {
    /// First suggestion against the actual label.
    public private(set) var confusion: ConfusionTable
    /// Confidence of the first suggestion against whether it was right.
    public private(set) var calibration: CalibrationTable

    /// An evaluation from tallies already made; ``of(_:on:)`` makes them.
    public init(confusion: ConfusionTable, calibration: CalibrationTable) {
        self.confusion = confusion
        self.calibration = calibration
    }

    /// Runs `suggester` on every example and tallies its first suggestion. A text that gets no suggestion
    /// counts as wrong, under the predicted label “—”.
    public static func of(_ suggester: some LabelSuggester, on examples: [LabelledText]) -> ClassifierEvaluation {
        var confusion = ConfusionTable(labels: suggester.labels)
        var calibration = CalibrationTable()
        for example in examples {
            let best = suggester.suggest(title: example.title, content: example.content, top: 1).first
            let predicted = best?.label ?? ConfusionTable.noSuggestion
            confusion.record(actual: example.label, predicted: predicted)
            calibration.record(confidence: best?.confidence ?? 0, correct: predicted == example.label)
        }
        return ClassifierEvaluation(confusion: confusion, calibration: calibration)
    }

    /// Number of examples evaluated.
    public var count: Int { confusion.total }
    /// Share of examples whose first suggestion was right.
    public var accuracy: Double { confusion.accuracy }
    /// Mean F1 over labels, each label weighing the same however rare.
    public var macroF1: Double { confusion.macroF1 }
    /// Precision, recall and F1 of each label.
    public var perLabel: [LabelScore] { confusion.scores }
    /// Expected calibration error of the first suggestion's confidence (0 = perfectly calibrated).
    public var expectedCalibrationError: Double { calibration.expectedCalibrationError }

    /// The pooled evaluation of this one and `other` (e.g. cross-validation folds).
    public func merged(with other: ClassifierEvaluation) -> ClassifierEvaluation {
        ClassifierEvaluation(
            confusion: confusion.merged(with: other.confusion),
            calibration: calibration.merged(with: other.calibration)
        )
    }
}

/// Precision, recall and F1 of one label.
public struct LabelScore: Sendable, Hashable, Codable {
    public var label: String
    /// Of the texts predicted as this label, the share that had it; 0 when none was predicted.
    public var precision: Double
    /// Of the texts that had this label, the share predicted as it; 0 when none had it.
    public var recall: Double
    /// Harmonic mean of precision and recall; 0 when both are 0.
    public var f1: Double
    /// How many texts had this label.
    public var support: Int
}

/// Counts of (actual label, predicted label) pairs. Rows are actual labels, columns predicted ones.
public struct ConfusionTable: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The predicted label recorded when a suggester gave no suggestion.
    public static let noSuggestion = "—"

    /// Row and column labels, in the order first seen (the suggester's labels first).
    public private(set) var labels: [String]
    /// `counts[actual][predicted]`, indexed like ``labels``.
    public private(set) var counts: [[Int]]

    /// An empty table whose first rows and columns are `labels`; others are added as they are recorded.
    public init(labels: [String] = []) {
        self.labels = []
        counts = []
        for label in labels { _ = position(of: label) }
    }

    /// Counts `count` texts labelled `actual` and predicted as `predicted`.
    public mutating func record(actual: String, predicted: String, count: Int = 1) {
        let row = position(of: actual), column = position(of: predicted)
        counts[row][column] += count
    }

    /// The count for one pair; 0 for labels never seen.
    public func count(actual: String, predicted: String) -> Int {
        guard let row = labels.firstIndex(of: actual), let column = labels.firstIndex(of: predicted) else { return 0 }
        return counts[row][column]
    }

    /// Both tables' counts added, labels united.
    public func merged(with other: ConfusionTable) -> ConfusionTable {
        var result = self
        for label in other.labels { _ = result.position(of: label) }
        for (row, actual) in other.labels.enumerated() {
            for (column, predicted) in other.labels.enumerated() where other.counts[row][column] > 0 {
                result.record(actual: actual, predicted: predicted, count: other.counts[row][column])
            }
        }
        return result
    }

    /// Number of texts counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Number of texts predicted right (the diagonal).
    public var correct: Int { labels.indices.reduce(0) { $0 + counts[$1][$1] } }

    /// Share on the diagonal; 0 for an empty table.
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Scores of every label that was actual or predicted at least once (never “—”).
    public var scores: [LabelScore] {
        labels.indices.compactMap { index in
            let label = labels[index]
            let support = counts[index].reduce(0, +)
            let predicted = counts.reduce(0) { $0 + $1[index] }
            guard label != Self.noSuggestion, support + predicted > 0 else { return nil }
            let hits = Double(counts[index][index])
            let precision = predicted == 0 ? 0 : hits / Double(predicted)
            let recall = support == 0 ? 0 : hits / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return LabelScore(label: label, precision: precision, recall: recall, f1: f1, support: support)
        }
    }

    /// Unweighted mean of ``scores``' F1 (as scikit-learn's `average="macro"`).
    public var macroF1: Double {
        let scores = scores
        return scores.isEmpty ? 0 : scores.reduce(0) { $0 + $1.f1 } / Double(scores.count)
    }

    /// A plain-text grid: one row per actual label, columns numbered like the rows, then the row's count,
    /// recall and label (last, because Chinese labels do not pad evenly in a terminal).
    public var description: String {
        let width = max(5, String(counts.flatMap { $0 }.max() ?? 0).count + 1)
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        let header = cell("") + labels.indices.map { cell("#\($0 + 1)") }.joined() + cell("n") + "  recall  actual"
        let rows = labels.indices.map { row in
            let support = counts[row].reduce(0, +)
            let recall = support == 0 ? "     -" : String(format: "%6.2f", Double(counts[row][row]) / Double(support))
            return cell("#\(row + 1)") + counts[row].map { cell(String($0)) }.joined() + cell(String(support))
                + "  " + recall + "  " + labels[row]
        }
        return ([header] + rows).joined(separator: "\n")
    }

    private mutating func position(of label: String) -> Int {
        if let index = labels.firstIndex(of: label) { return index }
        labels.append(label)
        for row in counts.indices { counts[row].append(0) }
        counts.append(Array(repeating: 0, count: labels.count))
        return labels.count - 1
    }
}

/// Reliability bins of first-suggestion confidences: ten equal-width bins over 0…1, each with how many
/// predictions fell in it, their summed confidence and how many were right. Mergeable across folds.
public struct CalibrationTable: Sendable, Hashable, Codable {
    /// One confidence interval's tally.
    public struct Bin: Sendable, Hashable, Codable {
        public var count = 0
        public var confidenceSum = 0.0
        public var correct = 0
        /// Mean confidence in the bin.
        public var meanConfidence: Double { count == 0 ? 0 : confidenceSum / Double(count) }
        /// Share right in the bin.
        public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
    }

    /// Bin `i` holds confidences in [i / n, (i + 1) / n); confidence 1 goes to the last bin.
    public private(set) var bins: [Bin]

    /// An empty table of `binCount` equal-width bins (at least one).
    public init(binCount: Int = 10) {
        bins = Array(repeating: Bin(), count: max(1, binCount))
    }

    /// Counts one prediction made with `confidence` (clamped to 0…1) that was right or not.
    public mutating func record(confidence: Double, correct: Bool) {
        let clamped = min(max(confidence, 0), 1)
        let index = min(Int(clamped * Double(bins.count)), bins.count - 1)
        bins[index].count += 1
        bins[index].confidenceSum += clamped
        if correct { bins[index].correct += 1 }
    }

    /// Both tables' bins added; tables of different bin counts keep this one's.
    public func merged(with other: CalibrationTable) -> CalibrationTable {
        guard other.bins.count == bins.count else { return self }
        var result = self
        for index in bins.indices {
            result.bins[index].count += other.bins[index].count
            result.bins[index].confidenceSum += other.bins[index].confidenceSum
            result.bins[index].correct += other.bins[index].correct
        }
        return result
    }

    /// ECE = Σ (nᵦ / n) · |accuracyᵦ − confidenceᵦ| over the bins; 0 when empty.
    public var expectedCalibrationError: Double {
        let total = bins.reduce(0) { $0 + $1.count }
        guard total > 0 else { return 0 }
        return bins.reduce(0) { $0 + Double($1.count) / Double(total) * abs($1.accuracy - $1.meanConfidence) }
    }
}
