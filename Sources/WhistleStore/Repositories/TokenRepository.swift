import Crypto
import Foundation
import SQLKit
import WhistleCore

/// Bearer tokens for integrations and tools: each names one person acting in one role at one unit. Only a
/// SHA-256 of the token is stored; the token itself is shown once, when issued. Revoked tokens stay on record.
public struct TokenRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Issues a token for a role the person holds; returns the token text (shown once).
    public func issue(for assignment: RoleAssignment, label: String?, now: Date) async throws -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = "wst_" + bytes.hexString
        try await store.write { db in
            guard try await PeopleRepository.holds(assignment, in: db) else { throw AccessError.roleNotHeld(assignment) }
            try await db.raw("""
                INSERT INTO api_tokens (token_hash, person_id, role, unit_code, label, created_at)
                VALUES (\(bind: Self.digest(token)), \(bind: assignment.personID), \(bind: assignment.role.rawValue),
                        \(bind: assignment.unitCode), \(bind: label), \(bind: now.millisecondsSince1970))
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: "person", subjectID: assignment.personID, kind: "token.issued", at: now,
                details: ["role": assignment.role.rawValue, "unit": assignment.unitCode, "token": String(Self.digest(token).prefix(12))])],
                engine: store.engine, in: db)
        }
        return token
    }

    /// Revokes a token; returns false when it was unknown or already revoked.
    public func revoke(_ token: String, now: Date) async throws -> Bool {
        try await store.write { db in
            let revoked = try await db.raw("""
                UPDATE api_tokens SET revoked_at = \(bind: now.millisecondsSince1970)
                WHERE token_hash = \(bind: Self.digest(token)) AND revoked_at IS NULL RETURNING person_id
                """).first()
            if let person = try revoked?.decode(column: "person_id", as: String.self) {
                try await AuditLog.append([AuditEntry(
                    subjectType: "person", subjectID: person, kind: "token.revoked", at: now,
                    details: ["token": String(Self.digest(token).prefix(12))])], engine: store.engine, in: db)
            }
            return revoked != nil
        }
    }

    /// The role assignment a live token stands for, if the role is still held.
    public func assignment(for token: String) async throws -> RoleAssignment? {
        try await store.read { db in
            try await db.raw("""
                SELECT t.person_id, t.role, t.unit_code FROM api_tokens t
                JOIN role_assignments r ON r.person_id = t.person_id AND r.role = t.role AND r.unit_code = t.unit_code AND r.ended_at IS NULL
                WHERE t.token_hash = \(bind: Self.digest(token)) AND t.revoked_at IS NULL
                """).first().flatMap { row -> RoleAssignment? in
                guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
                return RoleAssignment(personID: try row.decode(column: "person_id", as: String.self), role: role,
                                      unitCode: try row.decode(column: "unit_code", as: String.self))
            }
        }
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexString
    }
}

/// Refusals of access.
public enum AccessError: DomainError, Equatable {
    case roleNotHeld(RoleAssignment)
    case unauthenticated
    case tokenInvalid

    public var code: String {
        switch self {
        case .roleNotHeld: "access.role_not_held"
        case .unauthenticated: "access.unauthenticated"
        case .tokenInvalid: "access.token_invalid"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .roleNotHeld: .invalid
        case .unauthenticated, .tokenInvalid: .unauthenticated
        }
    }

    public var messageZh: String {
        switch self {
        case let .roleNotHeld(a): "人员“\(a.personID)”在单位“\(a.unitCode)”没有\(a.role.nameZh)角色"
        case .unauthenticated: "需要登录或提供访问令牌"
        case .tokenInvalid: "访问令牌无效或已吊销"
        }
    }

    public var messageEn: String {
        switch self {
        case let .roleNotHeld(a): "person \"\(a.personID)\" does not hold role \(a.role.rawValue) at unit \"\(a.unitCode)\""
        case .unauthenticated: "a login or an access token is required"
        case .tokenInvalid: "the access token is invalid or revoked"
        }
    }
}
