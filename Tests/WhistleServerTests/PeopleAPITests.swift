import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore

/// Accounts over HTTP: who may add people and grant or end roles where, and that an ended role's token stops
/// working at once.
@Suite struct PeopleAPITests {
    static let people = TestApp.people.merging([
        "city-admin": (.administrator, "110000"), "chaoyang-admin": (.administrator, "110105"),
    ]) { $1 }

    @Test func administratorsKeepTheAccountsOfTheirArea() async throws {
        try await TestApp.withClient(people: Self.people) { client, tokens in
            let clerk = #"{"id":"w1001","name":"王芳","phone":"13800138000","role":"department_handler","unitCode":"110105-CGW"}"#
            for who in ["cgw", "cgw-leader", "agent", "supervisor"] {
                let refused = try await client.send(.post, "/api/v1/users", as: tokens[who], json: clerk)
                #expect(refused.status == .forbidden && refused.object["code"] as? String == "person.may_not_manage", "\(who)")
            }
            let added = try await client.send(.post, "/api/v1/users", as: tokens["chaoyang-admin"], json: clerk)
            #expect(added.status == .created && (added.object["roles"] as? [[String: Any]])?.first?["roleName"] as? String == "承办人")
            // The city's 12345 centre is outside 朝阳's administrator's area; the city's administrator may.
            let agent = #"{"id":"w2002","name":"李强","role":"hotline_agent","unitCode":"110000-RXZX"}"#
            #expect(try await client.send(.post, "/api/v1/users", as: tokens["chaoyang-admin"], json: agent).status == .forbidden)
            #expect(try await client.send(.post, "/api/v1/users", as: tokens["city-admin"], json: agent).status == .created)
            // A role the unit's kind cannot hold, an unknown unit, a bad phone.
            let gridAgent = #"{"id":"w3","name":"赵","role":"hotline_agent","unitCode":"110105026001"}"#
            #expect(try await client.send(.post, "/api/v1/users", as: tokens["city-admin"], json: gridAgent).object["code"] as? String == "person.role_not_allowed_at_unit")
            #expect(try await client.send(.post, "/api/v1/users", as: tokens["city-admin"], json: #"{"id":"w4","name":"钱","role":"dispatcher","unitCode":"999999-XX"}"#).status == .notFound)
            #expect(try await client.send(.post, "/api/v1/users", as: tokens["city-admin"], json: #"{"id":"w5","name":"孙","phone":"12","role":"dispatcher","unitCode":"110000-RXZX"}"#).status == .badRequest)

            // The unit's leader sees who works there; a colleague does not.
            let listed = try await client.send(.get, "/api/v1/users?unit=110105-CGW", as: tokens["cgw-leader"]).object["items"] as? [[String: Any]]
            #expect(Set(listed?.compactMap { $0["id"] as? String } ?? []) == ["cgw", "cgw-leader", "w1001"])
            #expect(try await client.send(.get, "/api/v1/users?unit=110105-CGW", as: tokens["cgw"]).status == .forbidden)

            // Ending 城管委's handler role stops their token at once; the role stays on record as ended.
            let ended = try await client.send(.post, "/api/v1/users/cgw/roles", as: tokens["chaoyang-admin"],
                                              json: #"{"action":"end","role":"department_handler","unitCode":"110105-CGW"}"#)
            #expect(ended.status == .ok && (ended.object["roles"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/v1/demands", as: tokens["cgw"]).status == .unauthorized)
            let again = try await client.send(.post, "/api/v1/users/cgw/roles", as: tokens["chaoyang-admin"],
                                              json: #"{"action":"end","role":"department_handler","unitCode":"110105-CGW"}"#)
            #expect(again.status == .badRequest && again.object["code"] as? String == "access.role_not_held")
        }
    }
}

/// The configuration in force, readable by everyone signed in.
@Suite struct ConfigurationAPITests {
    @Test func calendarsAndRuleVersions() async throws {
        try await TestApp.withClient { client, tokens in
            let calendars = try await client.send(.get, "/api/v1/calendars", as: tokens["cgw"]).object["items"] as? [[String: Any]]
            #expect(calendars?.compactMap { $0["year"] as? Int } == [2025, 2026])
            let spring = (calendars?.last?["holidays"] as? [[String: Any]])?.first { ($0["nameZh"] as? String) == "春节" }
            #expect(spring?["firstDay"] as? String == "2026-02-15")
            let policies = try await client.send(.get, "/api/v1/policies", as: tokens["cgw"]).object
            let loop = try #require((policies["loop"] as? [[String: Any]])?.first)
            #expect(loop["effectiveFrom"] as? String == "2021-09-24" && loop["yellowThreshold"] as? Double == 0.75)
            #expect((loop["duplicates"] as? [String: Any])?["distanceMeters"] as? Double == 500)
            #expect((policies["whistle"] as? [Any])?.count == 1)
            #expect(try await client.send(.get, "/api/v1/calendars").status == .unauthorized)
        }
    }
}
