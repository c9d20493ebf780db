/// 知识库: the answers the centre gave before (直接答复) to consultations like a new one, so the hotline agent
/// answers at once and alike. The city's own answered consultations are the knowledge; the store finds those
/// of the category, this ranks them by how alike the questions read (character bigrams, as for duplicates).
public enum KnowledgeBase {
    public struct Answer: Sendable, Hashable {
        public var number: String
        public var question: String
        public var answer: String
        /// Dice similarity of the questions' bigrams, 0…1.
        public var similarity: Double
    }

    /// The answers to questions at least `minimumSimilarity` alike, most alike first, at most `limit`; the same
    /// answer text appears once.
    public static func answers(for question: String, among answered: [Demand], minimumSimilarity: Double = 0.15, limit: Int = 3) -> [Answer] {
        let asked = Duplicates.bigrams(question)
        var seen = Set<String>()
        return answered.compactMap { demand -> Answer? in
            guard let answer = demand.directAnswer else { return nil }
            let text = [demand.title, demand.content].compactMap { $0 }.joined(separator: " ")
            let similarity = Duplicates.dice(asked, Duplicates.bigrams(text))
            guard similarity >= minimumSimilarity else { return nil }
            return Answer(number: demand.number, question: demand.content, answer: answer, similarity: similarity)
        }
        .sorted { ($0.similarity, $0.number) > ($1.similarity, $1.number) }
        .filter { seen.insert($0.answer).inserted }
        .prefix(limit).map { $0 }
    }
}
