import Testing
import WhistleCore

/// The command centre's map: demands per grid, a community's shared among its grids by population; a
/// community drawn whole counts all of its own.
@Suite struct DemandDensityTests {
    static func grid(_ code: String, population: Int?) -> OrgUnit {
        OrgUnit(code: code, name: "网格\(code.suffix(3))", kind: .grid, parentCode: String(code.prefix(12)), population: population)
    }

    @Test func communityDemandsAreSharedByPopulation() {
        let grids = [Self.grid("110105001001001", population: 1_000), Self.grid("110105001001002", population: 3_000),
                     Self.grid("110105001002001", population: 2_000)]
        // 2 located in grid 1, 8 only to community 001, none in community 002.
        let density = DemandDensity(places: grids, volumes: ["110105001001001": 2, "110105001001": 8, "110105009001": 50])
        #expect(density.measure == .perTenThousand)
        #expect(density.cells.map(\.demands) == [4, 6, 0])  // 2 + 8 × ¼, 8 × ¾, 0
        #expect(density.cells.map(\.value) == [40, 20, 0])   // per 10,000 residents
        #expect(density.cells.map(\.level) == [3, 1, 0])  // quantile breaks 20, 20, 40, 40, 40
        #expect(density.breaks.last == 40)
    }

    @Test func withoutPopulationItCountsAndSharesEqually() {
        let grids = [Self.grid("110105001001001", population: nil), Self.grid("110105001001002", population: 500)]
        let density = DemandDensity(places: grids, volumes: ["110105001001": 3], classes: 3)
        #expect(density.measure == .count)
        #expect(density.cells.map(\.value) == [1.5, 1.5])
        #expect(density.cells.allSatisfy { $0.level >= 1 && $0.level <= 3 })
        #expect(DemandDensity(places: grids, volumes: [:]).breaks.isEmpty)
    }

    @Test func aCommunityDrawnWholeCountsEverythingInIt() {
        let community = OrgUnit(code: "110105001002", name: "社区", kind: .community, parentCode: "110105001", population: 5_000)
        let density = DemandDensity(places: [Self.grid("110105001001001", population: 1_000), community],
                                    volumes: ["110105001002": 3, "110105001002004": 2, "110105001001001": 1])
        #expect(density.cells.map(\.demands) == [1, 5])
        #expect(density.cells.map(\.value) == [10, 10])
    }
}
