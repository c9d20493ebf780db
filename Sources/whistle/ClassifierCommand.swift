import ArgumentParser
import Foundation
import WhistleCore
import WhistleStore

/// `whistle classifier …`: the learned category and unit suggestions (SPEC §7).
struct Classifier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The Chinese-text classifier behind category and unit suggestions.", subcommands: [Train.self, Versions.self, Eval.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the category and unit suggestions on the city's closed demands and store them as new versions.",
            discussion: """
                15% of the examples are held out to calibrate the confidences and to report accuracy and macro-F1;
                the stored model is then refitted on everything. Running servers load the new version within
                `dispatch.reload` seconds. With --data, one target is trained from a labelled CSV instead (title, detail
                and the label column: category codes, or unit codes and templates such as {street}-ZFD), e.g. the
                history exported from the platform Whistle replaces.
                """)

        @OptionGroup var database: DatabaseOptions
        @Option(help: "What to learn: category, unit, or both (default; one with --data).") var target: String?
        @Option(help: "Most closed demands to learn from, newest first.") var limit = 200_000
        @Option(help: "Seed of the held-out split and the training.") var seed: UInt64 = 1
        @Option(help: "Learn from this labelled CSV instead of the closed demands.") var data: String?
        @Option(help: "With --data: the column holding the label.") var labelColumn = "label"

        func validate() throws {
            if data != nil, target == nil { throw ValidationError("--data 需要 --target needs --target (category or unit)") }
        }

        func run() async throws {
            let targets = try target.map { name in
                guard let target = ClassifierTarget(rawValue: name) else { throw ValidationError("--target: category 或 or unit") }
                return [target]
            } ?? ClassifierTarget.allCases
            let file = try data.map { try LabelledFile.examples($0, labelColumn: labelColumn) }
            try await database.withStore { store in
                let repository = ClassifierRepository(store: store)
                for target in targets {
                    let now = Date()
                    let result: (version: Int?, trained: TrainedClassifier, examples: Int)
                    if let file {
                        let basedOn = try await repository.latest(target)?.version
                        let trained = try ClassifierTraining.run(file, options: .init(seed: seed), trainedAt: now)
                        result = (try await repository.save(trained, target: target, examples: file.count, basedOn: basedOn, at: now), trained, file.count)
                    } else {
                        result = try await repository.retrain(target, limit: limit, options: .init(seed: seed), at: now)
                    }
                    let evaluation = result.trained.heldOut
                    print(String(format: "%@ v%d: %d 条样本 examples, %d 个标签 labels; 留出集 held out: 准确率 accuracy %.3f, 宏平均 F1 macro-F1 %.3f, ECE %.3f",
                                 target.rawValue, result.version ?? 0, result.examples, result.trained.classifier.labels.count,
                                 evaluation.accuracy, evaluation.macroF1, evaluation.expectedCalibrationError))
                    if result.version == nil { print("另一服务器已存入更新版本，本次结果未保存 another server stored a newer version meanwhile; this one was not stored") }
                }
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored classifier versions, newest first, with their held-out figures.")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withStore { store in
                for target in ClassifierTarget.allCases {
                    for v in try await ClassifierRepository(store: store).versions(target) {
                        print(String(format: "%@\t%d\t%@\t%d\t%.3f\t%.3f", target.rawValue, v.version, v.trainedAt.ISO8601Format(), v.examples, v.accuracy, v.macroF1))
                    }
                }
            }
        }
    }

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accuracy, macro-F1 and the confusion table on labelled CSV (columns title, detail and a label column).",
            discussion: """
                Either --train A.csv --test B.csv, or --data X.csv --folds K (stratified K-fold cross-validation).
                Training holds out 15% of its data to calibrate the confidences, as `classifier train` will.
                With --baseline, a naive Bayes model on single characters is measured the same way, for comparison.
                """)

        @Option(help: "Labelled CSV to train on.") var train: String?
        @Option(help: "Labelled CSV to test on.") var test: String?
        @Option(help: "Labelled CSV for cross-validation.") var data: String?
        @Option(help: "Folds for cross-validation.") var folds = 5
        @Option(help: "The column holding the label.") var labelColumn = "label"
        @Option(help: "Seed of the folds and the training.") var seed: UInt64 = 1
        @Flag(help: "Also measure the naive Bayes baseline.") var baseline = false

        func validate() throws {
            guard (train != nil && test != nil && data == nil) || (data != nil && train == nil && test == nil) else {
                throw ValidationError("请给出 --train 与 --test，或 --data give --train and --test, or --data")
            }
        }

        func run() async throws {
            let runs: [(training: [LabelledText], test: [LabelledText])]
            if let data {
                let examples = try LabelledFile.examples(data, labelColumn: labelColumn)
                runs = try CrossValidation.folds(examples, k: folds, seed: seed).map { fold in
                    (fold.training.map { examples[$0] }, fold.test.map { examples[$0] })
                }
            } else {
                runs = [(try LabelledFile.examples(train!, labelColumn: labelColumn), try LabelledFile.examples(test!, labelColumn: labelColumn))]
            }
            var model: ClassifierEvaluation?, naive: ClassifierEvaluation?
            var micros: [Double] = []
            let clock = ContinuousClock()
            for (training, test) in runs {
                let trained = try ClassifierTraining.run(training, options: .init(seed: seed))
                var evaluation: ClassifierEvaluation!
                let elapsed = clock.measure { evaluation = ClassifierEvaluation.of(trained.classifier, on: test) }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                micros.append(seconds * 1e6 / Double(max(1, test.count)))
                model = model.map { $0.merged(with: evaluation) } ?? evaluation
                if baseline {
                    let nb = ClassifierEvaluation.of(NaiveBayesBaseline(training), on: test)
                    naive = naive.map { $0.merged(with: nb) } ?? nb
                }
            }
            report("模型 model (character 1–2-gram softmax, calibrated)", model!)
            print(String(format: "每条预测 prediction: %.0f µs (mean over %d run(s), top 3)", micros.reduce(0, +) / Double(micros.count), micros.count))
            if let naive { report("基线 baseline (naive Bayes, characters)", naive) }
        }

        private func report(_ name: String, _ evaluation: ClassifierEvaluation) {
            print("== \(name)")
            print(String(format: "准确率 accuracy %.3f  宏平均 F1 macro-F1 %.3f  ECE %.3f  (%d 条 examples)",
                         evaluation.accuracy, evaluation.macroF1, evaluation.expectedCalibrationError, evaluation.count))
            print(evaluation.confusion)
        }
    }
}

/// Labelled CSV files (columns title, detail and a label column) for training and evaluation.
enum LabelledFile {
    /// The rows of a labelled CSV; a row without a label is refused with its line.
    static func examples(_ path: String, labelColumn: String) throws -> [LabelledText] {
        let records = CSV.records(try readText(path))
        guard let header = records.first?.fields, let title = header.firstIndex(of: "title"), let detail = header.firstIndex(of: "detail"),
              let label = header.firstIndex(of: labelColumn)
        else { throw ValidationError("\(path): 需要 title、detail 与 \(labelColumn) 列 needs columns title, detail and \(labelColumn)") }
        return try records.dropFirst().map { record in
            guard record.fields.count == header.count, !record.fields[label].isEmpty else {
                throw ValidationError("\(path):\(record.line): 列数不符或缺少标签 wrong number of fields or no label")
            }
            return LabelledText(title: record.fields[title], content: record.fields[detail], label: record.fields[label])
        }
    }
}
