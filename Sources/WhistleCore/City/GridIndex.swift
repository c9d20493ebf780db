/// Finds the grid (网格) a location falls in (SPEC §7: location → grid by point-in-polygon), for every
/// intake and every map refresh. Also works for any other set of coded boundaries, e.g. communities.
///
/// Polygons sit in a static R-tree packed by Sort-Tile-Recursive (Leutenegger et al. 1997), so a lookup
/// visits a few nodes instead of every grid. Points on a ring, or within ``edgeTolerance`` of one, belong
/// to the grid: a boundary is never a gap. Where grids share an edge, or overlap, the smallest code wins,
/// so the answer never depends on input order.
public struct GridIndex: Sendable {
    /// How close to a ring, in degrees, a point counts as on it: 1e-9° ≈ 0.1 mm, far above the rounding
    /// of Double at degree scale (~1e-14°) and far below any surveyed boundary's precision.
    public static let edgeTolerance = 1e-9

    /// An axis-aligned box in degrees.
    private struct Box {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity

        func contains(_ p: Coordinate) -> Bool {
            minX <= p.longitude && p.longitude <= maxX && minY <= p.latitude && p.latitude <= maxY
        }

        mutating func formUnion(_ other: Box) {
            minX = min(minX, other.minX); minY = min(minY, other.minY)
            maxX = max(maxX, other.maxX); maxY = max(maxY, other.maxY)
        }
    }

    /// One polygon of a grid: its outer ring and holes are `rings`, indices into `ringStarts`.
    private struct Polygon {
        var box: Box
        var rings: Range<Int32>
        /// Rank of the grid's code in sorted order, so "smallest code" is an integer comparison.
        var grid: Int32
    }

    /// A tree node: its children are `nodes[first..<first+count]`, or `polygons[…]` for a leaf.
    private struct Node {
        var box: Box
        var first: Int32
        var count: Int32
    }

    private static let nodeCapacity = 16

    /// Grid codes, sorted; a polygon's `grid` indexes this.
    private let codes: [String]
    /// Ring vertices, ring after ring; ring `r` is `vertices[ringStarts[r]..<ringStarts[r + 1]]`.
    private let vertices: [Coordinate]
    private let ringStarts: [Int32]
    private let polygons: [Polygon]
    /// Nodes bottom-up: the first `leafCount` hold polygons, the last is the root.
    private let nodes: [Node]
    private let leafCount: Int

    /// The number of distinct codes given.
    public var count: Int { codes.count }

    /// Indexes the boundaries. Rings of no area (collinear or repeated points) are left out: they contain
    /// nothing, and a polygon whose outer ring has no area is left out with its holes.
    public init(_ boundaries: [(code: String, boundary: Boundary)]) {
        codes = Array(Set(boundaries.map(\.code))).sorted()
        let rank = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($0.element, Int32($0.offset)) })
        var vertices: [Coordinate] = []
        var ringStarts: [Int32] = [0]
        var polygons: [Polygon] = []
        for (code, boundary) in boundaries {
            for polygon in boundary.polygons {
                guard let outer = polygon.first, Self.hasArea(outer) else { continue }
                let firstRing = Int32(ringStarts.count - 1)
                for ring in polygon where Self.hasArea(ring) {
                    vertices += ring
                    ringStarts.append(Int32(vertices.count))
                }
                let t = Self.edgeTolerance
                var box = Self.box(of: outer)
                box.minX -= t; box.minY -= t; box.maxX += t; box.maxY += t
                polygons.append(Polygon(box: box, rings: firstRing..<Int32(ringStarts.count - 1), grid: rank[code]!))
            }
        }
        // Leaves: the polygons in STR order, packed in runs of `nodeCapacity`; then each level above packs
        // the one below the same way, until one root is left.
        polygons = Self.strOrder(polygons.map(\.box)).map { polygons[$0] }
        var nodes: [Node] = []
        var level = Self.pack(polygons.map(\.box), firstChild: 0)
        leafCount = level.count
        while level.count > 1 {
            level = Self.strOrder(level.map(\.box)).map { level[$0] }
            let firstChild = nodes.count
            nodes += level
            level = Self.pack(level.map(\.box), firstChild: firstChild)
        }
        nodes += level
        self.vertices = vertices
        self.ringStarts = ringStarts
        self.polygons = polygons
        self.nodes = nodes
    }

    /// The code of the grid containing the point, the smallest such code where grids share an edge or
    /// overlap, or `nil` when the point is in no grid.
    public func locate(_ point: Coordinate) -> String? {
        guard !nodes.isEmpty else { return nil }
        var best = Int32.max
        search(nodes.count - 1, point, &best)
        return best == .max ? nil : codes[Int(best)]
    }

    private func search(_ index: Int, _ point: Coordinate, _ best: inout Int32) {
        let node = nodes[index]
        guard node.box.contains(point) else { return }
        let children = Int(node.first)..<Int(node.first + node.count)
        guard index < leafCount else {
            for child in children { search(child, point, &best) }
            return
        }
        for polygon in polygons[children] where polygon.grid < best && polygon.box.contains(point) && contains(polygon, point) {
            best = polygon.grid
        }
    }

    /// Even-odd crossing count over the outer ring and the holes together, so a point in a hole is
    /// outside; a point on any ring, a hole's included, is inside.
    private func contains(_ polygon: Polygon, _ p: Coordinate) -> Bool {
        var inside = false
        for ring in polygon.rings {
            var a = vertices[Int(ringStarts[Int(ring)])]
            for b in vertices[Int(ringStarts[Int(ring)]) + 1..<Int(ringStarts[Int(ring) + 1])] {
                if Self.isOnSegment(p, a, b) { return true }
                // The ray goes east from p. Past the test above, p is more than the tolerance from where the
                // ray meets the edge, so the cross product (that distance × the edge's Δy) keeps its sign:
                // its rounding is ~1e-16 × (edge length + that distance) × Δy.
                if (a.latitude > p.latitude) != (b.latitude > p.latitude) {
                    let cross = (b.longitude - a.longitude) * (p.latitude - a.latitude)
                        - (p.longitude - a.longitude) * (b.latitude - a.latitude)
                    if (cross > 0) == (b.latitude > a.latitude) { inside.toggle() }
                }
                a = b
            }
        }
        return inside
    }

    /// Whether p lies within ``edgeTolerance`` of the segment ab.
    private static func isOnSegment(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Bool {
        let t = edgeTolerance
        guard p.longitude >= min(a.longitude, b.longitude) - t, p.longitude <= max(a.longitude, b.longitude) + t,
              p.latitude >= min(a.latitude, b.latitude) - t, p.latitude <= max(a.latitude, b.latitude) + t
        else { return false }
        let (dx, dy) = (b.longitude - a.longitude, b.latitude - a.latitude)
        let (px, py) = (p.longitude - a.longitude, p.latitude - a.latitude)
        let length2 = dx * dx + dy * dy
        let s = length2 > 0 ? min(1, max(0, (px * dx + py * dy) / length2)) : 0
        let (ex, ey) = (px - s * dx, py - s * dy)
        return ex * ex + ey * ey <= t * t
    }

    private static func box(of ring: [Coordinate]) -> Box {
        var box = Box()
        for point in ring {
            box.formUnion(Box(minX: point.longitude, minY: point.latitude, maxX: point.longitude, maxY: point.latitude))
        }
        return box
    }

    /// A ring has area when it is thicker than the tolerance: twice its area over its box's half
    /// perimeter is about the width of a sliver.
    private static func hasArea(_ ring: [Coordinate]) -> Bool {
        let box = Self.box(of: ring)
        var twiceArea = 0.0
        for (a, b) in zip(ring, ring.dropFirst()) {
            twiceArea += (a.longitude - box.minX) * (b.latitude - box.minY) - (b.longitude - box.minX) * (a.latitude - box.minY)
        }
        return abs(twiceArea) > edgeTolerance * ((box.maxX - box.minX) + (box.maxY - box.minY))
    }

    /// Sort-Tile-Recursive order: vertical slices by box centre x, each sorted by centre y, so runs of
    /// `nodeCapacity` in this order are compact tiles.
    private static func strOrder(_ boxes: [Box]) -> [Int] {
        let tiles = (boxes.count + nodeCapacity - 1) / nodeCapacity
        let sliceSize = Int(Double(tiles).squareRoot().rounded(.up)) * nodeCapacity
        var order = boxes.indices.sorted { boxes[$0].minX + boxes[$0].maxX < boxes[$1].minX + boxes[$1].maxX }
        for start in stride(from: 0, to: order.count, by: max(sliceSize, 1)) {
            order[start..<min(start + sliceSize, order.count)].sort { boxes[$0].minY + boxes[$0].maxY < boxes[$1].minY + boxes[$1].maxY }
        }
        return order
    }

    /// Parents for consecutive runs of `nodeCapacity` boxes whose first child is at `firstChild`.
    private static func pack(_ boxes: [Box], firstChild: Int) -> [Node] {
        stride(from: 0, to: boxes.count, by: nodeCapacity).map { start in
            let run = start..<min(start + nodeCapacity, boxes.count)
            var box = Box()
            for child in boxes[run] { box.formUnion(child) }
            return Node(box: box, first: Int32(firstChild + start), count: Int32(run.count))
        }
    }
}
