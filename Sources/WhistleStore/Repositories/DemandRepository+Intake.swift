import Foundation
import SQLKit
import WhistleCore

/// Intake at hotline scale: submissions that arrive together are received in one transaction with
/// statements over many rows (one idempotency lookup, one counter step per day, one insert of demands,
/// one of audit events), so a durable intake costs a few statements per batch instead of per demand.
/// Each caller still gets its own demand or its own refusal, and the answer comes after the commit.
final class IntakeQueue: Sendable {
    struct Pending: Sendable {
        let draft: DemandDraft
        let key: String?
        let hash: String
        let actor: Actor?
        let now: Date
        let rules: LoopRules
        let done: CheckedContinuation<DemandRepository.Intake, any Error>
    }

    private let queue: BatchingQueue<Pending>

    /// `maximumBatch`: most submissions received in one transaction.
    init(store: any Store, maximumBatch: Int) {
        queue = BatchingQueue(maximumBatch: maximumBatch) { batch in await Self.process(batch, store: store) }
    }

    func submit(_ draft: DemandDraft, key: String?, hash: String, actor: Actor?, now: Date, rules: LoopRules) async throws -> DemandRepository.Intake {
        try await withCheckedThrowingContinuation { done in
            queue.submit(Pending(draft: draft, key: key, hash: hash, actor: actor, now: now, rules: rules, done: done))
        }
    }

    private static func process(_ batch: [Pending], store: any Store) async {
        do {
            let results = try await store.write { [store] db in try await Self.receive(batch, engine: store.engine, in: db) }
            for (pending, result) in zip(batch, results) { pending.done.resume(with: result) }
        } catch where batch.count > 1 {
            // One bad row (e.g. another server took the same idempotency key meanwhile) must not sink the
            // others: receive each alone.
            for pending in batch { await process([pending], store: store) }
        } catch {
            let pending = batch[0]
            // Two servers raced with the same key and this one lost: answer as the retry it is.
            if let key = pending.key, let earlier = try? await store.read({ try await DemandRepository.earlier(key, in: $0) }) {
                if earlier.hash != pending.hash {
                    pending.done.resume(throwing: DemandStoreError.idempotencyKeyReused(key))
                } else if let demand = try? await store.read({ try await DemandRepository.load(earlier.demandID, in: $0) }) {
                    pending.done.resume(returning: .init(demand: demand, created: false))
                } else {
                    pending.done.resume(throwing: error)
                }
            } else {
                pending.done.resume(throwing: error)
            }
        }
    }

    /// Receives a batch inside one transaction; a refusal of one submission is its own result.
    static func receive(_ batch: [Pending], engine: Engine, in db: any SQLDatabase) async throws -> [Result<DemandRepository.Intake, any Error>] {
        var results = [Result<DemandRepository.Intake, any Error>?](repeating: nil, count: batch.count)
        var retries: [Int: String] = [:]          // index → demand created by an earlier request with its key
        var sameKeyAs: [Int: Int] = [:]           // index → earlier index in this batch with the same key
        var fresh: [Int] = []

        let keys = Array(Set(batch.compactMap(\.key)))
        var earlier: [String: (hash: String, demandID: String)] = [:]
        for chunk in keys.chunked(by: 500) {
            for row in try await db.select().columns("key", "request_hash", "demand_id").from("idempotency_keys").where("key", .in, Array(chunk)).all() {
                earlier[try row.decode(column: "key", as: String.self)] =
                    (try row.decode(column: "request_hash", as: String.self), try row.decode(column: "demand_id", as: String.self))
            }
        }
        var firstWithKey: [String: Int] = [:]
        for (index, pending) in batch.enumerated() {
            if let key = pending.key {
                if let known = earlier[key] {
                    if known.hash == pending.hash { retries[index] = known.demandID } else { results[index] = .failure(DemandStoreError.idempotencyKeyReused(key)) }
                    continue
                }
                if let first = firstWithKey[key] { sameKeyAs[index] = first; continue }
                firstWithKey[key] = index
            }
            // Refusals are found before numbering, so a refused submission leaves no gap in the day's numbers.
            do throws(LoopError) {
                _ = try Intake.open(pending.draft, id: "check", number: "check", by: pending.actor, at: pending.now, rules: pending.rules)
                fresh.append(index)
            } catch {
                results[index] = .failure(error)
            }
        }

        // Numbers: one step of each day's counter for the whole batch.
        var numbers: [Int: String] = [:]
        for (day, indices) in Dictionary(grouping: fresh, by: { DemandRepository.day(of: batch[$0].now) }).sorted(by: { $0.key < $1.key }) {
            let last = try await DemandRepository.next(counter: "demand/\(day)", by: Int64(indices.count), in: db)
            for (offset, index) in indices.enumerated() {
                numbers[index] = DemandRepository.number(day: day, sequence: last - Int64(indices.count) + 1 + Int64(offset))
            }
        }

        var decisions: [(index: Int, decision: Decision)] = []
        for index in fresh {
            let pending = batch[index]
            do throws(LoopError) {
                let decision = try Intake.open(pending.draft, id: UUID().uuidString.lowercased(), number: numbers[index]!, by: pending.actor,
                                               at: pending.now, rules: pending.rules)
                decisions.append((index, decision))
            } catch {
                results[index] = .failure(error)
            }
        }
        try await DemandRepository.insert(decisions.map(\.decision.demand), in: db)
        try await AuditLog.append(decisions.flatMap { $0.decision.events.map(\.auditEntry) }, engine: engine, in: db)
        if let rules = batch.first?.rules {
            try await TallyRollup.record(decisions.map { (nil, $0.decision.demand) }, rules: rules, in: db)
        }
        for (index, decision) in decisions {
            if !decision.demand.orders.isEmpty {
                try await DemandRepository.record(decision, engine: engine, rules: batch[index].rules, in: db, eventsAlreadyLogged: true)
            }
            results[index] = .success(.init(demand: decision.demand, created: true))
        }
        let keyed = decisions.compactMap { item in batch[item.index].key.map { (key: $0, hash: batch[item.index].hash, demand: item.decision.demand) } }
        for chunk in keyed.chunked(by: 200) {
            try await db.insert(into: "idempotency_keys").columns("key", "request_hash", "demand_id", "created_at")
                .rows(chunk.map { [SQLBind($0.key), SQLBind($0.hash), SQLBind($0.demand.id), SQLBind($0.demand.createdAt.millisecondsSince1970)] })
                .run()
        }

        for (index, demandID) in retries {
            results[index] = .success(.init(demand: try await DemandRepository.load(demandID, in: db), created: false))
        }
        for (index, first) in sameKeyAs {
            switch results[first] {
            case let .success(intake)? where batch[index].hash == batch[first].hash: results[index] = .success(.init(demand: intake.demand, created: false))
            case .success?: results[index] = .failure(DemandStoreError.idempotencyKeyReused(batch[index].key ?? ""))
            case let .failure(error)?: results[index] = .failure(error)
            case nil: results[index] = .failure(DemandStoreError.idempotencyKeyReused(batch[index].key ?? ""))
            }
        }
        return results.map { $0 ?? .failure(DemandStoreError.notFound("")) }
    }
}
