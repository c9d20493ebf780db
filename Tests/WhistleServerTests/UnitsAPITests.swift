import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct UnitsAPITests {
    @Test func getUnitByCode() async throws {
        try await TestApp.withClient { client in
            let response = try await client.execute(uri: "/api/v1/units/110105", method: .get)
            #expect(response.status == .ok)
            #expect(response.object["name"] as? String == "朝阳区")
            #expect(response.object["kind"] as? String == "district")
            #expect(response.object["kindName"] as? String == "区")
            #expect(response.object["parentCode"] as? String == "110000")
            #expect(response.object["population"] as? Int == 3_452_460)
        }
    }

    @Test func childrenAreListedDivisionsFirstAndPaged() async throws {
        try await TestApp.withClient { client in
            let all = try await client.execute(uri: "/api/v1/units/110105/children", method: .get)
            let codes = (all.object["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(codes == ["110105026", "110105027", "110105-CGW", "110105-JTW"])

            let first = try await client.execute(uri: "/api/v1/units/110105/children?limit=2", method: .get)
            let cursor = try #require(first.object["nextCursor"] as? String)
            let second = try await client.execute(uri: "/api/v1/units/110105/children?limit=2&cursor=\(cursor)", method: .get)
            #expect((second.object["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["110105-CGW", "110105-JTW"])
            #expect(second.object["nextCursor"] == nil)

            let streets = try await client.execute(uri: "/api/v1/units/110105/children?kind=street", method: .get)
            #expect((streets.object["items"] as? [Any])?.count == 2)
        }
    }

    @Test func searchByChineseName() async throws {
        try await TestApp.withClient { client in
            let query = "望京".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            let response = try await client.execute(uri: "/api/v1/units?q=\(query)", method: .get)
            #expect(response.status == .ok)
            #expect((response.object["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["望京街道", "望京西园一区社区"])
        }
    }

    /// Every refusal is a problem document with a stable code, never a 500.
    @Test(arguments: [
        ("/api/v1/units/999999", 404, "unit.not_found"),
        ("/api/v1/units/999999/children", 404, "unit.not_found"),
        ("/api/v1/units/110105/children?limit=0", 400, "request.invalid_parameter"),
        ("/api/v1/units/110105/children?limit=5000", 400, "request.invalid_parameter"),
        ("/api/v1/units/110105/children?limit=ten", 400, "request.malformed"),
        ("/api/v1/units/110105/children?kind=borough", 400, "request.malformed"),
        ("/api/v1/units", 400, "request.malformed"),
        ("/api/v1/units?q=%20", 400, "request.invalid_parameter"),
        ("/api/v1/nothing-here", 404, "request.not_found"),
    ])
    func refusalsAreProblemDocuments(uri: String, status: Int, code: String) async throws {
        try await TestApp.withClient { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status.code == status)
            #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(response.object["code"] as? String == code)
            #expect(response.object["status"] as? Int == status)
            #expect((response.object["messageZh"] as? String)?.isEmpty == false)
            #expect((response.object["messageEn"] as? String)?.isEmpty == false)
            #expect(response.object["type"] as? String == "urn:whistle:problem:\(code)")
        }
    }

    @Test func problemTitleFollowsAcceptLanguage() async throws {
        try await TestApp.withClient { client in
            let chinese = try await client.execute(uri: "/api/v1/units/999999", method: .get)
            #expect(chinese.object["title"] as? String == "单位“999999”不存在")
            let english = try await client.execute(uri: "/api/v1/units/999999", method: .get, headers: [.acceptLanguage: "en-US,en;q=0.9"])
            #expect(english.object["title"] as? String == "unit \"999999\" does not exist")
            #expect(english.headers[.contentLanguage] == "en")
        }
    }
}
