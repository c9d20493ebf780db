import Foundation
import Testing
import WhistleCore

/// Report periods and a bulletin computed by hand: volumes with shares and movement, districts per 10,000
/// residents, the city's and the units' rates, and the tables the downloads are made of.
@Suite struct BulletinTests {
    typealias F = AssessmentFixtures

    @Test(arguments: [
        (ReportKind.daily, "2026-03-02", "2026-03-02", "2026-03-02", "2026-03-01", "2026-03-01"),
        // 4 January 2026 is a Sunday, so ISO week 1 starts on Monday 29 December 2025 and week 10 on 2 March.
        (.weekly, "2026-W01", "2025-12-29", "2026-01-04", "2025-12-22", "2025-12-28"),
        (.weekly, "2026-W10", "2026-03-02", "2026-03-08", "2026-02-23", "2026-03-01"),
        // 2026 begins on a Thursday: it has a week 53.
        (.weekly, "2026-W53", "2026-12-28", "2027-01-03", "2026-12-21", "2026-12-27"),
        // The month is the assessment period ending in it (19th to 18th), its predecessor the one before.
        (.monthly, "2026-11", "2026-10-19", "2026-11-18", "2026-09-19", "2026-10-18"),
        (.monthly, "2026-01", "2025-12-19", "2026-01-18", "2025-11-19", "2025-12-18"),
    ])
    func periodsCoverTheirDays(kind: ReportKind, label: String, first: String, last: String, previousFirst: String, previousLast: String) throws {
        let period = try #require(ReportPeriod(kind: kind, label: label, assessmentStartDay: 19))
        #expect([period.firstDay, period.lastDay, period.previousFirstDay, period.previousLastDay].map(\.description) == [first, last, previousFirst, previousLast])
    }

    @Test(arguments: [(ReportKind.daily, "2026-3-2"), (.daily, "2026-02-30"), (.weekly, "2025-W53"), (.weekly, "2026-W00"), (.weekly, "2026-10"),
                      (.monthly, "2026-13"), (.monthly, "2026-11-01")])
    func malformedLabelsAreRefused(kind: ReportKind, label: String) {
        #expect(ReportPeriod(kind: kind, label: label, assessmentStartDay: 19) == nil)
    }

    static let units: [String: OrgUnit] = Dictionary(uniqueKeysWithValues: [
        OrgUnit(code: "110105", name: "朝阳区", kind: .district, parentCode: "110000", population: 3_452_460),
        OrgUnit(code: "110108", name: "海淀区", kind: .district, parentCode: "110000", population: 3_133_469),
        OrgUnit(code: "110105026", name: "望京街道", kind: .street, parentCode: "110105"),
        OrgUnit(code: "110105027", name: "大屯街道", kind: .street, parentCode: "110105"),
        OrgUnit(code: "110000-ZLS", name: "自来水集团", kind: .enterprise, parentCode: "110000"),
        OrgUnit(code: "110105-CGW", name: "朝阳区城管委", kind: .department, parentCode: "110105"),
    ].map { ($0.code, $0) })

    static func bulletin() throws -> Bulletin {
        let period = try #require(ReportPeriod(kind: .weekly, label: "2026-W10", assessmentStartDay: 19))
        return Bulletin(.init(
            period: period, scheme: .beijing,
            volumes: [.channel: ["phone": 300, "web": 80, "app": 20], .type: ["complaint": 250, "consultation": 150],
                      .category: ["CX.SZ.LD": 120, "CX.SZ.GS": 60, "-": 220],
                      .area: ["110105026": 150, "110105027": 100, "110105": 50, "110108001": 60, "-": 40]],
            previousVolumes: [.channel: ["phone": 320, "wechat": 10], .category: ["CX.SZ.LD": 100], .area: ["110105026": 200]],
            tallies: ["110000-ZLS": F.forty, "110105026": F.callbacks(valid: 10, contacted: 10, solved: 10, satisfied: 10, basically: 0),
                      "110105027": UnitTally(filed: 4, toHandle: 4, handled: 3, handledOnTime: 2), "110105-CGW": F.forty],
            previousTallies: ["110000-ZLS": F.callbacks(valid: 10, contacted: 10, solved: 10, satisfied: 10, basically: 0)],
            overdue: [], supervised: [], overdueNow: 7, supervisedNow: 3, yellowNow: 5,
            whistles: WhistleFigures.summarise([], demandsInPeriod: 400), units: units, categoryNames: ["CX.SZ.LD": "路灯故障", "CX.SZ.GS": "供水"]))
    }

    @Test func volumesSharesAndMovement() throws {
        let b = try Self.bulletin()
        #expect((b.summary.received, b.summary.previousReceived) == (400, 330))
        // phone 300/400 = 75 %, web 20 %, app 5 %; wechat had 10 before and none now.
        #expect(b.byChannel.map { "\($0.key):\($0.count):\($0.previous)" } == ["phone:300:320", "web:80:0", "app:20:0", "wechat:0:10"])
        #expect(b.byChannel.map(\.share) == [0.75, 0.2, 0.05, 0])
        // Top problems leave out demands without a category; names come from the taxonomy.
        #expect(b.topCategories.map { "\($0.name):\($0.count):\($0.previous)" } == ["路灯故障:120:100", "供水:60:0"])
        // Streets roll up into districts: 朝阳 150 + 100 + 50 = 300 → 300 × 10,000 / 3,452,460 = 0.868946…;
        // 海淀 60 × 10,000 / 3,133,469 = 0.191481…; unknown places have no population.
        #expect(b.byDistrict.map { "\($0.key):\($0.count):\($0.previous)" } == ["110105:300:200", "110108:60:0", "-:40:0"])
        #expect(abs(b.byDistrict[0].per10kResidents! - 0.8689456) < 1e-6 && abs(b.byDistrict[1].per10kResidents! - 0.1914808) < 1e-6)
        #expect(b.byDistrict[2].per10kResidents == nil && b.byDistrict[2].name == "未知")
    }

    @Test func ratesOfTheCityAndItsUnits() throws {
        let b = try Self.bulletin()
        // The city sums every unit: 90 valid callbacks (40 + 10 + 40), 82 contacted, 70 solved, 60 满意 + 16 基本满意.
        // 响应率 82/90, 解决率 70/90, 满意率 (60 + 0.9 × 16)/90 = 74.4/90.
        let city = try #require(b.summary.score)
        #expect(abs(city.responseRate - 82.0 / 90) < 1e-12 && abs(city.resolutionRate - 70.0 / 90) < 1e-12 && abs(city.satisfactionRate - 74.4 / 90) < 1e-12)
        #expect(b.summary.previousScore?.composite == 100)
        // 按期处置率 2/4 from 大屯's orders.
        #expect(b.summary.onTimeHandlingRate == 0.5 && (b.summary.filed, b.summary.handled) == (4, 3))
        // Ranked units only (the district department is in no city table), by group, best first; 大屯 has no callback.
        #expect(b.units.map { "\($0.group.rawValue):\($0.unitCode)" } == ["streets:110105026", "streets:110105027", "enterprises:110000-ZLS"])
        #expect(b.units[0].score?.composite == 100 && b.units[1].score == nil && b.units[1].onTimeHandlingRate == 0.5)
        // 自来水集团: 78.7 now (the example), 100 before.
        #expect(abs(b.units[2].score!.composite - 78.7) < 1e-9 && b.units[2].previousScore?.composite == 100)
    }

    @Test func tablesForTheDownloads() throws {
        let b = try Self.bulletin()
        let tables = b.tables()
        #expect(tables.map(\.title) == ["概要", "渠道", "类型", "热点问题", "各区", "单位成绩", "超期待处置", "督办"])
        #expect(b.tables(.en).map(\.title).first == "Summary")
        let channels = tables[1].rows
        #expect(channels.first == [.text("编码"), .text("渠道"), .text("本期"), .text("上期"), .text("占比")])
        #expect(channels.last == [.text("合计"), .empty, .integer(400), .integer(330), .percent(1)])
        #expect(tables[0].rows[1] == [.text("受理量"), .integer(400), .integer(330)])
        #expect(tables[0].rows.contains([.text("超期待处置（当前）"), .integer(7), .empty]))
        #expect(tables[0].rows.contains([.text("临期（黄灯，当前）"), .integer(5), .empty]))
        let csv = CSV.text(b.csvRows())
        #expect(csv.hasPrefix("周汇总 2026-W10（2026-03-02 至 2026-03-08）\r\n\r\n概要\r\n指标,本期,上期\r\n受理量,400,330\r\n"))
        #expect(csv.contains("\r\n合计,,400,330,100.00%\r\n"))
    }
}
