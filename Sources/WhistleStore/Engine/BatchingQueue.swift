import Synchronization

/// Work submitted concurrently, run in batches: one batch at a time, in arrival order, each holding
/// everything that arrived while the previous one ran (up to `maximumBatch`). The batching behind group
/// commit (``SQLiteStore``) and batched intake (``IntakeQueue``).
final class BatchingQueue<Item: Sendable>: Sendable {
    private let state = Mutex((pending: [Item](), draining: false))
    private let maximumBatch: Int
    private let process: @Sendable ([Item]) async -> Void

    init(maximumBatch: Int, process: @escaping @Sendable ([Item]) async -> Void) {
        self.maximumBatch = max(1, maximumBatch)
        self.process = process
    }

    /// Queues an item; the first item into an idle queue starts the task that drains it.
    func submit(_ item: Item) {
        let start = state.withLock { state in
            state.pending.append(item)
            defer { state.draining = true }
            return !state.draining
        }
        if start { Task { await drain() } }
    }

    private func drain() async {
        while true {
            let batch: [Item] = state.withLock { state in
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            await process(batch)
        }
    }
}
