import Foundation

extension TextClassifier {
    /// How a ``TextClassifier`` is fitted. The defaults were chosen by 5-fold cross-validation (three seeds)
    /// on a sample of labelled 12345 messages (7 categories, 495 texts): trigrams, a heavier title, less or
    /// more L2 and more epochs all did slightly worse.
    public struct TrainingOptions: Sendable, Hashable, Codable {
        /// N-gram orders (字 unigrams … trigrams), within 1…3.
        public var ngramOrders: ClosedRange<Int>
        /// Weight of the title's own n-grams relative to the whole text's (0 ignores the title as such).
        public var titleWeight: Double
        /// An n-gram must occur in at least this many training texts to become a feature.
        public var minDocumentFrequency: Int
        /// At most this many features (the most frequent), to keep the model small.
        public var maxFeatures: Int
        /// Passes over the training examples.
        public var epochs: Int
        /// AdaGrad base step size.
        public var learningRate: Double
        /// L2 penalty on the weights, per example update.
        public var l2: Double
        /// Seed for the order examples are visited in and for held-out splits.
        public var seed: UInt64

        public init(
            ngramOrders: ClosedRange<Int> = 1...2,
            titleWeight: Double = 1,
            minDocumentFrequency: Int = 2,
            maxFeatures: Int = 50_000,
            epochs: Int = 30,
            learningRate: Double = 0.5,
            l2: Double = 3e-4,
            seed: UInt64 = 12345
        ) {
            self.ngramOrders = ngramOrders
            self.titleWeight = titleWeight
            self.minDocumentFrequency = minDocumentFrequency
            self.maxFeatures = maxFeatures
            self.epochs = epochs
            self.learningRate = learningRate
            self.l2 = l2
            self.seed = seed
        }

        func validate() throws(ClassifierError) {
            guard ngramOrders.lowerBound >= 1, ngramOrders.upperBound <= CharacterNGrams.maxOrder else {
                throw .invalidOption(name: "ngramOrders", reason: "must lie within 1…\(CharacterNGrams.maxOrder)")
            }
            guard titleWeight >= 0, titleWeight.isFinite else { throw .invalidOption(name: "titleWeight", reason: "must be ≥ 0") }
            guard minDocumentFrequency >= 1 else { throw .invalidOption(name: "minDocumentFrequency", reason: "must be ≥ 1") }
            guard maxFeatures >= 1 else { throw .invalidOption(name: "maxFeatures", reason: "must be ≥ 1") }
            guard epochs >= 1 else { throw .invalidOption(name: "epochs", reason: "must be ≥ 1") }
            guard learningRate > 0, learningRate.isFinite else {
                throw .invalidOption(name: "learningRate", reason: "must be > 0")
            }
            guard l2 >= 0, l2.isFinite else { throw .invalidOption(name: "l2", reason: "must be ≥ 0") }
        }
    }

    /// Fits a model on all `examples` (temperature 1, i.e. uncalibrated). Most callers want
    /// ``ClassifierTraining/run(_:options:heldOutFraction:retrainOnAll:trainedAt:)``, which also calibrates
    /// and evaluates.
    ///
    /// Refuses an empty list, a blank label, a text without letters or digits, and a single label.
    public static func train(
        _ examples: [LabelledText], options: TrainingOptions = .init(), trainedAt: Date? = nil
    ) throws(ClassifierError) -> TextClassifier {
        try options.validate()
        let labels = try checkedLabels(examples)
        let vocabulary = FeatureVocabulary(
            texts: examples.map { ($0.title, $0.content) },
            orders: options.ngramOrders,
            titleWeight: Float(options.titleWeight),
            minDocumentFrequency: options.minDocumentFrequency,
            maxFeatures: options.maxFeatures
        )
        guard vocabulary.count > 0 else { throw .noFeatures }
        let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, $0.offset) })
        var fit = SoftmaxFit(featureCount: vocabulary.count, labelCount: labels.count, options: options)
        fit.run(vectors: examples.map { vocabulary.vector(title: $0.title, content: $0.content) }, targets: examples.map { position[$0.label]! })
        return TextClassifier(
            labels: labels, trainedAt: trainedAt, exampleCount: examples.count, options: options, temperature: 1,
            vocabulary: vocabulary, weights: fit.weights, bias: fit.bias
        )
    }

    /// The sorted distinct labels, after refusing what cannot be trained on.
    static func checkedLabels(_ examples: [LabelledText]) throws(ClassifierError) -> [String] {
        guard !examples.isEmpty else { throw .noExamples }
        for (index, example) in examples.enumerated() {
            if example.label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .emptyLabel(index: index) }
            if CharacterNGrams.runs(example.title + example.content).isEmpty { throw .emptyText(index: index) }
        }
        let labels = Set(examples.map(\.label)).sorted()
        guard labels.count >= 2 else { throw .singleLabel(labels[0]) }
        return labels
    }

    /// The same model with its temperature fitted to `examples` (temperature scaling, Guo et al. 2017): the
    /// one temperature that minimises their negative log-likelihood. Scaling never changes which label
    /// ranks first, only how sure the model says it is. Examples with unknown labels or no known n-gram are
    /// skipped; with none left the model is returned unchanged.
    public func calibrated(on examples: [LabelledText]) -> TextClassifier {
        let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, $0.offset) })
        let scored: [(logits: [Float], target: Int)] = examples.compactMap { example in
            guard let target = position[example.label] else { return nil }
            let vector = vocabulary.vector(title: example.title, content: example.content)
            return vector.isEmpty ? nil : (logits(vector), target)
        }
        guard !scored.isEmpty else { return self }
        func negativeLogLikelihood(_ logTemperature: Double) -> Double {
            let temperature = exp(logTemperature)
            return scored.reduce(0) { sum, item in
                let scaled = item.logits.map { Double($0) / temperature }
                let top = scaled.max()!
                let logSum = top + log(scaled.reduce(0) { $0 + exp($1 - top) })
                return sum + logSum - scaled[item.target]
            }
        }
        // NLL is convex in 1/T, hence unimodal in ln T: golden-section search over T in 0.01…100.
        var low = log(0.01), high = log(100.0)
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = high - ratio * (high - low), b = low + ratio * (high - low)
        var fa = negativeLogLikelihood(a), fb = negativeLogLikelihood(b)
        for _ in 0..<60 {
            if fa < fb {
                high = b; b = a; fb = fa
                a = high - ratio * (high - low); fa = negativeLogLikelihood(a)
            } else {
                low = a; a = b; fa = fb
                b = low + ratio * (high - low); fb = negativeLogLikelihood(b)
            }
        }
        var model = self
        model.temperature = exp((low + high) / 2)
        return model
    }
}

/// Multinomial logistic regression fitted by stochastic gradient descent with AdaGrad step sizes (per
/// weight, so rare n-grams still learn) and L2 on the weights an example touches.
private struct SoftmaxFit {
    var weights: [Float]
    var bias: [Float]
    private var weightSquares: [Float]
    private var biasSquares: [Float]
    private let labelCount: Int
    private let options: TextClassifier.TrainingOptions

    init(featureCount: Int, labelCount: Int, options: TextClassifier.TrainingOptions) {
        weights = Array(repeating: 0, count: featureCount * labelCount)
        weightSquares = Array(repeating: 0, count: featureCount * labelCount)
        bias = Array(repeating: 0, count: labelCount)
        biasSquares = Array(repeating: 0, count: labelCount)
        self.labelCount = labelCount
        self.options = options
    }

    mutating func run(vectors: [SparseVector], targets: [Int]) {
        var random = SplitMix64(seed: options.seed)
        var order = Array(vectors.indices)
        let rate = Float(options.learningRate), l2 = Float(options.l2), epsilon: Float = 1e-8
        let width = labelCount
        var gradient = [Float](repeating: 0, count: width)
        for _ in 0..<options.epochs {
            order.shuffle(using: &random)
            for example in order {
                let vector = vectors[example]
                // Forward: probabilities; gradient of the log-loss w.r.t. the logits is p − onehot(target).
                var logits = bias
                weights.withUnsafeBufferPointer { w in
                    for (feature, value) in zip(vector.indices, vector.values) {
                        let row = Int(feature) * width
                        for label in 0..<width { logits[label] += value * w[row + label] }
                    }
                }
                let top = logits.max()!
                var sum: Float = 0
                for label in 0..<width {
                    gradient[label] = exp(logits[label] - top)
                    sum += gradient[label]
                }
                for label in 0..<width { gradient[label] /= sum }
                gradient[targets[example]] -= 1
                for label in 0..<width {
                    biasSquares[label] += gradient[label] * gradient[label]
                    bias[label] -= rate * gradient[label] / (biasSquares[label].squareRoot() + epsilon)
                }
                weights.withUnsafeMutableBufferPointer { w in
                    weightSquares.withUnsafeMutableBufferPointer { g2 in
                        for (feature, value) in zip(vector.indices, vector.values) {
                            let row = Int(feature) * width
                            for label in 0..<width {
                                let g = gradient[label] * value + l2 * w[row + label]
                                g2[row + label] += g * g
                                w[row + label] -= rate * g / (g2[row + label].squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
        }
    }
}
