import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every demand operation as every person of the small city (roles at the right unit and outside it) and
/// anonymously: who is allowed, who is refused and how, and that no answer to someone who may not see the
/// complainant carries their name or phone.
///
/// People (see TestApp.people): the 12345 centre's agent, dispatcher and callback agent; a district
/// supervisor; 城管委 (cgw, cgw-leader), which the demand is ordered to; 交通局 (jtw), which it is not; the
/// 望京 street coordinator, whose area the demand is in; the 大屯 coordinator, whose area it is not.
@Suite struct AuthorizationMatrixTests {
    static let everyone: [String?] = ["agent", "dispatcher", "callback", "supervisor", "cgw", "cgw-leader", "jtw", "wangjing", "datun", nil]

    enum Outcome: Equatable {
        case allowed, unauthenticated, forbidden, notFound
        init(_ status: Int) {
            switch status {
            case 200, 201: self = .allowed
            case 401: self = .unauthenticated
            case 403: self = .forbidden
            default: self = .notFound
            }
        }
    }

    struct Operation: Sendable, CustomTestStringConvertible {
        var name: String
        /// Whether the demand is dispatched to 城管委 first.
        var dispatched: Bool
        var method: HTTPRequest.Method
        /// The path, with ID and ORDER replaced.
        var path: String
        var body: String?
        /// Expected outcome per person (nil = anonymous).
        var expected: @Sendable (String?) -> Outcome
        var testDescription: String { name }
    }

    static func rule(allowed: Set<String>, visible: Set<String>) -> @Sendable (String?) -> Outcome {
        { who in
            guard let who else { return .unauthenticated }
            return allowed.contains(who) ? .allowed : visible.contains(who) ? .forbidden : .notFound
        }
    }

    /// Who can see a dispatched demand: the centre, leadership, the unit it is ordered to, its street.
    static let seesDispatched: Set<String> = ["agent", "dispatcher", "callback", "supervisor", "cgw", "cgw-leader", "wangjing"]
    /// Who can see a demand not yet dispatched: the centre, leadership and its street.
    static let seesReceived: Set<String> = ["agent", "dispatcher", "callback", "supervisor", "wangjing"]

    static let operations: [Operation] = [
        Operation(name: "read a demand", dispatched: true, method: .get, path: "/api/v1/demands/ID",
                  expected: rule(allowed: seesDispatched, visible: seesDispatched)),
        Operation(name: "read its events", dispatched: true, method: .get, path: "/api/v1/demands/ID/events",
                  expected: rule(allowed: seesDispatched, visible: seesDispatched)),
        Operation(name: "record a phone call", dispatched: false, method: .post, path: "/api/v1/demands",
                  body: #"{"type":"complaint","channel":"phone","content":"噪音扰民"}"#,
                  expected: { who in who == nil ? .unauthenticated : ["agent", "dispatcher"].contains(who!) ? .allowed : .forbidden }),
        Operation(name: "dispatch", dispatched: false, method: .post, path: "/api/v1/demands/ID/actions",
                  body: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#,
                  expected: rule(allowed: ["dispatcher"], visible: seesReceived)),
        Operation(name: "sign for", dispatched: true, method: .post, path: "/api/v1/demands/ID/actions",
                  body: #"{"action":"sign_for","order":"ORDER"}"#,
                  expected: rule(allowed: ["cgw", "cgw-leader"], visible: seesDispatched)),
        Operation(name: "urge", dispatched: true, method: .post, path: "/api/v1/demands/ID/actions",
                  body: #"{"action":"urge","order":"ORDER","note":"请尽快办理"}"#,
                  expected: rule(allowed: ["dispatcher", "supervisor"], visible: seesDispatched)),
        Operation(name: "close", dispatched: true, method: .post, path: "/api/v1/demands/ID/actions",
                  body: #"{"action":"close"}"#,
                  // Only the centre may close; a dispatched demand is in the wrong state for it (409), which
                  // proves the role passed. Everyone else who can see it is refused as forbidden.
                  expected: { who in
                      guard let who else { return .unauthenticated }
                      return who == "dispatcher" ? .notFound : seesDispatched.contains(who) ? .forbidden : .notFound
                  }),
    ]

    @Test(arguments: operations)
    func everyoneGetsWhatTheirRoleAllows(_ operation: Operation) async throws {
        for who in Self.everyone {
            try await TestApp.withClient { client, tokens in
                let created = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: DemandsAPITests.draft)
                let id = try #require(created.object["id"] as? String)
                var order = ""
                if operation.dispatched {
                    let dispatched = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                                           json: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#)
                    order = try #require((dispatched.object["orders"] as? [[String: Any]])?.first?["id"] as? String)
                }
                let path = operation.path.replacingOccurrences(of: "ID", with: id)
                let body = operation.body?.replacingOccurrences(of: "ORDER", with: order)
                let response = try await client.send(operation.method, path, as: who.flatMap { tokens[$0] }, json: body)
                let outcome = Outcome(response.status.code)
                var expected = operation.expected(who)
                if operation.name == "close", who == "dispatcher" {
                    #expect(response.status == .conflict, "\(operation.name) as \(who ?? "anonymous"): \(response.text)")
                    expected = outcome
                }
                #expect(outcome == expected, "\(operation.name) as \(who ?? "anonymous"): \(response.status.code) \(response.text)")
                // Only the centre and the handling unit may see the complainant in full.
                let mayIdentify = ["agent", "dispatcher", "callback", "supervisor"].contains(who ?? "")
                    || (operation.dispatched && ["cgw", "cgw-leader"].contains(who ?? ""))
                if !mayIdentify {
                    #expect(!response.text.contains("张三") && !response.text.contains("13812345678"),
                            "\(operation.name) as \(who ?? "anonymous") leaked the complainant: \(response.text)")
                }
            }
        }
    }

    /// Listing: a unit outside the demand's scope sees nothing of it.
    @Test func listsShowOnlyWhatEachMaySee() async throws {
        try await TestApp.withClient { client, tokens in
            let created = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: DemandsAPITests.draft)
            let id = try #require(created.object["id"] as? String)
            _ = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                      json: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#)
            for who in ["jtw", "datun"] {
                let listed = try await client.send(.get, "/api/v1/demands", as: tokens[who])
                #expect(listed.status == .ok)
                #expect(!listed.text.contains(id) && !listed.text.contains("张三") && !listed.text.contains("13812345678"), "\(who)")
            }
            #expect(try await client.send(.get, "/api/v1/demands", as: tokens["cgw"]).text.contains(id))
            #expect(try await client.send(.get, "/api/v1/demands").status == .unauthorized)
        }
    }
}
