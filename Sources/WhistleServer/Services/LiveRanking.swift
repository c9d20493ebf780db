import Foundation
import WhistleCore
import WhistleStore

/// 实时排名: a group's ranking over an assessment period as it stands now, for the rankings API (read and
/// published) and the command centre alike. Every unit of the group counts, idle ones too; each is scored on
/// its tally over the period's days under the scheme that assesses the period.
struct LiveRanking: Sendable {
    let reports: ReportRepository
    let whistles: WhistleRepository
    let schemes: [AssessmentScheme]

    /// - Parameter area: only the members whose code starts with it (a district's streets), or all with "".
    func snapshot(
        _ period: AssessmentPeriod, _ group: UnitGroup, units: [String: OrgUnit], area: String = "", at now: Date
    ) async throws -> RankingSnapshot {
        let scheme = AssessmentScheme.assessing(period, among: schemes) ?? .beijing
        let members = units.values.filter { UnitGroup(kind: $0.kind, code: $0.code) == group && $0.code.hasPrefix(area) }.map(\.code)
        var summed = try await reports.tallies(from: period.firstDay, through: period.lastDay)
        // 超期待处置 is a state: it is known for now, so only the period in progress carries it.
        if period.contains(now) {
            for (unit, count) in try await reports.overduePending() { summed[unit, default: .zero].overduePending = count }
        }
        var whistleShares: [String: Double] = [:]
        if group == .cityDepartments {
            for figures in WhistleFigures.bySummonedUnit(try await whistles.raised(from: period.start, to: period.end, district: nil)) {
                whistleShares[figures.unitCode] = figures.meanScoreShare
            }
        }
        return RankingSnapshot(
            period: period, group: group, scheme: scheme, publishedAt: now,
            tallies: Dictionary(uniqueKeysWithValues: members.map { ($0, summed[$0] ?? .zero) }), whistleShares: whistleShares)
    }
}
