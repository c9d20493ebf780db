import Foundation
import Testing
@testable import WhistleCore

@Suite struct UnitCodeTests {
    @Test(arguments: [
        ("110105", UnitKind.district, "110000", UnitKind.city),
        ("110105001", .street, "110105", .district),
        ("110105001001", .community, "110105001", .street),
        ("110105001001003", .grid, "110105001001", .community),
        ("530102", .district, "530100", .city),  // a prefecture-level city: districts share 4 digits
    ])
    func validDivisionCodes(code: String, kind: UnitKind, parent: String, parentKind: UnitKind) throws {
        try UnitCode.validate(code, kind: kind, parent: (parent, parentKind))
    }

    @Test func wrongLengthOrDigitsAreRefused() {
        #expect(throws: CityModelError.self) { try UnitCode.validate("11010", kind: .district, parent: nil) }
        #expect(throws: CityModelError.self) { try UnitCode.validate("11010500A", kind: .street, parent: nil) }
        #expect(throws: CityModelError.self) { try UnitCode.validate("110105001001", kind: .grid, parent: nil) }
    }

    @Test func codeMustNestInItsParent() {
        #expect(throws: CityModelError.codeOutsideParent(code: "110106001", parent: "110105")) {
            try UnitCode.validate("110106001", kind: .street, parent: ("110105", .district))
        }
        #expect(throws: CityModelError.codeOutsideParent(code: "120101", parent: "110000")) {
            try UnitCode.validate("120101", kind: .district, parent: ("110000", .city))
        }
    }

    @Test func gridSequenceStartsAtOne() {
        #expect(throws: CityModelError.self) {
            try UnitCode.validate("110105001001000", kind: .grid, parent: ("110105001001", .community))
        }
    }

    @Test func organisationCodesAreAreaDashTag() throws {
        try UnitCode.validate("110105-CGW", kind: .department, parent: ("110105", .district))
        try UnitCode.validate("110105001-PCS", kind: .stationedTeam, parent: ("110105-GAFJ", .department))
        #expect(OrgUnit(code: "110105001-PCS", name: "建外派出所", kind: .stationedTeam, parentCode: "110105-GAFJ").areaCode == "110105001")
        for bad in ["CGW", "110105-", "110105-cgw", "11010-CGW", "110105-C G"] {
            #expect(throws: CityModelError.self, "\(bad)") { try UnitCode.validate(bad, kind: .department, parent: nil) }
        }
    }

    @Test func everyErrorHasBothLanguagesAndAStableCode() {
        let errors: [CityModelError] = [
            .invalidCode(code: "1", kind: .grid, expected: "x"), .codeOutsideParent(code: "1", parent: "2"),
            .parentKindNotAllowed(kind: .grid, parentKind: .city), .parentRequired(code: "1"),
            .parentMissing(code: "1", parent: "2"), .areaMissing(code: "1", area: "2"), .unitNotFound(code: "1"),
            .duplicateCode(code: "1"), .emptyName(code: "1"), .invalidPopulation("x"), .unknownKind("x"),
            .missingColumn("x"), .invalidGeometry("x"), .gridNotFound(code: "1"),
            .kindChanged(code: "1", from: .street, to: .township), .emptyFile, .mayNotAdminister(code: "1"),
        ]
        #expect(Set(errors.map(\.code)).count == errors.count)
        for error in errors {
            #expect(!error.messageZh.isEmpty && !error.messageEn.isEmpty)
            #expect(error.code.wholeMatch(of: /[a-z]+\.[a-z_]+/) != nil)
        }
    }
}

@Suite struct CSVTests {
    @Test func quotedFieldsBOMAndLineEnds() {
        let text = "\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",z\nlast,row"
        let records = CSV.records(text)
        #expect(records.map(\.fields) == [["a", "b"], ["x, y", "say \"hi\""], ["multi\nline", "z"], ["last", "row"]])
        // Line numbers count physical lines, skipping the blank one, so errors point at the right place.
        #expect(records.map(\.line) == [1, 2, 4, 6])
    }
}

@Suite struct DivisionsFileTests {
    static let city = """
        code,name,kind,parent_code,population
        110000,北京市,city,,
        110105,朝阳区,district,110000,3452460
        110105026,望京街道,street,110105,
        110105026001,望京西园一区社区,community,110105026,5000
        110105026001001,望京西园一区社区第1网格,grid,110105026001,
        110105-CGW,朝阳区城市管理委员会,department,110105,
        110105026-PCS,望京派出所,stationed_team,110105-CGW,
        """

    @Test func parsesAndValidatesAGoodFile() throws {
        let rows = try DivisionsFile.parse(Self.city, file: "city.csv").get()
        #expect(rows.count == 7)
        #expect(rows[1].line == 3 && rows[1].unit.population == 3_452_460)
        #expect(UnitTree.validate(rows, file: "city.csv", existing: [:]).isEmpty)
    }

    @Test func rowProblemsNameFileAndLine() {
        let text = """
            code,name,kind,parent_code,population
            110105,朝阳区,district,110000,-5
            110106,,district,110000,
            110107,石景山区,borough,110000,
            """
        guard case let .failure(failure) = DivisionsFile.parse(text, file: "bad.csv") else {
            Issue.record("a bad file must fail")
            return
        }
        #expect(failure.problems.map(\.line) == [2, 3, 4])
        #expect(failure.problems.map(\.error.code) == ["unit.invalid_population", "unit.empty_name", "unit.unknown_kind"])
        #expect(failure.problems[0].description.hasPrefix("bad.csv:2: "))
    }

    @Test func missingColumnsAndEmptyFiles() {
        guard case let .failure(noKind) = DivisionsFile.parse("code,name,parent_code\n110105,朝阳区,110000", file: "f.csv"),
              case let .failure(empty) = DivisionsFile.parse("", file: "e.csv")
        else {
            Issue.record("both must fail")
            return
        }
        #expect(noKind.problems.map(\.error) == [.missingColumn("kind")])
        #expect(empty.problems.map(\.error) == [.emptyFile])
    }

    @Test func treeRulesAcrossRows() throws {
        let text = """
            code,name,kind,parent_code
            110105,朝阳区,district,110000
            110105026,望京街道,street,110105
            110105026,望京街道,street,110105
            110106001,右安门街道,street,110105
            110105026001,社区,community,110105999
            110105026002,社区,community,110105
            110105027-PCS,派出所,stationed_team,110105-GAFJ
            110105-SFJ,司法局,department,110105
            110105026-SFJ,司法所,stationed_team,110105-SFJ
            110105-ZFD,执法队,stationed_team,110105-SFJ
            """
        let rows = try DivisionsFile.parse(text, file: "t.csv").get()
        let problems = UnitTree.validate(rows, file: "t.csv", existing: ["110000": .city, "110105-GAFJ": .department])
        #expect(problems.map(\.line) == [4, 5, 6, 7, 8, 11])
        #expect(problems.map(\.error.code) == [
            "unit.duplicate_code", "unit.code_outside_parent", "unit.parent_missing", "unit.parent_kind_not_allowed",
            "unit.area_missing", "unit.invalid_code",
        ])
    }

    @Test func calendarsAreNamedBusinessHours() throws {
        let rows = try DivisionsFile.parse("code,name,kind,parent_code,calendar\n110000-ZLS,自来水集团,enterprise,110000,24x7", file: "c.csv").get()
        #expect(rows.first?.unit.calendarCode == "24x7")
        guard case let .failure(failure) = DivisionsFile.parse("code,name,kind,parent_code,calendar\n110000-ZLS,自来水集团,enterprise,110000,7x25", file: "c.csv") else {
            Issue.record("an unknown calendar must be refused")
            return
        }
        #expect(failure.problems.map(\.error) == [.unknownCalendar("7x25")])
    }

    @Test func aUnitCannotChangeKind() throws {
        let rows = try DivisionsFile.parse("code,name,kind,parent_code\n110105026,望京,township,110105", file: "k.csv").get()
        let problems = UnitTree.validate(rows, file: "k.csv", existing: ["110105": .district, "110105026": .street])
        #expect(problems.map(\.error) == [.kindChanged(code: "110105026", from: .street, to: .township)])
    }

    @Test func parentsComeFirst() throws {
        let rows = try DivisionsFile.parse("""
            code,name,kind,parent_code
            110105026001,社区,community,110105026
            110105026,街道,street,110105
            110105,区,district,110000
            """, file: "o.csv").get()
        #expect(UnitTree.parentsFirst(rows).map(\.unit.code) == ["110105", "110105026", "110105026001"])
    }
}

@Suite struct GridBoundaryFileTests {
    static func feature(_ code: String, ring: [[Double]]) -> String {
        """
        {"type":"Feature","properties":{"code":"\(code)"},"geometry":{"type":"Polygon","coordinates":[\(ring)]}}
        """
    }

    @Test func readsPolygonsWithHoles() throws {
        let json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":110105026001001},"geometry":{"type":"Polygon","coordinates":[
                [[116.47,39.99],[116.48,39.99],[116.48,40.00],[116.47,40.00],[116.47,39.99]],
                [[116.474,39.994],[116.476,39.994],[116.476,39.996],[116.474,39.994]]]}}]}
            """
        let grids = try GridBoundaryFile.parse(Data(json.utf8), file: "g.geojson").get()
        #expect(grids.count == 1 && grids[0].code == "110105026001001")
        #expect(grids[0].boundary.polygons[0].count == 2)
    }

    @Test func badFeaturesAreNamedByIndex() {
        let open = Self.feature("110105026001001", ring: [[116.47, 39.99], [116.48, 39.99], [116.48, 40.0], [116.47, 40.0]])
        let farAway = Self.feature("110105026001002", ring: [[200, 39.99], [116.48, 39.99], [116.48, 40.0], [200, 39.99]])
        let badCode = Self.feature("1101050260011", ring: [[116.47, 39.99], [116.48, 39.99], [116.48, 40.0], [116.47, 39.99]])
        let good = Self.feature("110105026001004", ring: [[116.47, 39.99], [116.48, 39.99], [116.48, 40.0], [116.47, 39.99]])
        let json = "{\"type\":\"FeatureCollection\",\"features\":[\(good),\(open),\(farAway),\(badCode)]}"
        guard case let .failure(failure) = GridBoundaryFile.parse(Data(json.utf8), file: "g.geojson") else {
            Issue.record("must fail")
            return
        }
        #expect(failure.problems.map(\.line) == [2, 3, 4])
        #expect(failure.problems.map(\.error.code) == ["grid.invalid_geometry", "grid.invalid_geometry", "unit.invalid_code"])
    }

    @Test func notAFeatureCollection() {
        guard case let .failure(failure) = GridBoundaryFile.parse(Data("[1,2]".utf8), file: "x.geojson") else {
            Issue.record("must fail")
            return
        }
        #expect(failure.problems.first?.error.code == "grid.invalid_geometry")
    }

    @Test func boundaryRoundTripsAsGeoJSON() throws {
        let boundary = try Boundary(polygons: [[[.init(longitude: 1, latitude: 2), .init(longitude: 3, latitude: 2),
                                                 .init(longitude: 3, latitude: 4), .init(longitude: 1, latitude: 2)]]])
        let decoded = try JSONDecoder().decode(Boundary.self, from: try JSONEncoder().encode(boundary))
        #expect(decoded == boundary)
    }
}

@Suite struct BeijingDemoCityTests {
    static func sources() throws -> BeijingDemoCity.Sources {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appending(path: "../../Sources/WhistleServer/Resources/demo/beijing").standardized
        func read(_ name: String) throws -> String { try String(contentsOf: folder.appending(path: name), encoding: .utf8) }
        return .init(districts: try read("beijing_districts.csv"), townships: try read("beijing_townships_nbs.csv"),
                     communities: try read("beijing_towns_villages_jionlp.csv"))
    }

    @Test func buildsTheRealBeijingTree() throws {
        let (units, report) = try BeijingDemoCity.build(from: try Self.sources())
        let byKind = Dictionary(grouping: units, by: \.kind).mapValues(\.count)
        #expect(report.districts == 16 && byKind[.district] == 16)
        // 349 official 街乡镇 less the 6 development zones.
        #expect(report.townships == 343)
        let streetLevel = units.count { $0.kind.isStreetLevel }
        #expect(streetLevel == 343)
        // 7,169 communities in the name list; those under renamed or development-zone townships are reported.
        #expect(report.communitiesMatched + report.communitiesUnmatched == 7_169)
        #expect(report.communitiesMatched == 7_147)
        #expect(report.unmatchedCommunityTownships.contains { $0.township == "宛平城地区" && $0.communities == 12 })
        #expect(report.townshipsWithoutCommunities.contains { $0.township == "六里桥街道" })
        let communityLevel = units.count { $0.kind.isCommunityLevel }
        #expect(communityLevel == 7_147)
        #expect(byKind[.grid] == report.grids && report.grids > 20_000)
        // The whole tree obeys the same rules as any import.
        let rows = units.enumerated().map { UnitRow(line: $0.offset + 1, unit: $0.element) }
        #expect(UnitTree.validate(rows, file: "demo", existing: [:]).isEmpty)
        // Populations come from the 2020 census.
        #expect(units.first { $0.code == "110000" }?.population == 21_893_095)
        // Every street has its three resident teams (1+3+N).
        #expect(byKind[.stationedTeam] == 343 * 3)
    }

    @Test func joinsOnNamesWithoutSuffix() {
        #expect(BeijingDemoCity.shortName("南磨房地区") == "南磨房")
        #expect(BeijingDemoCity.shortName("南磨房乡") == "南磨房")
        #expect(BeijingDemoCity.shortName("望京街道") == "望京")
        #expect(BeijingDemoCity.shortName("镇") == "镇")
    }
}

@Suite struct RoleTests {
    @Test func rolesFitTheirUnitKinds() throws {
        let street = OrgUnit(code: "110105026", name: "望京街道", kind: .street, parentCode: "110105")
        let grid = OrgUnit(code: "110105026001001", name: "网格", kind: .grid, parentCode: "110105026001")
        try RoleAssignment.validate(role: .streetCoordinator, at: street)
        try RoleAssignment.validate(role: .gridWorker, at: grid)
        #expect(throws: PeopleError.roleNotAllowedAtUnit(role: .dispatcher, unit: grid.code, kind: .grid)) {
            try RoleAssignment.validate(role: .dispatcher, at: grid)
        }
        #expect(throws: PeopleError.self) { try RoleAssignment.validate(role: .departmentHandler, at: street) }
    }
}
