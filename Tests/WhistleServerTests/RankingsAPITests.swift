import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore

/// Rankings over HTTP: the live table follows the callbacks; a published snapshot never changes, and
/// publishing again adds one.
@Suite struct RankingsAPITests {
    static let people = TestApp.people.merging(["zls": (.departmentHandler, "110000-ZLS"), "city-supervisor": (.supervisor, "110000")]) { $1 }

    @Test func publishedRankingsDoNotChange() async throws {
        try await TestApp.withClient(people: Self.people) { client, tokens in
            let period = AssessmentScheme.beijing.period(containing: Date()).label
            let query = "/api/v1/rankings?group=enterprises&period=\(period)"
            func rows(_ body: [String: Any]) -> [[String: Any]] { body["rows"] as? [[String: Any]] ?? [] }

            let id = try #require(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: DemandsAPITests.draft).object["id"] as? String)
            let order = try #require((try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                                            json: #"{"action":"dispatch","primaryUnit":"110000-ZLS","deadlineClass":"utilities"}"#)
                .object["orders"] as? [[String: Any]])?.first?["id"] as? String)
            for (who, action) in [("zls", #"{"action":"sign_for","order":"ORDER"}"#), ("zls", #"{"action":"report_result","order":"ORDER","summary":"已修复"}"#),
                                  ("callback", #"{"action":"record_callback","callback":{"valid":true,"contacted":true,"solved":true,"satisfaction":"satisfied"}}"#)] {
                let response = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens[who], json: action.replacingOccurrences(of: "ORDER", with: order))
                #expect(response.status == .ok, "\(action): \(response.text)")
            }
            let live = try await client.send(.get, query, as: tokens["cgw"]).object
            #expect(live["schemeEffectiveFrom"] as? String == "2021-09-24" && live["publishedAt"] == nil)
            let water = try #require(rows(live).first { $0["unitCode"] as? String == "110000-ZLS" })
            #expect(water["rank"] as? Int == 1 && water["composite"] as? Double == 100 && water["validCallbacks"] as? Int == 1)
            // 数字城管: 1 立案, handled on time, not closed yet, nothing overdue now.
            let indicators = try #require(water["indicators"] as? [String: Any])
            #expect(indicators["filed"] as? Int == 1 && indicators["handlingRate"] as? Double == 1 && indicators["onTimeHandlingRate"] as? Double == 1)
            #expect(indicators["closureRate"] as? Double == 0 && indicators["overduePendingRate"] as? Double == 0 && indicators["reworkRate"] as? Double == 0)

            // Only the city's supervisors and administrators publish.
            #expect(try await client.send(.post, query, as: tokens["supervisor"]).status == .forbidden)
            let published = try await client.send(.post, query, as: tokens["city-supervisor"])
            #expect(published.status == .created && published.object["id"] is String && published.object["publishedAt"] is String)

            // A later callback (the last one scores) changes the live table, not the snapshot.
            let recall = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["callback"],
                                               json: #"{"action":"record_callback","callback":{"valid":true,"contacted":true,"solved":false,"satisfaction":"unsatisfied"}}"#)
            #expect(recall.status == .ok, "\(recall.text)")
            // 响应 1, 解决 0, 满意 0 → 100 × 0.1 = 10.
            let after = try #require(rows(try await client.send(.get, query, as: tokens["cgw"]).object).first { $0["unitCode"] as? String == "110000-ZLS" })
            #expect(after["composite"] as? Double == 10)
            let snapshots = try await client.send(.get, "/api/v1/rankings/snapshots?group=enterprises&period=\(period)", as: tokens["cgw"]).object["items"] as? [[String: Any]]
            #expect(snapshots?.count == 1 && rows(snapshots?.first ?? [:]).first { $0["unitCode"] as? String == "110000-ZLS" }?["composite"] as? Double == 100)
            #expect(try await client.send(.post, query, as: tokens["city-supervisor"]).status == .created)
            let both = try await client.send(.get, "/api/v1/rankings/snapshots?group=enterprises&period=\(period)", as: tokens["cgw"]).object["items"] as? [[String: Any]]
            #expect(both?.count == 2 && rows(both?.first ?? [:]).first?["composite"] as? Double == 10)
            #expect(try await client.send(.get, "/api/v1/rankings?group=enterprises&period=2026-13", as: tokens["cgw"]).status == .badRequest)
        }
    }
}
