import Foundation
import Yams

// Usage: api-reference openapi.yaml OUTPUT.html
let arguments = CommandLine.arguments
guard arguments.count == 3, let text = try? String(contentsOfFile: arguments[1], encoding: .utf8),
      let document = try Yams.load(yaml: text) as? [String: Any]
else { FileHandle.standardError.write(Data("usage: api-reference openapi.yaml OUTPUT.html\n".utf8)); exit(2) }

func escaped(_ value: Any?) -> String {
    String(describing: value ?? "").replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// Paragraphs from a description (blank lines separate them), `code` spans kept.
func prose(_ value: Any?) -> String {
    guard let text = value as? String, !text.isEmpty else { return "" }
    return text.components(separatedBy: "\n\n").map { paragraph in
        var html = escaped(paragraph.replacingOccurrences(of: "\n", with: " "))
        while let open = html.range(of: "`"), let close = html.range(of: "`", range: open.upperBound..<html.endIndex) {
            html.replaceSubrange(open.lowerBound..<close.upperBound, with: "<code>\(html[open.upperBound..<close.lowerBound])</code>")
        }
        return "<p>\(html)</p>"
    }.joined()
}

/// A schema's type in one line, with links to named schemas.
func type(_ schema: Any?) -> String {
    guard let schema = schema as? [String: Any] else { return "" }
    if let ref = schema["$ref"] as? String {
        let name = ref.split(separator: "/").last.map(String.init) ?? ref
        return "<a href=\"#schema-\(name)\">\(name)</a>"
    }
    if let values = schema["enum"] as? [Any] { return values.map { "<code>\(escaped($0))</code>" }.joined(separator: " | ") }
    let kind = schema["type"] as? String ?? "object"
    if kind == "array" { return "[\(type(schema["items"]))]" }
    return escaped(kind) + ((schema["format"] as? String).map { " (\(escaped($0)))" } ?? "")
}

/// A body's schema, JSON first; other media types it may come in are named after it (in a fixed order, so
/// the page is the same on every run).
func media(_ content: Any?) -> String? {
    guard let content = content as? [String: Any], !content.isEmpty else { return nil }
    let types = content.keys.sorted { ($0 == "application/json" ? 0 : 1, $0) < ($1 == "application/json" ? 0 : 1, $1) }
    let schema = type((content[types[0]] as? [String: Any])?["schema"])
    return types.count == 1 ? schema : "\(schema) (" + types.map { "<code>\(escaped($0))</code>" }.joined(separator: ", ") + ")"
}

func properties(_ schema: [String: Any]) -> String {
    guard let properties = schema["properties"] as? [String: Any], !properties.isEmpty else { return "" }
    let required = Set(schema["required"] as? [String] ?? [])
    let rows = properties.keys.sorted().map { name -> String in
        let property = properties[name] as? [String: Any] ?? [:]
        var limits: [String] = []
        for key in ["minLength", "maxLength", "minimum", "maximum", "maxItems", "pattern", "default"] where property[key] != nil {
            limits.append("\(key) \(escaped(property[key]))")
        }
        return "<tr><td><code>\(escaped(name))</code>\(required.contains(name) ? " <b>*</b>" : "")</td><td>\(type(property))</td>"
            + "<td>\(escaped(property["description"] ?? ""))\(limits.isEmpty ? "" : " <small>(\(limits.joined(separator: ", ")))</small>")</td></tr>"
    }
    return "<table><tr><th>字段 field</th><th>类型 type</th><th>说明 description</th></tr>\(rows.joined())</table>"
}

let info = document["info"] as? [String: Any] ?? [:]
let base = ((document["servers"] as? [[String: Any]])?.first?["url"] as? String) ?? ""
var html = """
    <!DOCTYPE html>
    <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escaped(info["title"])) — 接口参考 API reference</title>
    <style>
    body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d2329}
    h2{border-bottom:2px solid #c8102e;padding-bottom:.2rem;margin-top:2.5rem}h3{margin-top:2rem}
    code{background:#f3f4f6;padding:0 .25rem;border-radius:3px}table{border-collapse:collapse;width:100%;margin:.5rem 0}
    th,td{border:1px solid #d9dde3;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f7f9}
    .method{display:inline-block;min-width:4rem;font-weight:bold;color:#fff;background:#2563eb;border-radius:3px;padding:0 .4rem;text-align:center}
    .post{background:#16a34a}.delete{background:#dc2626}nav a{margin-right:1rem}
    </style></head><body>
    <h1>\(escaped(info["title"]))</h1><p>版本 version \(escaped(info["version"])) · 机器可读文档 machine-readable: <a href="/openapi.yaml">/openapi.yaml</a></p>
    \(prose(info["description"]))
    """

let tags = (document["tags"] as? [[String: Any]]) ?? []
let paths = document["paths"] as? [String: Any] ?? [:]
var operationsByTag: [String: [(path: String, method: String, operation: [String: Any])]] = [:]
for path in paths.keys.sorted() {
    let item = paths[path] as? [String: Any] ?? [:]
    for method in ["get", "post", "put", "patch", "delete"] {
        guard let operation = item[method] as? [String: Any] else { continue }
        let tag = (operation["tags"] as? [String])?.first ?? "other"
        operationsByTag[tag, default: []].append((path, method, operation))
    }
}
html += "<nav>" + tags.map { "<a href=\"#tag-\(escaped($0["name"]))\">\(escaped($0["name"]))</a>" }.joined() + "<a href=\"#schemas\">schemas</a></nav>"
for tag in tags {
    let name = tag["name"] as? String ?? ""
    html += "<h2 id=\"tag-\(escaped(name))\">\(escaped(tag["description"] ?? name))</h2>"
    for (path, method, operation) in operationsByTag[name] ?? [] {
        html += "<h3 id=\"op-\(escaped(operation["operationId"]))\"><span class=\"method \(method)\">\(method.uppercased())</span> <code>\(escaped(base + path))</code></h3>"
        html += "<p><b>\(escaped(operation["summary"]))</b> · <code>\(escaped(operation["operationId"]))</code></p>" + prose(operation["description"])
        if let parameters = operation["parameters"] as? [[String: Any]], !parameters.isEmpty {
            let components = (document["components"] as? [String: Any])?["parameters"] as? [String: Any] ?? [:]
            let rows = parameters.map { parameter -> String in
                let resolved = (parameter["$ref"] as? String).flatMap { components[String($0.split(separator: "/").last!)] as? [String: Any] } ?? parameter
                return "<tr><td><code>\(escaped(resolved["name"]))</code>\(resolved["required"] as? Bool == true ? " <b>*</b>" : "")</td>"
                    + "<td>\(escaped(resolved["in"]))</td><td>\(type(resolved["schema"]))</td><td>\(escaped(resolved["description"] ?? ""))</td></tr>"
            }
            html += "<table><tr><th>参数 parameter</th><th>位置 in</th><th>类型 type</th><th>说明 description</th></tr>\(rows.joined())</table>"
        }
        if let body = media((operation["requestBody"] as? [String: Any])?["content"]) {
            html += "<p>请求体 request body: \(body)</p>"
        }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        html += "<p>响应 responses: " + responses.keys.sorted().map { code in
            let response = responses[code] as? [String: Any] ?? [:]
            return "<code>\(code)</code>" + (media(response["content"]).map { " \($0)" } ?? "")
        }.joined(separator: " · ") + "</p>"
    }
}
html += "<h2 id=\"schemas\">数据结构 Schemas</h2>"
let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
for name in schemas.keys.sorted() {
    let schema = schemas[name] as? [String: Any] ?? [:]
    html += "<h3 id=\"schema-\(escaped(name))\">\(escaped(name))</h3>" + prose(schema["description"])
    html += schema["properties"] == nil ? "<p>\(type(schema))</p>" : properties(schema)
}
html += "</body></html>\n"
try html.write(toFile: arguments[2], atomically: true, encoding: .utf8)
