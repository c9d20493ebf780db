import Foundation
import SQLKit
import WhistleCore

/// Party members and community tasks (在职党员回社区报到). Each step is decided by ``PartyWork`` and written with
/// its audit entry in one transaction.
public struct PartyWorkRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Registers a member; `memberID` nil gives a new id (a member who is not a Whistle user). Registering an
    /// id twice is refused.
    public func register(_ draft: PartyMemberDraft, memberID: String?, by actor: Actor, at now: Date) async throws -> PartyMember {
        try await store.write { [store] db in
            let community = try await UnitRepository.units([draft.homeCommunity], in: db)[draft.homeCommunity]
            let member = try PartyWork.register(
                draft, memberID: memberID ?? UUID().uuidString.lowercased(), by: actor, at: now, community: community)
            if try await Self.member(member.id, in: db) != nil { throw PartyStoreError.alreadyRegistered(member.id) }
            try await db.raw("""
                INSERT INTO party_members (id, home_community, available, document)
                VALUES (\(bind: member.id), \(bind: member.homeCommunity), \(bind: member.available), \(bind: try Self.encode(member)))
                """).run()
            try await Self.audit("party_member", member.id, "party.member_registered", actor, now,
                                 ["community": member.homeCommunity, "workUnit": member.workUnit], engine: store.engine, in: db)
            return member
        }
    }

    public func setAvailable(_ available: Bool, memberID: String, by actor: Actor, at now: Date) async throws -> PartyMember {
        try await store.write { [store] db in
            let member = try PartyWork.setAvailable(available, try await Self.requireMember(memberID, in: db), by: actor)
            try await Self.save(member, in: db)
            try await Self.audit("party_member", member.id, "party.member_availability", actor, now, ["available": String(available)],
                                 engine: store.engine, in: db)
            return member
        }
    }

    public func member(id: String) async throws -> PartyMember {
        try await store.read { try await Self.requireMember(id, in: $0) }
    }

    /// The members of a community, optionally only those available, by name.
    public func members(of community: String, availableOnly: Bool) async throws -> [PartyMember] {
        var query: SQLQueryString = "SELECT document FROM party_members WHERE home_community = \(bind: community)"
        if availableOnly { query = query + " AND available = \(bind: true)" }
        let finalQuery = query
        return try await store.read { db in
            try await db.raw(finalQuery).all().map { try Self.decode(PartyMember.self, $0.decode(column: "document", as: String.self)) }
                .sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        }
    }

    public func createTask(community: String, title: String, detail: String, needed: Int, by actor: Actor, at now: Date) async throws -> CommunityTask {
        try await store.write { [store] db in
            guard let unit = try await UnitRepository.units([community], in: db)[community], unit.kind.isCommunityLevel else {
                throw PartyWorkError.notACommunity(community)
            }
            let task = try PartyWork.createTask(
                id: UUID().uuidString.lowercased(), community: community, title: title, detail: detail, needed: needed, by: actor, at: now)
            try await db.raw("""
                INSERT INTO community_tasks (id, community_code, status, created_at, document)
                VALUES (\(bind: task.id), \(bind: task.community), \(bind: task.status.rawValue), \(bind: now.millisecondsSince1970), \(bind: try Self.encode(task)))
                """).run()
            try await Self.audit("community_task", task.id, "party.task_created", actor, now, ["community": community, "needed": String(needed)],
                                 engine: store.engine, in: db)
            return task
        }
    }

    /// One step on a task: take (for a member), log hours (for a member), or close.
    public enum TaskStep: Sendable {
        case take(memberID: String)
        case logHours(memberID: String, hours: Double, day: CalendarDay, note: String?)
        case close
    }

    public func act(_ step: TaskStep, on taskID: String, by actor: Actor, at now: Date) async throws -> CommunityTask {
        try await store.write { [store] db in
            let task = try await Self.requireTask(taskID, in: db)
            let updated: CommunityTask
            switch step {
            case let .take(memberID):
                updated = try PartyWork.take(task, member: try await Self.requireMember(memberID, in: db), by: actor)
                try await Self.audit("community_task", task.id, "party.task_taken", actor, now, ["member": memberID], engine: store.engine, in: db)
            case let .logHours(memberID, hours, day, note):
                let result = try PartyWork.logHours(
                    task, member: try await Self.requireMember(memberID, in: db), hours: hours, day: day, note: note, by: actor, at: now)
                updated = result.task
                try await Self.save(result.member, in: db)
                try await Self.audit("community_task", task.id, "party.hours_logged", actor, now,
                                     ["member": memberID, "hours": String(hours), "day": day.description], engine: store.engine, in: db)
            case .close:
                updated = try PartyWork.close(task, by: actor, at: now)
                try await Self.audit("community_task", task.id, "party.task_closed", actor, now, [:], engine: store.engine, in: db)
            }
            try await db.raw("""
                UPDATE community_tasks SET status = \(bind: updated.status.rawValue), document = \(bind: try Self.encode(updated))
                WHERE id = \(bind: task.id)
                """).run()
            return updated
        }
    }

    public func task(id: String) async throws -> CommunityTask {
        try await store.read { try await Self.requireTask(id, in: $0) }
    }

    /// A community's tasks, newest first, optionally of one status.
    public func tasks(of community: String, status: CommunityTaskStatus?) async throws -> [CommunityTask] {
        var query: SQLQueryString = "SELECT document FROM community_tasks WHERE community_code = \(bind: community)"
        if let status { query = query + " AND status = \(bind: status.rawValue)" }
        let finalQuery = query + " ORDER BY created_at DESC, id LIMIT 1000"
        return try await store.read { db in
            try await db.raw(finalQuery).all().map { try Self.decode(CommunityTask.self, $0.decode(column: "document", as: String.self)) }
        }
    }

    // MARK: - Rows

    static func member(_ id: String, in db: any SQLDatabase) async throws -> PartyMember? {
        try await db.raw("SELECT document FROM party_members WHERE id = \(bind: id)").first()
            .map { try decode(PartyMember.self, $0.decode(column: "document", as: String.self)) }
    }

    static func requireMember(_ id: String, in db: any SQLDatabase) async throws -> PartyMember {
        guard let member = try await member(id, in: db) else { throw PartyStoreError.memberNotFound(id) }
        return member
    }

    static func requireTask(_ id: String, in db: any SQLDatabase) async throws -> CommunityTask {
        guard let row = try await db.raw("SELECT document FROM community_tasks WHERE id = \(bind: id)").first() else {
            throw PartyStoreError.taskNotFound(id)
        }
        return try decode(CommunityTask.self, row.decode(column: "document", as: String.self))
    }

    static func save(_ member: PartyMember, in db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE party_members SET available = \(bind: member.available), document = \(bind: try encode(member)) WHERE id = \(bind: member.id)
            """).run()
    }

    static func audit(
        _ subjectType: String, _ id: String, _ kind: String, _ actor: Actor, _ now: Date, _ details: [String: String], engine: Engine,
        in db: any SQLDatabase
    ) async throws {
        try await AuditLog.append([AuditEntry(
            subjectType: subjectType, subjectID: id, kind: kind, at: now,
            actor: AuditActor(actor), details: details)],
                                  engine: engine, in: db)
    }

    static func encode(_ value: some Encodable) throws -> String { String(decoding: try DemandRepository.encoder.encode(value), as: UTF8.self) }
    static func decode<T: Decodable>(_ type: T.Type, _ document: String) throws -> T { try DemandRepository.decoder.decode(type, from: Data(document.utf8)) }
}

/// Refusals of the party-work store.
public enum PartyStoreError: DomainError, Equatable {
    case memberNotFound(String)
    case taskNotFound(String)
    case alreadyRegistered(String)

    public var code: String {
        switch self {
        case .memberNotFound: "party.member_not_found"
        case .taskNotFound: "party.task_not_found"
        case .alreadyRegistered: "party.already_registered"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .memberNotFound, .taskNotFound: .notFound
        case .alreadyRegistered: .conflict
        }
    }

    public var messageZh: String {
        switch self {
        case let .memberNotFound(id): "党员“\(id)”未报到"
        case let .taskNotFound(id): "社区任务“\(id)”不存在"
        case let .alreadyRegistered(id): "党员“\(id)”已向社区报到"
        }
    }

    public var messageEn: String {
        switch self {
        case let .memberNotFound(id): "party member \"\(id)\" is not registered"
        case let .taskNotFound(id): "community task \"\(id)\" does not exist"
        case let .alreadyRegistered(id): "party member \"\(id)\" is already registered"
        }
    }
}
