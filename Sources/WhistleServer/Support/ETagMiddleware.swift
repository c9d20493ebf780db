import Foundation
import Hummingbird

/// swift-openapi-runtime writes header values with URI escaping, so the quotes RFC 9110 requires around an
/// entity tag leave as `%22`. Clients compare ETags byte for byte and send them back in If-Match, so the
/// header is restored to its plain form here.
struct ETagMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let tag = response.headers[.eTag], tag.contains("%"), let plain = tag.removingPercentEncoding {
            response.headers[.eTag] = plain
        }
        return response
    }
}
