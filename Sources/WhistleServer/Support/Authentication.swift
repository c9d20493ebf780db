import Foundation
import Hummingbird
import WhistleCore
import WhistleStore

/// Who is making the current request. Generated OpenAPI handlers do not receive the request context, so the
/// authentication middleware binds the actor to the request's task (the pattern swift-openapi-hummingbird
/// documents).
enum RequestActor {
    @TaskLocal static var current: Actor?

    /// The actor, or a 401 refusal.
    static func required() throws -> Actor {
        guard let current else { throw AccessError.unauthenticated }
        return current
    }
}

/// Reads `Authorization: Bearer <token>`; an unknown or revoked token is refused outright rather than
/// treated as anonymous, so a broken integration notices.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        guard header.lowercased().hasPrefix("bearer "),
              let actor = try await tokens.assignment(for: String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        else { throw AccessError.tokenInvalid }
        return try await RequestActor.$current.withValue(actor) {
            try await next(request, context)
        }
    }
}

