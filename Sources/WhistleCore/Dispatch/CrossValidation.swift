/// Seeded, stratified splits of labelled examples (分层抽样): every part keeps roughly the label mix of the
/// whole, so a rare category is not left out of a test part by chance.
public enum CrossValidation {
    /// One round of k-fold cross-validation: indices into the examples.
    public struct Fold: Sendable, Hashable {
        /// Indices to train on, ascending.
        public var training: [Int]
        /// Indices to test on, ascending.
        public var test: [Int]
    }

    /// `k` folds whose test parts cover every example exactly once. Within each label (in sorted order) the
    /// examples are shuffled with `seed` and dealt to the folds in turn, continuing from where the previous
    /// label stopped, so fold sizes differ by at most one.
    public static func folds(_ examples: [LabelledText], k: Int, seed: UInt64) throws(ClassifierError) -> [Fold] {
        guard k >= 2, k <= examples.count else {
            throw .invalidOption(name: "k", reason: "must lie within 2…\(max(2, examples.count)) (the number of examples)")
        }
        var tests = Array(repeating: [Int](), count: k)
        var next = 0
        for group in shuffledGroups(examples, seed: seed) {
            for index in group {
                tests[next].append(index)
                next = (next + 1) % k
            }
        }
        return tests.map { test in
            let inTest = Set(test)
            return Fold(training: examples.indices.filter { !inTest.contains($0) }, test: test.sorted())
        }
    }

    /// A held-out part of about `fraction` of each label's examples (rounded, at least one for a label with
    /// two or more examples, never all of them), and the rest for training.
    public static func split(
        _ examples: [LabelledText], heldOutFraction fraction: Double, seed: UInt64
    ) throws(ClassifierError) -> (training: [Int], heldOut: [Int]) {
        guard fraction > 0, fraction < 1 else {
            throw .invalidOption(name: "heldOutFraction", reason: "must lie strictly between 0 and 1")
        }
        var training: [Int] = [], heldOut: [Int] = []
        for group in shuffledGroups(examples, seed: seed) {
            let take = group.count < 2 ? 0 : min(group.count - 1, max(1, Int((Double(group.count) * fraction).rounded())))
            heldOut += group.prefix(take)
            training += group.dropFirst(take)
        }
        return (training.sorted(), heldOut.sorted())
    }

    /// Example indices grouped by label (labels sorted), each group shuffled by one generator.
    private static func shuffledGroups(_ examples: [LabelledText], seed: UInt64) -> [[Int]] {
        var random = SplitMix64(seed: seed)
        let groups = Dictionary(grouping: examples.indices, by: { examples[$0].label })
        return groups.keys.sorted().map { groups[$0]!.shuffled(using: &random) }
    }
}
