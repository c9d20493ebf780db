import Foundation
import HTTPTypes
import Hummingbird
import WhistleCore

/// The console's pages are strings built on the server; every value from outside reaches them through
/// ``escape(_:)``, so a resident's words can never become markup.
enum HTML {
    static func escape(_ text: String?) -> String {
        var escaped = ""
        for character in text ?? "" {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            // Only the console's own files: no CDN, no inline script, no framing by other sites.
            HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }
}

/// The console's language: Chinese unless the person chose English (`?lang=en`, kept in a cookie).
enum ConsoleLanguage: String, Sendable {
    case zh, en

    static let cookie = "whistle_lang"

    init(_ request: Request) {
        if let asked = request.uri.queryParameters["lang"].flatMap({ ConsoleLanguage(rawValue: String($0)) }) {
            self = asked
            return
        }
        self = request.cookie(named: Self.cookie).flatMap(ConsoleLanguage.init(rawValue:)) ?? .zh
    }

    /// The text in this language.
    func callAsFunction(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}

/// A form's fields as sent (`application/x-www-form-urlencoded`), kept as typed so a refused form shows
/// them again, and the errors to show next to each field.
struct ConsoleForm: Sendable {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    /// Prefixes the fields' ids, so forms repeated on one page (one per order) keep ids unique.
    var scope = ""

    init() {}

    init(_ request: Request) async throws {
        for (name, value) in FormEncoding.pairs(String(buffer: try await request.body.collect(upTo: 1 << 20))) { values[name] = value }
    }

    /// The form's error that belongs to no single field, as an alert.
    var alert: String { errors["_"].map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "" }

    subscript(_ name: String) -> String? {
        let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
        return value?.isEmpty == false ? value : nil
    }

    /// A labelled input with its error beneath it (`aria-describedby`, so screen readers read both).
    func field(_ name: String, _ label: String, type: String = "text", required: Bool = false, hint: String? = nil, attributes: String = "") -> String {
        let id = scope + name
        let error = errors[name].map { "<p class=\"error\" id=\"\(id)-error\">\(HTML.escape($0))</p>" } ?? ""
        let described = errors[name] != nil ? " aria-describedby=\"\(id)-error\" aria-invalid=\"true\"" : ""
        let control = type == "textarea"
            ? "<textarea id=\"\(id)\" name=\"\(name)\" rows=\"4\"\(required ? " required" : "")\(described) \(attributes)>\(HTML.escape(values[name]))</textarea>"
            : "<input id=\"\(id)\" name=\"\(name)\" type=\"\(type)\" value=\"\(HTML.escape(values[name]))\"\(required ? " required" : "")\(described) \(attributes)>"
        return "<div class=\"field\"><label for=\"\(id)\">\(HTML.escape(label))\(required ? " *" : "")</label>\(control)"
            + (hint.map { "<small>\(HTML.escape($0))</small>" } ?? "") + "\(error)</div>"
    }

    /// A labelled select of (value, text) options, the sent value selected.
    func select(_ name: String, _ label: String, _ options: [(String, String)], required: Bool = false) -> String {
        let id = scope + name
        let error = errors[name].map { "<p class=\"error\" id=\"\(id)-error\">\(HTML.escape($0))</p>" } ?? ""
        let items = options.map { value, text in
            "<option value=\"\(HTML.escape(value))\"\(values[name] == value ? " selected" : "")>\(HTML.escape(text))</option>"
        }.joined()
        return "<div class=\"field\"><label for=\"\(id)\">\(HTML.escape(label))\(required ? " *" : "")</label>"
            + "<select id=\"\(id)\" name=\"\(name)\"\(required ? " required" : "")\(errors[name] != nil ? " aria-describedby=\"\(id)-error\" aria-invalid=\"true\"" : "")>\(items)</select>\(error)</div>"
    }

    func checkbox(_ name: String, _ label: String) -> String {
        "<div class=\"field check\"><input id=\"\(scope + name)\" name=\"\(name)\" type=\"checkbox\" value=\"1\"\(values[name] == "1" ? " checked" : "")><label for=\"\(scope + name)\">\(HTML.escape(label))</label></div>"
    }
}

/// `application/x-www-form-urlencoded`: `+` is a space, the rest percent-encoded (the console's forms and
/// Open311's POSTs).
enum FormEncoding {
    /// `name=value&…`, percent-encoded, in the order of the names.
    static func query(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.keys.sorted().map { "\($0)=\(fields[$0]!.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    static func pairs(_ text: String) -> [(name: String, value: String)] {
        func decoded(_ text: Substring) -> String { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
        return text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }
}
