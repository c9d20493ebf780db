import Foundation
import SQLKit
import WhistleCore

/// Units of the city: reads for the API, and imports that validate the whole file against the tree and
/// write all of it or nothing.
public struct UnitRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// What an import wrote.
    public struct ImportSummary: Sendable, Equatable {
        public var inserted: Int
        public var updated: Int
    }

    public func unit(code: String) async throws -> OrgUnit? {
        try await store.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM units WHERE code = \(bind: code)").first().map(Self.unit(from:))
        }
    }

    /// The unit's direct children, divisions first then organisations, each by code; optionally of one kind.
    public func children(of code: String, kind: UnitKind? = nil, after cursor: String? = nil, limit: Int) async throws -> Page<OrgUnit> {
        try await page(where: "parent_code = \(bind: code)", kind: kind, after: cursor, limit: limit)
    }

    /// Units whose name contains `text` (case-sensitive, as Chinese names are), in tree order.
    public func search(name text: String, kind: UnitKind? = nil, after cursor: String? = nil, limit: Int) async throws -> Page<OrgUnit> {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return try await page(where: "name LIKE \(bind: "%\(escaped)%") ESCAPE '\\'", kind: kind, after: cursor, limit: limit)
    }

    private func page(where condition: SQLQueryString, kind: UnitKind?, after cursor: String?, limit: Int) async throws -> Page<OrgUnit> {
        var query: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM units WHERE \(condition)"
        if let kind { query = query + " AND kind = \(bind: kind.rawValue)" }
        if let cursor { query = query + " AND sort_key > \(bind: cursor)" }
        query = query + " ORDER BY sort_key LIMIT \(bind: limit + 1)"
        let finalQuery = query
        let units = try await store.read { db in try await db.raw(finalQuery).all().map(Self.unit(from:)) }
        return Page(fetched: units.map { ($0, Self.sortKey(of: $0)) }, limit: limit)
    }

    /// Units that name their own working calendar: code → calendar code.
    public func calendarCodes() async throws -> [String: String] {
        try await store.read { db in
            var codes: [String: String] = [:]
            for row in try await db.raw("SELECT code, calendar_code FROM units WHERE calendar_code IS NOT NULL").all() {
                codes[try row.decode(column: "code", as: String.self)] = try row.decode(column: "calendar_code", as: String.self)
            }
            return codes
        }
    }

    public func count() async throws -> Int {
        try await store.read { db in try await db.raw("SELECT COUNT(*) AS n FROM units").first()?.decode(column: "n", as: Int.self) ?? 0 }
    }

    /// Validates `rows` against each other and the units already stored, then inserts new units and updates
    /// existing ones, parents first, in one transaction. Throws ``ImportFailed`` naming every bad row; then
    /// nothing is written.
    /// `actor` is who saved them in the console (`nil` for a file from the command line).
    public func importUnits(_ rows: [UnitRow], file: String, by actor: AuditActor? = nil, now: Date) async throws -> ImportSummary {
        try await store.write { db in
            let referenced = Set(rows.flatMap { [$0.unit.code, $0.unit.parentCode, $0.unit.areaCode].compactMap(\.self) })
            let existing = try await Self.kinds(of: referenced, in: db)
            let problems = UnitTree.validate(rows, file: file, existing: existing)
            guard problems.isEmpty else { throw ImportFailed(problems: problems) }
            let hours = try await Self.calendarCodes(of: Set(rows.map(\.unit.code)), in: db)
            // Existing units whose business hours change.
            let rehoured = rows.map(\.unit).filter { unit in hours[unit.code].map { $0 != unit.calendarCode } ?? false }.map(\.code)

            let at = now.millisecondsSince1970
            for chunk in UnitTree.parentsFirst(rows).chunked(by: 500) {
                let insert = db.insert(into: "units").columns(
                    "code", "name", "kind", "parent_code", "area_code", "sort_key", "population", "calendar_code", "boundary",
                    "created_at", "updated_at")
                for row in chunk {
                    let unit = row.unit
                    insert.values(
                        SQLBind(unit.code), SQLBind(unit.name), SQLBind(unit.kind.rawValue), SQLBind(unit.parentCode),
                        SQLBind(unit.areaCode), SQLBind(Self.sortKey(of: unit)), SQLBind(unit.population.map(Int64.init)),
                        SQLBind(unit.calendarCode), SQLBind(try unit.boundary.map(Self.json)), SQLBind(at), SQLBind(at))
                }
                // Re-importing a file updates what it says and keeps what it does not (a boundary imported
                // separately survives a divisions re-import).
                insert.onConflict(with: ["code"]) { conflict in
                    conflict.set(excludedValueOf: "name").set(excludedValueOf: "parent_code")
                        .set(excludedValueOf: "population").set(excludedValueOf: "calendar_code")
                        .set(excludedValueOf: "updated_at")
                        .set(SQLColumn("version"), to: SQLRaw("units.version + 1"))
                }
                try await insert.run()
            }
            let updated = rows.count { existing[$0.unit.code] != nil }
            let summary = ImportSummary(inserted: rows.count - updated, updated: updated)
            var details = ["inserted": "\(summary.inserted)", "updated": "\(summary.updated)"]
            // A few units (a console edit, a short file) are named; a whole city's file is named by the file.
            if rows.count <= 20 { details["codes"] = rows.map(\.unit.code).joined(separator: " ") }
            try await AuditLog.append([AuditEntry(
                subjectType: "import", subjectID: file, kind: "units.imported", at: now, actor: actor, details: details)],
                engine: store.engine, in: db)
            if !rehoured.isEmpty {
                // Their open orders' deadlines follow the new business hours.
                let retiming = try Retiming.start(.businessHours(units: rehoured.sorted()), at: now)
                try await TimerQueue.schedule([retiming], for: retiming.subjectID, in: db)
            }
            return summary
        }
    }

    /// Sets grid and community boundaries from an import, all or nothing: every code must be an existing grid
    /// (15 digits) or community (12).
    public func setBoundaries(_ grids: [(code: String, boundary: Boundary)], file: String, now: Date) async throws -> Int {
        let values = try grids.map { (code: $0.code, json: try Self.json($0.boundary)) }
        return try await store.write { db in
            let existing = try await Self.kinds(of: Set(values.map(\.code)), in: db)
            let problems = values.enumerated().compactMap { index, grid -> ImportProblem? in
                let kind: UnitKind = grid.code.count == 12 ? .community : .grid
                return existing[grid.code] == kind ? nil
                    : ImportProblem(file: file, line: index + 1, error: kind == .grid ? .gridNotFound(code: grid.code) : .unitNotFound(code: grid.code))
            }
            guard problems.isEmpty else { throw ImportFailed(problems: problems) }
            for grid in values {
                try await db.raw("""
                    UPDATE units SET boundary = \(bind: grid.json), updated_at = \(bind: now.millisecondsSince1970), version = version + 1
                    WHERE code = \(bind: grid.code)
                    """).run()
            }
            try await AuditLog.append([AuditEntry(
                subjectType: "import", subjectID: file, kind: "grids.boundaries_imported", at: now,
                details: ["grids": "\(values.count)"])], engine: store.engine, in: db)
            return values.count
        }
    }

    static func kinds(of codes: Set<String>, in db: any SQLDatabase) async throws -> [String: UnitKind] {
        var kinds: [String: UnitKind] = [:]
        for chunk in Array(codes).chunked(by: 500) {
            let rows = try await db.select().columns("code", "kind").from("units").where("code", .in, Array(chunk)).all()
            for row in rows {
                kinds[try row.decode(column: "code", as: String.self)] = UnitKind(rawValue: try row.decode(column: "kind", as: String.self))
            }
        }
        return kinds
    }

    /// The calendar codes (business hours) of the units with these codes that exist; `nil` for the default.
    static func calendarCodes(of codes: Set<String>, in db: any SQLDatabase) async throws -> [String: String?] {
        var calendars: [String: String?] = [:]
        for chunk in Array(codes).chunked(by: 500) {
            for row in try await db.raw("SELECT code, calendar_code FROM units WHERE code IN (\(binds: Array(chunk)))").all() {
                calendars[try row.decode(column: "code", as: String.self)] = try row.decode(column: "calendar_code", as: String?.self)
            }
        }
        return calendars
    }

    /// The units with these codes that exist, by code.
    static func units(_ codes: Set<String>, in db: any SQLDatabase) async throws -> [String: OrgUnit] {
        var units: [String: OrgUnit] = [:]
        for chunk in Array(codes).chunked(by: 500) {
            for row in try await db.raw("SELECT \(unsafeRaw: columns) FROM units WHERE code IN (\(binds: Array(chunk)))").all() {
                let unit = try unit(from: row)
                units[unit.code] = unit
            }
        }
        return units
    }

    static let columns = "code, name, kind, parent_code, population, calendar_code, boundary"

    static func unit(from row: any SQLRow) throws -> OrgUnit {
        let kindText = try row.decode(column: "kind", as: String.self)
        guard let kind = UnitKind(rawValue: kindText) else { throw CityModelError.unknownKind(kindText) }
        let boundary = try row.decodeNil(column: "boundary") ? nil
            : try JSONDecoder().decode(Boundary.self, from: Data(try row.decode(column: "boundary", as: String.self).utf8))
        return OrgUnit(
            code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
            kind: kind, parentCode: try row.decode(column: "parent_code", as: String?.self),
            population: try row.decode(column: "population", as: Int?.self),
            calendarCode: try row.decode(column: "calendar_code", as: String?.self), boundary: boundary)
    }

    /// Divisions sort before organisations; within each, by code (`0110105001` < `1110105-CGW`).
    static func sortKey(of unit: OrgUnit) -> String { (unit.kind.isDivision ? "0" : "1") + unit.code }

    static func json(_ boundary: Boundary) throws -> String {
        String(decoding: try JSONEncoder().encode(boundary), as: UTF8.self)
    }
}

extension Array {
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
