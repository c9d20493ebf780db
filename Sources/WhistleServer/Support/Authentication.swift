import Foundation
import HTTPTypes
import Hummingbird
import WhistleCore
import WhistleStore

/// Who is making the current request. Generated OpenAPI handlers do not receive the request context, so the
/// authentication middleware binds the actor to the request's task (the pattern swift-openapi-hummingbird
/// documents).
enum RequestActor {
    @TaskLocal static var current: Actor?
    /// The console session the request came with (cookie value and session), when it came with one.
    @TaskLocal static var session: (cookie: String, session: SessionRepository.Session)?

    /// The actor, or a 401 refusal.
    static func required() throws -> Actor {
        guard let current else { throw AccessError.unauthenticated }
        return current
    }
}

/// Who is asking: `Authorization: Bearer <token>` for integrations, the `whistle_session` cookie for the web
/// console. An unknown or revoked token is refused outright rather than treated as anonymous, so a broken
/// integration notices; an expired session is anonymous (the console signs in again). A request that changes
/// something on a session's authority must echo the session's CSRF token in `X-CSRF-Token` (the console's
/// forms under `/console/` in their `_csrf` field instead): a cookie is sent by the browser whatever page
/// asks, the token only by Whistle's own pages.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenRepository
    let sessions: SessionRepository
    let clock: @Sendable () -> Date

    static var cookieName: String { "whistle_session" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer "),
                  let actor = try await tokens.assignment(for: String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
            else { throw AccessError.tokenInvalid }
            return try await RequestActor.$current.withValue(actor) { try await next(request, context) }
        }
        guard let cookie = request.cookie(named: Self.cookieName), let session = try await sessions.session(for: cookie, now: clock()) else {
            return try await next(request, context)
        }
        // The console's own forms carry the token in a hidden field, which its routes check.
        if ![.get, .head, .options].contains(request.method), !request.uri.path.hasPrefix("/console/"), request.headers[.csrfToken] != session.csrfToken {
            throw SessionError.csrfMismatch
        }
        return try await RequestActor.$current.withValue(session.actor) {
            try await RequestActor.$session.withValue((cookie, session)) { try await next(request, context) }
        }
    }
}

extension Request {
    /// A cookie's value, if the request carries it.
    func cookie(named name: String) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == name { return String(parts[1]) }
            }
        }
        return nil
    }
}

extension HTTPField.Name {
    /// The console's echo of its session's CSRF token.
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
