import Foundation
import Testing
import WhistleCore

@Suite struct TaxonomyFileTests {
    /// The problems of a refused file as (line, error).
    static func problems<Failure>(_ result: Result<some Any, FileRejected<Failure>>) -> [(Int, Failure)] {
        guard case let .failure(rejected) = result else { return [] }
        return rejected.problems.map { ($0.line, $0.error) }
    }

    @Test func theFullFormTakesOptionalColumnsInAnyOrder() throws {
        let csv = """
            name,code,active,deadline_class,gbt47678,gbt30428,service_code,remark
            城乡建设,CX,,general,,,,
            市政设施,CX.SZ,是,,,,,
            道路破损,CX.SZ.DLPS,true,,06013,,road-damage,
            机动车乱停放,CX.SZ.TC,0,,09009,0409,,旧分类
            """
        let categories = try TaxonomyFile.parse(csv, file: "t.csv").get()
        #expect(categories == [
            Category(code: "CX", name: "城乡建设", deadlineClass: "general"),
            Category(code: "CX.SZ", name: "市政设施"),
            Category(code: "CX.SZ.DLPS", name: "道路破损", serviceCode: "road-damage", standardCode: "06013"),
            Category(code: "CX.SZ.TC", name: "机动车乱停放", standardCode: "09009", legacyCode: "0409", active: false),
        ])
        #expect(try Taxonomy(categories).leaves.map(\.code) == ["CX.SZ.DLPS"])
    }

    @Test func everyProblemOfTheFullFormIsReportedByLine() {
        let csv = """
            code,name,parent_code,deadline_class,service_code,gbt47678,gbt30428,active
            CX,城乡建设,,general,,,,true
            cx.sz,市政设施,CX,,,,,true
            HB.ZS,噪声污染,HB,,,,,true
            CX.GS,供水,CX.SZ,utilities,,,,true
            CX.RQ,燃气,CX,utilities,,,,maybe
            CX,重复,,,,,,
            CX.GD,供电,CX,,power,6013,409,

            CX.GR,供热,CX,,power,,,
            """
        let result = TaxonomyFile.parse(csv, file: "t.csv")
        #expect(Self.problems(result).map(\.0) == [3, 4, 5, 6, 7, 8, 8, 10])
        #expect(Self.problems(result).map(\.1) == [
            .invalidCode("cx.sz"),
            .unknownParent(code: "HB.ZS", parent: "HB"),
            .parentMismatch(code: "CX.GS", parent: "CX.SZ"),
            .invalidActive("maybe"),
            .duplicateCode("CX"),
            .invalidStandardCode(code: "CX.GD", value: "6013"),
            .invalidLegacyCode(code: "CX.GD", value: "409"),
            .duplicateServiceCode("power"),
        ])
        guard case let .failure(rejected) = result else { return }
        #expect(rejected.code == "import.rejected")
        #expect(rejected.problems[0].description == "t.csv:3: 分类代码“cx.sz”无效：应为 1–3 段、以“.”分隔的大写字母或数字（每段 1–8 位），如 CX.SZ.DLPS (category code \"cx.sz\" is invalid: expected 1–3 dot-separated segments of 1–8 upper-case letters or digits, e.g. CX.SZ.DLPS)")
    }

    @Test func headerProblems() {
        #expect(Self.problems(TaxonomyFile.parse("", file: "t.csv")).map(\.1) == [.emptyFile])
        #expect(Self.problems(TaxonomyFile.parse("\ncode,title\nCX,城乡建设\n", file: "t.csv")).map { "\($0.0) \($0.1.code)" }
            == ["2 import.missing_column"])
    }

    @Test func thePlainFormGeneratesCodesFromTheNames() throws {
        let csv = """
            level1,level2,level3
            城乡建设,市政设施,道路破损
            城乡建设,市政设施,路灯故障
            城乡建设,供水,
            环境保护,噪声污染,施工噪声
            """
        let categories = try TaxonomyFile.parse(csv, file: "labels.csv").get()
        let taxonomy = try Taxonomy(categories)
        #expect(categories.map(\.name) == ["城乡建设", "市政设施", "道路破损", "路灯故障", "供水", "环境保护", "噪声污染", "施工噪声"])
        // The algorithm is part of the data: codes must not change between versions.
        let road = TaxonomyFile.generatedCode(for: ["城乡建设", "市政设施", "道路破损"])
        #expect(road == "744404.79ED5D.85C3C3")
        #expect(taxonomy.ancestors(of: road).map(\.name) == ["道路破损", "市政设施", "城乡建设"])
        #expect(taxonomy.leaves.map(\.name) == ["道路破损", "路灯故障", "供水", "施工噪声"])

        // Reordered rows give the same codes.
        let reordered = "level3,level2,level1\n" + csv.split(separator: "\n").dropFirst().reversed()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).reversed().joined(separator: ",") }.joined(separator: "\n")
        let again = try TaxonomyFile.parse(reordered, file: "labels.csv").get()
        #expect(Set(again.map(\.code)) == Set(categories.map(\.code)))
    }

    @Test func problemsOfThePlainFormAreReportedByLine() {
        let csv = """
            level1,level2,level3
            城乡建设,市政设施,道路破损
            城乡建设,,井盖
            ,,
            城乡建设,市政设施,道路破损
            城乡建设,市政设施
            """
        let road = TaxonomyFile.generatedCode(for: ["城乡建设", "市政设施", "道路破损"])
        #expect(Self.problems(TaxonomyFile.parse(csv, file: "labels.csv")).map { "\($0.0) \($0.1)" }
            == ["3 \(TaxonomyError.missingLevel(2))", "5 \(TaxonomyError.duplicateCode(road))"])
    }
}

@Suite struct DutyListFileTests {
    typealias F = DispatchFixtures

    @Test func rowsBecomeRules() throws {
        let csv = """
            category,area,primary,co_handlers,priority,effective_from,effective_until,note
            CX.SZ,110000,{district}-CGW,{street}; 110000-JTW、{street}-ZFD；{community},,2025-01-01,,
            JT.TC.JD,110105001,110105001-ZFD,,5,2025-03-01,2026-03-01,"建外街道 CBD 试点, 综合执法队主办"
            """
        let rules = try DutyListFile.parse(csv, file: "duties.csv").get()
        #expect(rules == [
            F.rule("duties.csv:2", "CX.SZ", F.city, "{district}-CGW", co: ["{street}", "110000-JTW", "{street}-ZFD", "{community}"]),
            DutyRule(id: "duties.csv:3", categoryCode: "JT.TC.JD", areaCode: F.street, primary: .unit("110105001-ZFD"),
                     priority: 5, effectiveFrom: F.day("2025-03-01"), effectiveUntil: F.day("2026-03-01"),
                     note: "建外街道 CBD 试点, 综合执法队主办"),
        ])
        #expect(try JSONDecoder().decode([DutyRule].self, from: JSONEncoder().encode(rules)) == rules)
    }

    @Test func everyProblemIsReportedByLine() {
        let csv = """
            id,category,area,primary,co_handlers,priority,effective_from,effective_until,note
            R1,cx,11010,,,,2025-01-01,,
            R2,CX,110000,{town}-ZFD,110105-cgw,high,2025-13-01,,
            R1,CX,110000,{street}-ZFD,{street}-ZFD,,2025-06-01,2025-06-01,
            R4,CX,110000,{street},,,,2026-01-01,
            """
        let problems = TaxonomyFileTests.problems(DutyListFile.parse(csv, file: "d.csv"))
        #expect(problems.map(\.0) == [2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5])
        #expect(problems.map(\.1) == [
            .invalidCategory("cx"), .invalidArea("11010"), .missingPrimary,
            .invalidUnit("{town}-ZFD"), .invalidUnit("110105-cgw"), .invalidPriority("high"),
            .invalidDate(column: "effective_from", value: "2025-13-01"),
            .duplicateID("R1"), .duplicateUnit("{street}-ZFD"),
            .invalidPeriod(from: F.day("2025-06-01"), until: F.day("2025-06-01")),
            .invalidDate(column: "effective_from", value: ""),
        ])
    }

    @Test func headerProblems() {
        let problems = TaxonomyFileTests.problems(DutyListFile.parse("category,area,co_handlers\n", file: "d.csv"))
        #expect(problems.map(\.0) == [1, 1] && problems.map(\.1) == [.missingColumn("primary"), .missingColumn("effective_from")])
        #expect(TaxonomyFileTests.problems(DutyListFile.parse("", file: "d.csv")).map(\.1) == [.emptyFile])
    }

    @Test(arguments: ["110105-CGW", "110000-RQ", "110105001", "110105001-ZFD", "{street}-ZFD", "{district}-CGW", "{street}", "{grid}"])
    func unitTargetsRoundTrip(text: String) throws {
        #expect(try #require(UnitTarget(text)).description == text)
    }

    @Test(arguments: ["", "CGW", "110105-", "110105-cgw", "1101-CGW", "{town}-ZFD", "{street}ZFD", "{street}-", "{street", "street-ZFD"])
    func malformedUnitTargetsAreRefused(text: String) {
        #expect(UnitTarget(text) == nil)
    }

    @Test func templatesResolveToTheDivisionOfTheirLevel() {
        #expect(UnitTarget("{street}-ZFD")?.resolve(in: F.place) == "110105001-ZFD")
        #expect(UnitTarget("{district}-CGW")?.resolve(in: F.place) == "110105-CGW")
        #expect(UnitTarget("{city}-RQ")?.resolve(in: F.place) == "110000-RQ")
        #expect(UnitTarget("{grid}")?.resolve(in: F.place) == F.grid)
        #expect(UnitTarget("{community}")?.resolve(in: [F.street, F.district, F.city]) == nil)
        #expect(AreaLevel(divisionCode: "530100") == .city && AreaLevel(divisionCode: "530102") == .district)
    }

    @Test func rulesAreValidatedAgainstTheCity() throws {
        let units: Set<String> = ["110105-CGW", "110105001-ZFD", "110000-ZLS"]
        let taxonomy = try F.taxonomy()
        #expect(F.rule("ok", "CX.GS", F.city, "110000-ZLS", co: ["{district}-SWJ", "{street}-ZFD"])
            .validate(against: units.contains, taxonomy: taxonomy).isEmpty)
        // In a street's rule, {district} and {street} name one unit each and are checked.
        #expect(F.rule("street", "CX.SZ", F.street, "{street}-ZFD", co: ["{district}-CGW", "{district}-SWJ", "{grid}"])
            .validate(against: units.contains, taxonomy: taxonomy) == [.unknownUnit(rule: "street", unit: "110105-SWJ")])
        let bad = DutyRule(id: "bad", categoryCode: "HB.ZS", areaCode: "1101", primary: .unit("110000-RQ"),
                           effectiveFrom: F.day("2025-06-01"), effectiveUntil: F.day("2025-01-01"))
        #expect(bad.validate(against: units.contains, taxonomy: taxonomy) == [
            .unknownCategory(rule: "bad", category: "HB.ZS"), .invalidArea("1101"),
            .invalidPeriod(from: F.day("2025-06-01"), until: F.day("2025-01-01")),
            .unknownUnit(rule: "bad", unit: "110000-RQ"),
        ])
    }
}
