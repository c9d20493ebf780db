import Foundation
import Hummingbird
import WhistleCore
import WhistleStore

/// A console page: the frame (header with the person and their role's menu, language switch, sign-out) around
/// a body. Styles and scripts are the console's own files; nothing is loaded from elsewhere.
struct ConsolePage {
    var title: String
    var body: String
    var language: ConsoleLanguage
    var session: SessionRepository.Session?
    var path: String

    /// A refusal (or fault) as a console page: what went wrong in the person's language, and a way back.
    static func problem(_ problem: Problem, _ request: Request) -> Response {
        let l = ConsoleLanguage(request)
        let body = """
            <section class="card"><p class="error" role="alert">\(HTML.escape(l(problem.messageZh, problem.messageEn)))</p>
            <p class="meta">\(HTML.escape(problem.code)) · HTTP \(problem.status)</p><p><a href="/console">\(l("返回工作台", "Back to the console"))</a></p></section>
            """
        let page = ConsolePage(title: l("无法完成", "Could not be done"), body: body, language: l, session: nil, path: request.uri.path)
        return HTML.response(page.render(), status: .init(code: problem.status))
    }

    func render() -> String {
        let l = language
        var menu: [(String, String)] = []
        if let actor = session?.actor {
            menu.append(("/console", l("首页", "Home")))
            for item in Self.menu(for: actor.role) { menu.append((item.path, l(item.zh, item.en))) }
        } else {
            menu = [("/console/submit", l("我要反映", "Raise a demand")), ("/console/track", l("查询办理进度", "Track a demand")),
                    ("/console/login", l("工作人员登录", "Staff sign-in"))]
        }
        let links = menu.map { "<a href=\"\($0.0)\"\($0.0 == path ? " aria-current=\"page\"" : "")>\(HTML.escape($0.1))</a>" }.joined()
        let who = session.map { session in
            """
            <form method="post" action="/console/logout" class="who"><span>\(HTML.escape(session.actor.personID)) · \(HTML.escape(l(session.actor.role.nameZh, session.actor.role.rawValue))) · \(HTML.escape(session.actor.unitCode))</span>\
            <input type="hidden" name="_csrf" value="\(HTML.escape(session.csrfToken))"><button type="submit">\(l("退出", "Sign out"))</button></form>
            """
        } ?? ""
        let other = l == .zh ? ("en", "English") : ("zh", "中文")
        return """
            <!doctype html>
            <html lang="\(l("zh-CN", "en"))"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · \(l("吹哨 · 接诉即办", "Whistle"))</title><link rel="icon" href="/console/assets/favicon.svg"><link rel="stylesheet" href="/console/assets/console.css">
            <script src="/console/assets/console.js" defer></script></head>
            <body><header><a class="brand" href="/console">\(l("吹哨 · 接诉即办", "Whistle"))</a><nav aria-label="\(l("菜单", "Menu"))">\(links)</nav>
            <a class="lang" href="?lang=\(other.0)" lang="\(other.0)">\(other.1)</a>\(who)</header>
            <main><h1>\(HTML.escape(title))</h1>\(body)</main></body></html>
            """
    }

    private static let whistles = (path: "/console/whistles", zh: "吹哨报到", en: "Whistles")
    private static let reports = (path: "/console/reports", zh: "通报", en: "Bulletins")

    /// Each role's daily work (SPEC §8).
    static func menu(for role: Role) -> [(path: String, zh: String, en: String)] {
        switch role {
        case .hotlineAgent: [("/console/submit", "受理诉求", "Intake")]
        case .dispatcher: [("/console/queue", "待派单", "Dispatch queue"), ("/console/submit", "受理诉求", "Intake"), ("/console/command", "指挥中心", "Command centre"), whistles, reports]
        case .departmentHandler, .streetCoordinator, .communityStaff, .gridWorker: [("/console/inbox", "工单", "Orders"), whistles]
        case .unitLeader: [("/console/inbox", "工单", "Orders"), whistles, ("/console/command", "指挥中心", "Command centre"), reports]
        case .callbackAgent: [("/console/callbacks", "待回访", "Callbacks")]
        case .supervisor, .administrator:
            [("/console/command", "指挥中心", "Command centre"), ("/console/queue", "待派单", "Dispatch queue"), whistles, reports, ("/console/admin", "系统管理", "Administration")]
        }
    }
}

/// How a page shows a demand's state and an order's deadline light.
enum ConsoleBadges {
    static func status(_ status: DemandStatus, _ l: ConsoleLanguage) -> String {
        "<span class=\"status\">\(HTML.escape(l(status.nameZh, status.rawValue)))</span>"
    }

    static func light(_ light: DeadlineLight?, _ l: ConsoleLanguage) -> String {
        guard let light else { return "" }
        let text = switch light {
        case .green: l("正常", "on time")
        case .yellow: l("临期", "due soon")
        case .red: l("超期", "overdue")
        }
        return "<span class=\"light \(light.rawValue)\" role=\"img\" aria-label=\"\(text)\">\(text)</span>"
    }

    /// Beijing wall-clock time to the minute, e.g. `2026-11-21 09:05`.
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        let c = beijing.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    private static let beijing: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600)!
        return calendar
    }()
}

/// Charts drawn on the server as SVG: no script, no library, readable by screen readers through their title.
enum ConsoleCharts {
    /// Vertical bars, one a label, scaled to the largest value.
    static func bars(_ values: [(label: String, value: Int)], label: String) -> String {
        let (width, height, gap) = (640.0, 200.0, 6.0)
        let top = Double(max(values.map(\.value).max() ?? 0, 1))
        let bar = (width - gap * Double(values.count + 1)) / Double(max(values.count, 1))
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height + 40))\" role=\"img\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        for (index, item) in values.enumerated() {
            let h = height * Double(item.value) / top
            let x = gap + Double(index) * (bar + gap)
            svg += "<rect x=\"\(x)\" y=\"\(height - h)\" width=\"\(bar)\" height=\"\(h)\"><title>\(HTML.escape(item.label)): \(item.value)</title></rect>"
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(height + 16)\" text-anchor=\"middle\">\(HTML.escape(item.label))</text>"
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(height + 32)\" text-anchor=\"middle\" class=\"value\">\(item.value)</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars with their values (one decimal), longest first as given, for rankings.
    static func horizontalBars(_ values: [(label: String, value: Double)], label: String) -> String {
        let (width, row, labelWidth) = (640.0, 26.0, 220.0)
        let top = max(values.map(\.value).max() ?? 0, 1)
        var svg = "<svg class=\"chart bars-h\" viewBox=\"0 0 \(Int(width)) \(Int(row * Double(values.count) + 4))\" role=\"img\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        for (index, item) in values.enumerated() {
            let y = Double(index) * row + 2
            let length = (width - labelWidth - 60) * item.value / top
            let value = String(format: "%.1f", item.value)
            svg += "<text x=\"0\" y=\"\(y + 17)\">\(HTML.escape(item.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(row - 8)\"><title>\(HTML.escape(item.label)): \(value)</title></rect>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 17)\" class=\"value\">\(value)</text>"
        }
        return svg + "</svg>"
    }
}
