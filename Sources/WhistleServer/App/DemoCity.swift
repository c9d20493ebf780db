import Foundation
import Logging
import WhistleCore
import WhistleStore

/// The Beijing demo city bundled in Resources/demo/beijing (see its README for sources and licences).
public enum DemoCity {
    /// Builds the demo city's units and the report of names that did not join.
    public static func build() throws -> (units: [OrgUnit], report: BeijingDemoCity.JoinReport) {
        func read(_ name: String) throws -> String { try resource(name, in: "Resources/demo/beijing") }
        return try BeijingDemoCity.build(from: .init(
            districts: try read("beijing_districts"), townships: try read("beijing_townships_nbs"),
            communities: try read("beijing_towns_villages_jionlp")))
    }

    /// Loads the demo city into an empty database, with the demo taxonomy, its questions and the duty list
    /// (Resources/demo); a database that already has units is left as it is.
    public static func seedIfEmpty(_ store: any Store, now: Date, logger: Logger) async throws {
        let repository = UnitRepository(store: store)
        guard try await repository.count() == 0 else { return }
        let (units, report) = try build()
        let summary = try await repository.importUnits(
            units.enumerated().map { UnitRow(line: $0.offset + 1, unit: $0.element) }, file: "demo/beijing", now: now)
        var categories = try TaxonomyFile.parse(try resource("demo-taxonomy", in: "Resources/demo"), file: "demo-taxonomy.csv").get()
        let questions = try JSONDecoder().decode(
            [String: [ServiceAttribute]].self, from: Data(try resource("demo-service-attributes", in: "Resources/demo", extension: "json").utf8))
        for index in categories.indices { categories[index].attributes = questions[categories[index].code] ?? [] }
        _ = try await TaxonomyRepository(store: store).importCategories(categories, file: "demo-taxonomy.csv", now: now)
        let rules = try DutyListFile.parse(try resource("demo-duties", in: "Resources/demo"), file: "demo-duties.csv").get()
        try await DutyRuleRepository(store: store).add(rules, file: "demo-duties.csv", by: nil, now: now)
        logger.info("demo city loaded", metadata: [
            "units": "\(summary.inserted)", "communities.matched": "\(report.communitiesMatched)",
            "communities.unmatched": "\(report.communitiesUnmatched)", "categories": "\(categories.count)", "dutyRules": "\(rules.count)",
        ])
    }

    /// A bundled file's text.
    static func resource(_ name: String, in folder: String, extension type: String = "csv") throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: type, subdirectory: folder) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(folder)/\(name).\(type)"])
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
