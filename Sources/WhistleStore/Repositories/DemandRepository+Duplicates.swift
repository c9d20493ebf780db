import Foundation
import SQLKit
import WhistleCore

extension DemandRepository {
    /// The duplicates to propose to `actor` for a draft of `category` (the suggestion API and the hotline's
    /// intake page): the candidates found here that the actor may see, as ``Duplicates`` decides, best first,
    /// each with its demand.
    public func proposedDuplicates(
        category: String, of probe: Duplicates.Probe, for actor: Actor, at now: Date, rules: DuplicateRules
    ) async throws -> [(candidate: DuplicateCandidate, demand: Demand)] {
        let visible = try await duplicateCandidates(category: category, of: probe, at: now, rules: rules).filter { DemandAccess.canView($0, as: actor) }
        let byID = Dictionary(visible.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return Duplicates.propose(for: probe, among: visible, at: now, rules: rules).compactMap { candidate in byID[candidate.demandID].map { (candidate, $0) } }
    }

    /// The centre's direct answers (直接答复) to consultations of the category, newest first: what the hotline's
    /// knowledge base ranks (``KnowledgeBase``).
    public func directAnswers(category: String, limit: Int) async throws -> [Demand] {
        try await store.read { db in
            try await db.raw("""
                SELECT document FROM demands WHERE category_code = \(bind: category) AND status = \(bind: DemandStatus.answered.rawValue)
                ORDER BY created_at DESC LIMIT \(bind: limit)
                """).all().map { try Self.decode(try $0.decode(column: "document", as: String.self)) }
        }
    }

    /// Open demands of `category` received in the rules' period that may be the same problem as the probe
    /// (``Duplicates/propose(for:among:at:rules:)`` decides): those within the box of the allowed distance
    /// around its coordinates (index on category and latitude), and those in the same division when it has
    /// none or they have none. The newest 200 of each kind.
    public func duplicateCandidates(category: String, of probe: Duplicates.Probe, at now: Date, rules: DuplicateRules) async throws -> [Demand] {
        let since = now.addingTimeInterval(-Double(rules.periodDays) * 86_400).millisecondsSince1970
        let open: SQLQueryString = "category_code = \(bind: category) AND created_at >= \(bind: since) AND status NOT IN ('closed', 'merged', 'transferred', 'answered')"
        var queries: [SQLQueryString] = []
        if let point = probe.coordinate {
            let box = Duplicates.box(around: point, metres: rules.distanceMeters)
            queries.append("""
                SELECT document FROM demands WHERE \(open)
                AND latitude BETWEEN \(bind: box.latitude.lowerBound) AND \(bind: box.latitude.upperBound)
                AND longitude BETWEEN \(bind: box.longitude.lowerBound) AND \(bind: box.longitude.upperBound)
                ORDER BY created_at DESC LIMIT 200
                """)
        }
        if let area = probe.areaCode {
            // The division itself, the divisions inside it (codes extend their parent's) and those above it.
            let above = [6, 9, 12].filter { $0 < area.count }.map { String(area.prefix($0)) }
            let within: SQLQueryString = "(area_code >= \(bind: area) AND area_code < \(bind: area + ":"))"
            let enclosing: SQLQueryString = above.isEmpty ? "" : " OR area_code IN (\(binds: above))"
            queries.append("""
                SELECT document FROM demands WHERE \(open) AND (\(within)\(enclosing))
                \(unsafeRaw: probe.coordinate == nil ? "" : "AND latitude IS NULL") ORDER BY created_at DESC LIMIT 200
                """)
        }
        let statements = queries
        return try await store.read { db in
            var seen = Set<String>()
            var demands: [Demand] = []
            for query in statements {
                for row in try await db.raw(query).all() {
                    let demand = try Self.decode(try row.decode(column: "document", as: String.self))
                    if seen.insert(demand.id).inserted { demands.append(demand) }
                }
            }
            return demands
        }
    }
}
