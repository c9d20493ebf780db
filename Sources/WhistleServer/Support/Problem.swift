import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime
import WhistleCore

/// Maps every error to an RFC 9457 problem document with a stable code and messages in Chinese and
/// English. Domain refusals and malformed requests are 4xx; only a fault of Whistle itself is a 500, and
/// its details go to the log, not to the client.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem(error, path: request.uri.path)
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            // The console's pages answer a person in a browser: the same refusal as a page of the console.
            var response = request.uri.path.hasPrefix("/console/") && !request.uri.path.hasPrefix("/console/assets/")
                ? ConsolePage.problem(problem, request) : problem.response(english: request.prefersEnglish)
            if let limited = error as? RateLimited { response.headers[.retryAfter] = String(limited.retryAfterSeconds) }
            return response
        }
    }
}

/// A refusal of the request itself, before the domain sees it.
enum RequestError: DomainError {
    case invalidParameter(name: String, reason: String)
    case malformed(String)
    case routeNotFound(String)
    case methodNotAllowed
    case rateLimited(retryAfterSeconds: Int)

    var code: String {
        switch self {
        case .invalidParameter: "request.invalid_parameter"
        case .malformed: "request.malformed"
        case .routeNotFound: "request.not_found"
        case .methodNotAllowed: "request.method_not_allowed"
        case .rateLimited: "request.rate_limited"
        }
    }

    var kind: DomainErrorKind {
        switch self {
        case .routeNotFound: .notFound
        default: .invalid
        }
    }

    var messageZh: String {
        switch self {
        case let .invalidParameter(name, reason): "参数“\(name)”无效：\(reason)"
        case let .malformed(reason): "请求格式错误：\(reason)"
        case let .routeNotFound(path): "没有这个地址：\(path)"
        case .methodNotAllowed: "此地址不支持该请求方法"
        case let .rateLimited(seconds): "提交过于频繁，请 \(seconds) 秒后再试"
        }
    }

    var messageEn: String {
        switch self {
        case let .invalidParameter(name, reason): "parameter \"\(name)\" is invalid: \(reason)"
        case let .malformed(reason): "malformed request: \(reason)"
        case let .routeNotFound(path): "no such path: \(path)"
        case .methodNotAllowed: "this method is not allowed here"
        case let .rateLimited(seconds): "too many submissions; retry in \(seconds) s"
        }
    }
}

extension RequestError {
    /// The value of a field an action needs, or the refusal naming the field and the action.
    static func required<T>(_ value: T?, _ field: String, by action: String) throws -> T {
        guard let value else {
            throw RequestError.invalidParameter(name: field, reason: "“\(action)”需要此字段 / required by \(action)")
        }
        return value
    }

    /// A `YYYY-MM-DD` parameter as a day, or the refusal naming the parameter.
    static func day(_ text: String, _ name: String) throws -> CalendarDay {
        guard let day = CalendarDay(text) else { throw RequestError.invalidParameter(name: name, reason: "应为 YYYY-MM-DD") }
        return day
    }
}

/// An internal fault: the client learns only that it happened.
private struct InternalFault: DomainError {
    var code: String { "internal" }
    var kind: DomainErrorKind { .invalid }
    var messageZh: String { "服务器内部错误，请稍后重试" }
    var messageEn: String { "internal server error, please retry later" }
}

struct Problem: Encodable {
    var type: String
    var title: String
    var status: Int
    var code: String
    var detail: String?
    var messageZh: String
    var messageEn: String

    init(_ error: any Error, path: String) {
        let domain: any DomainError
        var status: HTTPResponse.Status
        switch error {
        case let error as RateLimited:
            domain = RequestError.rateLimited(retryAfterSeconds: error.retryAfterSeconds)
            status = .tooManyRequests
        case let error as any DomainError:
            domain = error
            status = error.kind.status
        case let error as ServerError:
            // The OpenAPI layer wraps what handlers throw and its own decoding failures.
            if let inner = error.underlyingError as? any DomainError {
                domain = inner
                status = inner.kind.status
            } else if error.httpStatus.kind == .clientError {
                domain = RequestError.malformed(Self.reason(error.underlyingError))
                status = error.httpStatus
            } else {
                domain = InternalFault()
                status = .internalServerError
            }
        case let error as HTTPError:
            switch error.status {
            case .notFound: domain = RequestError.routeNotFound(path)
            case .methodNotAllowed: domain = RequestError.methodNotAllowed
            case let other where other.kind == .clientError: domain = RequestError.malformed(error.body ?? other.reasonPhrase)
            default: domain = InternalFault()
            }
            status = error.status
        default:
            domain = InternalFault()
            status = .internalServerError
        }
        if domain is InternalFault { status = .internalServerError }
        self.type = "urn:whistle:problem:\(domain.code)"
        self.title = domain.messageZh
        self.status = status.code
        self.code = domain.code
        self.messageZh = domain.messageZh
        self.messageEn = domain.messageEn
    }

    /// A decoding failure said plainly, without Swift's type dump.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context), let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            context.debugDescription
        case let DecodingError.keyNotFound(key, _):
            "missing \(key.stringValue)"
        default:
            String(describing: error)
        }
    }

    func response(english: Bool) -> Response {
        var copy = self
        if english { copy.title = messageEn }
        let data = (try? JSONEncoder().encode(copy)) ?? Data()
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/problem+json; charset=utf-8", .contentLanguage: english ? "en" : "zh-CN"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension DomainErrorKind {
    var status: HTTPResponse.Status {
        switch self {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .unauthenticated: .unauthorized
        }
    }
}

extension Request {
    /// True when Accept-Language ranks English before Chinese (Chinese is the default).
    var prefersEnglish: Bool {
        guard let header = headers[.acceptLanguage]?.lowercased() else { return false }
        let first = header.split(separator: ",").first?.trimmingCharacters(in: .whitespaces) ?? ""
        return first.hasPrefix("en")
    }
}
