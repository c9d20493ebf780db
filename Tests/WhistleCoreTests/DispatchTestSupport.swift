import Foundation
import WhistleCore

/// Shared fixtures of the taxonomy and routing tests: a small taxonomy, a place chain in 朝阳区 建外街道, rule
/// and instant builders.
enum DispatchFixtures {
    static let grid = "110105001001001"
    static let community = "110105001001"
    static let street = "110105001"
    static let district = "110105"
    static let city = "110000"
    /// A demand located to a grid, most specific division first.
    static let place = [grid, community, street, district, city]

    static func taxonomy() throws -> Taxonomy {
        try Taxonomy([
            Category(code: "CX", name: "城乡建设", deadlineClass: "general"),
            Category(code: "CX.SZ", name: "市政设施"),
            Category(code: "CX.SZ.DLPS", name: "道路破损", serviceCode: "road-damage", standardCode: "06013"),
            Category(code: "CX.SZ.LD", name: "路灯故障", serviceCode: "street-light", standardCode: "01037"),
            Category(code: "CX.GS", name: "供水", deadlineClass: "utilities"),
            Category(code: "CX.GS.TS", name: "停水", serviceCode: "water-outage"),
            Category(code: "JT", name: "交通运输"),
            Category(code: "JT.TC", name: "停车管理"),
            Category(code: "JT.TC.JD", name: "机动车乱停放", serviceCode: "illegal-parking", standardCode: "09009", legacyCode: "0409"),
        ])
    }

    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    /// `hour`:00 Beijing time on `day`.
    static func at(_ day: String, hour: Double = 10) -> Date {
        self.day(day).startInBeijing.addingTimeInterval(hour * 3_600)
    }

    static func rule(
        _ id: String, _ category: String, _ area: String, _ primary: String, co: [String] = [], priority: Int = 0,
        from: String = "2025-01-01", until: String? = nil
    ) -> DutyRule {
        DutyRule(
            id: id, categoryCode: category, areaCode: area, primary: UnitTarget(primary)!,
            coHandlers: co.map { UnitTarget($0)! }, priority: priority, effectiveFrom: day(from),
            effectiveUntil: until.map(day))
    }
}
