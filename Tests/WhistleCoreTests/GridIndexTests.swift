import Foundation
import Testing
@testable import WhistleCore

@Suite struct GridIndexTests {
    /// Coordinates near Beijing in binary fractions of a degree, so lattice lines and vertices are exact.
    static let origin = Coordinate(longitude: 116, latitude: 39.75)

    static func point(_ x: Double, _ y: Double) -> Coordinate {
        Coordinate(longitude: origin.longitude + x, latitude: origin.latitude + y)
    }

    /// A closed axis-aligned rectangle ring, offsets in degrees from `origin`.
    static func rectangle(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [Coordinate] {
        [point(x0, y0), point(x1, y0), point(x1, y1), point(x0, y1), point(x0, y0)]
    }

    /// A grid of one polygon: its outer ring, then its holes.
    static func grid(_ code: String, _ rings: [Coordinate]...) -> (code: String, boundary: Boundary) {
        (code, try! Boundary(polygons: [rings]))
    }

    @Test func aHoleExcludesItsInsideButNotItsRing() {
        let ring = Self.grid("110105026018001", Self.rectangle(0, 0, 0.004, 0.004), Self.rectangle(0.001, 0.001, 0.003, 0.003))
        let index = GridIndex([ring])
        #expect(index.locate(Self.point(0.0005, 0.002)) == "110105026018001")
        #expect(index.locate(Self.point(0.002, 0.002)) == nil)
        #expect(index.locate(Self.point(0.001, 0.002)) == "110105026018001")  // on the hole's edge
        #expect(index.locate(Self.point(0.003, 0.003)) == "110105026018001")  // on the hole's vertex

        // A grid filling the hole owns its inside; the shared ring goes to the smaller code.
        let island = Self.grid("110105026018002", Self.rectangle(0.001, 0.001, 0.003, 0.003))
        let both = GridIndex([island, ring])
        #expect(both.count == 2)
        #expect(both.locate(Self.point(0.002, 0.002)) == "110105026018002")
        #expect(both.locate(Self.point(0.001, 0.002)) == "110105026018001")
    }

    @Test func sharedEdgesAndVerticesGoToTheSmallestCodeWhateverTheOrder() {
        // 2 × 2 squares: 003 | 004 above 001 | 002.
        let grids = [
            Self.grid("001", Self.rectangle(0, 0, 0.001, 0.001)), Self.grid("002", Self.rectangle(0.001, 0, 0.002, 0.001)),
            Self.grid("003", Self.rectangle(0, 0.001, 0.001, 0.002)), Self.grid("004", Self.rectangle(0.001, 0.001, 0.002, 0.002)),
        ]
        for order in [grids, grids.reversed(), [grids[2], grids[0], grids[3], grids[1]]] {
            let index = GridIndex(order)
            #expect(index.locate(Self.point(0.001, 0.001)) == "001")  // the vertex all four share
            #expect(index.locate(Self.point(0.001, 0.0015)) == "003")  // edge of 003 and 004
            #expect(index.locate(Self.point(0.0015, 0.001)) == "002")  // edge of 002 and 004
            #expect(index.locate(Self.point(0.002, 0.002)) == "004")  // a corner of 004 alone
            #expect(index.locate(Self.point(0.0015, 0.0015)) == "004")
        }
    }

    @Test func aMultiPolygonGridOwnsEveryPart() {
        let grid = (code: "007", boundary: try! Boundary(polygons: [
            [Self.rectangle(0, 0, 0.001, 0.001)], [Self.rectangle(0.002, 0, 0.003, 0.001)],
        ]))
        let holed = (code: "007", boundary: try! Boundary(polygons: [
            [Self.rectangle(0, 0, 0.001, 0.001)],
            [Self.rectangle(0.002, 0, 0.005, 0.003), Self.rectangle(0.003, 0.001, 0.004, 0.002)],
        ]))
        #expect(GridIndex([grid]).locate(Self.point(0.0025, 0.0005)) == "007")
        #expect(GridIndex([grid]).locate(Self.point(0.0015, 0.0005)) == nil)  // between the parts
        let index = GridIndex([holed])
        #expect(index.count == 1)
        #expect(index.locate(Self.point(0.0005, 0.0005)) == "007")
        #expect(index.locate(Self.point(0.0035, 0.0015)) == nil)  // in the second part's hole
        #expect(index.locate(Self.point(0.0045, 0.0025)) == "007")
    }

    @Test func pointsOutsideEveryGridAreNowhere() {
        let index = GridIndex([Self.grid("001", Self.rectangle(0, 0, 0.001, 0.001))])
        #expect(index.locate(Self.point(-0.0005, 0.0005)) == nil)
        #expect(index.locate(Self.point(0.0005, 0.0011)) == nil)
        #expect(index.locate(Coordinate(longitude: .nan, latitude: 39.75)) == nil)
        #expect(GridIndex([]).count == 0)
        #expect(GridIndex([]).locate(Self.point(0, 0)) == nil)
    }

    @Test func theEdgeToleranceIsAboutATenthOfAMillimetre() {
        let index = GridIndex([Self.grid("001", Self.rectangle(0, 0, 0.001, 0.001))])
        #expect(index.locate(Self.point(0.001 + 0.5e-9, 0.0005)) == "001")
        #expect(index.locate(Self.point(0.001 + 2e-9, 0.0005)) == nil)
        #expect(index.locate(Self.point(-0.5e-9, -0.5e-9)) == "001")  // off the corner, diagonally
        #expect(index.locate(Self.point(-1e-9, -1e-9)) == nil)  // 1.4e-9 from the corner
    }

    @Test func ringsWithoutAreaContainNothing() throws {
        let line = [Self.point(0, 0), Self.point(0.001, 0.001), Self.point(0.002, 0.002), Self.point(0, 0)]
        let spike = [Self.point(0.0005, 0.0005), Self.point(0.0005, 0.0005), Self.point(0.0005, 0.0005), Self.point(0.0005, 0.0005)]
        let index = GridIndex([
            Self.grid("001", line),
            Self.grid("002", Self.rectangle(0, 0, 0.001, 0.001), spike),  // a hole of no area is no hole
        ])
        #expect(index.count == 2)
        #expect(index.locate(Self.point(0.0015, 0.0015)) == nil)
        #expect(index.locate(Self.point(0.0005, 0.0005)) == "002")
    }

    /// 200 × 200 squares of 2⁻⁸° (≈ 400 m), every 37th with a hole, every other hole filled by an island
    /// grid; thousands of seeded points, many exactly on lines, vertices and hole rings, against a scan of
    /// every grid.
    @Test func aLatticeWithHolesMatchesABruteForceScan() {
        let side = 200
        let size = 1.0 / 256
        struct Cell { var code: String; var outer: (Double, Double, Double, Double); var hole: (Double, Double, Double, Double)? }
        var cells: [Cell] = []
        for i in 0..<side {
            for j in 0..<side {
                let (x, y) = (Double(i) * size, Double(j) * size)
                let n = i * side + j
                let hole = n % 37 == 0 ? (x + size / 4, y + size / 4, x + size * 3 / 4, y + size * 3 / 4) : nil
                cells.append(Cell(code: "110105026" + n.zeroPadded(6), outer: (x, y, x + size, y + size), hole: hole))
                if let hole, n % 74 == 0 {
                    cells.append(Cell(code: "110105027" + n.zeroPadded(6), outer: hole, hole: nil))
                }
            }
        }
        let index = GridIndex(cells.map { cell in
            let outer = Self.rectangle(cell.outer.0, cell.outer.1, cell.outer.2, cell.outer.3)
            return cell.hole.map { Self.grid(cell.code, outer, Self.rectangle($0.0, $0.1, $0.2, $0.3)) } ?? Self.grid(cell.code, outer)
        })
        #expect(index.count == cells.count)

        // Closed rectangles minus open holes, with the edge tolerance measured along the axes; the first
        // in code order that holds the point.
        let t = GridIndex.edgeTolerance
        let byCode = cells.sorted { $0.code < $1.code }
        func bruteForce(_ x: Double, _ y: Double) -> String? {
            byCode.first { cell in
                let (x0, y0, x1, y1) = cell.outer
                guard x0 - t <= x, x <= x1 + t, y0 - t <= y, y <= y1 + t else { return false }
                guard let (hx0, hy0, hx1, hy1) = cell.hole else { return true }
                return !(hx0 + t < x && x < hx1 - t && hy0 + t < y && y < hy1 - t)
            }?.code
        }

        var rng = SplitMix64(seed: 20_250_610)
        let extent = Double(side) * size
        func anywhere() -> Double { Double.random(in: -size...(extent + size), using: &rng) }
        func line() -> Double { Double(Int.random(in: 0...side, using: &rng)) * size }
        func holeLine() -> Double { line() + size * [0.25, 0.75].randomElement(using: &rng)! }
        func nudge(_ value: Double) -> Double { value + [-2e-9, -0.5e-9, 0.5e-9, 2e-9].randomElement(using: &rng)! }
        var points: [(Double, Double)] = []
        for _ in 0..<900 { points.append((anywhere(), anywhere())) }
        for _ in 0..<300 { points.append((line(), anywhere())); points.append((anywhere(), line())) }
        for _ in 0..<300 { points.append((line(), line())) }
        for _ in 0..<300 { points.append((holeLine(), holeLine())); points.append((holeLine(), line() + size / 2)) }
        for _ in 0..<300 { points.append((nudge(line()), anywhere())); points.append((anywhere(), nudge(holeLine()))) }
        var mismatches = 0
        for (x, y) in points where index.locate(Self.point(x, y)) != bruteForce(x, y) { mismatches += 1 }
        #expect(mismatches == 0)
    }

    /// Overlapping star-shaped polygons of 5–40 vertices, many with a hole, against an even-odd scan that
    /// computes each crossing's longitude: the index must agree away from the edges.
    @Test func randomPolygonsMatchAnEvenOddScan() {
        var rng = SplitMix64(seed: 7)
        func star(_ cx: Double, _ cy: Double, _ radius: Double) -> [Coordinate] {
            let count = Int.random(in: 5...40, using: &rng)
            let ring = (0..<count).map { k in
                let angle = Double(k) / Double(count) * 2 * Double.pi
                let r = radius * Double.random(in: 0.3...1, using: &rng)
                return Self.point(cx + r * cos(angle), cy + r * sin(angle))
            }
            return ring + [ring[0]]
        }
        let grids = (0..<2_000).map { n in
            let (cx, cy) = (Double.random(in: 0...0.2, using: &rng), Double.random(in: 0...0.2, using: &rng))
            let radius = Double.random(in: 0.002...0.01, using: &rng)
            let outer = star(cx, cy, radius)
            return n % 3 == 0 ? Self.grid(n.zeroPadded(4), outer, star(cx, cy, radius * 0.2)) : Self.grid(n.zeroPadded(4), outer)
        }
        func evenOdd(_ p: Coordinate, _ polygon: [[Coordinate]]) -> Bool {
            var inside = false
            for ring in polygon {
                for (a, b) in zip(ring, ring.dropFirst()) where (a.latitude > p.latitude) != (b.latitude > p.latitude) {
                    let x = a.longitude + (p.latitude - a.latitude) * (b.longitude - a.longitude) / (b.latitude - a.latitude)
                    if p.longitude < x { inside.toggle() }
                }
            }
            return inside
        }
        let index = GridIndex(grids)
        let boxes = grids.map { grid in
            let outer = grid.boundary.polygons[0][0]
            return (outer.map(\.longitude).min()!, outer.map(\.longitude).max()!, outer.map(\.latitude).min()!, outer.map(\.latitude).max()!)
        }
        var mismatches = 0
        var located = 0
        for _ in 0..<2_000 {
            let p = Self.point(Double.random(in: -0.01...0.21, using: &rng), Double.random(in: -0.01...0.21, using: &rng))
            let expected = grids.indices.filter { n in
                boxes[n].0 <= p.longitude && p.longitude <= boxes[n].1 && boxes[n].2 <= p.latitude && p.latitude <= boxes[n].3
                    && evenOdd(p, grids[n].boundary.polygons[0])
            }.map { grids[$0].code }.min()
            if index.locate(p) != expected { mismatches += 1 }
            if expected != nil { located += 1 }
        }
        #expect(mismatches == 0)
        #expect(located > 1_000)
    }
}
