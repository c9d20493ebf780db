/// Unit codes relative to a demand's place (SPEC §7: a street's stationed teams): `{street}-ZFD` is the
/// enforcement team stationed at the demand's street, `{district}-CGW` its district's city-management
/// committee, `{street}` the street itself. Division codes nest (district 6 digits, street 9, community 12,
/// grid 15), so the place's levels are prefixes of its most specific code.
public enum UnitTemplate {
    /// The levels a template may name, most specific first, with their code lengths.
    public static let levels: [(name: String, length: Int)] = [("grid", 15), ("community", 12), ("street", 9), ("district", 6)]

    /// The concrete unit for a place (`nil` when the template names a level the place does not reach); a
    /// plain unit code is returned as it is.
    public static func resolve(_ template: String, place: String?) -> String? {
        guard template.hasPrefix("{"), let close = template.firstIndex(of: "}") else { return template }
        let name = template[template.index(after: template.startIndex)..<close]
        guard let level = levels.first(where: { $0.name == name }), let place, place.count >= level.length else { return nil }
        return String(place.prefix(level.length)) + template[template.index(after: close)...]
    }

    /// The template naming `unit` relative to the place, when the unit is the place's own division or an
    /// organisation of one of its levels (`110105001-ZFD` at `110105001003` → `{street}-ZFD`); otherwise the
    /// unit code itself (a city department or enterprise serves every place).
    public static func generalise(_ unit: String, place: String?) -> String {
        guard let place else { return unit }
        let area = UnitCode.area(of: unit)
        guard let level = levels.first(where: { $0.length == area.count && place.count >= $0.length && place.hasPrefix(area) }) else { return unit }
        return "{\(level.name)}" + unit.dropFirst(area.count)
    }
}
