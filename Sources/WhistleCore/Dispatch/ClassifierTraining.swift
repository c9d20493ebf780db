import Foundation

/// A trained classifier and how it did on examples held out from its training.
public struct TrainedClassifier: Sendable {
    /// The calibrated model, ready to serve and store.
    public var classifier: TextClassifier
    /// Accuracy, macro-F1, confusion and calibration on the held-out part. When the model was retrained on
    /// everything, this describes its slightly less informed predecessor — the usual, honest estimate.
    public var heldOut: ClassifierEvaluation
}

/// The training procedure to run whenever labelled demands are (re)learned from (每次训练都报告留出集准确率):
/// split off a stratified held-out part, train on the rest, fit the temperature on the held-out part,
/// evaluate there, and optionally retrain on everything with that temperature.
public enum ClassifierTraining {
    /// - Parameters:
    ///   - heldOutFraction: share of each label's examples held out (default 15 %).
    ///   - retrainOnAll: refit on all examples after evaluating, so no labelled demand is wasted.
    ///   - trainedAt: recorded in the model; Core reads no clock, so the caller gives it.
    public static func run(
        _ examples: [LabelledText],
        options: TextClassifier.TrainingOptions = .init(),
        heldOutFraction: Double = 0.15,
        retrainOnAll: Bool = true,
        trainedAt: Date? = nil
    ) throws(ClassifierError) -> TrainedClassifier {
        _ = try TextClassifier.checkedLabels(examples)
        let parts = try CrossValidation.split(examples, heldOutFraction: heldOutFraction, seed: options.seed)
        guard !parts.heldOut.isEmpty else { throw .tooFewToHoldOut }
        let training = parts.training.map { examples[$0] }
        let heldOut = parts.heldOut.map { examples[$0] }
        let first = try TextClassifier.train(training, options: options, trainedAt: trainedAt).calibrated(on: heldOut)
        let evaluation = ClassifierEvaluation.of(first, on: heldOut)
        guard retrainOnAll else { return TrainedClassifier(classifier: first, heldOut: evaluation) }
        var final = try TextClassifier.train(examples, options: options, trainedAt: trainedAt)
        final.temperature = first.temperature
        return TrainedClassifier(classifier: final, heldOut: evaluation)
    }
}
