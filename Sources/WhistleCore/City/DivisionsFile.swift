import Foundation

/// The divisions CSV that `whistle import divisions` reads: one unit a row, parents in the file or already
/// in the city. Columns (header required, order free): `code,name,kind,parent_code` and optionally
/// `population,calendar`. `kind` is a ``UnitKind`` raw value (`district`, `street`, `stationed_team` …).
public enum DivisionsFile {
    public static let requiredColumns = ["code", "name", "kind", "parent_code"]

    /// Parses the file into units with their lines, or every row-level problem found.
    public static func parse(_ text: String, file: String) -> Result<[UnitRow], ImportFailed> {
        let records = CSV.records(text)
        guard let header = records.first else {
            return .failure(ImportFailed(problems: [ImportProblem(file: file, line: 1, error: .emptyFile)]))
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() { index[name] = position }
        let missing = requiredColumns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            return .failure(ImportFailed(problems: missing.map { ImportProblem(file: file, line: header.line, error: .missingColumn($0)) }))
        }

        var rows: [UnitRow] = []
        var problems: [ImportProblem] = []
        for record in records.dropFirst() {
            func value(_ column: String) -> String {
                guard let position = index[column], position < record.fields.count else { return "" }
                return record.fields[position].trimmingCharacters(in: .whitespaces)
            }
            do throws(CityModelError) {
                rows.append(UnitRow(line: record.line, unit: try unit(
                    code: value("code"), name: value("name"), kind: value("kind"), parent: value("parent_code"),
                    population: value("population"), calendar: value("calendar"))))
            } catch {
                problems.append(ImportProblem(file: file, line: record.line, error: error))
            }
        }
        return problems.isEmpty ? .success(rows) : .failure(ImportFailed(problems: problems))
    }

    /// One unit from its fields as written (a row of the file, or the console's form); how it fits the tree is
    /// checked by ``UnitTree/validate(_:file:existing:)``.
    public static func unit(
        code: String, name: String, kind: String, parent: String, population: String, calendar: String
    ) throws(CityModelError) -> OrgUnit {
        guard let kind = UnitKind(rawValue: kind) else { throw .unknownKind(kind) }
        guard !name.isEmpty else { throw .emptyName(code: code) }
        let people: Int?
        if population.isEmpty {
            people = nil
        } else if let number = Int(population), number >= 0 {
            people = number
        } else {
            throw .invalidPopulation(population)
        }
        guard calendar.isEmpty || BusinessHours.named[calendar] != nil else { throw .unknownCalendar(calendar) }
        return OrgUnit(
            code: code, name: name, kind: kind, parentCode: parent.isEmpty ? nil : parent,
            population: people, calendarCode: calendar.isEmpty ? nil : calendar)
    }
}

/// A unit read from a file, with the line it came from.
public struct UnitRow: Sendable, Equatable {
    public var line: Int
    public var unit: OrgUnit

    public init(line: Int, unit: OrgUnit) {
        self.line = line
        self.unit = unit
    }
}

/// Rules that hold across the whole tree of units.
public enum UnitTree {
    /// Checks new units against each other and the units already in the city (`existing`: code → kind):
    /// unique codes, a parent of an allowed kind that exists, codes nested in their parent's, an existing
    /// area for organisations, no change of kind. Returns every problem, in file order.
    public static func validate(_ rows: [UnitRow], file: String, existing: [String: UnitKind]) -> [ImportProblem] {
        var kinds = existing
        var seen: Set<String> = []
        var problems: [ImportProblem] = []
        for row in rows {
            if !seen.insert(row.unit.code).inserted {
                problems.append(ImportProblem(file: file, line: row.line, error: .duplicateCode(code: row.unit.code)))
            }
            kinds[row.unit.code] = kinds[row.unit.code] ?? row.unit.kind
        }
        for row in rows {
            if let error = problem(with: row.unit, kinds: kinds, existing: existing) {
                problems.append(ImportProblem(file: file, line: row.line, error: error))
            }
        }
        return problems
    }

    private static func problem(with unit: OrgUnit, kinds: [String: UnitKind], existing: [String: UnitKind]) -> CityModelError? {
        do throws(CityModelError) {
            if let old = existing[unit.code], old != unit.kind {
                throw .kindChanged(code: unit.code, from: old, to: unit.kind)
            }
            var parent: (code: String, kind: UnitKind)? = nil
            if let parentCode = unit.parentCode {
                guard let parentKind = kinds[parentCode] else { throw .parentMissing(code: unit.code, parent: parentCode) }
                guard unit.kind.allowedParentKinds.contains(parentKind) else {
                    throw .parentKindNotAllowed(kind: unit.kind, parentKind: parentKind)
                }
                parent = (parentCode, parentKind)
            } else if unit.kind != .city {
                throw .parentRequired(code: unit.code)
            }
            try UnitCode.validate(unit.code, kind: unit.kind, parent: parent)
            if !unit.kind.isDivision {
                guard let areaKind = kinds[unit.areaCode], areaKind.isDivision else {
                    throw .areaMissing(code: unit.code, area: unit.areaCode)
                }
                // A stationed team is stationed at a street: its area must be a street-level division.
                if unit.kind == .stationedTeam, !areaKind.isStreetLevel {
                    throw .invalidCode(code: unit.code, kind: unit.kind, expected: "街乡镇代码-标识 / street code, dash, tag")
                }
            }
            return nil
        } catch {
            return error
        }
    }

    /// Orders rows so that every parent in the file comes before its children (for foreign keys).
    public static func parentsFirst(_ rows: [UnitRow]) -> [UnitRow] {
        let byCode = Dictionary(rows.map { ($0.unit.code, $0.unit) }, uniquingKeysWith: { first, _ in first })
        var depth: [String: Int] = [:]
        func depthOf(_ code: String, _ guardCount: Int = 0) -> Int {
            if let known = depth[code] { return known }
            guard guardCount < 64, let parent = byCode[code]?.parentCode, byCode[parent] != nil else { return 0 }
            let value = depthOf(parent, guardCount + 1) + 1
            depth[code] = value
            return value
        }
        return rows.enumerated()
            .map { (depth: depthOf($0.element.unit.code), offset: $0.offset, row: $0.element) }
            .sorted { ($0.depth, $0.offset) < ($1.depth, $1.offset) }
            .map(\.row)
    }
}
