import Synchronization

/// A fixed set of connections handed out one caller at a time, in FIFO order (SQLite's readers). A lock, not
/// an actor: actors re-enter at every `await`, and a second caller's statements would run on a connection
/// the first is still using.
final class ConnectionPool<Connection: Sendable>: Sendable {
    private struct State {
        var idle: [Connection]
        var waiters: [CheckedContinuation<Connection, Never>] = []
    }

    private let state: Mutex<State>
    let all: [Connection]

    init(_ connections: [Connection]) {
        precondition(!connections.isEmpty, "a pool needs at least one connection")
        all = connections
        state = Mutex(State(idle: connections))
    }

    /// Runs `body` with a connection no one else holds meanwhile.
    func withConnection<R>(_ body: (Connection) async throws -> R) async throws -> R {
        let connection = await checkOut()
        defer { checkIn(connection) }
        return try await body(connection)
    }

    private func checkOut() async -> Connection {
        await withCheckedContinuation { continuation in
            let ready: Connection? = state.withLock { state in
                if let connection = state.idle.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func checkIn(_ connection: Connection) {
        let waiter: CheckedContinuation<Connection, Never>? = state.withLock { state in
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }
}
