import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The request context of every route: Hummingbird's core context and the client's address, which the
/// public intake limit needs.
public struct WhistleRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Limits anonymous submissions (public web forms, apps) and ratings per client: a token bucket of `perMinute`
/// submissions that refills continuously. Signed-in callers (the hotline with a token or a console session,
/// integrations) are not limited here, so it runs after authentication. Behind a reverse proxy,
/// `trustForwardedFor` takes the client from `X-Forwarded-For`.
struct PublicIntakeLimit: RouterMiddleware {
    typealias Context = WhistleRequestContext

    let perMinute: Double
    let trustForwardedFor: Bool
    private let buckets = Buckets()

    init(perMinute: Int, trustForwardedFor: Bool) {
        self.perMinute = Double(max(1, perMinute))
        self.trustForwardedFor = trustForwardedFor
    }

    /// Anonymous intake and ratings (评价, whose number-and-phone check must not be open to guessing), through
    /// the API and the console's public pages alike; so is looking a demand up by number and phone.
    static let limitedPaths: Set<String> = ["/api/v1/demands", "/api/v1/ratings", "/console/submit", "/console/rate"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limited = request.method == .post ? Self.limitedPaths.contains(request.uri.path)
            : request.uri.path == "/console/track" && request.uri.queryParameters["phone"] != nil  // a lookup by number and phone
        guard limited, RequestActor.current == nil else {
            return try await next(request, context)
        }
        let client = clientKey(request, context)
        if let wait = buckets.take(client, perMinute: perMinute, now: Date()) {
            throw RateLimited(retryAfterSeconds: Int(wait.rounded(.up)))
        }
        return try await next(request, context)
    }

    private func clientKey(_ request: Request, _ context: Context) -> String {
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").first {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Token buckets by client, refilled by elapsed time.
    final class Buckets: Sendable {
        private let state = Mutex([String: (tokens: Double, at: Date)]())

        /// Takes one token; returns the seconds to wait when there is none.
        func take(_ client: String, perMinute: Double, now: Date) -> Double? {
            state.withLock { buckets in
                // Forget full buckets now and then so the table stays as small as the clients active.
                if buckets.count > 10_000 {
                    buckets = buckets.filter { now.timeIntervalSince($0.value.at) * perMinute / 60 + $0.value.tokens < perMinute }
                }
                var bucket = buckets[client] ?? (perMinute, now)
                bucket.tokens = min(perMinute, bucket.tokens + now.timeIntervalSince(bucket.at) * perMinute / 60)
                bucket.at = now
                guard bucket.tokens >= 1 else {
                    buckets[client] = bucket
                    return (1 - bucket.tokens) * 60 / perMinute
                }
                bucket.tokens -= 1
                buckets[client] = bucket
                return nil
            }
        }
    }
}

/// Too many anonymous submissions from one client.
struct RateLimited: Error {
    var retryAfterSeconds: Int
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
