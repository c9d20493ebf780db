/// An organisational unit of the city (SPEC §2): a division (city … grid) or an organisation that acts on
/// demands (department, enterprise, stationed team).
public struct OrgUnit: Sendable, Equatable, Codable {
    /// Official division code (6/9/12/15 digits), or `AREA-TAG` for an organisation, e.g. `110105-CGW`.
    public var code: String
    public var name: String
    public var kind: UnitKind
    /// The unit above this one in the tree; `nil` only for the city.
    public var parentCode: String?
    /// The division this unit belongs to or serves: its own code for a division, the code's prefix for an
    /// organisation (a stationed team's area is the street it is stationed at). Scopes access and routing.
    public var areaCode: String
    /// Residents, for demands per 10,000 residents (万人诉求比).
    public var population: Int?
    /// The working calendar this unit's working-day deadlines use; `nil` means the city's default.
    public var calendarCode: String?
    /// Boundary as GeoJSON geometry, when known (grids, communities).
    public var boundary: Boundary?

    public init(
        code: String, name: String, kind: UnitKind, parentCode: String?, population: Int? = nil,
        calendarCode: String? = nil, boundary: Boundary? = nil
    ) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parentCode = parentCode
        self.areaCode = UnitCode.area(of: code)
        self.population = population
        self.calendarCode = calendarCode
        self.boundary = boundary
    }
}

/// Rules of unit codes: official division codes by kind, and `AREA-TAG` organisation codes.
public enum UnitCode {
    /// The division part of a code: the code itself for a division, the prefix before `-` for an organisation.
    public static func area(of code: String) -> String {
        code.split(separator: "-", maxSplits: 1).first.map(String.init) ?? code
    }

    /// Checks the code's form for the kind, and that it nests inside its parent's code where codes nest.
    public static func validate(_ code: String, kind: UnitKind, parent: (code: String, kind: UnitKind)?) throws(CityModelError) {
        if let length = kind.divisionCodeLength {
            guard code.count == length, code.allSatisfy(\.isASCIIDigit) else {
                throw .invalidCode(code: code, kind: kind, expected: "\(length) 位数字 / \(length) digits")
            }
            guard let parent, parent.kind.isDivision else { return }
            // A city is province-level for a municipality (110000): its districts share the first 2 digits;
            // for a prefecture-level city (530100) they share the first 4.
            let prefix = parent.kind == .city
                ? String(parent.code.prefix(parent.code.hasSuffix("0000") ? 2 : 4))
                : parent.code
            guard code.hasPrefix(prefix), code != parent.code else {
                throw .codeOutsideParent(code: code, parent: parent.code)
            }
            if kind == .grid, code.hasSuffix("000") {
                throw .invalidCode(code: code, kind: kind, expected: "社区代码 + 3 位序号 001–999 / community code + sequence 001–999")
            }
        } else {
            let parts = code.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            let tagIsValid = parts.count == 2 && (1...24).contains(parts[1].count)
                && parts[1].allSatisfy { $0.isASCIIDigit || ("A"..."Z").contains($0) }
            let area = parts.first.map(String.init) ?? ""
            guard tagIsValid, [6, 9, 12, 15].contains(area.count), area.allSatisfy(\.isASCIIDigit) else {
                throw .invalidCode(code: code, kind: kind, expected: "区划代码-大写字母数字标识，如 110105-CGW / division code, dash, upper-case tag, e.g. 110105-CGW")
            }
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
