import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// The closed loop over HTTP: intake, reading, actions and the audit trail. Every change is decided by the
/// Core state machine through ``DemandRepository``; this file only translates between the wire and Core.
extension WhistleAPIHandler {
    func createDemand(_ input: Operations.CreateDemand.Input) async throws -> Operations.CreateDemand.Output {
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        var draft = try DemandDraft(body)
        // The grid by the coordinates, the division by the address, where the channel did not say (SPEC §7).
        draft.location = desk.advisor.located(draft.location)
        let actor = RequestActor.current
        // Anonymous intake only on public channels; a staffed channel asks who is recording (401, not 403).
        if actor == nil, draft.channel.recordingRoles != nil {
            throw AccessError.unauthenticated
        }
        if let key = input.headers.idempotencyKey, !(1...200).contains(key.utf8.count) || !key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            throw RequestError.invalidParameter(name: "Idempotency-Key", reason: "应为 1–200 个可见 ASCII 字符 / 1 to 200 visible ASCII characters")
        }
        let now = clock()
        let rules = configuration.rules(at: now)
        let intake = try await demands.receive(draft, idempotencyKey: input.headers.idempotencyKey, by: actor, at: now, rules: rules)
        // The submitter sees what they sent; everyone else sees what their role allows.
        let view = try Components.Schemas.Demand(intake.demand, complainant: intake.demand.complainant, rules: rules, now: now)
        let tag = Self.etag(intake.demand.version)
        return intake.created
            ? .created(.init(headers: .init(eTag: tag), body: .json(view)))
            : .ok(.init(headers: .init(eTag: tag), body: .json(view)))
    }

    func getDemand(_ input: Operations.GetDemand.Input) async throws -> Operations.GetDemand.Output {
        let actor = try RequestActor.required()
        let demand = try await visibleDemand(input.path.id, to: actor)
        let body = try await views([demand], for: actor, at: clock())[0]
        return .ok(.init(headers: .init(eTag: Self.etag(demand.version)), body: .json(body)))
    }

    func listDemands(_ input: Operations.ListDemands.Input) async throws -> Operations.ListDemands.Output {
        let actor = try RequestActor.required()
        let limit = try pageSize(input.query.limit)
        if let unit = input.query.unit { _ = try validCode(unit) }
        // Outside the centre a unit lists only demands ordered to it.
        let unit = DemandAccess.isCityWide(actor) ? input.query.unit : actor.unitCode
        let page = try await demands.list(
            status: input.query.status.flatMap { DemandStatus(rawValue: $0.rawValue) }, unit: unit,
            after: try validCursor(input.query.cursor), limit: limit)
        return .ok(.init(body: .json(.init(items: try await views(page.items, for: actor, at: clock()), nextCursor: page.nextCursor))))
    }

    func actOnDemand(_ input: Operations.ActOnDemand.Input) async throws -> Operations.ActOnDemand.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let command = try LoopCommand(body)
        try await demands.checkUnits(in: command)
        _ = try await visibleDemand(input.path.id, to: actor)
        let expected = try input.headers.ifMatch.map(Self.version(fromETag:))
        let now = clock()
        let demand = try await demands.apply(command, to: input.path.id, expectedVersion: expected, by: actor, at: now,
                                             rules: configuration.rules(at: now))
        return .ok(.init(headers: .init(eTag: Self.etag(demand.version)), body: .json(try await views([demand], for: actor, at: now)[0])))
    }

    /// 评价 by the complainant: no token, the number and the phone given at intake.
    func rateDemand(_ input: Operations.RateDemand.Input) async throws -> Operations.RateDemand.Output {
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let now = clock()
        let demand = try await demands.rate(
            number: body.number.trimmingCharacters(in: .whitespaces), phone: body.phone,
            satisfaction: Satisfaction(rawValue: body.satisfaction.rawValue)!, comment: body.comment, at: now,
            rules: configuration.rules(at: now))
        return .created(.init(body: .json(.init(demand.number, demand.rating!))))
    }

    func listDemandEvents(_ input: Operations.ListDemandEvents.Input) async throws -> Operations.ListDemandEvents.Output {
        let actor = try RequestActor.required()
        _ = try await visibleDemand(input.path.id, to: actor)
        let entries = try await demands.events(of: input.path.id)
        return .ok(.init(body: .json(entries.map(Components.Schemas.AuditEvent.init))))
    }

    // MARK: - Helpers

    /// A demand the actor may see; one they may not see is reported as absent, not as forbidden, so its
    /// existence does not leak.
    private func visibleDemand(_ id: String, to actor: Actor) async throws -> Demand {
        guard (1...64).contains(id.count) else { throw RequestError.invalidParameter(name: "id", reason: "长度应为 1–64 / length 1 to 64") }
        let demand = try await demands.demand(id: id)
        guard DemandAccess.canView(demand, as: actor) else { throw DemandStoreError.notFound(id) }
        return demand
    }

    /// The demands as `actor` may see them, with traffic lights as of `now`. Showing the complainant of a
    /// 保密 demand is recorded in the audit log before the answer leaves.
    private func views(_ demands: [Demand], for actor: Actor, at now: Date) async throws -> [Components.Schemas.Demand] {
        let rules = configuration.rules(at: now)
        var confidentialShown: [String] = []
        let views = try demands.map { demand in
            let complainant = DemandAccess.complainant(of: demand, for: actor)
            if demand.complainant.confidential, complainant != demand.complainant.masked { confidentialShown.append(demand.id) }
            return try Components.Schemas.Demand(demand, complainant: complainant, rules: rules, now: now)
        }
        try await self.demands.recordConfidentialRead(of: confidentialShown, by: actor, at: now)
        return views
    }

    /// A version as an ETag (demands and whistles alike).
    static func etag(_ version: Int) -> String { "\"\(version)\"" }

    /// Accepts `"3"`, `W/"3"` and `3`.
    static func version(fromETag tag: String) throws -> Int {
        let digits = tag.replacingOccurrences(of: "W/", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard digits.count <= 18, let version = Int(digits), version > 0 else {
            throw RequestError.invalidParameter(name: "If-Match", reason: "应为所操作版本的 ETag，如 \"3\" / the ETag of the version acted on, e.g. \"3\"")
        }
        return version
    }
}

// MARK: - Wire → Core

extension DemandDraft {
    init(_ body: Components.Schemas.DemandDraft) throws {
        func convert<T: RawRepresentable<String>>(_ value: String, _ type: T.Type, _ field: String) throws -> T {
            guard let converted = T(rawValue: value) else { throw RequestError.invalidParameter(name: field, reason: value) }
            return converted
        }
        let location = body.location.map { location in
            DemandLocation(
                address: location.address,
                coordinate: location.longitude.flatMap { longitude in location.latitude.map { Coordinate(longitude: longitude, latitude: $0) } },
                gridCode: location.gridCode, areaCode: location.areaCode)
        } ?? DemandLocation(address: "")
        self.init(
            type: try convert(body._type.rawValue, DemandType.self, "type"),
            channel: try convert(body.channel.rawValue, Channel.self, "channel"),
            partyType: try body.partyType.map { try convert($0.rawValue, PartyType.self, "partyType") } ?? .person,
            categoryCode: body.categoryCode, title: body.title, content: body.content, location: location,
            complainant: Complainant(name: body.complainant?.name, phone: body.complainant?.phone, confidential: body.complainant?.confidential ?? false),
            attachments: body.attachments ?? [],
            emergencyTransfer: try body.emergencyTransfer.map { try convert($0.rawValue, EmergencyLine.self, "emergencyTransfer") },
            directAnswer: body.directAnswer)
    }
}

extension LoopCommand {
    /// The action body as a command; a missing field the action needs is refused by name.
    init(_ body: Components.Schemas.DemandAction) throws {
        func need<T>(_ value: T?, _ field: String) throws -> T { try RequestError.required(value, field, by: body.action.rawValue) }
        func actor(_ ref: Components.Schemas.ActorRef?, _ field: String) throws -> Actor {
            let ref = try need(ref, field)
            guard let role = Role(rawValue: ref.role.rawValue) else { throw RequestError.invalidParameter(name: "\(field).role", reason: ref.role.rawValue) }
            return Actor(personID: ref.personId, role: role, unitCode: ref.unitCode)
        }
        switch body.action {
        case .dispatch:
            self = .dispatch(primary: try need(body.primaryUnit, "primaryUnit"), coHandlers: body.coHandlers ?? [],
                             deadlineClass: try need(body.deadlineClass, "deadlineClass"), categoryCode: body.categoryCode)
        case .reDispatch:
            self = .reDispatch(order: try need(body.order, "order"), to: try need(body.unit, "unit"), deadlineClass: body.deadlineClass, note: body.note)
        case .signFor: self = .signFor(order: try need(body.order, "order"))
        case .recordContact: self = .recordContact(order: try need(body.order, "order"), note: body.note)
        case .addProgress:
            self = .addProgress(order: try need(body.order, "order"), note: try need(body.note, "note"), attachments: body.attachments ?? [])
        case .reportResult:
            self = .reportResult(order: try need(body.order, "order"), summary: try need(body.summary, "summary"), attachments: body.attachments ?? [])
        case .requestReturn:
            let reason = try need(body.returnReason, "returnReason")
            self = .requestReturn(
                order: try need(body.order, "order"), reason: ReturnReason(rawValue: reason.rawValue)!,
                evidence: body.evidence ?? [], leaderApproval: try body.leaderApproval.map { try actor($0, "leaderApproval") }, note: body.note)
        case .ruleOnReturn:
            self = .ruleOnReturn(order: try need(body.order, "order"), approve: try need(body.approve, "approve"),
                                 dispatchErred: body.dispatchErred ?? false, note: body.note)
        case .requestExtension:
            let extra = try need(body.extra, "extra")
            let duration: DeadlineDuration = switch extra.kind {
            case .naturalHours: .naturalHours(extra.amount)
            case .workingHours: .workingHours(extra.amount)
            case .naturalDays: .naturalDays(Int(extra.amount))
            case .workingDays: .workingDays(Int(extra.amount))
            }
            self = .requestExtension(order: try need(body.order, "order"), extra: duration, reason: try need(body.reason, "reason"))
        case .ruleOnExtension:
            self = .ruleOnExtension(order: try need(body.order, "order"), approve: try need(body.approve, "approve"), note: body.note)
        case .requestPark: self = .requestPark(order: try need(body.order, "order"), reason: try need(body.reason, "reason"))
        case .ruleOnPark: self = .ruleOnPark(order: try need(body.order, "order"), approve: try need(body.approve, "approve"), note: body.note)
        case .unpark: self = .unpark(order: try need(body.order, "order"), note: body.note)
        case .recordCallback:
            let callback = try need(body.callback, "callback")
            let outcome: CallbackOutcome
            if callback.valid {
                let satisfaction = try need(callback.satisfaction, "callback.satisfaction")
                outcome = .valid(contacted: callback.contacted ?? true, solved: try need(callback.solved, "callback.solved"),
                                 satisfaction: Satisfaction(rawValue: satisfaction.rawValue)!)
            } else {
                outcome = .invalid(InvalidCallbackReason(rawValue: try need(callback.invalidReason, "callback.invalidReason").rawValue)!)
            }
            self = .recordCallback(outcome: outcome, note: body.note)
        case .reopen: self = .reopen(note: body.note)
        case .close: self = .close(note: body.note)
        case .merge: self = .merge(into: try need(body.into, "into"))
        case .flagMalicious: self = .flagMalicious(approver: try actor(body.approver, "approver"), note: body.note)
        case .flagUnreasonable: self = .flagUnreasonable(approver: try actor(body.approver, "approver"), reason: try need(body.reason, "reason"))
        case .urge: self = .urge(order: try need(body.order, "order"), note: body.note)
        case .supervise: self = .supervise(order: try need(body.order, "order"), note: body.note)
        }
    }
}

// MARK: - Core → wire

extension Components.Schemas.Demand {
    init(_ demand: Demand, complainant: Complainant, rules: LoopRules, now: Date) throws {
        self.init(
            id: demand.id, number: demand.number, version: demand.version,
            _type: .init(rawValue: demand.type.rawValue)!, channel: .init(rawValue: demand.channel.rawValue)!,
            partyType: .init(rawValue: demand.partyType.rawValue)!, categoryCode: demand.categoryCode, title: demand.title,
            content: demand.content,
            location: .init(address: demand.location.address, longitude: demand.location.coordinate?.longitude,
                            latitude: demand.location.coordinate?.latitude, gridCode: demand.location.gridCode, areaCode: demand.location.areaCode),
            complainant: .init(name: complainant.name, phone: complainant.phone, confidential: complainant.confidential),
            attachments: demand.attachments, emergencyTransfer: demand.emergencyTransfer?.rawValue, directAnswer: demand.directAnswer,
            status: .init(rawValue: demand.status.rawValue)!, statusName: demand.status.nameZh,
            orders: try demand.orders.map { try .init($0, rules: rules, now: now) }, reopenCount: demand.reopenCount,
            parentId: demand.parentID, excludedFromScores: !demand.countsInScores,
            rating: demand.rating.map { .init(demand.number, $0) }, createdAt: demand.createdAt, updatedAt: demand.updatedAt, closedAt: demand.closedAt)
    }
}

extension Components.Schemas.Rating {
    init(_ number: String, _ rating: ResidentRating) {
        self.init(
            number: number, satisfaction: .init(rawValue: rating.satisfaction.rawValue)!, satisfactionName: rating.satisfaction.nameZh,
            comment: rating.comment, ratedAt: rating.at)
    }
}

extension Components.Schemas.WorkOrder {
    init(_ order: WorkOrder, rules: LoopRules, now: Date) throws {
        let calendar = rules.calendar(forUnit: order.unitCode)
        var deadlines: [String: Components.Schemas.StepDeadline] = [:]
        for step in OrderStep.allCases {
            let deadline = order[step]
            deadlines[step.rawValue] = .init(
                dueAt: try deadline.dueAt(calendar, asOf: now),
                light: .init(rawValue: try deadline.light(at: now, in: calendar, yellowAt: rules.yellowThreshold).rawValue)!,
                paused: deadline.isPaused, completedAt: deadline.completedAt, overdueAt: deadline.overdueAt,
                supervisedAt: deadline.supervisedAt)
        }
        self.init(
            id: order.id, unitCode: order.unitCode, role: .init(rawValue: order.role.rawValue)!, status: order.status.rawValue,
            statusName: order.status.nameZh, deadlineClass: order.deadlineClassCode, deadlines: .init(additionalProperties: deadlines))
    }
}

extension Components.Schemas.AuditEvent {
    init(_ entry: AuditEntry) {
        self.init(
            kind: entry.kind, at: entry.at, actor: entry.actor.flatMap(Components.Schemas.ActorRef.init),
            reason: entry.reason, details: .init(additionalProperties: entry.details), attachments: entry.attachments)
    }
}

extension Components.Schemas.ActorRef {
    /// The actor of an audit entry; `nil` for a role the document does not know.
    init?(_ actor: AuditActor) {
        guard let role = RolePayload(rawValue: actor.role) else { return nil }
        self.init(personId: actor.personID, role: role, unitCode: actor.unitCode)
    }
}
