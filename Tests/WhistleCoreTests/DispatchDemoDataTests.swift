import Foundation
import Testing
@testable import WhistleCore

/// The bundled demo taxonomy and duty list, checked against the demo city's units.
@Suite struct DispatchDemoDataTests {
    typealias F = DispatchFixtures

    /// Where the demo files are bundled (the server's resources), found from this file.
    static let resources = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Sources/WhistleServer/Resources/demo")

    static func read(_ name: String) throws -> String {
        try String(contentsOf: resources.appending(path: name), encoding: .utf8)
    }

    static func taxonomy() throws -> Taxonomy {
        try Taxonomy(try TaxonomyFile.parse(read("demo-taxonomy.csv"), file: "demo-taxonomy.csv").get())
    }

    static func rules() throws -> [DutyRule] {
        try DutyListFile.parse(read("demo-duties.csv"), file: "demo-duties.csv").get()
    }

    /// The demo city's units around the streets the demo rules name: 朝阳区 (建外, 三里屯) and 海淀区 (万寿路).
    static let units: Set<String> = {
        var units = BeijingDemoCity.cityOrganisations()
            + BeijingDemoCity.districtOrganisations(district: "110105", name: "朝阳区")
            + BeijingDemoCity.districtOrganisations(district: "110108", name: "海淀区")
            + BeijingDemoCity.stationedTeams(street: "110105001", name: "建外街道", district: "110105")
            + BeijingDemoCity.stationedTeams(street: "110105004", name: "三里屯街道", district: "110105")
            + BeijingDemoCity.stationedTeams(street: "110108001", name: "万寿路街道", district: "110108")
        return Set(units.map(\.code) + F.place + ["110105004", "110108", "110108001"])
    }()

    @Test func theTaxonomyParsesWithItsCodesAndClasses() throws {
        let taxonomy = try Self.taxonomy()
        let byLevel = Dictionary(grouping: taxonomy.categories, by: \.level).mapValues(\.count)
        #expect(byLevel == [1: 10, 2: 33, 3: 100])
        #expect(taxonomy.leaves.allSatisfy { $0.serviceCode != nil && $0.level == 3 })
        #expect(taxonomy.unknownDeadlineClasses(isKnown: { DeadlineClass.beijingDefault(code: $0) != nil }).isEmpty)
        #expect(taxonomy.leaves.allSatisfy { taxonomy.deadlineClass(of: $0.code) != nil })
        #expect(taxonomy.deadlineClass(of: "CX.RQ.XL") == "urgent")
        #expect(taxonomy.deadlineClass(of: "CX.RQ.TQ") == "utilities")
        #expect(taxonomy.deadlineClass(of: "CX.RQ.SF") == "general")
        // The legacy and national codes of one matter map to the same category.
        #expect(taxonomy.category(legacyCode: "0409") == taxonomy.category(standardCode: "09009"))
        #expect(taxonomy.category(standardCode: "06013")?.name == "道路破损")
    }

    @Test func theDutyListParsesAndValidates() throws {
        let taxonomy = try Self.taxonomy()
        let rules = try Self.rules()
        #expect(rules.count == 61)
        #expect(rules.flatMap { $0.validate(against: Self.units.contains, taxonomy: taxonomy) } == [])
    }

    @Test func everyTemplateResolvesToADemoUnitInTheSamplePlace() throws {
        for rule in try Self.rules() {
            for target in [rule.primary] + rule.coHandlers {
                let code = try #require(target.resolve(in: F.place), "\(rule.id): \(target)")
                #expect(Self.units.contains(code), "\(rule.id): \(code)")
            }
        }
    }

    @Test func everyLeafIsRoutedAnywhereInTheCity() throws {
        let router = DutyRouter(rules: try Self.rules(), taxonomy: try Self.taxonomy())
        for place in [F.place, ["110108001", "110108", F.city]] {
            for leaf in router.taxonomy.leaves {
                let match = try #require(router.route(category: leaf.code, place: place, at: F.at("2025-08-01")), "\(leaf.code)")
                #expect(([match.primary] + match.coHandlers).allSatisfy(Self.units.contains), "\(leaf.code)")
            }
        }
    }

    @Test func theDemoOverridesAndVersions() throws {
        let router = DutyRouter(rules: try Self.rules(), taxonomy: try Self.taxonomy())
        func route(_ category: String, _ place: [String] = F.place, on day: String = "2025-08-01") -> RouteMatch? {
            router.route(category: category, place: place, at: F.at(day))
        }
        let haidian = ["110108001", "110108", F.city]
        let sanlitun = ["110105004", "110105", F.city]

        #expect(route("CX.RQ.XL").map { [$0.primary] + $0.coHandlers } == ["110000-RQ", "110105-XFZD"])
        // 施工噪声: the city's leaf rule in 海淀, 朝阳's district-wide rule for all noise there, 三里屯's own for its nights.
        #expect(route("HB.ZS.SG", haidian)?.primary == "110108001-ZFD")
        #expect(route("HB.ZS.SG")?.primary == "110105-STHJJ")
        #expect(route("HB.ZS.SH", sanlitun)?.primary == "110105004-PCS")
        #expect(route("HB.ZS.SH", sanlitun)?.explanation.decidedBy == .area)
        // 建外街道's parking pilot started on 1 March 2025.
        #expect(route("JT.TC.JD", on: "2025-02-28")?.primary == "110105-JGZD")
        #expect(route("JT.TC.JD")?.primary == "110105001-ZFD")
        // The heating season adds the district's heating task force.
        #expect(route("CX.GR.BR", on: "2025-10-01")?.coHandlers == [])
        #expect(route("CX.GR.BR", on: "2025-12-01")?.coHandlers == ["110105-CGW"])
        #expect(route("CX.GR.BR", on: "2026-03-16")?.coHandlers == [])
        // Waste sorting moved from the district to the street on 1 July 2025.
        #expect(route("SR.HW.FL", on: "2025-06-30")?.primary == "110105-CGW")
        #expect(route("SR.HW.FL")?.primary == F.street)
    }
}
