import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import WhistleCore
import WhistleStore

/// Keeps this server's ``DispatchAdvisor`` current and retrains the classifiers on schedule. It polls a
/// fingerprint of units, taxonomy and duty rules and the classifiers' newest versions (`dispatch.reload`)
/// and rebuilds only what changed, on any node; an edit through this server's API rebuilds at once.
///
/// Retraining (`classifier.retrain`, days; 0 = never): when the newest version of a target is older than
/// that, or there is none, the newest `classifier.limit` closed demands are learned again and stored as a
/// new version. Two nodes may train at once; the store keeps only the first result.
final class DispatchDesk: Service, Sendable {
    private struct State: Sendable {
        var advisor: DispatchAdvisor
        var fingerprint: String?
        var nextTraining: [ClassifierTarget: Date] = [:]
    }

    let store: any Store
    let reload: Duration
    let retrainEvery: TimeInterval
    let trainingLimit: Int
    let clock: @Sendable () -> Date
    let logger: Logger
    private let state: Mutex<State>

    init(store: any Store, reload: Duration, retrainEvery: TimeInterval, trainingLimit: Int, clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.reload = reload
        self.retrainEvery = retrainEvery
        self.trainingLimit = trainingLimit
        self.clock = clock
        self.logger = logger
        state = Mutex(State(advisor: DispatchAdvisor(units: [], taxonomy: try! Taxonomy([]), rules: [], categoryModel: nil, unitModel: nil)))
    }

    /// The advisor as of the last rebuild.
    var advisor: DispatchAdvisor { state.withLock { $0.advisor } }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await refresh()
                try await retrainIfDue()
            } catch {
                // Before `whistle migrate` the tables may not be there yet; keep trying.
                logger.debug("dispatch desk refresh failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.reload) }
        }
    }

    /// Rebuilds the advisor if anything it is built from changed since the last time.
    func refresh() async throws {
        let sources = DispatchSources(store: store)
        let fingerprint = try await sources.fingerprint()
        let classifiers = ClassifierRepository(store: store)
        var newest: [ClassifierTarget: Int] = [:]
        for target in ClassifierTarget.allCases { newest[target] = try await classifiers.latest(target)?.version }
        let (known, current) = state.withLock { ($0.fingerprint, $0.advisor) }
        let served: [ClassifierTarget: Int] = [.category: current.categoryModel?.version, .unit: current.unitModel?.version].compactMapValues { $0 }
        guard fingerprint != known || newest != served else { return }
        // Units, grids, taxonomy and rules are rebuilt only when they changed; a model only when its version did.
        var advisor = fingerprint == known ? current : DispatchAdvisor(
            units: try await sources.units(), taxonomy: try await TaxonomyRepository(store: store).taxonomy(),
            rules: try await DutyRuleRepository(store: store).rules(), categoryModel: current.categoryModel, unitModel: current.unitModel)
        var loaded: [StoredClassifier] = []
        for target in ClassifierTarget.allCases where newest[target] != served[target] {
            guard let stored = try await classifiers.load(target) else { continue }
            advisor = advisor.serving(DispatchAdvisor.Model(version: stored.version, classifier: stored.classifier), for: target)
            loaded.append(stored)
        }
        state.withLock {
            $0.advisor = advisor
            $0.fingerprint = fingerprint
            for stored in loaded { $0.nextTraining[stored.target] = stored.trainedAt.addingTimeInterval(retrainEvery) }
        }
        logger.info("dispatch advisor rebuilt", metadata: [
            "units": "\(advisor.units.count)", "grids": "\(advisor.grids.count)", "categories": "\(advisor.taxonomy.categories.count)",
            "categoryModel": "\(advisor.categoryModel?.version ?? 0)", "unitModel": "\(advisor.unitModel?.version ?? 0)",
        ])
    }

    private func retrainIfDue() async throws {
        guard retrainEvery > 0 else { return }
        let classifiers = ClassifierRepository(store: store)
        for target in ClassifierTarget.allCases {
            let now = clock()
            guard state.withLock({ $0.nextTraining[target].map { $0 <= now } ?? true }) else { continue }
            state.withLock { $0.nextTraining[target] = now.addingTimeInterval(retrainEvery) }
            do {
                let result = try await classifiers.retrain(target, limit: trainingLimit, at: now)
                logger.notice("classifier retrained", metadata: [
                    "target": "\(target.rawValue)", "version": "\(result.version.map(String.init) ?? "not stored: a newer one exists")",
                    "examples": "\(result.examples)", "heldOut.accuracy": "\(result.trained.heldOut.accuracy)",
                    "heldOut.macroF1": "\(result.trained.heldOut.macroF1)",
                ])
            } catch let error as ClassifierError {
                logger.info("classifier not retrained", metadata: ["target": "\(target.rawValue)", "reason": "\(error.messageEn)"])
            }
        }
        try await refresh()
    }

    // MARK: Edits (API and console alike): who may, the store's checks, and the advisor rebuilt at once

    /// Changes the taxonomy: the city's administrators only.
    func change(_ change: CategoryChange, by actor: Actor) async throws -> (WhistleCore.Category, Taxonomy) {
        guard DispatchAccess.mayEditTaxonomy(actor, cityCode: advisor.cityCode) else { throw DispatchAccessError.mayNotEditTaxonomy }
        let saved = try await TaxonomyRepository(store: store).apply(change, by: actor, now: clock())
        try await refresh()
        return (saved, advisor.taxonomy)
    }

    /// Adds a duty rule in an area the actor administers.
    func add(_ rule: DutyRule, by actor: Actor) async throws {
        guard DispatchAccess.mayEditRules(in: rule.areaCode, actor, cityCode: advisor.cityCode) else {
            throw DispatchAccessError.mayNotEditRules(area: rule.areaCode)
        }
        try await DutyRuleRepository(store: store).add([rule], file: nil, by: AuditActor(actor), now: clock())
        try await refresh()
    }

    /// Ends a duty rule from a day on (nothing is deleted: the rule stays on record with its end).
    func endRule(_ id: String, from day: CalendarDay, by actor: Actor) async throws -> DutyRule {
        guard let stored = advisor.router.rules.first(where: { $0.id == id }) else { throw DutyRuleError.ruleNotFound(id) }
        guard DispatchAccess.mayEditRules(in: stored.areaCode, actor, cityCode: advisor.cityCode) else {
            throw DispatchAccessError.mayNotEditRules(area: stored.areaCode)
        }
        let rule = try await DutyRuleRepository(store: store).end(id, from: day, by: actor, now: clock())
        try await refresh()
        return rule
    }

    /// Adds a unit, or changes one's name, parent, population or business hours (its boundary stays), in an
    /// area the actor administers; checked against the tree like a divisions file.
    func save(_ unit: OrgUnit, by actor: Actor) async throws {
        guard Administration.covers(unit.code, for: actor, cityCode: advisor.cityCode) else { throw CityModelError.mayNotAdminister(code: unit.code) }
        _ = try await UnitRepository(store: store).importUnits([UnitRow(line: 1, unit: unit)], file: "console", by: AuditActor(actor), now: clock())
        try await refresh()
    }
}
