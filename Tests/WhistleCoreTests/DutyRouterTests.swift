import Foundation
import Testing
import WhistleCore

@Suite struct DutyRouterPrecedenceTests {
    typealias F = DispatchFixtures

    /// One rule per area level for the same leaf, each sending the demand to a different unit.
    static let rulesAtEveryLevel = [
        F.rule("city", "JT.TC.JD", F.city, "110000-JTW"),
        F.rule("district", "JT.TC.JD", F.district, "110105-JGZD"),
        F.rule("street", "JT.TC.JD", F.street, "110105001-ZFD"),
        F.rule("community", "JT.TC.JD", F.community, F.community),
        F.rule("grid", "JT.TC.JD", F.grid, F.grid),
    ]

    @Test(arguments: [
        (F.place, "grid", AreaLevel.grid),
        ([F.community, F.street, F.district, F.city], "community", .community),
        ([F.street, F.district, F.city], "street", .street),
        ([F.district, F.city], "district", .district),
        ([F.city], "city", .city),
    ])
    func theMostSpecificAreaWins(place: [String], winner: String, level: AreaLevel) throws {
        let router = DutyRouter(rules: Self.rulesAtEveryLevel.reversed(), taxonomy: try F.taxonomy())
        let match = try #require(router.route(category: "JT.TC.JD", place: place, at: F.at("2025-06-01")))
        #expect(match.rule.id == winner)
        #expect(match.explanation.areaLevel == level)
        #expect(match.explanation.candidates == place.count)
        #expect(match.explanation.decidedBy == (place.count > 1 ? .area : nil))
    }

    @Test func areaComesBeforeCategory() throws {
        let router = DutyRouter(rules: [
            F.rule("city-leaf", "JT.TC.JD", F.city, "110000-JTW"),
            F.rule("district-root", "JT", F.district, "110105-JTJ"),
        ], taxonomy: try F.taxonomy())
        let match = try #require(router.route(category: "JT.TC.JD", place: F.place, at: F.at("2025-06-01")))
        #expect(match.primary == "110105-JTJ")
        #expect(match.explanation.categoryLevel == 1 && match.explanation.categoryCode == "JT")
        #expect(match.explanation.decidedBy == .area && match.explanation.runnerUp == "city-leaf")
    }

    @Test func theMostSpecificCategoryWinsWithinAnArea() throws {
        let router = DutyRouter(rules: [
            F.rule("root", "CX", F.city, "{district}-CGW"),
            F.rule("branch", "CX.SZ", F.city, "{district}-CGW", co: ["{street}"]),
            F.rule("leaf", "CX.SZ.DLPS", F.city, "{street}-ZFD"),
        ], taxonomy: try F.taxonomy())
        let road = try #require(router.route(category: "CX.SZ.DLPS", place: F.place, at: F.at("2025-06-01")))
        #expect(road.rule.id == "leaf" && road.explanation.categoryLevel == 3)
        #expect(road.explanation.candidates == 3 && road.explanation.decidedBy == .category)

        // A leaf without a rule of its own inherits its parent's.
        let light = try #require(router.route(category: "CX.SZ.LD", place: F.place, at: F.at("2025-06-01")))
        #expect(light.rule.id == "branch" && light.explanation.categoryCode == "CX.SZ" && light.explanation.categoryLevel == 2)
        #expect(light.explanation.runnerUp == "root")

        let water = try #require(router.route(category: "CX.GS.TS", place: F.place, at: F.at("2025-06-01")))
        #expect(water.rule.id == "root" && water.explanation.decidedBy == nil)
    }

    @Test func priorityDecidesBetweenEquallySpecificRules() throws {
        let router = DutyRouter(rules: [
            F.rule("normal", "CX.GS", F.city, "110000-ZLS"),
            F.rule("campaign", "CX.GS", F.city, "110000-ZLS", co: ["{district}-SWJ"], priority: 10),
        ], taxonomy: try F.taxonomy())
        let match = try #require(router.route(category: "CX.GS.TS", place: F.place, at: F.at("2025-06-01")))
        #expect(match.rule.id == "campaign" && match.coHandlers == ["110105-SWJ"])
        #expect(match.explanation.decidedBy == .priority)
    }

    @Test func onlyRulesInForceCountAndTheLaterVersionWins() throws {
        let router = DutyRouter(rules: [
            F.rule("old", "CX.SZ", F.city, "{district}-CGW", until: "2025-07-01"),
            F.rule("new", "CX.SZ", F.city, "{street}", from: "2025-07-01"),
            F.rule("pilot", "CX.SZ", F.city, "{street}-ZFD", from: "2025-09-01", until: "2025-10-01"),
        ], taxonomy: try F.taxonomy())
        func route(_ instant: Date) -> RouteMatch? { router.route(category: "CX.SZ.DLPS", place: F.place, at: instant) }

        #expect(route(F.at("2024-12-31", hour: 23.99)) == nil)
        #expect(route(F.at("2025-01-01", hour: 0))?.rule.id == "old")
        // The old rule ends and the new one starts at 00:00 Beijing time on 1 July (16:00 UTC on 30 June).
        #expect(route(Date(timeIntervalSince1970: F.day("2025-07-01").startInBeijing.timeIntervalSince1970 - 1))?.rule.id == "old")
        let july = try #require(route(F.at("2025-07-01", hour: 0)))
        #expect(july.rule.id == "new" && july.primary == F.street && july.explanation.candidates == 1)
        // While the pilot is in force it is the later version of an equally specific rule.
        let pilot = try #require(route(F.at("2025-09-15")))
        #expect(pilot.rule.id == "pilot" && pilot.explanation.decidedBy == .effectiveFrom && pilot.explanation.runnerUp == "new")
        #expect(route(F.at("2025-10-01", hour: 0))?.rule.id == "new")
    }

    @Test func theRuleIDBreaksFullTiesWhateverTheInputOrder() throws {
        let rules = [F.rule("B", "CX", F.city, "{district}-ZJW"), F.rule("A", "CX", F.city, "{district}-CGW")]
        for order in [rules, rules.reversed()] {
            let match = try #require(DutyRouter(rules: order, taxonomy: try F.taxonomy())
                .route(category: "CX.SZ.DLPS", place: F.place, at: F.at("2025-06-01")))
            #expect(match.rule.id == "A" && match.primary == "110105-CGW")
            #expect(match.explanation.decidedBy == .ruleID && match.explanation.runnerUp == "B")
        }
    }
}

@Suite struct DutyRouterTemplateTests {
    typealias F = DispatchFixtures

    @Test func templatesResolveAgainstThePlace() throws {
        let router = DutyRouter(rules: [
            F.rule("r", "JT.TC.JD", F.city, "{street}-ZFD", co: ["{district}-JGZD", "{street}", "110000-JTW", "{street}-ZFD"]),
        ], taxonomy: try F.taxonomy())
        let match = try #require(router.route(category: "JT.TC.JD", place: F.place, at: F.at("2025-06-01")))
        #expect(match.primary == "110105001-ZFD")
        // The primary named again as a co-handler is dropped.
        #expect(match.coHandlers == ["110105-JGZD", "110105001", "110000-JTW"])
    }

    @Test func aTemplateWithoutItsDivisionFallsThroughToTheNextRule() throws {
        let router = DutyRouter(rules: [
            F.rule("street-team", "JT.TC.JD", F.city, "{street}-ZFD"),
            F.rule("district-police", "JT.TC", F.city, "{district}-JGZD", co: ["{community}"]),
            F.rule("district-fallback", "JT", F.city, "{district}-JTJ"),
        ], taxonomy: try F.taxonomy())
        // Located only to a street: the community co-handler cannot be resolved either.
        let streetOnly = try #require(router.route(category: "JT.TC.JD", place: [F.street, F.district, F.city], at: F.at("2025-06-01")))
        #expect(streetOnly.rule.id == "street-team")
        let districtOnly = try #require(router.route(category: "JT.TC.JD", place: [F.district, F.city], at: F.at("2025-06-01")))
        #expect(districtOnly.rule.id == "district-fallback" && districtOnly.primary == "110105-JTJ")
        #expect(districtOnly.explanation.candidates == 3)
        #expect(districtOnly.explanation.unresolved == ["street-team", "district-police"])
        #expect(districtOnly.explanation.textZh.contains("2 条因地点中缺少模板所需区划而不适用"))
        #expect(router.route(category: "JT.TC.JD", place: [F.city], at: F.at("2025-06-01")) == nil)
    }

    @Test func noRuleNoMatch() throws {
        let router = DutyRouter(rules: [F.rule("chaoyang", "CX", F.district, "110105-CGW", until: "2026-01-01")], taxonomy: try F.taxonomy())
        #expect(router.route(category: "CX.SZ.DLPS", place: F.place, at: F.at("2025-06-01")) != nil)
        // Another district, another category, an unknown category, after the rule ended.
        #expect(router.route(category: "CX.SZ.DLPS", place: ["110108001", "110108", F.city], at: F.at("2025-06-01")) == nil)
        #expect(router.route(category: "JT.TC.JD", place: F.place, at: F.at("2025-06-01")) == nil)
        #expect(router.route(category: "XX.YY", place: F.place, at: F.at("2025-06-01")) == nil)
        #expect(router.route(category: "CX.SZ.DLPS", place: F.place, at: F.at("2026-01-01", hour: 0)) == nil)
    }

    @Test func theExplanationSaysWhereAndWhy() throws {
        let router = DutyRouter(rules: [
            F.rule("city", "CX.SZ.DLPS", F.city, "{district}-CGW"),
            F.rule("street", "CX.SZ", F.street, "{street}"),
        ], taxonomy: try F.taxonomy())
        let explanation = try #require(router.route(category: "CX.SZ.DLPS", place: F.place, at: F.at("2025-06-01"))).explanation
        #expect(explanation.textZh == "按规则“street”派单：区域匹配街乡镇“110105001”，分类匹配二级分类“市政设施”(CX.SZ)；共 2 条有效规则，因区域更具体优于规则“city”。")
        #expect(explanation.textEn == "Routed by rule \"street\": area matched at street 110105001, category matched at level 2 CX.SZ (市政设施); 2 rule(s) in force, won over rule \"city\" by a more specific area.")
        let decoded = try JSONDecoder().decode(RouteExplanation.self, from: JSONEncoder().encode(explanation))
        #expect(decoded == explanation)
    }
}
