import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore
import WhistleStore

/// Proactive governance over HTTP on a small city: the 治理类 watch under a scheme's own rule, trends by
/// period, and a 每月一题 topic with its problems' demands, who may set one and what is refused.
@Suite struct GovernanceAPITests {
    static let people = TestApp.people.merging(["city-supervisor": (.supervisor, "110000")]) { $1 }

    /// A scheme from 2026-01-01 whose watch flags the top street in 1 of the last 2 periods.
    static func prepare(_ store: any Store) async throws {
        let taxonomy = "code,name\nCX,城乡建设\nCX.SZ,市政设施\nCX.SZ.LD,路灯故障\nCX.SZ.GS,供水\nCX.HJ,环境\nCX.HJ.ZS,噪声\n"
        _ = try await TaxonomyRepository(store: store).importCategories(try TaxonomyFile.parse(taxonomy, file: "t.csv").get(), file: "t.csv", now: Date())
        var scheme = AssessmentScheme.beijing
        scheme.effectiveFrom = CalendarDay(year: 2026, month: 1, day: 1)!
        scheme.governance = GovernanceRule(topN: 1, times: 1, window: 2)
        try await PolicyRepository(store: store).save(scheme, now: Date())
    }

    @Test func watchTrendsAndMonthlyTopics() async throws {
        try await TestApp.withClient(people: Self.people, clock: { ReportsAPITests.monday }, prepare: Self.prepare) { client, tokens in
            // Two demands in 望京 filed under 路灯故障 at dispatch, one under 供水.
            for category in ["CX.SZ.LD", "CX.SZ.LD", "CX.SZ.GS"] {
                let id = try #require(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: DemandsAPITests.draft).object["id"] as? String)
                let dispatched = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                                       json: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general","categoryCode":"\#(category)"}"#)
                #expect(dispatched.status == .ok, "\(dispatched.text)")
            }

            // 望京 is the top street of 2026-03 (3 demands, 3 per 10,000 of no known population), 大屯 has none.
            let watch = try await client.send(.get, "/api/v1/governance/candidates?period=2026-03", as: tokens["cgw"]).object
            #expect(watch["periods"] as? [String] == ["2026-02", "2026-03"] && watch["topN"] as? Int == 1)
            let items = try #require(watch["items"] as? [[String: Any]])
            #expect(items.map { $0["unitName"] as? String } == ["望京街道"])
            #expect((items.first?["evidence"] as? [[String: Any]])?.map { "\($0["periodLabel"]!):\($0["rank"]!):\($0["volume"]!)" } == ["2026-03:1:3"])

            let trends = try await client.send(.get, "/api/v1/governance/trends?dimension=category&period=2026-03&months=3&top=1", as: tokens["cgw"]).object
            #expect(trends["periods"] as? [String] == ["2026-01", "2026-02", "2026-03"])
            let series = try #require(trends["series"] as? [[String: Any]])
            #expect(series.count == 1 && series[0]["name"] as? String == "路灯故障" && series[0]["counts"] as? [Int] == [0, 0, 2])

            // 每月一题 for 2026-03: two problems, 市政 (the subtree) and 噪声.
            let topic = """
                {"month":"2026-03","theme":"老旧小区市政设施","problems":[
                 {"title":"路灯和供水","categoryCodes":["CX.SZ"],"leadUnit":"110105-CGW","tasks":["排查老旧小区路灯","更换老化供水管线"]},
                 {"title":"夜间施工噪声","categoryCodes":["CX.HJ.ZS"],"leadUnit":"110105-CGW","tasks":["夜间巡查"]}]}
                """
            #expect(try await client.send(.post, "/api/v1/topics", as: tokens["supervisor"], json: topic).status == .forbidden)  // a district's supervisor
            let created = try await client.send(.post, "/api/v1/topics", as: tokens["city-supervisor"], json: topic)
            #expect(created.status == .created, "\(created.text)")
            let problems = try #require(created.object["problems"] as? [[String: Any]])
            // Volumes from three periods before the month to the current one (2026-03): 0, 0, 0, then 3 under 市政设施.
            #expect(problems[0]["volumes"] as? [[String: Any]] != nil)
            #expect((problems[0]["volumes"] as? [[String: Any]])?.map { "\($0["periodLabel"]!):\($0["count"]!)" } == ["2025-12:0", "2026-01:0", "2026-02:0", "2026-03:3"])
            #expect(problems[0]["meanBefore"] as? Double == 0 && problems[0]["meanSince"] as? Double == 3 && problems[1]["meanSince"] as? Double == 0)
            #expect(problems[0]["leadUnitName"] as? String == "朝阳区城市管理委员会")
            let listed = try await client.send(.get, "/api/v1/topics", as: tokens["wangjing"]).object["items"] as? [[String: Any]]
            #expect(listed?.map { $0["theme"] as? String } == ["老旧小区市政设施"])

            // Refusals change nothing: one problem, an unknown category, an unknown unit, a bad month.
            for (bad, code) in [(topic.replacingOccurrences(of: #",\#n {"title":"夜间施工噪声","categoryCodes":["CX.HJ.ZS"],"leadUnit":"110105-CGW","tasks":["夜间巡查"]}"#, with: ""), "topic.invalid_field"),
                                (topic.replacingOccurrences(of: "CX.HJ.ZS", with: "CX.XX"), "topic.unknown_category"),
                                (topic.replacingOccurrences(of: #""leadUnit":"110105-CGW","tasks":["夜间"#, with: #""leadUnit":"110105-XXX","tasks":["夜间"#), "topic.unknown_unit"),
                                (topic.replacingOccurrences(of: "2026-03", with: "2026-3x"), "topic.bad_month")] {
                let refused = try await client.send(.post, "/api/v1/topics", as: tokens["city-supervisor"], json: bad)
                #expect(refused.status == .badRequest && refused.object["code"] as? String == code, "\(code): \(refused.text)")
            }
            #expect((try await client.send(.get, "/api/v1/topics", as: tokens["cgw"]).object["items"] as? [Any])?.count == 1)
            #expect(try await client.send(.get, "/api/v1/governance/trends?dimension=area&period=2026-03&months=25", as: tokens["cgw"]).status == .badRequest)
        }
    }
}
