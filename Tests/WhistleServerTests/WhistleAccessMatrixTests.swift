import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore

/// Every whistle and party-work operation as every person and anonymously: who is allowed, who is refused
/// and how (a whistle a person may not see is 404, as if it did not exist), and what a list shows them.
///
/// People: 望京街道's coordinator, who blows the whistle; 大屯's, who does not; 望京西园一区's community
/// worker, a division inside the street; 城管执法局's handler, the one unit summoned; the 公安分局's handler,
/// not summoned, who is also a registered party member of 望京西园一区; the 12345 centre's agent, dispatcher
/// and callback agent; the district's supervisor; the city's and the district's administrators.
@Suite struct WhistleAccessMatrixTests {
    static let city = WhistlesAPITests.city + "\n110000-RXZX,北京市12345市民服务热线中心,department,110000,,24x7"
    static let summoned = "110105-CGZFJ"
    static let community = "110105026001"
    static let people: [String: (Role, String)] = [
        "wangjing": (.streetCoordinator, "110105026"), "datun": (.streetCoordinator, "110105027"),
        "xiyuan": (.communityStaff, community), "cgzfj": (.departmentHandler, summoned), "police": (.departmentHandler, "110105-GAFJ"),
        "agent": (.hotlineAgent, "110000-RXZX"), "dispatcher": (.dispatcher, "110000-RXZX"), "callback": (.callbackAgent, "110000-RXZX"),
        "supervisor": (.supervisor, "110105"), "city-admin": (.administrator, "110000"), "chaoyang-admin": (.administrator, "110105"),
    ]
    static let everyone: [String?] = people.keys.sorted() + [nil]
    static let signedIn = Set(people.keys)
    /// Who sees 望京's whistle: the whistler, the unit it summoned, the centre and the city's and district's leadership.
    static let seeTheWhistle: Set<String> = ["wangjing", "cgzfj", "agent", "dispatcher", "callback", "supervisor", "city-admin", "chaoyang-admin"]
    /// Who may list 望京西园一区's party members and tasks: its staff, its street, the centre and leadership.
    static let listTheCommunity: Set<String> = ["xiyuan", "wangjing", "agent", "dispatcher", "callback", "supervisor", "city-admin", "chaoyang-admin"]

    struct Operation: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPRequest.Method
        /// The path, with WHISTLE and TASK replaced by the prepared whistle and community task.
        var path: String
        var body: String?
        var allowed: Set<String>
        /// For lists: who finds `marker` (WHISTLE and TASK replaced as in the path) in the answer; nobody else may.
        var listed: Set<String>?
        var marker = "WHISTLE"
        /// Refusals other than 403 (or 404 for a whistle one may not see).
        var refused: [String: HTTPResponse.Status] = [:]
        var testDescription: String { name }
    }

    static let operations: [Operation] = [
        Operation(name: "blow a whistle", method: .post, path: "/api/v1/whistles", body: WhistlesAPITests.draft(summons: [summoned]),
                  allowed: ["wangjing"]),
        Operation(name: "list whistles", method: .get, path: "/api/v1/whistles", allowed: signedIn, listed: seeTheWhistle),
        Operation(name: "read the whistle", method: .get, path: "/api/v1/whistles/WHISTLE", allowed: seeTheWhistle),
        Operation(name: "read the whistle's events", method: .get, path: "/api/v1/whistles/WHISTLE/events", allowed: seeTheWhistle),
        Operation(name: "report in on site", method: .post, path: "/api/v1/whistles/WHISTLE/actions", body: WhistlesAPITests.signIn(),
                  allowed: ["cgzfj"]),
        Operation(name: "whistlers' figures", method: .get, path: "/api/v1/whistle-figures/whistlers?from=2026-03-01&to=2026-03-31",
                  allowed: signedIn, listed: seeTheWhistle, marker: "\"110105026\""),
        Operation(name: "summoned units' figures", method: .get, path: "/api/v1/whistle-figures/summoned-units?from=2026-03-01&to=2026-03-31",
                  allowed: signedIn, listed: seeTheWhistle, marker: summoned),
        Operation(name: "register oneself as a party member", method: .post, path: "/api/v1/party-members",
                  body: #"{"name":"党员","workUnit":"某单位","homeCommunity":"\#(community)"}"#, allowed: signedIn.subtracting(["police"]),
                  refused: ["police": .conflict]),
        Operation(name: "register someone else", method: .post, path: "/api/v1/party-members",
                  body: #"{"memberId":"retiree","name":"李老师","workUnit":"退休","homeCommunity":"\#(community)"}"#, allowed: ["xiyuan"]),
        Operation(name: "list party members", method: .get, path: "/api/v1/party-members?community=\(community)", allowed: listTheCommunity),
        Operation(name: "pause a member", method: .post, path: "/api/v1/party-members/police/availability", body: #"{"available":false}"#,
                  allowed: ["police", "xiyuan"]),
        Operation(name: "post a community task", method: .post, path: "/api/v1/community-tasks",
                  body: #"{"community":"\#(community)","title":"清理楼道","detail":"3 号楼","needed":2}"#, allowed: ["xiyuan"]),
        Operation(name: "list community tasks", method: .get, path: "/api/v1/community-tasks?community=\(community)", allowed: listTheCommunity,
                  listed: listTheCommunity, marker: "TASK"),
        Operation(name: "close a community task", method: .post, path: "/api/v1/community-tasks/TASK/actions", body: #"{"action":"close"}"#,
                  allowed: ["xiyuan"]),
    ]

    @Test(arguments: operations)
    func everyoneGetsWhatTheirRoleAllows(_ operation: Operation) async throws {
        try await TestApp.withClient(seed: Self.city, people: Self.people, clock: WhistlesAPITests.TestClock().callAsFunction) { client, tokens in
            let whistle = try await client.send(.post, "/api/v1/whistles", as: tokens["wangjing"], json: WhistlesAPITests.draft(summons: [Self.summoned]))
            let whistleID = try #require(whistle.object["id"] as? String, "\(whistle.text)")
            let member = try await client.send(.post, "/api/v1/party-members", as: tokens["police"],
                                               json: #"{"name":"王警官","workUnit":"公安分局","homeCommunity":"\#(Self.community)"}"#)
            #expect(member.status == .created, "\(member.text)")
            let task = try await client.send(.post, "/api/v1/community-tasks", as: tokens["xiyuan"],
                                             json: #"{"community":"\#(Self.community)","title":"周末调解","detail":"噪音纠纷","needed":1}"#)
            let taskID = try #require(task.object["id"] as? String, "\(task.text)")
            func prepared(_ text: String) -> String {
                text.replacingOccurrences(of: "WHISTLE", with: whistleID).replacingOccurrences(of: "TASK", with: taskID)
            }
            let path = prepared(operation.path)

            for who in Self.everyone {
                let response = try await client.send(operation.method, path, as: who.flatMap { tokens[$0] }, json: operation.body)
                let label = "\(operation.name) as \(who ?? "anonymous"): \(response.status.code) \(response.text.prefix(300))"
                guard let who else {
                    #expect(response.status == .unauthorized, "\(label)")
                    continue
                }
                if let status = operation.refused[who] {
                    #expect(response.status == status, "\(label)")
                } else if operation.allowed.contains(who) {
                    #expect(response.status.kind == .successful, "\(label)")
                } else if operation.path.contains("WHISTLE") && !Self.seeTheWhistle.contains(who) {
                    #expect(response.status == .notFound, "\(label)")  // a whistle one may not see does not exist for them
                } else {
                    #expect(response.status == .forbidden, "\(label)")
                }
                if let listed = operation.listed, response.status.kind == .successful {
                    #expect(response.text.contains(prepared(operation.marker)) == listed.contains(who), "\(label)")
                }
            }
        }
    }
}
