@testable import WhistleCore
import Foundation
import Testing

/// A model trained once on clean synthetic demands, shared by the tests that only read it.
enum Trained {
    static let examples: [LabelledText] = {
        var demands = SyntheticDemands(seed: 1, noise: 0.1)
        return demands.make(perLabel: 40)
    }()
    static let result: TrainedClassifier = try! ClassifierTraining.run(examples, trainedAt: Date(timeIntervalSince1970: 1_767_225_600))
}

@Suite("Text classifier: learning, suggestions, calibration, determinism, storage")
struct TextClassifierTests {
    @Test func learnsSeparableCategories() throws {
        var fresh = SyntheticDemands(seed: 99, noise: 0.1)
        let test = fresh.make(perLabel: 25)
        let evaluation = ClassifierEvaluation.of(Trained.result.classifier, on: test)
        #expect(evaluation.accuracy >= 0.95)
        #expect(evaluation.macroF1 >= 0.95)
        #expect(Trained.result.heldOut.count == 24)  // 15 % of 40 per label = 6, × 4 labels
        #expect(Trained.result.heldOut.accuracy >= 0.9)
        #expect(Trained.result.classifier.labels == ["供暖问题", "噪音扰民", "物业纠纷", "违章停车"])
        #expect(Trained.result.classifier.exampleCount == 160)  // retrained on everything
    }

    @Test func suggestsTopThreeAsOrderedProbabilities() {
        let model = Trained.result.classifier
        let suggestions = model.suggest(title: "深夜广场舞噪音", content: "小区附近每天深夜广场舞音响吵闹，希望尽快处理。")
        #expect(suggestions.count == 3)
        #expect(suggestions.first?.label == "噪音扰民")
        #expect(zip(suggestions, suggestions.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        #expect(suggestions.allSatisfy { (0...1).contains($0.confidence) })
        #expect(suggestions.map(\.confidence).reduce(0, +) <= 1 + 1e-9)
        // All four labels: the confidences are a distribution.
        let all = model.suggest(content: "暖气不热", top: 10)
        #expect(all.count == 4)
        #expect(abs(all.map(\.confidence).reduce(0, +) - 1) < 1e-9)
    }

    @Test func suggestsNothingWithoutText() {
        let model = Trained.result.classifier
        #expect(model.suggest(content: "") == [])
        #expect(model.suggest(title: "！！", content: "，。…… 😀") == [])
        #expect(model.suggest(content: "hello world") == [])  // no n-gram the model knows
        #expect(model.suggest(content: "暖气不热", top: 0) == [])
    }

    @Test func normalisesWidthCaseDigitsAndPunctuation() {
        let model = Trained.result.classifier
        // Full-width letters and digits, upper case, other digits and other punctuation give the same features.
        let a = model.suggest(title: "电梯ＡＢＣ１２３号", content: "物业，电梯坏了！")
        let b = model.suggest(title: "电梯abc9号", content: "物业 电梯坏了。")
        #expect(a == b)
    }

    /// Overlapping categories (60 % of category words borrowed from another), so the model must be unsure;
    /// a temperature fitted on the held-out part should bring confidence close to accuracy on fresh data.
    @Test func confidencesAreCalibrated() throws {
        var demands = SyntheticDemands(seed: 2, noise: 0.6)
        let training = demands.make(perLabel: 150)
        let test = demands.make(perLabel: 150)
        let trained = try ClassifierTraining.run(training, heldOutFraction: 0.25)
        let calibrated = ClassifierEvaluation.of(trained.classifier, on: test)
        let uncalibrated = ClassifierEvaluation.of(try TextClassifier.train(training), on: test)
        #expect((0.6...0.9).contains(calibrated.accuracy))
        #expect(trained.classifier.temperature != 1)
        #expect(calibrated.expectedCalibrationError < 0.07)
        #expect(calibrated.expectedCalibrationError < uncalibrated.expectedCalibrationError)
    }

    @Test func sameSeedSameModel() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let first = try ClassifierTraining.run(Trained.examples, trainedAt: Date(timeIntervalSince1970: 0))
        let second = try ClassifierTraining.run(Trained.examples, trainedAt: Date(timeIntervalSince1970: 0))
        #expect(try encoder.encode(first.classifier) == encoder.encode(second.classifier))
        #expect(first.heldOut == second.heldOut)
        let other = try ClassifierTraining.run(Trained.examples, options: .init(seed: 7), trainedAt: Date(timeIntervalSince1970: 0))
        #expect(try encoder.encode(other.classifier) != encoder.encode(first.classifier))
    }

    @Test func jsonRoundTripPredictsIdentically() throws {
        let model = Trained.result.classifier
        let data = try JSONEncoder().encode(model)
        let decoded = try JSONDecoder().decode(TextClassifier.self, from: data)
        #expect(decoded.labels == model.labels)
        #expect(decoded.trainedAt == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(decoded.exampleCount == 160)
        #expect(decoded.options == model.options)
        #expect(decoded.temperature == model.temperature)
        #expect(decoded.featureCount == model.featureCount)
        var demands = SyntheticDemands(seed: 5, noise: 0.5)
        for demand in demands.make(perLabel: 10) {
            #expect(decoded.suggest(title: demand.title, content: demand.content, top: 4)
                == model.suggest(title: demand.title, content: demand.content, top: 4))
        }
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["formatVersion"] as? Int == TextClassifier.formatVersion)
        #expect((json["ngrams"] as? [String])?.contains("title:暖气") == true)
    }

    @Test func refusesUnknownFormatAndCorruptModels() throws {
        let data = try JSONEncoder().encode(Trained.result.classifier)
        var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        json["formatVersion"] = 99
        #expect(throws: ClassifierError.unsupportedFormat(version: 99)) {
            try JSONDecoder().decode(TextClassifier.self, from: JSONSerialization.data(withJSONObject: json))
        }
        json["formatVersion"] = TextClassifier.formatVersion
        json["bias"] = [0.0]
        #expect(throws: ClassifierError.self) {
            try JSONDecoder().decode(TextClassifier.self, from: JSONSerialization.data(withJSONObject: json))
        }
    }
}
