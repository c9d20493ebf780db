@testable import WhistleCore
import Testing

@Suite("Text classifier: refusals")
struct ClassifierRefusalTests {
    static let two = [LabelledText(content: "暖气不热", label: "供暖"), LabelledText(content: "深夜噪音", label: "噪音")]

    @Test func refusesNoExamples() {
        #expect(throws: ClassifierError.noExamples) { try TextClassifier.train([]) }
        #expect(throws: ClassifierError.noExamples) { try ClassifierTraining.run([]) }
    }

    @Test func refusesASingleLabel() {
        let one = [LabelledText(content: "暖气不热", label: "供暖"), LabelledText(content: "暖气停了", label: "供暖")]
        #expect(throws: ClassifierError.singleLabel("供暖")) { try TextClassifier.train(one) }
    }

    @Test func refusesEmptyTextsAndLabels() {
        #expect(throws: ClassifierError.emptyText(index: 2)) {
            try TextClassifier.train(Self.two + [LabelledText(title: " ", content: "，。！", label: "供暖")])
        }
        #expect(throws: ClassifierError.emptyLabel(index: 1)) {
            try TextClassifier.train([Self.two[0], LabelledText(content: "深夜噪音", label: "  ")])
        }
    }

    @Test func refusesBadOptions() {
        let cases: [(TextClassifier.TrainingOptions, String)] = [
            (.init(ngramOrders: 0...2), "ngramOrders"),
            (.init(ngramOrders: 1...4), "ngramOrders"),
            (.init(titleWeight: -1), "titleWeight"),
            (.init(minDocumentFrequency: 0), "minDocumentFrequency"),
            (.init(maxFeatures: 0), "maxFeatures"),
            (.init(epochs: 0), "epochs"),
            (.init(learningRate: 0), "learningRate"),
            (.init(l2: .nan), "l2"),
        ]
        for (options, name) in cases {
            #expect {
                try TextClassifier.train(Self.two, options: options)
            } throws: { error in
                guard case let .invalidOption(field, _) = error as? ClassifierError else { return false }
                return field == name
            }
        }
    }

    @Test func refusesWhenNoFeatureIsFrequentEnough() {
        #expect(throws: ClassifierError.noFeatures) {
            try TextClassifier.train(Self.two, options: .init(minDocumentFrequency: 5))
        }
    }

    @Test func refusesTrainingWhenNothingCanBeHeldOut() {
        // One example per label: holding one out would remove its label from training.
        #expect(throws: ClassifierError.tooFewToHoldOut) { try ClassifierTraining.run(Self.two) }
        #expect(throws: ClassifierError.invalidOption(name: "heldOutFraction", reason: "must lie strictly between 0 and 1")) {
            try ClassifierTraining.run(Self.two + Self.two, heldOutFraction: 1)
        }
    }

    @Test func refusesImpossibleFolds() {
        #expect(throws: ClassifierError.self) { try CrossValidation.folds(Self.two, k: 1, seed: 1) }
        #expect(throws: ClassifierError.self) { try CrossValidation.folds(Self.two, k: 3, seed: 1) }
    }

    @Test func errorsExplainThemselvesInBothLanguages() {
        let errors: [ClassifierError] = [
            .noExamples, .singleLabel("供暖"), .emptyText(index: 0), .emptyLabel(index: 0), .tooFewToHoldOut,
            .noFeatures, .invalidOption(name: "epochs", reason: "must be ≥ 1"), .unsupportedFormat(version: 2),
            .corruptModel("x"),
        ]
        #expect(Set(errors.map(\.code)).count == errors.count)
        for error in errors {
            #expect(error.code.hasPrefix("classifier."))
            #expect(error.kind == .invalid)
            #expect(!error.messageZh.isEmpty && !error.messageEn.isEmpty)
        }
        #expect(ClassifierError.emptyText(index: 2).messageZh == "第 3 条样本的文本为空或只有标点")
    }
}
