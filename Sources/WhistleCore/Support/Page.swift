/// One page of a list in a stable order, with the opaque cursor that continues it (`nil` on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The page of a query that fetched `limit + 1` rows with their sort keys: the extra row only tells that
    /// another page follows, which starts after the last key shown.
    public init(fetched rows: [(item: Item, key: String)], limit: Int) {
        let shown = rows.prefix(limit)
        self.init(items: shown.map(\.item), nextCursor: rows.count > limit ? shown.last?.key : nil)
    }
}
