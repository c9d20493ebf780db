import Foundation

/// Character n-grams of a demand's text. Chinese is written without spaces and 12345 texts are full of
/// typos and local names, so overlapping characters (字 n-gram) work better than a word segmenter and need
/// no dictionary.
///
/// Normalisation, character by character: NFKC and lower case (full-width “ＡＢＣ１２３” → “abc123”), every
/// run of digits becomes one `0` (house numbers and dates say nothing about the category), and everything
/// that is not a letter or a digit (punctuation, symbols, spaces, emoji) separates runs; n-grams never
/// cross a separator.
enum CharacterNGrams {
    /// Longest n-gram: three scalars of 21 bits each fit one `UInt64` key.
    static let maxOrder = 3

    /// The runs of normalised text between separators.
    static func runs(_ text: String) -> [[Unicode.Scalar]] {
        var runs: [[Unicode.Scalar]] = []
        var run: [Unicode.Scalar] = []
        func add(_ scalar: Unicode.Scalar) {
            switch kind(of: scalar) {
            case .letter(let letter): run.append(letter)
            case .digit: if run.last != "0" { run.append("0") }
            case .separator:
                if !run.isEmpty { runs.append(run) }
                run = []
            case .normalise:
                for mapped in String(scalar).precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
                    switch kind(of: mapped) {
                    case .letter(let letter): run.append(letter)
                    case .digit: if run.last != "0" { run.append("0") }
                    case .separator, .normalise:
                        if !run.isEmpty { runs.append(run) }
                        run = []
                    }
                }
            }
        }
        for scalar in text.unicodeScalars { add(scalar) }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    private enum Kind {
        case letter(Unicode.Scalar), digit, separator, normalise
    }

    /// ASCII and the CJK Unified Ideographs (NFKC-stable, caseless) take a fast path: Unicode property
    /// look-ups cost more than the rest of feature extraction together.
    private static func kind(of scalar: Unicode.Scalar) -> Kind {
        switch scalar.value {
        case 0x30...0x39: return .digit
        case 0x61...0x7A, 0x4E00...0x9FFF: return .letter(scalar)
        case 0x41...0x5A: return .letter(Unicode.Scalar(UInt8(scalar.value + 0x20)))
        case 0..<0x80: return .separator
        default:
            let properties = scalar.properties
            if properties.numericType == .decimal { return .digit }
            if !properties.changesWhenNFKCCaseFolded { return properties.isAlphabetic ? .letter(scalar) : .separator }
            switch properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber,
                 .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
                return .normalise
            default:
                return .separator
            }
        }
    }

    /// Keys of every n-gram of order `orders` in the text, with repetitions. A key packs the n-gram's scalars
    /// 21 bits each; scalars are never 0 here, so keys of different orders never collide.
    static func keys(_ text: String, orders: ClosedRange<Int>) -> [UInt64] {
        var keys: [UInt64] = []
        for run in runs(text) {
            for start in run.indices {
                var key: UInt64 = 0
                for order in 1...orders.upperBound {
                    let end = start + order
                    if end > run.count { break }
                    key = key << 21 | UInt64(run[end - 1].value)
                    if order >= orders.lowerBound { keys.append(key) }
                }
            }
        }
        return keys
    }

    /// The n-gram a key stands for, for the serialized vocabulary.
    static func string(for key: UInt64) -> String {
        var scalars: [Unicode.Scalar] = []
        var rest = key
        while rest != 0 {
            scalars.append(Unicode.Scalar(UInt32(rest & 0x1F_FFFF)) ?? "\u{FFFD}")
            rest >>= 21
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars.reversed())
        return text
    }

    /// The key of a serialized n-gram, or `nil` when it is empty or too long.
    static func key(for gram: String) -> UInt64? {
        let scalars = gram.unicodeScalars
        guard (1...maxOrder).contains(scalars.count) else { return nil }
        return scalars.reduce(0) { $0 << 21 | UInt64($1.value) }
    }
}

/// A sparse, L2-normalised feature vector: feature indices ascending, with their weights.
struct SparseVector: Sendable {
    var indices: [Int32] = []
    var values: [Float] = []

    var isEmpty: Bool { indices.isEmpty }
}

/// The n-grams the model knows, with their inverse document frequency (IDF). Dictionary features rather
/// than hashing, so a model can be inspected and nothing collides.
///
/// Two feature families: n-grams of the whole text (title and content), and n-grams of the title alone,
/// marked by the top key bit. The title is the caller's own summary of the demand, so its words count
/// twice; on 12345 messages this lifted cross-validated accuracy by about four points.
struct FeatureVocabulary: Sendable {
    /// Marks a title n-gram's key; n-gram keys use only the low 63 bits.
    static let titleFlag: UInt64 = 1 << 63
    /// Prefix of a title n-gram in the serialized vocabulary; n-grams never contain a colon.
    static let titlePrefix = "title:"

    /// N-gram keys in feature order (ascending, so whole-text features come before title features).
    private(set) var keys: [UInt64]
    /// Smoothed IDF per feature: ln((1 + n) / (1 + df)) + 1.
    private(set) var idf: [Float]
    let orders: ClosedRange<Int>
    /// Scale of the title part of a vector relative to the whole-text part (each is L2-normalised).
    let titleWeight: Float
    private let index: [UInt64: Int32]

    var count: Int { keys.count }

    init(keys: [UInt64], idf: [Float], orders: ClosedRange<Int>, titleWeight: Float) {
        self.keys = keys
        self.idf = idf
        self.orders = orders
        self.titleWeight = titleWeight
        index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, Int32($0.offset)) })
    }

    /// The n-grams found in at least `minDocumentFrequency` texts, the `maxFeatures` most frequent ones when
    /// there are more (ties broken by key, so the result does not depend on dictionary order).
    init(
        texts: [(title: String, content: String)], orders: ClosedRange<Int>, titleWeight: Float,
        minDocumentFrequency: Int, maxFeatures: Int
    ) {
        var documentFrequency: [UInt64: Int] = [:]
        for text in texts {
            let keys = Self.keys(title: text.title, content: text.content, orders: orders)
            for key in Set(keys.whole).union(keys.title) { documentFrequency[key, default: 0] += 1 }
        }
        let kept = documentFrequency
            .filter { $0.value >= minDocumentFrequency }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(maxFeatures)
            .sorted { $0.key < $1.key }
        let n = Float(texts.count)
        self.init(
            keys: kept.map(\.key),
            idf: kept.map { log((1 + n) / (1 + Float($0.value))) + 1 },
            orders: orders,
            titleWeight: titleWeight
        )
    }

    private static func keys(
        title: String, content: String, orders: ClosedRange<Int>
    ) -> (whole: [UInt64], title: [UInt64]) {
        let titleKeys = CharacterNGrams.keys(title, orders: orders)
        return (titleKeys + CharacterNGrams.keys(content, orders: orders), titleKeys.map { $0 | titleFlag })
    }

    /// TF-IDF with sublinear term frequency (1 + ln tf); each family L2-normalised so long complaints do not
    /// outweigh short ones, the title family then scaled by ``titleWeight``. Unknown n-grams are ignored.
    func vector(title: String, content: String) -> SparseVector {
        let keys = Self.keys(title: title, content: content, orders: orders)
        var vector = SparseVector()
        append(keys.whole, scale: 1, to: &vector)
        if titleWeight > 0 { append(keys.title, scale: titleWeight, to: &vector) }
        return vector
    }

    /// Appends one family's normalised TF-IDF entries; families occupy disjoint, ascending index ranges.
    private func append(_ keys: [UInt64], scale: Float, to vector: inout SparseVector) {
        var found = keys.compactMap { index[$0] }
        guard !found.isEmpty else { return }
        found.sort()
        let first = vector.values.count
        var start = 0
        while start < found.count {
            var end = start + 1
            while end < found.count && found[end] == found[start] { end += 1 }
            vector.indices.append(found[start])
            vector.values.append((1 + log(Float(end - start))) * idf[Int(found[start])])
            start = end
        }
        let norm = vector.values[first...].reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in first..<vector.values.count { vector.values[i] *= scale / norm }
    }

    /// The serialized form of a key: the n-gram, prefixed by ``titlePrefix`` for a title n-gram.
    static func string(for key: UInt64) -> String {
        key & titleFlag == 0
            ? CharacterNGrams.string(for: key)
            : titlePrefix + CharacterNGrams.string(for: key & ~titleFlag)
    }

    /// The key of a serialized n-gram, or `nil` when it is not one.
    static func key(for gram: String) -> UInt64? {
        gram.hasPrefix(titlePrefix)
            ? CharacterNGrams.key(for: String(gram.dropFirst(titlePrefix.count))).map { $0 | titleFlag }
            : CharacterNGrams.key(for: gram)
    }
}
