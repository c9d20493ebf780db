import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// Rankings over HTTP (一张卷子, SPEC §6): the live table of a group and period, summed from the daily
/// rollup, and its publication as an immutable snapshot. Departments are blended with their street whistle
/// scores in the period.
extension WhistleAPIHandler {
    func getRanking(_ input: Operations.GetRanking.Input) async throws -> Operations.GetRanking.Output {
        _ = try RequestActor.required()
        let (period, group) = try Self.ranking(input.query.group.rawValue, input.query.period, schemes: configuration.assessmentSchemes)
        let snapshot = try await ranking(period, group, at: clock())
        return .ok(.init(body: .json(.init(snapshot, period: period, id: nil, published: false, units: desk.advisor.units, schemes: configuration.assessmentSchemes))))
    }

    func publishRanking(_ input: Operations.PublishRanking.Input) async throws -> Operations.PublishRanking.Output {
        let actor = try RequestActor.required()
        guard [.supervisor, .administrator].contains(actor.role), actor.unitCode == cityCode else { throw AssessmentAccessError.mayNotPublish }
        let (period, group) = try Self.ranking(input.query.group.rawValue, input.query.period, schemes: configuration.assessmentSchemes)
        let snapshot = try await ranking(period, group, at: clock())
        let id = try await rankings.publish(snapshot, by: actor)
        return .created(.init(body: .json(.init(snapshot, period: period, id: id, published: true, units: desk.advisor.units, schemes: configuration.assessmentSchemes))))
    }

    func listRankingSnapshots(_ input: Operations.ListRankingSnapshots.Input) async throws -> Operations.ListRankingSnapshots.Output {
        _ = try RequestActor.required()
        let (period, group) = try Self.ranking(input.query.group.rawValue, input.query.period, schemes: configuration.assessmentSchemes)
        let (units, schemes) = (desk.advisor.units, configuration.assessmentSchemes)
        return .ok(.init(body: .json(.init(items: try await rankings.snapshots(period: period.label, group: group).map {
            .init($0.snapshot, period: period, id: $0.id, published: true, units: units, schemes: schemes)
        }))))
    }

    private func ranking(_ period: AssessmentPeriod, _ group: UnitGroup, at now: Date) async throws -> RankingSnapshot {
        try await LiveRanking(reports: reports, whistles: whistles, schemes: configuration.assessmentSchemes)
            .snapshot(period, group, units: desk.advisor.units, at: now)
    }

    private static func ranking(_ group: String, _ label: String, schemes: [AssessmentScheme]) throws -> (AssessmentPeriod, UnitGroup) {
        guard let period = AssessmentScheme.period(labelled: label, among: schemes) else {
            throw RequestError.invalidParameter(name: "period", reason: "应为 YYYY-MM / YYYY-MM expected")
        }
        return (period, UnitGroup(rawValue: group)!)
    }
}

/// Why a ranking was not published.
enum AssessmentAccessError: DomainError {
    case mayNotPublish

    var code: String { "assessment.may_not_publish" }
    var kind: DomainErrorKind { .forbidden }
    var messageZh: String { "只有市级督办或管理员可以发布排名" }
    var messageEn: String { "only the city's supervisors and administrators publish rankings" }
}

extension Components.Schemas.Ranking {
    init(_ snapshot: RankingSnapshot, period: AssessmentPeriod, id: String?, published: Bool, units: [String: OrgUnit], schemes: [AssessmentScheme]) {
        let weights = (schemes.first { $0.effectiveFrom == snapshot.schemeEffectiveFrom } ?? .beijing).indicatorWeights
        self.init(
            id: id, periodLabel: snapshot.periodLabel, firstDay: period.firstDay.description, lastDay: period.lastDay.description,
            group: snapshot.group.rawValue, schemeEffectiveFrom: snapshot.schemeEffectiveFrom.description,
            publishedAt: published ? snapshot.publishedAt : nil,
            rows: snapshot.rows.map { row in
                .init(
                    unitCode: row.unitCode, unitName: units[row.unitCode]?.name ?? row.unitCode, rank: row.rank,
                    responseRate: row.score?.responseRate, resolutionRate: row.score?.resolutionRate, satisfactionRate: row.score?.satisfactionRate,
                    composite: row.score?.composite, whistleScore: row.score?.whistleScore, result: row.score?.result,
                    validCallbacks: row.tally.callbacks.valid, filed: row.tally.filed, indicators: .init(CityManagementIndicators(tally: row.tally, weights: weights)))
            })
    }
}

extension Components.Schemas.CityManagementIndicators {
    init(_ indicators: CityManagementIndicators) {
        self.init(
            filed: indicators.filed, closureRate: indicators.closureRate, onTimeClosureRate: indicators.onTimeClosureRate,
            handlingRate: indicators.handlingRate, onTimeHandlingRate: indicators.onTimeHandlingRate, reworkRate: indicators.reworkRate,
            extensionRate: indicators.extensionRate, overduePendingRate: indicators.overduePendingRate, compositeValue: indicators.compositeValue)
    }
}
