import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// Password sign-in for the web console (SPEC §9): a session cookie that scripts cannot read and other
/// sites cannot send, and a CSRF token the console echoes.
extension WhistleAPIHandler {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case let .json(body) = input.body else { throw RequestError.malformed("application/json expected") }
        var role: RoleAssignment?
        if let name = body.role, !name.isEmpty {
            guard let chosen = Role(rawValue: name), let unit = body.unitCode, !unit.isEmpty else {
                throw RequestError.invalidParameter(name: "role/unitCode", reason: "应同时给出已知角色和单位 / a known role and its unit, together")
            }
            role = RoleAssignment(personID: body.personId, role: chosen, unitCode: unit)
        }
        let (session, cookie) = try await sessions.login(
            personID: body.personId, password: body.password, role: role, lifetime: auth.sessionLifetime, now: clock())
        return .ok(.init(headers: .init(setCookie: auth.sessionCookie(cookie)),
                         body: .json(.init(session))))
    }

    func currentSession(_ input: Operations.CurrentSession.Input) async throws -> Operations.CurrentSession.Output {
        let actor = try RequestActor.required()
        if let (_, session) = RequestActor.session { return .ok(.init(body: .json(.init(session)))) }
        return .ok(.init(body: .json(.init(personId: actor.personID, role: actor.role.rawValue, roleName: actor.role.nameZh, unitCode: actor.unitCode))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        _ = try RequestActor.required()
        if let (cookie, _) = RequestActor.session { try await sessions.logout(cookie, now: clock()) }
        return .noContent(.init(headers: .init(setCookie: auth.clearedSessionCookie)))
    }
}

/// How console sessions are issued (`auth.*` settings).
struct AuthSettings: Sendable {
    /// `auth.sessionHours` [12]: a session ends this long after sign-in.
    var sessionLifetime: TimeInterval
    /// `auth.secureCookies` [true]: cookies only over HTTPS (browsers also allow them on localhost).
    var secureCookies: Bool

    /// The session cookie: scripts cannot read it, other sites cannot send it.
    func sessionCookie(_ value: String) -> String { cookie(value, maxAge: Int(sessionLifetime)) }

    /// The cookie that ends the session in the browser.
    var clearedSessionCookie: String { cookie("", maxAge: 0) }

    private func cookie(_ value: String, maxAge: Int) -> String {
        "\(AuthenticationMiddleware<WhistleRequestContext>.cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
            + (secureCookies ? "; Secure" : "")
    }
}

extension Components.Schemas.SessionInfo {
    init(_ session: SessionRepository.Session) {
        self.init(
            personId: session.actor.personID, role: session.actor.role.rawValue, roleName: session.actor.role.nameZh,
            unitCode: session.actor.unitCode, csrfToken: session.csrfToken, expiresAt: session.expiresAt)
    }
}
