import Crypto
import Foundation
import SQLKit
import WhistleCore

/// Passwords, stored as PBKDF2-HMAC-SHA256 with a random salt (`pbkdf2-sha256$ROUNDS$SALT$HASH`, base64),
/// compared in constant time.
public enum PasswordHash {
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
    public static let defaultRounds = 600_000

    public static func make(_ password: String, rounds: Int = defaultRounds) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(derive(password, salt: salt, rounds: rounds)).base64EncodedString())"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), (1...10_000_000).contains(rounds),
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        let actual = derive(password, salt: Array(salt), rounds: rounds)
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA256 and one 32-byte block. The inner and outer hashes are keyed once
    /// and copied every round (the digests are value types), which halves the work of a naive HMAC.
    static func derive(_ password: String, salt: [UInt8], rounds: Int) -> [UInt8] {
        var key = Array(password.utf8)
        if key.count > 64 { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256(), outer = SHA256()
        inner.update(data: key.map { $0 ^ 0x36 })
        outer.update(data: key.map { $0 ^ 0x5C })
        func hmac(_ message: [UInt8]) -> [UInt8] {
            var i = inner
            i.update(data: message)
            var o = outer
            o.update(data: Array(i.finalize()))
            return Array(o.finalize())
        }
        var u = hmac(salt + [0, 0, 0, 1])
        var result = u
        for _ in 1..<max(1, rounds) {
            u = hmac(u)
            for index in result.indices { result[index] ^= u[index] }
        }
        return result
    }
}

/// Console sessions (SPEC §9): password login picks one of the person's roles; the session cookie is random,
/// stored hashed; each session has its own CSRF token that every state-changing request must echo. After
/// `maximumFailures` wrong passwords in a row the account is locked for `lockout`. Logins, failures and
/// logouts are in the audit log.
public struct SessionRepository: Sendable {
    let store: any Store
    let rounds: Int
    public static let maximumFailures = 5
    public static let lockout: TimeInterval = 15 * 60

    public init(store: any Store, rounds: Int = PasswordHash.defaultRounds) {
        self.store = store
        self.rounds = rounds
    }

    /// A signed-in session: who, as what, and the secrets the client keeps.
    public struct Session: Sendable, Equatable {
        public var actor: Actor
        public var csrfToken: String
        public var expiresAt: Date
    }

    /// Sets (or replaces) a person's password.
    public func setPassword(_ password: String, for personID: String, now: Date) async throws {
        guard password.count >= 10 else { throw SessionError.weakPassword }
        let hash = PasswordHash.make(password, rounds: rounds)
        try await store.write { [store] db in
            let updated = try await db.raw("UPDATE people SET password_hash = \(bind: hash), failed_logins = 0, locked_until = NULL WHERE id = \(bind: personID) RETURNING id").first()
            guard updated != nil else { throw PeopleError.personNotFound(personID) }
            try await AuditLog.append([AuditEntry(subjectType: "person", subjectID: personID, kind: "password.set", at: now)], engine: store.engine, in: db)
        }
    }

    /// Checks the password and opens a session in the chosen role (the only one, when the person holds one).
    /// Returns the session and the cookie value (shown once).
    public func login(personID: String, password: String, role: RoleAssignment?, lifetime: TimeInterval, now: Date) async throws -> (Session, cookie: String) {
        let row = try await store.read { db in
            try await db.raw("SELECT password_hash, failed_logins, locked_until FROM people WHERE id = \(bind: personID)").first()
        }
        if let locked = try row?.decode(column: "locked_until", as: Int64?.self), locked > now.millisecondsSince1970 {
            throw SessionError.locked(until: Date(millisecondsSince1970: locked))
        }
        guard let row, let hash = try row.decode(column: "password_hash", as: String?.self), PasswordHash.verify(password, against: hash) else {
            try await recordFailure(personID: personID, known: row != nil, now: now)
            throw SessionError.wrongCredentials
        }
        let roles = try await PeopleRepository(store: store).roles(of: personID)
        let chosen: RoleAssignment
        if let role {
            guard roles.contains(role) else { throw AccessError.roleNotHeld(role) }
            chosen = role
        } else {
            guard roles.count == 1 else { throw SessionError.chooseRole(roles) }
            chosen = roles[0]
        }
        let cookie = Self.random("wss_"), csrf = Self.random("")
        let session = Session(actor: chosen, csrfToken: csrf, expiresAt: now.addingTimeInterval(lifetime))
        try await store.write { [store] db in
            try await db.raw("UPDATE people SET failed_logins = 0, locked_until = NULL WHERE id = \(bind: personID)").run()
            try await db.raw("""
                INSERT INTO sessions (id_hash, person_id, role, unit_code, csrf_token, created_at, expires_at)
                VALUES (\(bind: TokenRepository.digest(cookie)), \(bind: personID), \(bind: chosen.role.rawValue), \(bind: chosen.unitCode),
                        \(bind: csrf), \(bind: now.millisecondsSince1970), \(bind: session.expiresAt.millisecondsSince1970))
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: "person", subjectID: personID, kind: "session.opened", at: now, actor: AuditActor(chosen),
                details: ["session": String(TokenRepository.digest(cookie).prefix(12))])], engine: store.engine, in: db)
        }
        return (session, cookie)
    }

    /// The live session a cookie stands for, if its role is still held.
    public func session(for cookie: String, now: Date) async throws -> Session? {
        try await store.read { db in
            try await db.raw("""
                SELECT s.person_id, s.role, s.unit_code, s.csrf_token, s.expires_at FROM sessions s
                JOIN role_assignments r ON r.person_id = s.person_id AND r.role = s.role AND r.unit_code = s.unit_code AND r.ended_at IS NULL
                WHERE s.id_hash = \(bind: TokenRepository.digest(cookie)) AND s.ended_at IS NULL AND s.expires_at > \(bind: now.millisecondsSince1970)
                """).first().flatMap { row -> Session? in
                guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
                return Session(
                    actor: RoleAssignment(personID: try row.decode(column: "person_id", as: String.self), role: role,
                                          unitCode: try row.decode(column: "unit_code", as: String.self)),
                    csrfToken: try row.decode(column: "csrf_token", as: String.self),
                    expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)))
            }
        }
    }

    public func logout(_ cookie: String, now: Date) async throws {
        try await store.write { [store] db in
            let ended = try await db.raw("""
                UPDATE sessions SET ended_at = \(bind: now.millisecondsSince1970)
                WHERE id_hash = \(bind: TokenRepository.digest(cookie)) AND ended_at IS NULL RETURNING person_id
                """).first()
            if let person = try ended?.decode(column: "person_id", as: String.self) {
                try await AuditLog.append([AuditEntry(subjectType: "person", subjectID: person, kind: "session.closed", at: now)],
                                          engine: store.engine, in: db)
            }
        }
    }

    private func recordFailure(personID: String, known: Bool, now: Date) async throws {
        guard known else { return }
        try await store.write { [store] db in
            let failures = try await db.raw("""
                UPDATE people SET failed_logins = failed_logins + 1 WHERE id = \(bind: personID) RETURNING failed_logins
                """).first()?.decode(column: "failed_logins", as: Int.self) ?? 0
            var details = ["failures": String(failures)]
            if failures >= Self.maximumFailures {
                let until = now.addingTimeInterval(Self.lockout)
                try await db.raw("UPDATE people SET failed_logins = 0, locked_until = \(bind: until.millisecondsSince1970) WHERE id = \(bind: personID)").run()
                details["lockedUntil"] = until.ISO8601Format()
            }
            try await AuditLog.append([AuditEntry(subjectType: "person", subjectID: personID, kind: "login.failed", at: now, details: details)],
                                      engine: store.engine, in: db)
        }
    }

    private static func random(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }
}

/// Why a login was refused. A wrong person and a wrong password read the same, so neither is revealed.
public enum SessionError: DomainError, Equatable {
    case wrongCredentials
    case locked(until: Date)
    case chooseRole([RoleAssignment])
    case weakPassword
    case csrfMismatch

    public var code: String {
        switch self {
        case .wrongCredentials: "auth.wrong_credentials"
        case .locked: "auth.locked"
        case .chooseRole: "auth.choose_role"
        case .weakPassword: "auth.weak_password"
        case .csrfMismatch: "auth.csrf_mismatch"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .wrongCredentials, .locked: .unauthenticated
        case .chooseRole, .weakPassword: .invalid
        case .csrfMismatch: .forbidden
        }
    }

    public var messageZh: String {
        switch self {
        case .wrongCredentials: "账号或密码错误"
        case let .locked(until): "连续输错密码，账号已锁定至 \(until.formatted(.iso8601))"
        case let .chooseRole(roles): "请选择以哪个角色登录：" + roles.map { "\($0.role.nameZh)@\($0.unitCode)" }.joined(separator: "、")
        case .weakPassword: "密码至少 10 个字符"
        case .csrfMismatch: "缺少或不匹配的 CSRF 令牌（X-CSRF-Token），请刷新页面后重试"
        }
    }

    public var messageEn: String {
        switch self {
        case .wrongCredentials: "wrong account or password"
        case let .locked(until): "too many wrong passwords: the account is locked until \(until.formatted(.iso8601))"
        case let .chooseRole(roles): "choose the role to sign in as: " + roles.map { "\($0.role.rawValue)@\($0.unitCode)" }.joined(separator: ", ")
        case .weakPassword: "a password needs at least 10 characters"
        case .csrfMismatch: "missing or wrong CSRF token (X-CSRF-Token): reload the page and try again"
        }
    }
}
