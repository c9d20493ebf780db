import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import WhistleAPI
import WhistleCore
import WhistleStore

/// Knows the sequence number of the latest whistle change in the audit log, so live streams query the
/// database only when there is something new. It polls the log rather than listening to this server's own
/// writes, so a board connected to one node sees changes made on every node sharing the database.
final class WhistleFeed: Service, Sendable {
    let whistles: WhistleRepository
    /// `stream.interval`: how often the log is polled.
    let interval: Duration
    let logger: Logger
    private let head = Atomic<Int64>(0)
    private let stopped = Atomic<Bool>(false)

    init(whistles: WhistleRepository, interval: Duration, logger: Logger) {
        self.whistles = whistles
        self.interval = interval
        self.logger = logger
    }

    /// The latest whistle change seen.
    var latest: Int64 { head.load(ordering: .acquiring) }
    /// True once the server shuts down: open streams end so the server can stop.
    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                head.store(try await whistles.latestChange(), ordering: .releasing)
            } catch {
                // Before `whistle migrate` the table may not be there yet; keep trying quietly.
                logger.debug("whistle feed poll failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        stopped.store(true, ordering: .releasing)
    }
}

/// The live stream of whistle changes one actor may see, as Server-Sent Events, in audit order from `start`.
/// Iterated by the HTTP server in the request's task: a client that disconnects cancels it.
struct WhistleStream: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    let whistles: WhistleRepository
    let feed: WhistleFeed
    let actor: Actor
    /// Only this whistle's changes, when set.
    let whistleID: String?
    /// The audit sequence number after which to start.
    let start: Int64
    /// End after this many changes, when set.
    let limit: Int?

    /// Idle time between keep-alive comments, so proxies do not close a quiet board.
    static let keepAlive: Duration = .seconds(15)
    /// How often an idle stream looks at the feed.
    static let tick: Duration = .milliseconds(100)

    func makeAsyncIterator() -> Iterator { Iterator(stream: self, cursor: start) }

    struct Iterator: AsyncIteratorProtocol {
        let stream: WhistleStream
        var cursor: Int64
        var sent = 0
        var pending: [ArraySlice<UInt8>] = []
        var idle: Duration = .zero
        var started = false

        mutating func next() async throws -> ArraySlice<UInt8>? {
            if !started {
                started = true
                // Tells the client how long to wait before reconnecting, and that the stream is open.
                return ArraySlice("retry: 3000\n: 吹哨看板 whistle board\n\n".utf8)
            }
            while pending.isEmpty {
                if let limit = stream.limit, sent >= limit { return nil }
                if Task.isCancelled || Task.isShuttingDownGracefully || stream.feed.isStopped { return nil }
                if stream.feed.latest > cursor {
                    try await fetch()
                    continue
                }
                if idle >= WhistleStream.keepAlive {
                    idle = .zero
                    return ArraySlice(": keep-alive\n\n".utf8)
                }
                try await Task.sleep(for: WhistleStream.tick)
                idle += WhistleStream.tick
            }
            idle = .zero
            return pending.removeFirst()
        }

        /// Reads the changes after the cursor and queues those the actor may see.
        private mutating func fetch() async throws {
            let batch = try await stream.whistles.changes(after: cursor, limit: 100)
            guard !batch.events.isEmpty else {
                cursor = stream.feed.latest
                return
            }
            for (seq, entry) in batch.events {
                if let limit = stream.limit, sent >= limit { return }
                cursor = seq
                guard stream.whistleID == nil || stream.whistleID == entry.subjectID, let whistle = batch.whistles[entry.subjectID],
                      WhistleAccess.canView(whistle, as: stream.actor) else { continue }
                let change = Components.Schemas.WhistleChange(
                    seq: seq, entry: WhistleAccess.event(entry, of: whistle, for: stream.actor), whistle: whistle)
                pending.append(ArraySlice("id: \(seq)\nevent: \(entry.kind)\ndata: \(try WhistleStream.json(change))\n\n".utf8))
                sent += 1
            }
        }
    }

    static func json(_ change: Components.Schemas.WhistleChange) throws -> String {
        String(decoding: try encoder.encode(change), as: UTF8.self)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try WhistleDateTranscoder().encode(date))
        }
        return encoder
    }()
}

extension Components.Schemas.WhistleChange {
    init(seq: Int64, entry: AuditEntry, whistle: Whistle) {
        self.init(
            seq: seq, whistleId: whistle.id, number: whistle.number, whistleStatus: .init(rawValue: whistle.status.rawValue)!,
            kind: entry.kind, at: entry.at, actor: entry.actor.flatMap(Components.Schemas.ActorRef.init),
            reason: entry.reason, details: .init(additionalProperties: entry.details), attachments: entry.attachments)
    }
}
