import Foundation

/// A demand's text with the label a person gave it: its category (诉求分类), or the unit that finally
/// solved it (最终承办单位).
public struct LabelledText: Sendable, Hashable, Codable {
    /// The demand's title (标题); may be empty.
    public var title: String
    /// The demand's content (诉求内容).
    public var content: String
    /// The label a person gave: a category name or a unit code.
    public var label: String

    public init(title: String = "", content: String, label: String) {
        self.title = title
        self.content = content
        self.label = label
    }
}

/// One suggested label with its calibrated probability of being right.
public struct LabelSuggestion: Sendable, Hashable, Codable {
    /// One of the model's ``TextClassifier/labels``.
    public var label: String
    /// Probability in 0…1; over all labels the confidences sum to 1, so the top few sum to at most 1.
    public var confidence: Double

    public init(label: String, confidence: Double) {
        self.label = label
        self.confidence = confidence
    }
}

/// Anything that suggests labels for a text, best first. ``ClassifierEvaluation`` measures any of them, so a
/// model and a baseline are measured the same way.
public protocol LabelSuggester: Sendable {
    /// Every label the suggester can give.
    var labels: [String] { get }
    /// At most `top` labels, highest confidence first; empty when the text has nothing to go on.
    func suggest(title: String, content: String, top: Int) -> [LabelSuggestion]
}

/// Suggests labels for a demand's text at intake (受理时推荐分类、承办单位): a multinomial logistic regression
/// (softmax) over TF-IDF character n-grams, with a temperature fitted on held-out examples so that a
/// confidence of 0.8 is right about 80 % of the time.
///
/// Pure and deterministic: the same examples and options give the same model. Train it with
/// ``ClassifierTraining`` (held-out evaluation and calibration) or ``train(_:options:trainedAt:)``; store it
/// as JSON (`Codable`, with ``formatVersion``).
public struct TextClassifier: LabelSuggester, Codable {
    /// Version of the serialized form; bumped whenever features or layout change meaning.
    public static let formatVersion = 1

    /// The labels, sorted; suggestions name these.
    public let labels: [String]
    /// When the caller trained the model (Core reads no clock, so it is given), if it said.
    public let trainedAt: Date?
    /// How many examples the final model was fitted on.
    public let exampleCount: Int
    /// The options the model was trained with.
    public let options: TrainingOptions
    /// Softmax temperature: logits are divided by it. 1 until ``calibrated(on:)``.
    public internal(set) var temperature: Double

    let vocabulary: FeatureVocabulary
    /// Feature-major: the weights of feature `f` are `weights[f * labels.count ..< (f + 1) * labels.count]`,
    /// so a prediction reads one contiguous row per n-gram found.
    let weights: [Float]
    let bias: [Float]

    init(
        labels: [String], trainedAt: Date?, exampleCount: Int, options: TrainingOptions, temperature: Double,
        vocabulary: FeatureVocabulary, weights: [Float], bias: [Float]
    ) {
        self.labels = labels
        self.trainedAt = trainedAt
        self.exampleCount = exampleCount
        self.options = options
        self.temperature = temperature
        self.vocabulary = vocabulary
        self.weights = weights
        self.bias = bias
    }

    /// Number of n-gram features the model knows.
    public var featureCount: Int { vocabulary.count }

    /// The `top` most probable labels for a demand, best first (ties in label order). Empty when `top` < 1
    /// or when the text has no n-gram the model knows (blank, punctuation only, an unknown script).
    public func suggest(title: String = "", content: String, top: Int = 3) -> [LabelSuggestion] {
        let vector = vocabulary.vector(title: title, content: content)
        guard top > 0, !vector.isEmpty else { return [] }
        let probabilities = Self.softmax(logits(vector), temperature: temperature)
        return probabilities.indices
            .sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
            .prefix(top)
            .map { LabelSuggestion(label: labels[$0], confidence: probabilities[$0]) }
    }

    func logits(_ vector: SparseVector) -> [Float] {
        var logits = bias
        let width = labels.count
        weights.withUnsafeBufferPointer { weights in
            logits.withUnsafeMutableBufferPointer { logits in
                for (feature, value) in zip(vector.indices, vector.values) {
                    let row = Int(feature) * width
                    for label in 0..<width { logits[label] += value * weights[row + label] }
                }
            }
        }
        return logits
    }

    /// Numerically stable softmax of `logits / temperature`, in Double.
    static func softmax(_ logits: [Float], temperature: Double) -> [Double] {
        let scaled = logits.map { Double($0) / temperature }
        let top = scaled.max() ?? 0
        let exps = scaled.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

// MARK: - Codable

extension TextClassifier {
    private enum CodingKeys: String, CodingKey {
        case formatVersion, labels, trainedAt, exampleCount, options, temperature, ngrams, idf, weights, bias
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .formatVersion)
        guard version == Self.formatVersion else { throw ClassifierError.unsupportedFormat(version: version) }
        let labels = try container.decode([String].self, forKey: .labels)
        let options = try container.decode(TrainingOptions.self, forKey: .options)
        let temperature = try container.decode(Double.self, forKey: .temperature)
        let grams = try container.decode([String].self, forKey: .ngrams)
        let keys = grams.compactMap(FeatureVocabulary.key(for:))
        let idf = try FloatPacking.unpack(container.decode(String.self, forKey: .idf))
        let weights = try FloatPacking.unpack(container.decode(String.self, forKey: .weights))
        let bias = try container.decode([Float].self, forKey: .bias)
        guard labels.count >= 2, Set(labels).count == labels.count else {
            throw ClassifierError.corruptModel("labels must be at least two and distinct")
        }
        guard keys.count == grams.count, Set(keys).count == keys.count, idf.count == keys.count else {
            throw ClassifierError.corruptModel("n-grams and IDF do not match")
        }
        guard weights.count == keys.count * labels.count, bias.count == labels.count else {
            throw ClassifierError.corruptModel("weights do not match labels × n-grams")
        }
        guard temperature > 0, temperature.isFinite else {
            throw ClassifierError.corruptModel("temperature must be positive")
        }
        try options.validate()
        self.init(
            labels: labels,
            trainedAt: try container.decodeIfPresent(Date.self, forKey: .trainedAt),
            exampleCount: try container.decode(Int.self, forKey: .exampleCount),
            options: options,
            temperature: temperature,
            vocabulary: FeatureVocabulary(
                keys: keys, idf: idf, orders: options.ngramOrders, titleWeight: Float(options.titleWeight)
            ),
            weights: weights,
            bias: bias
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(labels, forKey: .labels)
        try container.encodeIfPresent(trainedAt, forKey: .trainedAt)
        try container.encode(exampleCount, forKey: .exampleCount)
        try container.encode(options, forKey: .options)
        try container.encode(temperature, forKey: .temperature)
        try container.encode(vocabulary.keys.map(FeatureVocabulary.string(for:)), forKey: .ngrams)
        try container.encode(FloatPacking.pack(vocabulary.idf), forKey: .idf)
        try container.encode(FloatPacking.pack(weights), forKey: .weights)
        try container.encode(bias, forKey: .bias)
    }
}

/// Large float arrays as base64 of little-endian IEEE 754 singles: about a third of the size of JSON
/// numbers, and bit-exact, so a decoded model predicts exactly what the encoded one did.
enum FloatPacking {
    static func pack(_ values: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    static func unpack(_ text: String) throws(ClassifierError) -> [Float] {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
            throw .corruptModel("float array is not base64 of 4-byte values")
        }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { offset in
            let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}
