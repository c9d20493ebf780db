import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// Units: the organisation tree.
extension WhistleAPIHandler {
    func getUnit(_ input: Operations.GetUnit.Input) async throws -> Operations.GetUnit.Output {
        let code = try validCode(input.path.code)
        guard let unit = try await units.unit(code: code) else { throw CityModelError.unitNotFound(code: code) }
        return .ok(.init(body: .json(.init(unit))))
    }

    func listUnitChildren(_ input: Operations.ListUnitChildren.Input) async throws -> Operations.ListUnitChildren.Output {
        let code = try validCode(input.path.code)
        let limit = try pageSize(input.query.limit)
        let cursor = try validCursor(input.query.cursor)
        let page = try await units.children(of: code, kind: input.query.kind.map(UnitKind.init), after: cursor, limit: limit)
        // An empty first page may mean an unknown parent: say so rather than answering with nothing.
        if page.items.isEmpty, cursor == nil, try await units.unit(code: code) == nil {
            throw CityModelError.unitNotFound(code: code)
        }
        return .ok(.init(body: .json(.init(page))))
    }

    func searchUnits(_ input: Operations.SearchUnits.Input) async throws -> Operations.SearchUnits.Output {
        let text = input.query.q.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(text.count) else {
            throw RequestError.invalidParameter(name: "q", reason: "应为 1–100 个字符 / 1 to 100 characters")
        }
        let page = try await units.search(
            name: text, kind: input.query.kind.map(UnitKind.init), after: try validCursor(input.query.cursor),
            limit: try pageSize(input.query.limit))
        return .ok(.init(body: .json(.init(page))))
    }

    func validCode(_ code: String) throws -> String {
        guard (1...64).contains(code.count) else {
            throw RequestError.invalidParameter(name: "code", reason: "长度应为 1–64 / length 1 to 64")
        }
        return code
    }

    func validCursor(_ cursor: String?) throws -> String? {
        guard let cursor else { return nil }
        guard (1...200).contains(cursor.count) else {
            throw RequestError.invalidParameter(name: "cursor", reason: "应为上一页返回的 nextCursor / the nextCursor of the previous page")
        }
        return cursor
    }

    func pageSize(_ limit: Int?) throws -> Int {
        guard let limit else { return 100 }
        guard (1...1000).contains(limit) else {
            throw RequestError.invalidParameter(name: "limit", reason: "应在 1–1000 之间 / between 1 and 1000")
        }
        return limit
    }
}

extension UnitKind {
    init(_ kind: Components.Schemas.UnitKind) {
        // The API's enum is generated from the same raw values.
        self = UnitKind(rawValue: kind.rawValue)!
    }
}

extension Components.Schemas.Unit {
    init(_ unit: OrgUnit) {
        self.init(
            code: unit.code, name: unit.name, kind: .init(rawValue: unit.kind.rawValue)!, kindName: unit.kind.nameZh,
            parentCode: unit.parentCode, areaCode: unit.areaCode, population: unit.population.map(Int64.init),
            calendarCode: unit.calendarCode,
            boundary: unit.boundary.map { boundary in
                .init(_type: .multiPolygon, coordinates: boundary.polygons.map { $0.map { $0.map { [$0.longitude, $0.latitude] } } })
            })
    }
}

extension Components.Schemas.UnitPage {
    init(_ page: Page<OrgUnit>) {
        self.init(items: page.items.map(Components.Schemas.Unit.init), nextCursor: page.nextCursor)
    }
}
