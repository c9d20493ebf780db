import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// Proactive governance over HTTP (主动治理, SPEC §6): the 治理类 street watch, trends by period, and the
/// 每月一题 topics with the demands of each problem before and since. All read from the volume rollup.
extension WhistleAPIHandler {
    func getGovernanceCandidates(_ input: Operations.GetGovernanceCandidates.Input) async throws -> Operations.GetGovernanceCandidates.Output {
        _ = try RequestActor.required()
        let period = try assessmentPeriod(input.query.period)
        let rule = (AssessmentScheme.assessing(period, among: configuration.assessmentSchemes) ?? .beijing).governance
        let periods = Self.periods(endingWith: period, count: rule.window)
        let units = desk.advisor.units
        var monthly: [String: [String: Int]] = [:]
        for period in periods {
            // Streets only: the rollup keys areas by street, or by district when only that is known.
            monthly[period.label] = try await reports.volumes(.area, from: period.firstDay, through: period.lastDay)
                .filter { units[$0.key].map { UnitGroup(kind: $0.kind, code: $0.code) == .streets } ?? false }
        }
        let candidates = GovernanceWatch.candidates(monthlyVolumes: monthly, rule: rule)
        return .ok(.init(body: .json(.init(
            periodLabel: period.label, topN: rule.topN, times: rule.times, window: rule.window, periods: periods.map(\.label),
            items: candidates.map { candidate in
                let population = units[candidate.unitCode]?.population
                return .init(
                    unitCode: candidate.unitCode, unitName: units[candidate.unitCode]?.name ?? candidate.unitCode, population: population,
                    evidence: candidate.evidence.map { period in
                        .init(periodLabel: period.periodLabel, rank: period.rank, volume: period.volume,
                              per10kResidents: population.flatMap { $0 > 0 ? Double(period.volume) * 10_000 / Double($0) : nil })
                    })
            }))))
    }

    func getTrends(_ input: Operations.GetTrends.Input) async throws -> Operations.GetTrends.Output {
        _ = try RequestActor.required()
        let dimension = DemandVolume.Dimension(rawValue: input.query.dimension.rawValue)!
        let (months, top) = (input.query.months ?? 6, input.query.top ?? 10)
        guard (1...24).contains(months) else { throw RequestError.invalidParameter(name: "months", reason: "应为 1–24 / 1 to 24") }
        guard (1...50).contains(top) else { throw RequestError.invalidParameter(name: "top", reason: "应为 1–50 / 1 to 50") }
        let periods = Self.periods(endingWith: try assessmentPeriod(input.query.period), count: months)
        var counts: [[String: Int]] = []
        for period in periods {
            counts.append(try await reports.volumes(dimension, from: period.firstDay, through: period.lastDay))
        }
        let totals = counts.reduce(into: [String: Int]()) { totals, period in period.forEach { totals[$0.key, default: 0] += $0.value } }
        let keys = totals.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(top).map(\.key)
        return .ok(.init(body: .json(.init(
            dimension: dimension.rawValue, periods: periods.map(\.label),
            series: keys.map { key in
                .init(key: key, name: name(of: key, in: dimension), counts: counts.map { $0[key] ?? 0 }, total: totals[key] ?? 0)
            }))))
    }

    func listTopics(_ input: Operations.ListTopics.Input) async throws -> Operations.ListTopics.Output {
        _ = try RequestActor.required()
        var items: [Components.Schemas.Topic] = []
        for topic in try await topics.all() { items.append(try await topicDocument(topic)) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createTopic(_ input: Operations.CreateTopic.Input) async throws -> Operations.CreateTopic.Output {
        let actor = try RequestActor.required()
        guard [.supervisor, .administrator].contains(actor.role), actor.unitCode == cityCode else { throw TopicError.mayNotCreate }
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let taxonomy = desk.advisor.taxonomy, units = desk.advisor.units
        let topic = try MonthlyTopic(
            id: UUID().uuidString.lowercased(), month: body.month, theme: body.theme,
            problems: body.problems.map { .init(title: $0.title, categoryCodes: $0.categoryCodes, leadUnit: $0.leadUnit, tasks: $0.tasks) },
            by: actor.personID, at: clock(), categoryExists: { taxonomy.category($0) != nil }, unitExists: { units[$0] != nil })
        try await topics.add(topic, by: actor)
        return .created(.init(body: .json(try await topicDocument(topic))))
    }

    // MARK: - Helpers

    private func assessmentPeriod(_ label: String) throws -> AssessmentPeriod {
        guard let period = AssessmentScheme.period(labelled: label, among: configuration.assessmentSchemes) else {
            throw RequestError.invalidParameter(name: "period", reason: "应为 YYYY-MM / YYYY-MM expected")
        }
        return period
    }

    /// `count` periods ending with `last`, oldest first.
    private static func periods(endingWith last: AssessmentPeriod, count: Int) -> [AssessmentPeriod] {
        var periods = [last]
        while periods.count < count { periods.insert(periods[0].previous, at: 0) }
        return periods
    }

    private func name(of key: String, in dimension: DemandVolume.Dimension) -> String {
        switch dimension {
        case .channel: Channel(rawValue: key)?.nameZh ?? key
        case .type: DemandType(rawValue: key)?.nameZh ?? key
        case .category: desk.advisor.taxonomy.category(key)?.name ?? key
        case .area, .place: desk.advisor.units[key]?.name ?? key
        }
    }

    /// A topic with its problems' demands per period from three before its month to two after (those begun by now).
    private func topicDocument(_ topic: MonthlyTopic) async throws -> Components.Schemas.Topic {
        let month = try assessmentPeriod(topic.month)
        let current = AssessmentScheme.beijing.period(containing: clock()).label
        let periods = Self.periods(endingWith: month.next.next, count: 6).filter { $0.label <= current }
        var byCategory: [[String: Int]] = []
        for period in periods {
            byCategory.append(try await reports.volumes(.category, from: period.firstDay, through: period.lastDay))
        }
        func mean(_ counts: ArraySlice<Int>) -> Double? { counts.isEmpty ? nil : Double(counts.reduce(0, +)) / Double(counts.count) }
        return .init(
            id: topic.id, month: topic.month, theme: topic.theme, createdAt: topic.createdAt, createdBy: topic.createdBy,
            problems: topic.problems.map { problem in
                let counts = byCategory.map { $0.filter { problem.covers($0.key) }.values.reduce(0, +) }
                let split = periods.firstIndex { $0.label == topic.month } ?? periods.count
                return .init(
                    title: problem.title, categoryCodes: problem.categoryCodes, leadUnit: problem.leadUnit,
                    leadUnitName: desk.advisor.units[problem.leadUnit]?.name ?? problem.leadUnit, tasks: problem.tasks,
                    volumes: zip(periods, counts).map { .init(periodLabel: $0.label, count: $1) },
                    meanBefore: mean(counts[..<split]), meanSince: mean(counts[split...]))
            })
    }
}
