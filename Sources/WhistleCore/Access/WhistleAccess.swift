/// Who may see a whistle and what of it (SPEC §5, §9).
public enum WhistleAccess {
    /// The centre and leadership see every whistle; a division (street, community, grid) sees the whistles
    /// blown inside its area (division codes nest, so its code is a prefix of the whistler's); a unit sees the
    /// whistles that summoned it; a supervisor or administrator of a district sees that district's whistles.
    public static func canView(_ whistle: Whistle, as actor: Actor) -> Bool {
        if DemandAccess.isCityWide(actor), UnitCode.area(of: actor.unitCode) == WhistleRules.cityCode(ofDistrict: whistle.districtCode) {
            return true
        }
        if whistle.summons(of: actor.unitCode) != nil { return true }
        let area = UnitCode.area(of: actor.unitCode)
        if Role.whistleReviewRoles.contains(actor.role), area == whistle.districtCode { return true }
        let isDivision = !actor.unitCode.contains("-")
        return isDivision && whistle.whistlingUnit.hasPrefix(actor.unitCode)
    }

    /// An event as `actor` may read it: the scorer of a `whistle.unit_scored` event is removed unless the
    /// reader may see scorers (背靠背: the scored unit sees its score, not who gave it).
    public static func event(_ entry: AuditEntry, of whistle: Whistle, for actor: Actor) -> AuditEntry {
        guard entry.kind == WhistleEventKind.unitScored.rawValue, !showsScorers(whistle, to: actor) else { return entry }
        var redacted = entry
        redacted.actor = nil
        return redacted
    }

    /// The whistling unit and the district's (or city's) reviewers see who scored; nobody else does.
    static func showsScorers(_ whistle: Whistle, to actor: Actor) -> Bool {
        if actor.unitCode == whistle.whistlingUnit { return true }
        guard Role.whistleReviewRoles.contains(actor.role) else { return false }
        let area = UnitCode.area(of: actor.unitCode)
        return area == whistle.districtCode || area == WhistleRules.cityCode(ofDistrict: whistle.districtCode)
    }
}
