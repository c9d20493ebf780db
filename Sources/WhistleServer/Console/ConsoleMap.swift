import Foundation
import Hummingbird
import WhistleCore
import WhistleStore

/// 诉求密度: the command centre's map of one district's or street's grids and communities, drawn from their
/// polygons (SVG, no tiles) and coloured by the demands of the last 30 days (a community is filled when its grids
/// have no boundary, else outlined over them), with the communities where demands concentrate.
extension ConsoleRoutes {
    static let densityDays = 30

    /// The map section for the division chosen with `?area=` (a district or street the person may see),
    /// else their own division, else the district with the most demands lately.
    func densityMap(_ request: Request, _ actor: Actor, _ l: ConsoleLanguage) async throws -> String {
        let units = desk.advisor.units
        let today = CalendarDay(beijing: clock())
        let from = today.adding(days: 1 - Self.densityDays)
        // A person of a district or street sees that division; the city's people choose any district or street.
        let own = actor.unitCode.count == 6 || actor.unitCode.count == 9 ? actor.unitCode : ""
        let scope = own == desk.advisor.cityCode ? "" : own
        let mapped = units.values.filter { [.grid, .community].contains($0.kind) && $0.boundary != nil && $0.code.hasPrefix(scope) }
        let choices = Set(mapped.flatMap { [String($0.code.prefix(6)), String($0.code.prefix(9))] }).filter { $0.hasPrefix(scope) }.sorted()
        let asked = request.uri.queryParameters["area"].map(String.init) ?? ""
        let area: String
        if choices.contains(asked) || (asked.hasPrefix(scope) && [6, 9].contains(asked.count) && units[asked] != nil) {
            area = asked
        } else if !scope.isEmpty {
            area = scope
        } else if let first = choices.first {
            area = first
        } else {
            let streets = try await reports.volumes(.area, from: from, through: today)
            let districts = Dictionary(streets.map { (String($0.key.prefix(6)), $0.value) }, uniquingKeysWith: +)
            guard let busiest = districts.filter({ units[$0.key] != nil }).max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return "" }
            area = busiest
        }
        let volumes = try await reports.volumes(.place, under: area, from: from, through: today)
        let drawn = units.values.filter { [.grid, .community].contains($0.kind) && $0.boundary != nil && $0.code.hasPrefix(area) }
            .sorted { $0.code < $1.code }
        let gridded = Set(drawn.filter { $0.kind == .grid }.map { String($0.code.prefix(12)) })
        // A community whose grids are drawn is outlined over them; one without is filled itself.
        let (outlines, places) = (drawn.filter { $0.kind == .community && gridded.contains($0.code) },
                                  drawn.filter { $0.kind == .grid || !gridded.contains($0.code) })
        let density = DemandDensity(places: places, volumes: volumes)
        let title = l("近 \(Self.densityDays) 日诉求密度", "Demand density, last \(Self.densityDays) days") + " · " + (units[area]?.name ?? area)
        var html = "<section class=\"card\" id=\"density\"><h2>\(HTML.escape(title))</h2>"
        if choices.count > 1 {
            let options = choices.map { code in
                "<option value=\"\(code)\"\(code == area ? " selected" : "")>\(HTML.escape(units[code]?.name ?? code))</option>"
            }.joined()
            html += "<form method=\"get\" action=\"/console/command\" class=\"inline\"><label for=\"area\">\(l("区域", "Area"))</label> <select id=\"area\" name=\"area\">\(options)</select> <button type=\"submit\">\(l("查看", "Show"))</button></form>"
        }
        html += density.cells.isEmpty
            ? "<p class=\"meta\">\(l("尚未导入本区域的网格边界（whistle import grids 边界.geojson），下面按社区列出。", "No grid boundaries imported for this area yet (whistle import grids FILE.geojson); communities are listed below."))</p>"
            : DensityMapSVG.render(density, outlines: outlines, label: title, l)
        return html + hotCommunities(volumes, l) + "</section>"
    }

    /// The communities with the most demands per 10,000 residents (or the most demands, without population).
    private func hotCommunities(_ volumes: [String: Int], _ l: ConsoleLanguage) -> String {
        let units = desk.advisor.units
        let byCommunity = Dictionary(volumes.map { (String($0.key.prefix(12)), $0.value) }, uniquingKeysWith: +)
        let rows = byCommunity.compactMap { code, count -> (name: String, count: Int, rate: Double?)? in
            guard let community = units[code] else { return nil }
            let rate = community.population.flatMap { $0 > 0 ? Double(count) * 10_000 / Double($0) : nil }
            return (community.name, count, rate)
        }.sorted { ($0.rate ?? Double($0.count), $0.count, $1.name) > ($1.rate ?? Double($1.count), $1.count, $0.name) }.prefix(10)
        guard !rows.isEmpty else { return "<p>\(l("近期没有定位到社区或网格的诉求", "No demands located to a community or grid lately"))</p>" }
        return "<h3>\(l("诉求集中的社区", "Communities with the most demands"))</h3><table class=\"list\" id=\"hot-communities\"><thead><tr><th>\(l("社区", "Community"))</th><th>\(l("诉求", "Demands"))</th><th>\(l("万人诉求比", "Per 10,000 residents"))</th></tr></thead><tbody>"
            + rows.map { "<tr><td>\(HTML.escape($0.name))</td><td>\($0.count)</td><td>\($0.rate.map { String(format: "%.1f", $0) } ?? "—")</td></tr>" }.joined()
            + "</tbody></table>"
    }
}

/// Places as SVG paths in an equirectangular projection (longitude scaled by the cosine of the latitude, fine
/// at a district's size), filled by density class, each with its name and figures as a title; outlines on top.
enum DensityMapSVG {
    static func render(_ density: DemandDensity, outlines: [OrgUnit], label: String, _ l: ConsoleLanguage) -> String {
        let points = (density.cells.map(\.unit) + outlines).flatMap { $0.boundary!.polygons.flatMap { $0.flatMap { $0 } } }
        let (west, east) = (points.map(\.longitude).min()!, points.map(\.longitude).max()!)
        let (south, north) = (points.map(\.latitude).min()!, points.map(\.latitude).max()!)
        let squeeze = cos((south + north) / 2 * .pi / 180)
        let (width, maxHeight) = (640.0, 520.0)
        let scale = min(width / max((east - west) * squeeze, 1e-9), maxHeight / max(north - south, 1e-9))
        let height = ((north - south) * scale).rounded(.up)
        func point(_ c: Coordinate) -> String {
            String(format: "%.1f,%.1f", (c.longitude - west) * squeeze * scale, (north - c.latitude) * scale)
        }
        let unit = density.measure == .perTenThousand ? l("件/万人", "per 10,000") : l("件", "demands")
        var svg = "<svg class=\"map\" viewBox=\"-2 -2 \(Int(width) + 4) \(Int(height) + 4)\" role=\"img\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>"
        func path(_ unit: OrgUnit) -> String {
            unit.boundary!.polygons.flatMap { $0 }.map { ring in "M" + ring.map(point).joined(separator: "L") + "Z" }.joined()
        }
        for cell in density.cells {
            let figures = String(format: "%.1f", cell.value) + " " + unit
            svg += "<path class=\"d\(cell.level)\" d=\"\(path(cell.unit))\" data-unit=\"\(cell.unit.code)\"><title>\(HTML.escape(cell.unit.name))：\(figures)</title></path>"
        }
        for community in outlines {
            svg += "<path class=\"outline\" d=\"\(path(community))\" data-unit=\"\(community.code)\"><title>\(HTML.escape(community.name))</title></path>"
        }
        svg += "</svg>"
        // The legend: one swatch per class with its range.
        var lower = 0.0
        var legend = "<ul class=\"legend\"><li><span class=\"swatch d0\"></span>0</li>"
        for (index, upper) in density.breaks.enumerated() where index == 0 || upper > density.breaks[index - 1] {
            legend += "<li><span class=\"swatch d\(index + 1)\"></span>" + String(format: "%.1f–%.1f", lower, upper) + "</li>"
            lower = upper
        }
        return svg + legend + "<li>\(unit)</li></ul>"
    }
}
