import Foundation
import Hummingbird

/// The two formats of GeoReport v2, chosen by the resource's suffix (`services.xml`, `services.json`).
enum Open311Format: String {
    case xml, json

    /// Splits `services.json` into (`services`, .json); nil without a known suffix.
    static func split(_ file: String) -> (name: String, format: Open311Format)? {
        guard let dot = file.lastIndex(of: "."), let format = Open311Format(rawValue: String(file[file.index(after: dot)...]).lowercased()) else {
            return nil
        }
        return (String(file[..<dot]), format)
    }

    var contentType: String { self == .xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8" }
}

/// An Open311 document as a tree, written as XML or as JSON by GeoReport's conversion rules: in JSON a
/// list is an array even with one item and the root list's container disappears; every value is a string
/// except booleans and numbers; in XML a list is a container element of repeated items.
indirect enum Open311Value {
    case text(String?)
    case bool(Bool)
    case number(Double)
    case object([(String, Open311Value)])
    case list(item: String, [Open311Value])

    /// The document with root element `root`, in `format`.
    func rendered(root: String, as format: Open311Format) -> String {
        switch format {
        case .xml:
            var out = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
            xml(root, into: &out)
            return out
        case .json:
            let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    func response(root: String, as format: Open311Format, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: format.contentType],
                 body: .init(byteBuffer: ByteBuffer(string: rendered(root: root, as: format))))
    }

    private func xml(_ name: String, into out: inout String) {
        out += "<\(name)>"
        switch self {
        case let .text(value): out += Self.escaped(value ?? "")
        case let .bool(value): out += value ? "true" : "false"
        case let .number(value): out += Self.number(value)
        case let .object(fields): for (key, value) in fields { value.xml(key, into: &out) }
        case let .list(item, values): for value in values { value.xml(item, into: &out) }
        }
        out += "</\(name)>"
    }

    private var json: Any {
        switch self {
        case let .text(value): value.map { $0 as Any } ?? NSNull()
        case let .bool(value): value
        case let .number(value): value
        case let .object(fields): Dictionary(fields.map { ($0.0, $0.1.json) }, uniquingKeysWith: { first, _ in first })
        case let .list(_, values): values.map(\.json)
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// XML character data: markup characters escaped, and characters XML 1.0 forbids dropped.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// GeoReport's error document: `errors` → `error` {code, description}.
    static func errors(status: Int, description: String) -> Open311Value {
        .list(item: "error", [.object([("code", .number(Double(status))), ("description", .text(description))])])
    }
}
