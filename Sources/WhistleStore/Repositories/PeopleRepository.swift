import Foundation
import SQLKit
import WhistleCore

/// People and the roles they hold at units. Ending a role keeps its row (nothing is ever deleted).
public struct PeopleRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public func add(_ person: Person, now: Date) async throws {
        guard !person.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw PeopleError.emptyName }
        try await store.write { db in
            try await db.raw("""
                INSERT INTO people (id, name, phone, created_at)
                VALUES (\(bind: person.id), \(bind: person.name), \(bind: person.phone), \(bind: now.millisecondsSince1970))
                """).run()
        }
    }

    public func person(id: String) async throws -> Person? {
        try await store.read { db in
            try await db.raw("SELECT id, name, phone FROM people WHERE id = \(bind: id)").first().map {
                Person(id: try $0.decode(column: "id", as: String.self), name: try $0.decode(column: "name", as: String.self),
                       phone: try $0.decode(column: "phone", as: String?.self))
            }
        }
    }

    /// Adds the person unless they exist (then their record is left as it is); true when added.
    @discardableResult
    public func addIfNew(_ person: Person, by actor: AuditActor?, now: Date) async throws -> Bool {
        guard !person.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw PeopleError.emptyName }
        return try await store.write { [store] db in
            let added = try await db.raw("""
                INSERT INTO people (id, name, phone, created_at)
                VALUES (\(bind: person.id), \(bind: person.name), \(bind: person.phone), \(bind: now.millisecondsSince1970))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """).first() != nil
            if added {
                try await AuditLog.append([AuditEntry(subjectType: "person", subjectID: person.id, kind: "person.added", at: now, actor: actor)],
                                          engine: store.engine, in: db)
            }
            return added
        }
    }

    /// The people holding roles at a unit now, each with every role they hold there, by id.
    public func people(at unitCode: String) async throws -> [(person: Person, roles: [RoleAssignment])] {
        try await store.read { db in
            let rows = try await db.raw("""
                SELECT p.id, p.name, p.phone, r.role FROM role_assignments r JOIN people p ON p.id = r.person_id
                WHERE r.unit_code = \(bind: unitCode) AND r.ended_at IS NULL ORDER BY p.id, r.role
                """).all()
            var people: [(person: Person, roles: [RoleAssignment])] = []
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { continue }
                if people.last?.person.id != id {
                    people.append((Person(id: id, name: try row.decode(column: "name", as: String.self), phone: try row.decode(column: "phone", as: String?.self)), []))
                }
                people[people.count - 1].roles.append(RoleAssignment(personID: id, role: role, unitCode: unitCode))
            }
            return people
        }
    }

    /// Grants a role at a unit after checking that both exist and the role fits the unit's kind.
    public func grant(_ assignment: RoleAssignment, by actor: AuditActor? = nil, now: Date) async throws {
        try await store.write { [store] db in
            guard try await db.raw("SELECT 1 FROM people WHERE id = \(bind: assignment.personID)").first() != nil else {
                throw PeopleError.personNotFound(assignment.personID)
            }
            guard let unit = try await db.raw("SELECT \(unsafeRaw: UnitRepository.columns) FROM units WHERE code = \(bind: assignment.unitCode)")
                .first().map(UnitRepository.unit(from:))
            else { throw CityModelError.unitNotFound(code: assignment.unitCode) }
            try RoleAssignment.validate(role: assignment.role, at: unit)
            try await db.raw("""
                INSERT INTO role_assignments (person_id, role, unit_code, granted_at)
                VALUES (\(bind: assignment.personID), \(bind: assignment.role.rawValue), \(bind: assignment.unitCode), \(bind: now.millisecondsSince1970))
                ON CONFLICT (person_id, role, unit_code) DO UPDATE SET ended_at = NULL
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: "person", subjectID: assignment.personID, kind: "role.granted", at: now, actor: actor,
                details: ["role": assignment.role.rawValue, "unit": assignment.unitCode])], engine: store.engine, in: db)
        }
    }

    /// Ends a role; the assignment stays on record with its end time. Its tokens and sessions stop working.
    public func end(_ assignment: RoleAssignment, by actor: AuditActor? = nil, now: Date) async throws {
        try await store.write { [store] db in
            let ended = try await db.raw("""
                UPDATE role_assignments SET ended_at = \(bind: now.millisecondsSince1970)
                WHERE person_id = \(bind: assignment.personID) AND role = \(bind: assignment.role.rawValue)
                  AND unit_code = \(bind: assignment.unitCode) AND ended_at IS NULL RETURNING person_id
                """).first()
            guard ended != nil else { throw AccessError.roleNotHeld(assignment) }
            try await AuditLog.append([AuditEntry(
                subjectType: "person", subjectID: assignment.personID, kind: "role.ended", at: now, actor: actor,
                details: ["role": assignment.role.rawValue, "unit": assignment.unitCode])], engine: store.engine, in: db)
        }
    }

    /// Whether the person holds the role at the unit now (not ended), inside the caller's transaction.
    static func holds(_ assignment: RoleAssignment, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT 1 FROM role_assignments WHERE person_id = \(bind: assignment.personID) AND role = \(bind: assignment.role.rawValue)
            AND unit_code = \(bind: assignment.unitCode) AND ended_at IS NULL
            """).first() != nil
    }

    /// The roles a person currently holds.
    public func roles(of personID: String) async throws -> [RoleAssignment] {
        try await store.read { db in
            try await db.raw("""
                SELECT role, unit_code FROM role_assignments
                WHERE person_id = \(bind: personID) AND ended_at IS NULL ORDER BY unit_code, role
                """).all().compactMap { row in
                guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
                return RoleAssignment(personID: personID, role: role, unitCode: try row.decode(column: "unit_code", as: String.self))
            }
        }
    }
}
