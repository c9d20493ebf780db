import Testing
@testable import WhistleCore

/// The questions a category asks (Open311 service definition attributes): definitions checked with the
/// taxonomy, answers checked against their datatype.
@Suite struct ServiceAttributeTests {
    static let where_ = ServiceAttribute(code: "where", datatype: .singlevaluelist, description: "在哪里？", required: true, order: 1,
                                         values: [.init(key: "road", name: "道路"), .init(key: "park", name: "公园")])

    @Test(arguments: [
        (ServiceAttribute.Datatype.string, ["A-12"], nil), (.string, ["一\n二"], "one line"), (.number, ["2.5"], nil), (.number, ["两"], "number"),
        (.datetime, ["2026-11-21T19:30:00+08:00"], nil), (.datetime, ["昨晚"], "ISO 8601"), (.text, ["第一行\n第二行"], nil),
        (.multivaluelist, ["road", "park"], nil), (.multivaluelist, ["road", "moon"], "one of"), (.singlevaluelist, ["road", "park"], "one value"),
    ] as [(ServiceAttribute.Datatype, [String], String?)])
    func answersAreCheckedByDatatype(datatype: ServiceAttribute.Datatype, answers: [String], refusal: String?) {
        let isList = datatype == .singlevaluelist || datatype == .multivaluelist
        let attribute = ServiceAttribute(code: "q", datatype: datatype, description: "问题", order: 1, values: isList ? Self.where_.values : [])
        let problem = attribute.check(answers)
        if let refusal { #expect(problem?.contains(refusal) == true) } else { #expect(problem == nil) }
    }

    @Test func requiredQuestionsMustBeAnsweredUnlessTheyOnlyInform() {
        #expect(Self.where_.check([]) == "attribute[where] is required (在哪里？)")
        #expect(Self.where_.check(["  "]) != nil)
        var notice = Self.where_
        notice.variable = false
        #expect(notice.check([]) == nil)
    }

    @Test func theTaxonomyRefusesBadQuestions() throws {
        let parent = Category(code: "CX", name: "城乡建设")
        var leaf = Category(code: "CX.LD", name: "路灯")
        leaf.attributes = [Self.where_]
        _ = try Taxonomy([parent, leaf])
        var bad = leaf
        bad.attributes = [Self.where_, Self.where_]  // the same code and order twice
        #expect(throws: TaxonomyError.self) { try Taxonomy([parent, bad]) }
        bad.attributes = [ServiceAttribute(code: "n", datatype: .number, description: "几盏", order: 1, values: Self.where_.values)]
        #expect(throws: TaxonomyError.self) { try Taxonomy([parent, bad]) }  // a number has no choices
        var asking = parent
        asking.attributes = [Self.where_]
        #expect(throws: TaxonomyError.self) { try Taxonomy([asking, leaf]) }  // only leaves ask
        let edited = try Taxonomy([parent, leaf]).applying(.setAttributes(code: "CX.LD", attributes: []))
        #expect(edited.category("CX.LD")?.attributes.isEmpty == true)
    }
}
