import Foundation
import Logging
import ServiceLifecycle
import WhistleStore

/// Fires deadline timers (a demand's yellow, overdue + urge, supervision; a whistle's report-in; retiming after a
/// calendar or rules change) as they fall due. Durable: timers are rows, and firing one and recording its effect
/// commit together, so a restart neither loses nor repeats one.
/// Several servers on one PostgreSQL share the work (`FOR UPDATE SKIP LOCKED`).
struct DeadlineService: Service {
    let sweep: DeadlineSweep
    let configuration: LoopConfiguration
    let clock: @Sendable () -> Date
    /// `deadlines.interval`: seconds between sweeps when nothing is due.
    let interval: Duration
    /// `deadlines.batch`: timers fired per transaction.
    let batch: Int
    let logger: Logger

    let store: any Store

    func run() async throws {
        var migrated = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                // A server started with --no-migrate waits for `whistle migrate` instead of failing each sweep.
                if !migrated {
                    migrated = try await Migrator.pending(store).isEmpty
                    if !migrated {
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                        continue
                    }
                }
                let now = clock()
                let fired = try await sweep.fire(
                    at: now, limit: batch, rules: configuration.rules(at: now), whistlePolicy: configuration.whistlePolicy(at: now))
                if fired > 0 { logger.info("deadline timers fired", metadata: ["count": "\(fired)"]) }
                // Something fired, so more may be due (a full batch, a retiming's next batch): sweep again at once.
                if fired > 0 { continue }
            } catch {
                logger.error("deadline sweep failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
