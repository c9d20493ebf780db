import Foundation

/// The groups units are ranked in (rule 18): each group has its own table.
public enum UnitGroup: String, Sendable, Hashable, Codable, CaseIterable {
    /// 街乡镇: streets, towns and townships, area offices.
    case streets
    /// 区
    case districts
    /// 市级部门 (委办局 of the city)
    case cityDepartments = "city_departments"
    /// 公共服务企业
    case enterprises

    /// Name as the console shows it.
    public var nameZh: String {
        switch self {
        case .streets: "街乡镇"
        case .districts: "各区"
        case .cityDepartments: "市级部门"
        case .enterprises: "公共服务企业"
        }
    }

    /// The group a unit is ranked in, or `nil` when it is ranked in none (the city, communities, grids,
    /// stationed teams, and district departments, which are not in the city's tables). A city department
    /// is a department whose code's division part is a city code (`110000-CGW`: 6 digits ending in `0000`).
    public init?(kind: UnitKind, code: String) {
        switch kind {
        case .street, .township, .area: self = .streets
        case .district: self = .districts
        case .enterprise: self = .enterprises
        case .department:
            let area = UnitCode.area(of: code)
            guard area.count == 6, area.hasSuffix("0000") else { return nil }
            self = .cityDepartments
        case .city, .community, .village, .grid, .stationedTeam: return nil
        }
    }
}

/// One unit's line in a ranking.
public struct RankingRow: Sendable, Hashable, Codable {
    public var unitCode: String
    /// Competition rank (1, 2, 2, 4); `nil` for a unit without a score, listed after the ranked ones.
    public var rank: Int?
    public var score: UnitScore?
    /// The counts the score came from, so a published table explains itself.
    public var tally: UnitTally
}

/// Ranking of the units of one group.
public enum Ranking {
    /// Units ordered by result (the composite, or a department's blend with its whistle score) descending,
    /// with competition ranks: equal results share a rank and the next rank skips (1, 2, 2, 4). Results are
    /// compared at 4 decimals so that floating-point noise never breaks a tie. Ties are listed by unit code;
    /// units without a score follow, unranked, by unit code.
    public static func rows(_ scored: [(unitCode: String, score: UnitScore?, tally: UnitTally)]) -> [RankingRow] {
        func key(_ score: UnitScore) -> Int { Int((score.result * 10_000).rounded()) }
        let ranked = scored.compactMap { entry in entry.score.map { (entry, key($0)) } }
            .sorted { ($1.1, $0.0.unitCode) < ($0.1, $1.0.unitCode) }
        var rows: [RankingRow] = []
        for (index, (entry, result)) in ranked.enumerated() {
            let rank = index > 0 && ranked[index - 1].1 == result ? rows[index - 1].rank : index + 1
            rows.append(RankingRow(unitCode: entry.unitCode, rank: rank, score: entry.score, tally: entry.tally))
        }
        return rows + scored.filter { $0.score == nil }.sorted { $0.unitCode < $1.unitCode }
            .map { RankingRow(unitCode: $0.unitCode, rank: nil, score: nil, tally: $0.tally) }
    }
}

/// A published ranking (rule 18): immutable once made. The store keeps every snapshot; publishing again
/// (after a correction) makes a new snapshot beside the old one.
public struct RankingSnapshot: Sendable, Hashable, Codable {
    /// The period's label, `YYYY-MM` (the month it ends in).
    public let periodLabel: String
    public let group: UnitGroup
    /// The scheme version that assessed the period (in force at its start).
    public let schemeEffectiveFrom: CalendarDay
    /// When it was published, as given by the caller.
    public let publishedAt: Date
    public let rows: [RankingRow]

    /// Scores and ranks `tallies` (unit code → tally, all units of `group`, idle ones with a zero tally so
    /// they are listed) under `scheme`, the version that assesses `period` (``AssessmentScheme/assessing(_:among:)``).
    /// `whistleShares` gives departments' mean whistle score shares (see ``Assessment/score(tally:scheme:whistleShare:)``).
    public init(
        period: AssessmentPeriod, group: UnitGroup, scheme: AssessmentScheme, publishedAt: Date,
        tallies: [String: UnitTally], whistleShares: [String: Double] = [:]
    ) {
        periodLabel = period.label
        self.group = group
        schemeEffectiveFrom = scheme.effectiveFrom
        self.publishedAt = publishedAt
        rows = Ranking.rows(tallies.map { code, tally in
            (code, Assessment.score(tally: tally, scheme: scheme, whistleShare: whistleShares[code]), tally)
        })
    }
}
