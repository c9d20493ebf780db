import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// Accounts over HTTP (SPEC §1): administrators add people and grant or end roles in their area; a unit's
/// leader sees who works there. Every change is in the audit log.
extension WhistleAPIHandler {
    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let actor = try RequestActor.required()
        let unit = input.query.unit
        guard PeopleAccess.maySee(unit, actor, cityCode: cityCode) else { throw PeopleError.mayNotManage(unit: unit) }
        let staff = try await people.people(at: unit)
        return .ok(.init(body: .json(.init(items: staff.map { Components.Schemas.PersonWithRoles($0.person, roles: $0.roles) }))))
    }

    func addUser(_ input: Operations.AddUser.Input) async throws -> Operations.AddUser.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        guard PeopleAccess.mayManage(body.unitCode, actor, cityCode: cityCode) else { throw PeopleError.mayNotManage(unit: body.unitCode) }
        let phone = body.phone.flatMap { $0.isEmpty ? nil : $0 }
        if let phone, !DemandDraft.isPhoneNumber(phone) { throw RequestError.invalidParameter(name: "phone", reason: "不是有效的电话号码 / not a phone number") }
        let now = clock()
        try await people.addIfNew(Person(id: body.id, name: body.name.trimmingCharacters(in: .whitespaces), phone: phone), by: AuditActor(actor), now: now)
        try await people.grant(RoleAssignment(personID: body.id, role: Role(body.role), unitCode: body.unitCode), by: AuditActor(actor), now: now)
        return .created(.init(body: .json(try await person(body.id, at: body.unitCode))))
    }

    func changeUserRole(_ input: Operations.ChangeUserRole.Input) async throws -> Operations.ChangeUserRole.Output {
        let actor = try RequestActor.required()
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        guard PeopleAccess.mayManage(body.unitCode, actor, cityCode: cityCode) else { throw PeopleError.mayNotManage(unit: body.unitCode) }
        let assignment = RoleAssignment(personID: input.path.id, role: Role(body.role), unitCode: body.unitCode)
        switch body.action {
        case .grant: try await people.grant(assignment, by: AuditActor(actor), now: clock())
        case .end: try await people.end(assignment, by: AuditActor(actor), now: clock())
        }
        return .ok(.init(body: .json(try await person(input.path.id, at: body.unitCode))))
    }

    /// The person with their roles at `unit` (none left after the last one ended).
    private func person(_ id: String, at unit: String) async throws -> Components.Schemas.PersonWithRoles {
        guard let person = try await people.person(id: id) else { throw PeopleError.personNotFound(id) }
        return .init(person, roles: try await people.roles(of: id).filter { $0.unitCode == unit })
    }
}

extension Role {
    init(_ name: Components.Schemas.RoleName) { self.init(rawValue: name.rawValue)! }
}

extension Components.Schemas.PersonWithRoles {
    init(_ person: Person, roles: [RoleAssignment]) {
        self.init(id: person.id, name: person.name, phone: person.phone, roles: roles.map {
            .init(role: .init(rawValue: $0.role.rawValue)!, roleName: $0.role.nameZh, unitCode: $0.unitCode)
        })
    }
}
