import Foundation
import OpenAPIRuntime
import WhistleAPI
import WhistleCore
import WhistleStore

/// The whistle over HTTP (街乡吹哨、部门报到): raising, report-in and handling, the audit trail, the figures and
/// the live stream. Every change is decided by ``WhistleMachine`` through ``WhistleRepository``; this file only
/// translates between the wire and Core and applies who may see what (``WhistleAccess``).
extension WhistleAPIHandler {
    func createWhistle(_ input: Operations.CreateWhistle.Input) async throws -> Operations.CreateWhistle.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let now = clock()
        let whistle = try await whistles.raise(try WhistleDraft(body), by: actor, at: now, policy: configuration.whistlePolicy(at: now))
        return .created(.init(headers: .init(eTag: Self.etag(whistle.version)), body: .json(.init(whistle, for: actor))))
    }

    func listWhistles(_ input: Operations.ListWhistles.Input) async throws -> Operations.ListWhistles.Output {
        let actor = try RequestActor.required()
        let limit = try pageSize(input.query.limit)
        if let unit = input.query.unit { _ = try validCode(unit) }
        // Outside the centre and the district's reviewers a unit lists only the whistles it is part of.
        let unit = DemandAccess.isCityWide(actor) ? input.query.unit : actor.unitCode
        let page = try await whistles.list(
            status: input.query.status.flatMap { WhistleStatus(rawValue: $0.rawValue) }, involving: unit,
            district: try input.query.district.map(Self.districtCode), after: try validCursor(input.query.cursor), limit: limit)
        let visible = page.items.filter { WhistleAccess.canView($0, as: actor) }
        return .ok(.init(body: .json(.init(items: visible.map { .init($0, for: actor) }, nextCursor: page.nextCursor))))
    }

    func getWhistle(_ input: Operations.GetWhistle.Input) async throws -> Operations.GetWhistle.Output {
        let actor = try RequestActor.required()
        let whistle = try await visibleWhistle(input.path.id, to: actor)
        return .ok(.init(headers: .init(eTag: Self.etag(whistle.version)), body: .json(.init(whistle, for: actor))))
    }

    func actOnWhistle(_ input: Operations.ActOnWhistle.Input) async throws -> Operations.ActOnWhistle.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let command = try WhistleCommand(body)
        _ = try await visibleWhistle(input.path.id, to: actor)
        let expected = try input.headers.ifMatch.map(Self.version(fromETag:))
        let now = clock()
        let whistle = try await whistles.apply(
            command, to: input.path.id, expectedVersion: expected, by: actor, at: now, policy: configuration.whistlePolicy(at: now))
        return .ok(.init(headers: .init(eTag: Self.etag(whistle.version)), body: .json(.init(whistle, for: actor))))
    }

    func listWhistleEvents(_ input: Operations.ListWhistleEvents.Input) async throws -> Operations.ListWhistleEvents.Output {
        let actor = try RequestActor.required()
        let whistle = try await visibleWhistle(input.path.id, to: actor)
        let entries = try await whistles.events(of: whistle.id)
        return .ok(.init(body: .json(entries.map { .init(WhistleAccess.event($0, of: whistle, for: actor)) })))
    }

    func streamWhistles(_ input: Operations.StreamWhistles.Input) async throws -> Operations.StreamWhistles.Output {
        let actor = try RequestActor.required()
        if let id = input.query.whistle { _ = try await visibleWhistle(id, to: actor) }
        if let limit = input.query.limit, !(1...10_000).contains(limit) {
            throw RequestError.invalidParameter(name: "limit", reason: "应在 1–10000 之间 / between 1 and 10000")
        }
        let start: Int64
        if let last = input.headers.lastEventID {
            guard last.count <= 18, let seq = Int64(last), seq >= 0 else {
                throw RequestError.invalidParameter(name: "Last-Event-ID", reason: "应为上一事件的 id / the id of the last event received")
            }
            start = seq
        } else {
            start = try await whistles.latestChange()
        }
        let stream = WhistleStream(
            whistles: whistles, feed: feed, actor: actor, whistleID: input.query.whistle, start: start, limit: input.query.limit)
        return .ok(.init(body: .textEventStream(.init(stream, length: .unknown, iterationBehavior: .single))))
    }

    func whistlerFigures(_ input: Operations.WhistlerFigures.Input) async throws -> Operations.WhistlerFigures.Output {
        let actor = try RequestActor.required()
        let (from, to) = try Self.period(input.query.from, input.query.to)
        let raised = try await whistles.raised(from: from, to: to, district: try input.query.district.map(Self.districtCode))
            .filter { WhistleAccess.canView($0, as: actor) }
        let whistlers = Array(Set(raised.map(\.whistlingUnit)))
        let demands = try await whistles.demandCounts(in: whistlers, from: from, to: to)
        return .ok(.init(body: .json(WhistleFigures.byWhistler(raised, demands: demands).map { figures in
            .init(
                unitCode: figures.unitCode, whistles: figures.summary.count, demands: demands[figures.unitCode] ?? 0,
                per1000Demands: figures.summary.per1000Demands, onTimeReportInRate: figures.summary.onTimeReportInRate,
                meanMinutesToArrive: figures.summary.meanMinutesToArrive, flaggedEmpty: figures.flaggedEmpty, flaggedWrong: figures.flaggedWrong)
        })))
    }

    func summonedUnitFigures(_ input: Operations.SummonedUnitFigures.Input) async throws -> Operations.SummonedUnitFigures.Output {
        let actor = try RequestActor.required()
        let (from, to) = try Self.period(input.query.from, input.query.to)
        let raised = try await whistles.raised(from: from, to: to, district: try input.query.district.map(Self.districtCode))
            .filter { WhistleAccess.canView($0, as: actor) }
        // A summoned unit sees its own row: how others were scored is not its business (背靠背).
        let ownOnly = !DemandAccess.isCityWide(actor) && actor.unitCode.contains("-")
        let rows = WhistleFigures.bySummonedUnit(raised).filter { !ownOnly || $0.unitCode == actor.unitCode }
        return .ok(.init(body: .json(rows.map { figures in
            .init(
                unitCode: figures.unitCode, summoned: figures.summoned, onTime: figures.onTime, late: figures.late, absent: figures.absent,
                pending: figures.pending, meanMinutesToArrive: figures.meanMinutesToArrive, scored: figures.scored,
                meanScoreShare: figures.meanScoreShare)
        })))
    }

    // MARK: - Helpers

    /// A whistle the actor may see; one they may not see is reported as absent, so its existence does not leak.
    private func visibleWhistle(_ id: String, to actor: Actor) async throws -> Whistle {
        guard (1...64).contains(id.count) else { throw RequestError.invalidParameter(name: "id", reason: "长度应为 1–64 / length 1 to 64") }
        return try await whistles.whistle(id: id, visibleTo: actor)
    }

    private static func districtCode(_ code: String) throws -> String {
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw RequestError.invalidParameter(name: "district", reason: "应为 6 位区划代码 / a 6-digit district code")
        }
        return code
    }

    /// `[from 00:00, the day after to 00:00)` in Beijing time; at most 366 days.
    static func period(_ from: String, _ to: String) throws -> (Date, Date) {
        let first = try RequestError.day(from, "from"), last = try RequestError.day(to, "to")
        guard first <= last, last.dayNumber - first.dayNumber < 366 else {
            throw RequestError.invalidParameter(name: "to", reason: "应不早于 from 且不超过 366 天 / not before from and within 366 days")
        }
        return (first.startInBeijing, last.next.startInBeijing)
    }
}

// MARK: - Wire → Core

extension WhistleDraft {
    init(_ body: Components.Schemas.WhistleDraft) throws {
        self.init(
            type: WhistleType(rawValue: body._type.rawValue)!, whistlingUnit: body.whistlingUnit, subject: body.subject,
            place: WhistlePlace(address: body.place.address, coordinate: Coordinate(longitude: body.place.longitude, latitude: body.place.latitude)),
            problem: WhistleProblem(demandIDs: body.problem.demandIds ?? [], keyWork: body.problem.keyWork),
            summons: body.summons.map { SummonsDraft(unitCode: $0.unitCode, ask: $0.ask) })
    }
}

extension WhistleCommand {
    /// The action body as a command; a missing field the action needs is refused by name.
    init(_ body: Components.Schemas.WhistleAction) throws {
        func need<T>(_ value: T?, _ field: String) throws -> T { try RequestError.required(value, field, by: body.action.rawValue) }
        switch body.action {
        case .acknowledge: self = .acknowledge
        case .signIn:
            self = .signIn(
                people: body.people ?? [], count: try need(body.count, "count"),
                coordinate: Coordinate(longitude: try need(body.longitude, "longitude"), latitude: try need(body.latitude, "latitude")))
        case .addLog: self = .addLog(note: try need(body.note, "note"), attachments: body.attachments ?? [])
        case .close: self = .close(result: try need(body.result, "result"))
        case .score:
            let score = try need(body.score, "score")
            self = .score(unit: score.unit, timeliness: score.timeliness, effort: score.effort, result: score.result, comment: score.comment)
        case .flagReview:
            self = .flagReview(kind: WhistleReviewKind(rawValue: try need(body.kind, "kind").rawValue)!, reason: try need(body.reason, "reason"))
        }
    }
}

// MARK: - Core → wire

extension Components.Schemas.Whistle {
    /// The whistle as `actor` may see it: only the scores ``Whistle/scores(visibleTo:)`` allows (背靠背).
    init(_ whistle: Whistle, for actor: Actor) {
        self.init(
            id: whistle.id, number: whistle.number, version: whistle.version, level: .init(rawValue: whistle.level.rawValue)!,
            levelName: whistle.level.nameZh, _type: .init(rawValue: whistle.type.rawValue)!, typeName: whistle.type.nameZh,
            whistlingUnit: whistle.whistlingUnit, subject: whistle.subject,
            place: .init(address: whistle.place.address, longitude: whistle.place.coordinate.longitude, latitude: whistle.place.coordinate.latitude),
            problem: .init(demandIds: whistle.problem.demandIDs.isEmpty ? nil : whistle.problem.demandIDs, keyWork: whistle.problem.keyWork),
            summons: whistle.summons.map { summons in
                .init(
                    unitCode: summons.unitCode, ask: summons.ask, status: .init(rawValue: summons.status.rawValue)!,
                    statusName: summons.status.nameZh, acknowledgedAt: summons.acknowledgedAt, acknowledgedBy: summons.acknowledgedBy,
                    signIn: summons.signIn.map { signIn in
                        .init(people: signIn.people, count: signIn.count, at: signIn.at, longitude: signIn.coordinate.longitude,
                              latitude: signIn.coordinate.latitude, distanceMetres: signIn.distanceMetres, late: signIn.late, by: signIn.by)
                    },
                    markedAbsentAt: summons.markedAbsentAt)
            },
            log: whistle.log.map { .init(at: $0.at, by: $0.by, unitCode: $0.unitCode, note: $0.note, attachments: $0.attachments) },
            status: .init(rawValue: whistle.status.rawValue)!, statusName: whistle.status.nameZh, raisedAt: whistle.raisedAt,
            raisedBy: whistle.raisedBy, reportInDue: whistle.reportInDue, result: whistle.result, closedAt: whistle.closedAt,
            closedBy: whistle.closedBy,
            scores: .init(additionalProperties: whistle.scores(visibleTo: actor).mapValues { score in
                .init(unitCode: score.unitCode, timeliness: score.timeliness, effort: score.effort, result: score.result, total: score.total,
                      share: score.share, comment: score.comment, at: score.at, scoredBy: score.scoredBy)
            }),
            reviewFlag: whistle.reviewFlag.map { flag in
                .init(kind: .init(rawValue: flag.kind.rawValue)!, kindName: flag.kind.nameZh, reason: flag.reason, by: flag.by,
                      unitCode: flag.unitCode, at: flag.at)
            },
            updatedAt: whistle.updatedAt)
    }
}
