import Foundation

/// A score as one reader may see it (背靠背): `scoredBy` is `nil` when the reader is the scored unit.
public struct ScoreView: Sendable, Hashable, Codable {
    public var unitCode: String
    public var timeliness: Int
    public var effort: Int
    public var result: Int
    public var total: Int
    /// The total as a share of the highest possible, 0…1.
    public var share: Double
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
        share = score.share
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
        if WhistleAccess.showsScorers(self, to: actor) {
            return scores.reduce(into: [:]) { views, entry in views[entry.key] = ScoreView(unit: entry.key, entry.value, showScorer: true) }
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

/// How one summoned unit answered whistles over a period (部门报到情况), for the department assessment.
public struct SummonedUnitFigures: Sendable, Hashable, Codable {
    public var unitCode: String
    /// Times the unit was summoned.
    public var summoned: Int
    /// Signed in by the deadline.
    public var onTime: Int
    /// Signed in after the deadline (迟到), whether or not it had been marked absent meanwhile.
    public var late: Int
    /// Marked absent by the deadline service (未报到) and never came.
    public var absent: Int
    /// Still within the deadline of an open whistle.
    public var pending: Int
    /// Mean minutes from the whistle to the unit's sign-in; `nil` when it never signed in.
    public var meanMinutesToArrive: Double?
    /// Scores received (一哨一考核).
    public var scored: Int
    /// Mean share of the highest possible score, 0…1; `nil` when never scored.
    public var meanScoreShare: Double?
}

/// A whistling unit's figures over a period (街道吹哨情况).
public struct WhistlerFigures: Sendable, Hashable, Codable {
    public var unitCode: String
    public var summary: WhistleSummary
    /// Whistles the district found empty (空哨) or wrong (乱吹哨).
    public var flaggedEmpty: Int
    public var flaggedWrong: Int
}

extension WhistleFigures {
    /// Figures per summoned unit, sorted by unit code.
    public static func bySummonedUnit(_ whistles: [Whistle]) -> [SummonedUnitFigures] {
        var figures: [String: SummonedUnitFigures] = [:]
        var minutes: [String: Double] = [:], arrivals: [String: Int] = [:], shares: [String: Double] = [:]
        for whistle in whistles {
            for summons in whistle.summons {
                let unit = summons.unitCode
                var f = figures[unit] ?? SummonedUnitFigures(
                    unitCode: unit, summoned: 0, onTime: 0, late: 0, absent: 0, pending: 0, meanMinutesToArrive: nil, scored: 0,
                    meanScoreShare: nil)
                f.summoned += 1
                if let signIn = summons.signIn {
                    if signIn.late { f.late += 1 } else { f.onTime += 1 }
                } else if summons.markedAbsentAt != nil {
                    f.absent += 1
                } else {
                    f.pending += 1
                }
                if let signIn = summons.signIn {
                    minutes[unit, default: 0] += signIn.at.timeIntervalSince(whistle.raisedAt) / 60
                    arrivals[unit, default: 0] += 1
                }
                if let score = whistle.scores[unit] {
                    f.scored += 1
                    shares[unit, default: 0] += score.share
                }
                figures[unit] = f
            }
        }
        return figures.values.map { f in
            var f = f
            if let count = arrivals[f.unitCode] { f.meanMinutesToArrive = minutes[f.unitCode]! / Double(count) }
            if f.scored > 0 { f.meanScoreShare = shares[f.unitCode]! / Double(f.scored) }
            return f
        }.sorted { $0.unitCode < $1.unitCode }
    }

    /// Figures per whistling unit, sorted by unit code; `demands` gives each unit's demands of the same period
    /// (for the rate per 1,000 demands).
    public static func byWhistler(_ whistles: [Whistle], demands: [String: Int]) -> [WhistlerFigures] {
        Dictionary(grouping: whistles, by: \.whistlingUnit).map { unit, own in
            WhistlerFigures(
                unitCode: unit, summary: summarise(own, demandsInPeriod: demands[unit] ?? 0),
                flaggedEmpty: own.count { $0.reviewFlag?.kind == .empty }, flaggedWrong: own.count { $0.reviewFlag?.kind == .wrong })
        }.sorted { $0.unitCode < $1.unitCode }
    }
}
