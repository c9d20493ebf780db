import Foundation

/// A score as one reader may see it (背靠背): `scoredBy` is `nil` when the reader is the scored unit.
public struct ScoreView: Sendable, Hashable, Codable {
    public var unitCode: String
    public var timeliness: Int
    public var effort: Int
    public var result: Int
    public var total: Int
    public var comment: String?
    public var at: Date
    /// The scorer (person), shown only to the whistling unit and the district's reviewers.
    public var scoredBy: String?

    init(unit: String, _ score: WhistleScore, showScorer: Bool) {
        unitCode = unit
        timeliness = score.timeliness
        effort = score.effort
        result = score.result
        total = score.total
        comment = score.comment
        at = score.at
        scoredBy = showScorer ? score.by : nil
    }
}

extension Whistle {
    /// The scores `actor` may see, by unit code (背靠背):
    /// - the whistling unit sees every score it gave, with the scorer;
    /// - a summoned unit sees only its own score, without the scorer;
    /// - a supervisor or administrator of the whistle's district (or of the city) sees all, with the scorer;
    /// - anyone else sees nothing.
    public func scores(visibleTo actor: Actor) -> [String: ScoreView] {
        if actor.unitCode == whistlingUnit {
            return scores.reduce(into: [:]) { views, entry in views[entry.key] = ScoreView(unit: entry.key, entry.value, showScorer: true) }
        }
        if Role.whistleReviewRoles.contains(actor.role) {
            let area = UnitCode.area(of: actor.unitCode)
            if area == districtCode || area == WhistleRules.cityCode(ofDistrict: districtCode) {
                return scores.reduce(into: [:]) { views, entry in views[entry.key] = ScoreView(unit: entry.key, entry.value, showScorer: true) }
            }
        }
        guard let own = scores[actor.unitCode] else { return [:] }
        return [actor.unitCode: ScoreView(unit: actor.unitCode, own, showScorer: false)]
    }
}

/// Whistle figures over a period (吹哨率 and report-in), for reports.
public struct WhistleSummary: Sendable, Hashable, Codable {
    /// Whistles in the set.
    public var count: Int
    /// Whistles per 1,000 demands of the period (吹哨率); `nil` when there were no demands.
    public var per1000Demands: Double?
    /// Share of decided report-ins (signed in, or marked absent) that were on time; `nil` when none is decided.
    public var onTimeReportInRate: Double?
    /// Mean minutes from the whistle to each sign-in; `nil` when nobody signed in.
    public var meanMinutesToArrive: Double?
}

/// Pure figures over whistles.
public enum WhistleFigures {
    /// Figures of `whistles` (the caller picks the period, the street …), with the demands of the same scope
    /// and period for the rate. A unit still within its deadline is not counted in the on-time rate; a unit
    /// marked absent counts as not on time even if it came later.
    public static func summarise(_ whistles: [Whistle], demandsInPeriod: Int) -> WhistleSummary {
        var decided = 0, onTime = 0, arrivals = 0
        var minutes = 0.0
        for whistle in whistles {
            for summons in whistle.summons {
                if let signIn = summons.signIn {
                    arrivals += 1
                    minutes += signIn.at.timeIntervalSince(whistle.raisedAt) / 60
                }
                if summons.signIn != nil || summons.markedAbsentAt != nil {
                    decided += 1
                    if summons.reportedOnTime, summons.markedAbsentAt == nil { onTime += 1 }
                }
            }
        }
        return WhistleSummary(
            count: whistles.count,
            per1000Demands: demandsInPeriod > 0 ? Double(whistles.count) * 1_000 / Double(demandsInPeriod) : nil,
            onTimeReportInRate: decided > 0 ? Double(onTime) / Double(decided) : nil,
            meanMinutesToArrive: arrivals > 0 ? minutes / Double(arrivals) : nil)
    }
}
