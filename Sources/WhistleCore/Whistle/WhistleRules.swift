/// Who may whistle whom (点单范围), over the units the caller supplies. Pure: codes, kinds, parents and areas.
///
/// - 一级哨 (a grid): its own community and the other grids of that community — nothing outside the community.
/// - 二级哨 (a community or village): its street (township, area) and the teams stationed at that street.
/// - 三级哨 (a street, township or area): departments and public-service enterprises of its district or of
///   its city, and any organisation (stationed team, dispatched agency, enterprise branch) whose area is the
///   street itself. Not the street's communities, not other streets' teams, not another district's departments.
public enum WhistleRules {
    /// The level the unit whistles at, or `nil` when units of its kind do not whistle.
    public static func level(of whistler: OrgUnit) -> WhistleLevel? { WhistleLevel.of(whistler.kind) }

    /// Whether `whistler` may summon `summoned` (never itself).
    public static func maySummon(whistler: OrgUnit, summoned: OrgUnit) -> Bool {
        guard summoned.code != whistler.code, let level = level(of: whistler) else { return false }
        switch level {
        case .grid:
            guard let community = whistler.parentCode ?? communityCode(of: whistler.code) else { return false }
            if summoned.code == community { return true }
            return summoned.kind == .grid && summoned.parentCode == community && summoned.code.hasPrefix(community)
        case .community:
            guard let street = whistler.parentCode ?? streetCode(of: whistler.code) else { return false }
            if summoned.code == street { return true }
            return summoned.kind == .stationedTeam && summoned.areaCode == street
        case .street:
            if [.department, .enterprise, .stationedTeam].contains(summoned.kind), summoned.areaCode == whistler.code {
                return true
            }
            guard summoned.kind == .department || summoned.kind == .enterprise else { return false }
            let district = districtCode(of: whistler)
            return summoned.areaCode == district || summoned.areaCode == cityCode(ofDistrict: district)
        }
    }

    /// Checks every summons of a draft: the whistler whistles at all, each unit is known, not itself, not
    /// twice, and within scope. Returns the whistle's level.
    public static func check(
        whistler code: String, summons: [String], units: [String: OrgUnit]
    ) throws(WhistleError) -> WhistleLevel {
        guard let whistler = units[code] else { throw .unitNotFound(code) }
        guard let level = level(of: whistler) else { throw .unitMayNotWhistle(unit: code, kind: whistler.kind) }
        var seen = Set<String>()
        for unitCode in summons {
            guard unitCode != code else { throw .summonsSelf(unit: code) }
            guard seen.insert(unitCode).inserted else { throw .duplicateSummons(unit: unitCode) }
            guard let unit = units[unitCode] else { throw .unitNotFound(unitCode) }
            guard maySummon(whistler: whistler, summoned: unit) else {
                throw .summonsOutOfScope(whistler: code, unit: unitCode, level: level)
            }
        }
        return level
    }

    /// The district of a street-level unit: its parent, or the first 6 digits of its code.
    static func districtCode(of street: OrgUnit) -> String {
        if let parent = street.parentCode, parent.count == 6 { return parent }
        return String(street.code.prefix(6))
    }

    /// The city of a district code (GB/T 2260): `PP0000` for the four municipalities (北京 11, 天津 12,
    /// 上海 31, 重庆 50), whose districts sit directly under the province-level city; `PPCC00` otherwise
    /// (e.g. 五华区 530102 → 昆明市 530100).
    static func cityCode(ofDistrict district: String) -> String {
        let province = String(district.prefix(2))
        return ["11", "12", "31", "50"].contains(province) ? province + "0000" : String(district.prefix(4)) + "00"
    }

    static func communityCode(of grid: String) -> String? { grid.count == 15 ? String(grid.prefix(12)) : nil }
    static func streetCode(of community: String) -> String? { community.count == 12 ? String(community.prefix(9)) : nil }
}
