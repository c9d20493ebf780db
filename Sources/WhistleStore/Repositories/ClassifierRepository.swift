import Foundation
import SQLKit
import WhistleCore

/// A trained classifier as stored: its version per target, when and on how many closed demands it was
/// trained, and how it did on the part held out from training.
public struct StoredClassifier: Sendable {
    public var target: ClassifierTarget
    public var version: Int
    public var trainedAt: Date
    public var examples: Int
    public var heldOut: ClassifierEvaluation
    public var classifier: TextClassifier
}

/// Classifier versions (`whistle classifier train`, or the server's schedule). Versions are never replaced:
/// each training adds one, and the newest serves.
public struct ClassifierRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// The closed demands labelled for `target`, newest first, at most `limit`.
    public func trainingExamples(for target: ClassifierTarget, limit: Int) async throws -> [LabelledText] {
        try await store.read { db in
            let labelled: SQLQueryString = target == .category ? " AND category_code IS NOT NULL" : ""
            return try await db.raw("SELECT document FROM demands WHERE status = 'closed'\(labelled) ORDER BY sort_key DESC LIMIT \(bind: limit)")
                .all().compactMap { LabelledText(closed: try DemandRepository.decode(try $0.decode(column: "document", as: String.self)), target: target) }
        }
    }

    /// Trains `target` on the newest `limit` closed demands and stores the result as the next version
    /// (`whistle classifier train` and the server's schedule share this). The held-out figures come with
    /// the result; `version` is nil when another server stored a newer version during the training.
    public func retrain(
        _ target: ClassifierTarget, limit: Int, options: TextClassifier.TrainingOptions = .init(), at now: Date
    ) async throws -> (version: Int?, trained: TrainedClassifier, examples: Int) {
        let basedOn = try await latest(target)?.version
        let examples = try await trainingExamples(for: target, limit: limit)
        let trained = try ClassifierTraining.run(examples, options: options, trainedAt: now)
        return (try await save(trained, target: target, examples: examples.count, basedOn: basedOn, at: now), trained, examples.count)
    }

    /// Stores a training as the next version of its target, unless one newer than `basedOn` was stored
    /// meanwhile (two servers retraining at once): then nothing is stored and `nil` is returned.
    @discardableResult
    public func save(_ trained: TrainedClassifier, target: ClassifierTarget, examples: Int, basedOn: Int?, at now: Date) async throws -> Int? {
        let document = String(decoding: try JSONEncoder().encode(trained.classifier), as: UTF8.self)
        let evaluation = String(decoding: try JSONEncoder().encode(trained.heldOut), as: UTF8.self)
        return try await store.write { [store] db in
            let latest = try await Self.latestVersion(target, in: db)
            guard latest == basedOn else { return nil }
            let version = (latest ?? 0) + 1
            try await db.raw("""
                INSERT INTO classifier_models (target, version, trained_at, examples, accuracy, macro_f1, evaluation, document)
                VALUES (\(bind: target.rawValue), \(bind: version), \(bind: now.millisecondsSince1970), \(bind: examples),
                        \(bind: trained.heldOut.accuracy), \(bind: trained.heldOut.macroF1), \(bind: evaluation), \(bind: document))
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: "classifier", subjectID: "\(target.rawValue)/\(version)", kind: "classifier.trained", at: now,
                details: ["examples": String(examples), "labels": String(trained.classifier.labels.count),
                          "accuracy": String(format: "%.4f", trained.heldOut.accuracy), "macroF1": String(format: "%.4f", trained.heldOut.macroF1)])],
                                      engine: store.engine, in: db)
            return version
        }
    }

    /// The newest version of `target` and when it was trained, without loading the model.
    public func latest(_ target: ClassifierTarget) async throws -> (version: Int, trainedAt: Date)? {
        try await store.read { db in
            try await db.raw("SELECT version, trained_at FROM classifier_models WHERE target = \(bind: target.rawValue) ORDER BY version DESC LIMIT 1")
                .first().map { (try $0.decode(column: "version", as: Int.self), Date(millisecondsSince1970: try $0.decode(column: "trained_at", as: Int64.self))) }
        }
    }

    /// A stored version (the newest when `version` is nil), model included.
    public func load(_ target: ClassifierTarget, version: Int? = nil) async throws -> StoredClassifier? {
        let which: SQLQueryString = version.map { " AND version = \(bind: $0)" } ?? ""
        return try await store.read { db in
            try await db.raw("SELECT * FROM classifier_models WHERE target = \(bind: target.rawValue)\(which) ORDER BY version DESC LIMIT 1").first().map { row in
                StoredClassifier(
                    target: target, version: try row.decode(column: "version", as: Int.self),
                    trainedAt: Date(millisecondsSince1970: try row.decode(column: "trained_at", as: Int64.self)),
                    examples: try row.decode(column: "examples", as: Int.self),
                    heldOut: try JSONDecoder().decode(ClassifierEvaluation.self, from: Data(try row.decode(column: "evaluation", as: String.self).utf8)),
                    classifier: try JSONDecoder().decode(TextClassifier.self, from: Data(try row.decode(column: "document", as: String.self).utf8)))
            }
        }
    }

    /// Every version of `target`, newest first, without the models: (version, trained at, examples, accuracy, macro-F1).
    public func versions(_ target: ClassifierTarget) async throws -> [(version: Int, trainedAt: Date, examples: Int, accuracy: Double, macroF1: Double)] {
        try await store.read { db in
            try await db.raw("SELECT version, trained_at, examples, accuracy, macro_f1 FROM classifier_models WHERE target = \(bind: target.rawValue) ORDER BY version DESC")
                .all().map { row in
                    (try row.decode(column: "version", as: Int.self), Date(millisecondsSince1970: try row.decode(column: "trained_at", as: Int64.self)),
                     try row.decode(column: "examples", as: Int.self), try row.decode(column: "accuracy", as: Double.self),
                     try row.decode(column: "macro_f1", as: Double.self))
                }
        }
    }

    private static func latestVersion(_ target: ClassifierTarget, in db: any SQLDatabase) async throws -> Int? {
        try await db.raw("SELECT MAX(version) AS version FROM classifier_models WHERE target = \(bind: target.rawValue)")
            .first()?.decode(column: "version", as: Int?.self)
    }
}
