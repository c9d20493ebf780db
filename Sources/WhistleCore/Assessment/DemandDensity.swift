/// 诉求密度: how many demands came from each place drawn on the command centre's map over some days: grids
/// (网格), and communities (社区/村) whose grids have no boundary.
///
/// Demands are counted where they were located: a grid when the coordinates fell in one, else a community.
/// A community's own demands are shared among its grids drawn by population (equally unless all are known), so
/// a district whose demands are placed only by address still shows where they concentrate; a community drawn
/// whole counts everything located in it. Each place's value is demands per 10,000 residents (万人诉求比) when
/// every place's population is known, else the count.
public struct DemandDensity: Sendable, Equatable {
    public enum Measure: String, Sendable, Hashable {
        /// 万人诉求比
        case perTenThousand
        case count
    }

    public struct Cell: Sendable, Equatable {
        /// A grid or a community.
        public var unit: OrgUnit
        /// Demands in the place: a grid's own plus its share of its community's; all of a community's.
        public var demands: Double
        /// `demands` in the map's measure.
        public var value: Double
        /// 0 for none, else 1…classes by the breaks.
        public var level: Int
    }

    public var cells: [Cell]
    public var measure: Measure
    /// Upper bounds of levels 1…classes (the last is the highest value).
    public var breaks: [Double]

    /// - Parameters:
    ///   - places: the grids and communities to draw.
    ///   - volumes: demands by place code (grid, 15 digits, or community, 12).
    ///   - classes: colour classes for non-zero values, split at quantiles so every class is used.
    public init(places: [OrgUnit], volumes: [String: Int], classes: Int = 5) {
        let grids = places.filter { $0.kind == .grid }
        let byCommunity = Dictionary(grouping: grids) { String($0.code.prefix(12)) }
        let populated = !places.isEmpty && places.allSatisfy { ($0.population ?? 0) > 0 }
        measure = populated ? .perTenThousand : .count
        var cells = places.map { place -> Cell in
            guard place.kind == .grid else {
                let demands = Double(volumes.reduce(0) { $0 + ($1.key.hasPrefix(place.code) ? $1.value : 0) })
                return Cell(unit: place, demands: demands, value: populated ? demands * 10_000 / Double(place.population!) : demands, level: 0)
            }
            let grid = place
            let siblings = byCommunity[String(grid.code.prefix(12))] ?? [grid]
            // By population when every sibling's is known, else equally.
            let total = siblings.allSatisfy { ($0.population ?? 0) > 0 } ? siblings.reduce(0) { $0 + $1.population! } : 0
            let share = total > 0 ? Double(max(0, grid.population ?? 0)) / Double(total) : 1 / Double(siblings.count)
            let demands = Double(volumes[grid.code] ?? 0) + Double(volumes[String(grid.code.prefix(12))] ?? 0) * share
            let value = populated ? demands * 10_000 / Double(grid.population!) : demands
            return Cell(unit: grid, demands: demands, value: value, level: 0)
        }
        let values = cells.map(\.value).filter { $0 > 0 }.sorted()
        let count = max(1, classes)
        breaks = values.isEmpty ? [] : (1...count).map { values[min(values.count - 1, ($0 * values.count + count - 1) / count - 1)] }
        for i in cells.indices where cells[i].value > 0 {
            cells[i].level = (breaks.firstIndex { cells[i].value <= $0 } ?? count - 1) + 1
        }
        self.cells = cells
    }
}
