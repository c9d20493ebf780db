import Foundation
import WhistleCore

/// What the deadline service does each sweep: fires the due timers of demands (yellow, overdue, supervision),
/// of whistles (report-in) and of retiming after a calendar or rules change, oldest first, in one transaction.
public struct DeadlineSweep: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Fires at most `limit` due timers under the rules in force; returns how many fired.
    public func fire(at now: Date, limit: Int, rules: LoopRules, whistlePolicy: WhistlePolicy) async throws -> Int {
        try await store.write { [store] db in
            let due = try await TimerQueue.claimDue(at: now, limit: limit, engine: store.engine, in: db)
            for scheduled in due {
                // Marked first: deciding reschedules the subject's pending timers, which would drop this one.
                try await TimerQueue.markFired(scheduled.key, at: now, in: db)
                switch scheduled.kind {
                case WhistleTimer.kind:
                    try await WhistleRepository.fire(scheduled, at: now, policy: whistlePolicy, engine: store.engine, in: db)
                case Retiming.kind:
                    try await Retiming.fire(scheduled, at: now, rules: rules, engine: store.engine, in: db)
                default:
                    try await DemandRepository.fire(scheduled, at: now, rules: rules, engine: store.engine, in: db)
                }
            }
            return due.count
        }
    }
}
