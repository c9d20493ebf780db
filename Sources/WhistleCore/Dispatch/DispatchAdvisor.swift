import Foundation

/// Everything dispatch suggestions need in memory (SPEC §7: the dispatcher confirms, Whistle proposes): the
/// city's units, the grids' polygons, the gazetteer, the taxonomy with its duty rules, and the newest trained
/// classifiers. Built once per change of any of them; a suggestion then reads no database except for
/// duplicates, which the store finds.
public struct DispatchAdvisor: Sendable {
    /// A trained model in service, with its stored version.
    public struct Model: Sendable {
        public var version: Int
        public var classifier: TextClassifier

        public init(version: Int, classifier: TextClassifier) {
            self.version = version
            self.classifier = classifier
        }
    }

    /// Where a draft is: the grid its coordinates fall in, else the division its address names.
    public struct Place: Sendable, Equatable {
        public enum Source: String, Sendable { case coordinates, address }
        public var source: Source
        public var gridCode: String?
        /// The most specific division above the grid (its community), or the one the address names.
        public var areaCode: String?
        /// The names found in the address.
        public var matched: [String]
        /// The most specific code first, up to the city: what duty rules and unit templates are matched on.
        public var chain: [String]
    }

    /// A suggested category or unit, with its name and calibrated confidence.
    public struct Suggested: Sendable, Equatable {
        public var code: String
        public var name: String
        public var confidence: Double
    }

    /// The advice for one draft.
    public struct Advice: Sendable {
        public var place: Place?
        /// Top-3 categories from the category model.
        public var categories: [Suggested]
        /// The category routed and checked for duplicates: the one given, else the most likely suggested.
        public var categoryCode: String?
        /// What the duty rules say for that category at that place.
        public var route: RouteMatch?
        /// Units that solved similar demands (the unit model), resolved for the place.
        public var units: [Suggested]
    }

    public let units: [String: OrgUnit]
    /// The root of the organisation tree, whose administrators keep the taxonomy and every account.
    public let cityCode: String?
    public let grids: GridIndex
    public let gazetteer: Gazetteer
    public let router: DutyRouter
    public private(set) var categoryModel: Model?
    public private(set) var unitModel: Model?

    public init(units: [OrgUnit], taxonomy: Taxonomy, rules: [DutyRule], categoryModel: Model?, unitModel: Model?) {
        self.units = Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        cityCode = units.first { $0.parentCode == nil }?.code
        grids = GridIndex(units.compactMap { unit in unit.kind == .grid ? unit.boundary.map { (unit.code, $0) } : nil })
        gazetteer = Gazetteer(units)
        router = DutyRouter(rules: rules, taxonomy: taxonomy)
        self.categoryModel = categoryModel
        self.unitModel = unitModel
    }

    public var taxonomy: Taxonomy { router.taxonomy }

    /// The same advisor with a newer model for `target`.
    public func serving(_ model: Model, for target: ClassifierTarget) -> DispatchAdvisor {
        var advisor = self
        switch target {
        case .category: advisor.categoryModel = model
        case .unit: advisor.unitModel = model
        }
        return advisor
    }

    /// The place of a draft: by its coordinates when they fall in a grid, else by the names in its address.
    public func place(coordinate: Coordinate?, address: String) -> Place? {
        if let coordinate, let grid = grids.locate(coordinate) {
            let chain = self.chain(of: grid)
            return Place(source: .coordinates, gridCode: grid, areaCode: chain.dropFirst().first, matched: [], chain: chain)
        }
        guard !address.isEmpty, let match = gazetteer.resolve(address) else { return nil }
        return Place(source: .address, gridCode: nil, areaCode: match.unitCode, matched: match.matchedText, chain: chain(of: match.unitCode))
    }

    /// The location with its grid and division filled in where the draft left them out (intake).
    public func located(_ location: DemandLocation) -> DemandLocation {
        guard location.gridCode == nil || location.areaCode == nil, let place = place(coordinate: location.coordinate, address: location.address) else {
            return location
        }
        var located = location
        if located.gridCode == nil { located.gridCode = place.gridCode }
        // The city itself says nothing about where in it; intake wants a district or narrower.
        if located.areaCode == nil, let area = place.areaCode, area.count > 6 || units[area]?.kind == .district { located.areaCode = area }
        return located
    }

    /// The code and the codes of the divisions above it, most specific first (ends with the city).
    public func chain(of code: String) -> [String] {
        var chain: [String] = []
        var next: String? = code
        while let code = next, chain.count < 8 {
            chain.append(code)
            next = units[code]?.parentCode
        }
        return chain
    }

    /// Category, route and units for a draft; `categoryCode` (when the agent already chose one) is routed
    /// instead of the suggestion.
    public func advise(title: String?, content: String, address: String, coordinate: Coordinate?, categoryCode: String?, at now: Date) -> Advice {
        let place = place(coordinate: coordinate, address: address)
        let categories = (categoryModel?.classifier.suggest(title: title ?? "", content: content, top: 3) ?? []).map {
            Suggested(code: $0.label, name: taxonomy.category($0.label)?.name ?? $0.label, confidence: $0.confidence)
        }
        let chosen = categoryCode ?? categories.first { taxonomy.category($0.code)?.active == true }?.code
        let route = chosen.flatMap { category in place.flatMap { router.route(category: category, place: $0.chain, at: now) } }
        var suggestedUnits: [Suggested] = []
        for suggestion in unitModel?.classifier.suggest(title: title ?? "", content: content, top: 5) ?? [] {
            guard let code = UnitTarget(suggestion.label)?.resolve(in: place?.chain ?? []), let unit = units[code] else { continue }
            if let index = suggestedUnits.firstIndex(where: { $0.code == code }) {
                suggestedUnits[index].confidence += suggestion.confidence
            } else {
                suggestedUnits.append(Suggested(code: code, name: unit.name, confidence: suggestion.confidence))
            }
        }
        return Advice(place: place, categories: categories, categoryCode: chosen, route: route, units: Array(suggestedUnits.prefix(3)))
    }
}
