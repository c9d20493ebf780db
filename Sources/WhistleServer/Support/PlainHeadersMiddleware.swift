import Foundation
import HTTPTypes
import Hummingbird

/// swift-openapi-runtime writes header values with URI escaping, so the quotes RFC 9110 requires around an
/// entity tag leave as `%22` and a cookie's `=` and `;` as `%3D` and `%3B`. Clients compare ETags byte for
/// byte and browsers parse Set-Cookie and Content-Disposition literally, so these are restored to their plain form here.
struct PlainHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for name in [HTTPField.Name.eTag, .setCookie, .contentDisposition] {
            if let value = response.headers[name], value.contains("%"), let plain = value.removingPercentEncoding {
                response.headers[name] = plain
            }
        }
        return response
    }
}
