import Foundation
import Testing
import WhistleCore

/// The demo-city units of the whistle tests: a street of 朝阳区 (110105026) with its community and grids,
/// district departments, teams stationed at the street, a city enterprise, and units out of scope.
enum WhistleFixtures {
    static let city = "110000"
    static let district = "110105"
    static let street = "110105026"
    static let otherStreet = "110105027"
    static let community = "110105026001"
    static let grid1 = "110105026001001"
    static let grid2 = "110105026001002"
    static let otherGrid = "110105026002001"

    // District departments (委办局)
    static let police = "110105-GAFJ"
    static let cityManagement = "110105-CGZFJ"
    static let fire = "110105-XFZD"
    static let traffic = "110105-JGZD"
    static let market = "110105-SCJGJ"
    static let sanitation = "110105-HWZX"
    static let justice = "110105-SFJ"
    // Teams stationed at the street (派驻力量: 派出所, 市场监管所, 综合执法队)
    static let policeStation = "110105026-PCS"
    static let marketStation = "110105026-SCJGS"
    static let enforcement = "110105026-ZFD"
    // A city public-service enterprise (燃气集团)
    static let gas = "110000-RQ"
    // Out of scope for the street
    static let otherStation = "110105027-PCS"
    static let otherDistrictDepartment = "110108-CGZFJ"

    static let units: [String: OrgUnit] = {
        let list: [OrgUnit] = [
            OrgUnit(code: city, name: "北京市", kind: .city, parentCode: nil),
            OrgUnit(code: district, name: "朝阳区", kind: .district, parentCode: city),
            OrgUnit(code: "110108", name: "海淀区", kind: .district, parentCode: city),
            OrgUnit(code: street, name: "示范街道", kind: .street, parentCode: district),
            OrgUnit(code: otherStreet, name: "邻近街道", kind: .street, parentCode: district),
            OrgUnit(code: community, name: "立交桥社区", kind: .community, parentCode: street),
            OrgUnit(code: "110105026002", name: "邻近社区", kind: .community, parentCode: street),
            OrgUnit(code: grid1, name: "第一网格", kind: .grid, parentCode: community),
            OrgUnit(code: grid2, name: "第二网格", kind: .grid, parentCode: community),
            OrgUnit(code: otherGrid, name: "邻近社区第一网格", kind: .grid, parentCode: "110105026002"),
            OrgUnit(code: police, name: "朝阳公安分局", kind: .department, parentCode: district),
            OrgUnit(code: cityManagement, name: "朝阳区城管执法局", kind: .department, parentCode: district),
            OrgUnit(code: fire, name: "朝阳消防救援支队", kind: .department, parentCode: district),
            OrgUnit(code: traffic, name: "朝阳交警支队", kind: .department, parentCode: district),
            OrgUnit(code: market, name: "朝阳区市场监管局", kind: .department, parentCode: district),
            OrgUnit(code: sanitation, name: "朝阳区环卫中心", kind: .department, parentCode: district),
            OrgUnit(code: justice, name: "朝阳区司法局", kind: .department, parentCode: district),
            OrgUnit(code: policeStation, name: "示范派出所", kind: .stationedTeam, parentCode: police),
            OrgUnit(code: marketStation, name: "示范市场监管所", kind: .stationedTeam, parentCode: market),
            OrgUnit(code: enforcement, name: "示范街道综合执法队", kind: .stationedTeam, parentCode: cityManagement),
            OrgUnit(code: gas, name: "北京燃气集团", kind: .enterprise, parentCode: city),
            OrgUnit(code: otherStation, name: "邻近派出所", kind: .stationedTeam, parentCode: police),
            OrgUnit(code: otherDistrictDepartment, name: "海淀区城管执法局", kind: .department, parentCode: "110108"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.code, $0) })
    }()

    /// The ten units of the Longxiang case (公安, 城管, 消防, 交警, 市场监管, 环卫, 司法 … and the stationed teams).
    static let longxiangUnits = [
        policeStation, cityManagement, enforcement, fire, traffic, market, marketStation, sanitation, justice, gas,
    ]

    static let policy = WhistlePolicy.default
    /// Under the overpass (西站立交桥 in the Wuhua case; a point of 朝阳区 here).
    static let place = Coordinate(longitude: 116.4550, latitude: 39.9350)
    /// About 110 m north of the place.
    static let nearby = Coordinate(longitude: 116.4550, latitude: 39.9360)
    /// About 1.1 km north of the place.
    static let farAway = Coordinate(longitude: 116.4550, latitude: 39.9450)

    static let coordinator = Actor(personID: "coordinator@street", role: .streetCoordinator, unitCode: street)
    static let districtSupervisor = Actor(personID: "supervisor@district", role: .supervisor, unitCode: district)

    static func handler(_ unit: String) -> Actor { Actor(personID: "handler@\(unit)", role: .departmentHandler, unitCode: unit) }

    static func at(_ time: String) -> Date { CalendarFixtures.bj("2026-03-02 \(time)") }

    static func draft(
        _ summons: [String] = longxiangUnits, type: WhistleType = .jointEnforcement, by unit: String = street
    ) -> WhistleDraft {
        WhistleDraft(
            type: type, whistlingUnit: unit, subject: "立交桥下违规市场占道经营，需联合取缔",
            place: WhistlePlace(address: "西站立交桥底层", coordinate: place),
            problem: .keyWork("取缔立交桥下违规市场，清理 86 个临时摊点并调整桥下交通组织"),
            summons: summons.map { SummonsDraft(unitCode: $0, ask: "按职责到场参与取缔（\($0)）") })
    }

    /// The Longxiang whistle, raised by the street at 09:00 (综合执法: report in by 09:30).
    static func raised(_ summons: [String] = longxiangUnits) throws -> Whistle {
        try WhistleMachine.decide(
            nil, .raise(draft(summons), id: "W1", number: "S20260302-0001"), by: coordinator, at: at("09:00"), policy: policy,
            units: units).whistle
    }

    /// Decides and returns the whistle after the command.
    static func apply(_ whistle: Whistle, _ command: WhistleCommand, by actor: Actor?, at time: String) throws -> Whistle {
        try WhistleMachine.decide(whistle, command, by: actor, at: at(time), policy: policy).whistle
    }

    /// Signs a unit in near the place.
    static func signIn(_ whistle: Whistle, _ unit: String, at time: String, count: Int = 4) throws -> Whistle {
        try apply(whistle, .signIn(people: ["带队人@\(unit)"], count: count, coordinate: nearby), by: handler(unit), at: time)
    }
}
