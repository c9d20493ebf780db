import Foundation
import Testing
import WhistleCore

@Suite struct TaxonomyLookupTests {
    typealias F = DispatchFixtures

    @Test func levelsAndParentsFollowFromTheCode() {
        let leaf = Category(code: "CX.SZ.DLPS", name: "道路破损")
        #expect(leaf.level == 3 && leaf.parentCode == "CX.SZ")
        #expect(Category(code: "CX", name: "城乡建设").parentCode == nil)
    }

    @Test func ancestorsChildrenAndLeaves() throws {
        let taxonomy = try F.taxonomy()
        #expect(taxonomy.ancestors(of: "CX.SZ.DLPS").map(\.code) == ["CX.SZ.DLPS", "CX.SZ", "CX"])
        #expect(taxonomy.ancestors(of: "CX.NONE").isEmpty)
        #expect(taxonomy.children(of: nil).map(\.code) == ["CX", "JT"])
        #expect(taxonomy.children(of: "CX").map(\.code) == ["CX.SZ", "CX.GS"])
        #expect(taxonomy.children(of: "CX.GS.TS").isEmpty)
        #expect(taxonomy.leaves.map(\.code) == ["CX.SZ.DLPS", "CX.SZ.LD", "CX.GS.TS", "JT.TC.JD"])
    }

    @Test func theDeadlineClassIsInheritedFromTheNearestAncestor() throws {
        let taxonomy = try F.taxonomy()
        #expect(taxonomy.deadlineClass(of: "CX.SZ.DLPS") == "general")
        #expect(taxonomy.deadlineClass(of: "CX.GS.TS") == "utilities")
        #expect(taxonomy.deadlineClass(of: "JT.TC.JD") == nil)
        #expect(taxonomy.deadlineClass(of: "XX") == nil)
    }

    @Test func lookupsByServiceStandardAndLegacyCode() throws {
        let taxonomy = try F.taxonomy()
        #expect(taxonomy.category(serviceCode: "water-outage")?.code == "CX.GS.TS")
        #expect(taxonomy.category(standardCode: "09009")?.code == "JT.TC.JD")
        #expect(taxonomy.category(legacyCode: "0409")?.standardCode == "09009")
        #expect(taxonomy.category(serviceCode: "none") == nil && taxonomy.category(standardCode: "06999") == nil)
    }

    @Test func deadlineClassesAreCheckedAgainstTheConfiguredOnes() throws {
        let known = Set(DeadlineClass.beijingDefaults.map(\.code))
        #expect(try F.taxonomy().unknownDeadlineClasses(isKnown: known.contains).isEmpty)
        let taxonomy = try F.taxonomy().applying(.setDeadlineClass(code: "JT", deadlineClass: "weekly"))
        #expect(taxonomy.unknownDeadlineClasses(isKnown: known.contains) == [.unknownDeadlineClass(code: "JT", value: "weekly")])
    }

    @Test func categoriesRoundTripAsJSON() throws {
        let categories = try F.taxonomy().categories
        #expect(try JSONDecoder().decode([Category].self, from: JSONEncoder().encode(categories)) == categories)
    }
}

@Suite struct TaxonomyValidationTests {
    @Test(arguments: ["", "cx", "CX.", ".CX", "CX..SZ", "CX.SZ.DL.PS", "ABCDEFGHI", "CX.道路", "CX-SZ"])
    func malformedCodesAreRefused(code: String) {
        #expect(!Category.isValidCode(code))
        #expect(throws: TaxonomyError.invalidCode(code)) { try Taxonomy([Category(code: code, name: "x")]) }
    }

    @Test func everyProblemIsReportedWithItsIndex() {
        let problems = Taxonomy.problems(in: [
            Category(code: "CX", name: "城乡建设"),
            Category(code: "CX", name: "重复"),
            Category(code: "CX.SZ", name: " ", serviceCode: "road"),
            Category(code: "CX.SZ.DLPS", name: "道路破损", serviceCode: "road", standardCode: "0613", legacyCode: "04090"),
            Category(code: "HB.ZS", name: "噪声污染", deadlineClass: "一般"),
            Category(code: "CX.GS", name: "供水", serviceCode: "water supply", standardCode: "06013"),
            Category(code: "CX.PS", name: "排水", standardCode: "06013", legacyCode: "0409"),
            Category(code: "CX.RQ", name: "燃气", legacyCode: "0409"),
        ])
        #expect(problems.map(\.index) == [1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7])
        #expect(problems.map(\.error) == [
            .duplicateCode("CX"),
            .emptyName(code: "CX.SZ"),
            .serviceCodeNotLeaf(code: "CX.SZ"),
            .invalidStandardCode(code: "CX.SZ.DLPS", value: "0613"),
            .invalidLegacyCode(code: "CX.SZ.DLPS", value: "04090"),
            .duplicateServiceCode("road"),
            .invalidDeadlineClass(code: "HB.ZS", value: "一般"),
            .unknownParent(code: "HB.ZS", parent: "HB"),
            .invalidServiceCode(code: "CX.GS", value: "water supply"),
            .duplicateStandardCode("06013"),
            .duplicateLegacyCode("0409"),
        ])
    }

    @Test func retiredCategoriesReleaseTheirStandardCodesButNotTheirServiceCodes() throws {
        let old = Category(code: "SR.LJ", name: "垃圾分类（旧）", serviceCode: "waste", standardCode: "06041", active: false)
        let taxonomy = try Taxonomy([
            Category(code: "SR", name: "城市管理"), old,
            Category(code: "SR.FL", name: "垃圾分类", standardCode: "06041"),
        ])
        #expect(taxonomy.category(standardCode: "06041")?.code == "SR.FL")
        #expect(taxonomy.category(serviceCode: "waste") == old)
        #expect(throws: TaxonomyError.duplicateServiceCode("waste")) {
            try taxonomy.applying(.setServiceCode(code: "SR.FL", serviceCode: "waste"))
        }
    }

    @Test func anActiveCategoryNeedsAnActiveParent() {
        #expect(throws: TaxonomyError.parentRetired(code: "SR.FL", parent: "SR")) {
            try Taxonomy([Category(code: "SR", name: "城市管理", active: false), Category(code: "SR.FL", name: "垃圾分类")])
        }
    }

    @Test func errorsHaveStableCodesAndBothLanguages() {
        let error = TaxonomyError.unknownParent(code: "HB.ZS", parent: "HB")
        #expect(error.code == "taxonomy.unknown_parent" && error.kind == .invalid)
        #expect(error.messageZh.contains("HB") && error.messageEn.contains("HB.ZS"))
        #expect(TaxonomyError.duplicateCode("CX").kind == .conflict)
        #expect(TaxonomyError.categoryNotFound("CX").kind == .notFound)
    }
}

@Suite struct TaxonomyEditTests {
    typealias F = DispatchFixtures

    @Test func addRenameAndSetCodes() throws {
        let original = try F.taxonomy()
        let edited = try original
            .applying(.add(category: Category(code: "CX.SZ.JG", name: "井盖缺失", deadlineClass: "urgent", serviceCode: "manhole")))
            .applying(.rename(code: "CX.SZ.LD", name: "路灯不亮"))
            .applying(.setDeadlineClass(code: "CX.GS", deadlineClass: nil))
            .applying(.setServiceCode(code: "CX.SZ.DLPS", serviceCode: "pothole"))
        #expect(edited.children(of: "CX.SZ").map(\.code) == ["CX.SZ.DLPS", "CX.SZ.LD", "CX.SZ.JG"])
        #expect(edited.deadlineClass(of: "CX.SZ.JG") == "urgent")
        #expect(edited.category("CX.SZ.LD")?.name == "路灯不亮")
        #expect(edited.deadlineClass(of: "CX.GS.TS") == "general")
        #expect(edited.category(serviceCode: "pothole")?.code == "CX.SZ.DLPS" && edited.category(serviceCode: "road-damage") == nil)
        // Value semantics: the original taxonomy is unchanged.
        #expect(original.category("CX.SZ.JG") == nil && original.category("CX.SZ.LD")?.name == "路灯故障")
    }

    @Test func retiringRetiresTheSubtree() throws {
        let taxonomy = try F.taxonomy().applying(.retire(code: "CX.SZ"))
        #expect(taxonomy.ancestors(of: "CX.SZ.DLPS").map(\.active) == [false, false, true])
        #expect(taxonomy.leaves.map(\.code) == ["CX.GS.TS", "JT.TC.JD"])
        #expect(taxonomy.category(standardCode: "06013") == nil)
        #expect(throws: TaxonomyError.categoryRetired("CX.SZ")) { try taxonomy.applying(.retire(code: "CX.SZ")) }
        #expect(throws: TaxonomyError.categoryRetired("CX.SZ.LD")) { try taxonomy.applying(.rename(code: "CX.SZ.LD", name: "路灯")) }
        #expect(throws: TaxonomyError.parentRetired(code: "CX.SZ.JG", parent: "CX.SZ")) {
            try taxonomy.applying(.add(category: Category(code: "CX.SZ.JG", name: "井盖缺失")))
        }
    }

    @Test(arguments: [
        (CategoryChange.add(category: Category(code: "CX.SZ", name: "市政")), TaxonomyError.duplicateCode("CX.SZ")),
        (.add(category: Category(code: "HB.ZS", name: "噪声污染")), .unknownParent(code: "HB.ZS", parent: "HB")),
        (.add(category: Category(code: "CX.SZ.DLPS.K", name: "坑槽")), .invalidCode("CX.SZ.DLPS.K")),
        (.add(category: Category(code: "JT.TC.JD2", name: "违停", standardCode: "09009")), .duplicateStandardCode("09009")),
        (.rename(code: "CX", name: ""), .emptyName(code: "CX")),
        (.rename(code: "XX", name: "不存在"), .categoryNotFound("XX")),
        (.setDeadlineClass(code: "CX", deadlineClass: "紧急"), .invalidDeadlineClass(code: "CX", value: "紧急")),
        (.setServiceCode(code: "CX.SZ", serviceCode: "municipal"), .serviceCodeNotLeaf(code: "CX.SZ")),
        (.setServiceCode(code: "CX.SZ.LD", serviceCode: "road-damage"), .duplicateServiceCode("road-damage")),
        (.retire(code: "XX"), .categoryNotFound("XX")),
    ])
    func invalidChangesAreRefused(change: CategoryChange, error: TaxonomyError) throws {
        let taxonomy = try F.taxonomy()
        #expect(throws: error) { try taxonomy.applying(change) }
    }

    @Test func aLeafWithAServiceCodeCannotGetChildren() throws {
        let taxonomy = try F.taxonomy().applying(.add(category: Category(code: "HB", name: "环境保护", serviceCode: "environment")))
        #expect(throws: TaxonomyError.serviceCodeNotLeaf(code: "HB")) {
            try taxonomy.applying(.add(category: Category(code: "HB.ZS", name: "噪声污染")))
        }
    }
}
