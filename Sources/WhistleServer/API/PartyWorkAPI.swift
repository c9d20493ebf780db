import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// Party members' community report-in over HTTP (在职党员回社区报到): registration, availability, community
/// tasks and confirmed hours. Decided by ``PartyWork`` through ``PartyWorkRepository``.
extension WhistleAPIHandler {
    func registerPartyMember(_ input: Operations.RegisterPartyMember.Input) async throws -> Operations.RegisterPartyMember.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let draft = PartyMemberDraft(name: body.name, workUnit: body.workUnit, homeCommunity: body.homeCommunity, skills: body.skills ?? [])
        // Without an id: staff register a new member; anyone else registers themself.
        let memberID = body.memberId ?? (PartyWork.isStaff(actor, of: body.homeCommunity) ? nil : actor.personID)
        let member = try await party.register(draft, memberID: memberID, by: actor, at: clock())
        return .created(.init(body: .json(.init(member))))
    }

    func listPartyMembers(_ input: Operations.ListPartyMembers.Input) async throws -> Operations.ListPartyMembers.Output {
        let actor = try RequestActor.required()
        let community = try Self.listableCommunity(input.query.community, for: actor)
        let members = try await party.members(of: community, availableOnly: input.query.available ?? false)
        return .ok(.init(body: .json(members.map(Components.Schemas.PartyMember.init))))
    }

    func setPartyMemberAvailability(_ input: Operations.SetPartyMemberAvailability.Input) async throws -> Operations.SetPartyMemberAvailability.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let member = try await party.setAvailable(body.available, memberID: input.path.id, by: actor, at: clock())
        return .ok(.init(body: .json(.init(member))))
    }

    func createCommunityTask(_ input: Operations.CreateCommunityTask.Input) async throws -> Operations.CreateCommunityTask.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        let task = try await party.createTask(
            community: body.community, title: body.title, detail: body.detail, needed: body.needed, by: actor, at: clock())
        return .created(.init(body: .json(.init(task))))
    }

    func listCommunityTasks(_ input: Operations.ListCommunityTasks.Input) async throws -> Operations.ListCommunityTasks.Output {
        let actor = try RequestActor.required()
        let community = try Self.listableCommunity(input.query.community, for: actor)
        let tasks = try await party.tasks(of: community, status: input.query.status.flatMap { CommunityTaskStatus(rawValue: $0.rawValue) })
        return .ok(.init(body: .json(tasks.map(Components.Schemas.CommunityTask.init))))
    }

    func actOnCommunityTask(_ input: Operations.ActOnCommunityTask.Input) async throws -> Operations.ActOnCommunityTask.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        func need<T>(_ value: T?, _ field: String) throws -> T { try RequestError.required(value, field, by: body.action.rawValue) }
        let step: PartyWorkRepository.TaskStep
        switch body.action {
        case .take: step = .take(memberID: try need(body.memberId, "memberId"))
        case .logHours:
            let day = try RequestError.day(try need(body.day, "day"), "day")
            step = .logHours(memberID: try need(body.memberId, "memberId"), hours: try need(body.hours, "hours"), day: day, note: body.note)
        case .close: step = .close
        }
        let task = try await party.act(step, on: input.path.id, by: actor, at: clock())
        return .ok(.init(body: .json(.init(task))))
    }

    /// A community the actor may list the members and tasks of.
    private static func listableCommunity(_ community: String, for actor: Actor) throws -> String {
        guard (1...64).contains(community.count) else {
            throw RequestError.invalidParameter(name: "community", reason: "长度应为 1–64 / length 1 to 64")
        }
        guard PartyWork.mayList(community: community, as: actor) else { throw PartyWorkError.notCommunityStaff(community: community) }
        return community
    }
}

extension Components.Schemas.PartyMember {
    init(_ member: PartyMember) {
        self.init(
            id: member.id, name: member.name, workUnit: member.workUnit, homeCommunity: member.homeCommunity, skills: member.skills,
            available: member.available, hours: member.hours, registeredAt: member.registeredAt, registeredBy: member.registeredBy)
    }
}

extension Components.Schemas.CommunityTask {
    init(_ task: CommunityTask) {
        self.init(
            id: task.id, community: task.community, title: task.title, detail: task.detail, needed: task.needed,
            status: .init(rawValue: task.status.rawValue)!, statusName: task.status.nameZh, takenBy: task.takenBy,
            hours: task.hours.map { .init(memberId: $0.memberID, hours: $0.hours, day: $0.day.description, note: $0.note, by: $0.by, at: $0.at) },
            createdAt: task.createdAt, createdBy: task.createdBy, closedAt: task.closedAt)
    }
}
