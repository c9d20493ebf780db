import Foundation

/// Baseline: multinomial naive Bayes on single characters (字 unigrams, NFKC + lower case, letters only),
/// Laplace smoothing. Its confidences are the raw NB posteriors, which are famously over-confident.
public struct NaiveBayesBaseline: LabelSuggester {
    public let labels: [String]
    private let logPrior: [Double]
    private let logLikelihood: [[Character: Double]]
    private let unseenLogLikelihood: [Double]

    public init(_ examples: [LabelledText], smoothing: Double = 1) {
        labels = Set(examples.map(\.label)).sorted()
        var counts = Array(repeating: [Character: Int](), count: labels.count)
        var documents = Array(repeating: 0, count: labels.count)
        var vocabulary = Set<Character>()
        for example in examples {
            let label = labels.firstIndex(of: example.label)!
            documents[label] += 1
            for character in Self.characters(example.title + example.content) {
                counts[label][character, default: 0] += 1
                vocabulary.insert(character)
            }
        }
        let size = Double(vocabulary.count)
        logPrior = documents.map { log(Double($0) / Double(examples.count)) }
        unseenLogLikelihood = counts.map { log(smoothing / (Double($0.values.reduce(0, +)) + smoothing * size)) }
        logLikelihood = counts.map { table in
            let total = Double(table.values.reduce(0, +)) + smoothing * size
            return table.mapValues { log((Double($0) + smoothing) / total) }
        }
    }

    static func characters(_ text: String) -> [Character] {
        text.precomposedStringWithCompatibilityMapping.lowercased().filter(\.isLetter).map { $0 }
    }

    public func suggest(title: String, content: String, top: Int) -> [LabelSuggestion] {
        let characters = Self.characters(title + content)
        guard top > 0, !characters.isEmpty else { return [] }
        let scores = labels.indices.map { label in
            characters.reduce(logPrior[label]) { $0 + (logLikelihood[label][$1] ?? unseenLogLikelihood[label]) }
        }
        let best = scores.max()!
        let exps = scores.map { exp($0 - best) }
        let sum = exps.reduce(0, +)
        return labels.indices
            .sorted { scores[$0] > scores[$1] }
            .prefix(top)
            .map { LabelSuggestion(label: labels[$0], confidence: exps[$0] / sum) }
    }
}
