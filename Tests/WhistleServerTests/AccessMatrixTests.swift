import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore
import WhistleStore

/// Routing, accounts, sign-in and the public reads as every person of the small city (the people of
/// ``AuthorizationMatrixTests`` and the administrators of the city and of 朝阳) and anonymously: who is
/// allowed and who refused, and that no answer carries the complainant of the demand on file.
@Suite struct AccessMatrixTests {
    static let people = TestApp.people.merging(["city-admin": (.administrator, "110000"), "chaoyang-admin": (.administrator, "110105")]) { $1 }
    static let everyone: [String?] = AuthorizationMatrixTests.everyone + ["city-admin", "chaoyang-admin"]
    static let signedIn = Set(everyone.compactMap { $0 })

    struct Operation: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPRequest.Method
        var path: String
        /// `WHO` is replaced by the person's name, so each allowed write makes its own record.
        var body: String?
        var allowed: Set<String>
        /// Whether the operation answers anonymous callers too.
        var isPublic = false
        var testDescription: String { name }
    }

    static let operations: [Operation] = [
        Operation(name: "suggest routing", method: .post, path: "/api/v1/suggestions", body: #"{"content":"望京西园一区路灯不亮","categoryCode":"CX.SZ.LD"}"#,
                  allowed: ["agent", "dispatcher", "wangjing", "datun"]),
        Operation(name: "read the taxonomy", method: .get, path: "/api/v1/categories", allowed: signedIn),
        Operation(name: "add a category", method: .post, path: "/api/v1/categories", body: #"{"code":"CX.SZ.WHO","name":"测试分类"}"#,
                  allowed: ["city-admin"]),
        Operation(name: "retire a category", method: .post, path: "/api/v1/categories/CX.SZ.LD/actions", body: #"{"action":"retire"}"#,
                  allowed: ["city-admin"]),
        Operation(name: "read duty rules", method: .get, path: "/api/v1/duty-rules?area=110105026001", allowed: signedIn),
        Operation(name: "add a district duty rule", method: .post, path: "/api/v1/duty-rules",
                  body: #"{"categoryCode":"CX.SZ","areaCode":"110105","primary":"110105-JTW","effectiveFrom":"2026-01-01","note":"WHO"}"#,
                  allowed: ["city-admin", "chaoyang-admin"]),
        Operation(name: "list a unit's people", method: .get, path: "/api/v1/users?unit=110105-CGW", allowed: ["city-admin", "chaoyang-admin", "cgw-leader"]),
        Operation(name: "add a person", method: .post, path: "/api/v1/users",
                  body: #"{"id":"new-WHO","name":"新同事","role":"department_handler","unitCode":"110105-CGW"}"#, allowed: ["city-admin", "chaoyang-admin"]),
        Operation(name: "read a bulletin", method: .get, path: "/api/v1/reports/daily?period=2026-03-02",
                  allowed: ["dispatcher", "cgw-leader", "supervisor", "city-admin", "chaoyang-admin"]),
        Operation(name: "download a bulletin", method: .get, path: "/api/v1/reports/monthly?period=2026-03&format=csv",
                  allowed: ["dispatcher", "cgw-leader", "supervisor", "city-admin", "chaoyang-admin"]),
        Operation(name: "the governance watch", method: .get, path: "/api/v1/governance/candidates?period=2026-03", allowed: signedIn),
        Operation(name: "trends", method: .get, path: "/api/v1/governance/trends?dimension=area&period=2026-03", allowed: signedIn),
        Operation(name: "read the monthly topics", method: .get, path: "/api/v1/topics", allowed: signedIn),
        Operation(name: "set a monthly topic", method: .post, path: "/api/v1/topics", body: """
            {"month":"2026-03","theme":"WHO","problems":[{"title":"路灯","categoryCodes":["CX.SZ.LD"],"leadUnit":"110105-CGW","tasks":["排查"]},
             {"title":"市政","categoryCodes":["CX.SZ"],"leadUnit":"110105-CGW","tasks":["巡查"]}]}
            """, allowed: ["city-admin"]),
        Operation(name: "who am I", method: .get, path: "/api/v1/auth/session", allowed: signedIn),
        Operation(name: "the organisation tree", method: .get, path: "/api/v1/units/110105/children", allowed: signedIn, isPublic: true),
        Operation(name: "Open311 services", method: .get, path: "/open311/v2/services.json", allowed: signedIn, isPublic: true),
        Operation(name: "Open311 requests", method: .get, path: "/open311/v2/requests.json", allowed: signedIn, isPublic: true),
    ]

    static let taxonomy = "code,name\nCX,城乡建设\nCX.SZ,市政设施\nCX.SZ.LD,路灯故障\n"

    @Test(arguments: operations)
    func everyoneGetsWhatTheirRoleAllows(_ operation: Operation) async throws {
        try await TestApp.withClient(people: Self.people, prepare: { store in
            _ = try await TaxonomyRepository(store: store).importCategories(try TaxonomyFile.parse(Self.taxonomy, file: "t.csv").get(), file: "t.csv", now: Date())
        }) { client, tokens in
            #expect(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: DemandsAPITests.draft).status == .created)
            for who in Self.everyone {
                let body = operation.body?.replacingOccurrences(of: "WHO", with: String((who ?? "anonymous").uppercased().filter(\.isLetter).prefix(8)))
                let response = try await client.send(operation.method, operation.path, as: who.flatMap { tokens[$0] }, json: body)
                let expected: HTTPResponse.Status.Kind = who == nil
                    ? (operation.isPublic ? .successful : .clientError)
                    : operation.allowed.contains(who!) ? .successful : .clientError
                #expect(response.status.kind == expected, "\(operation.name) as \(who ?? "anonymous"): \(response.status.code) \(response.text)")
                if who == nil, !operation.isPublic { #expect(response.status == .unauthorized) }
                if let who, !operation.allowed.contains(who) { #expect(response.status == .forbidden, "\(operation.name) as \(who)") }
                #expect(!response.text.contains("张三") && !response.text.contains("13812345678"),
                        "\(operation.name) as \(who ?? "anonymous") carried the complainant: \(response.text)")
            }
        }
    }
}
