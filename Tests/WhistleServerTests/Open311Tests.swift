import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WhistleCore
import WhistleStore

/// Open311 GeoReport v2 in-process: what the public may read (never a complainant, never a 保密 or phone
/// demand), how the loop's states appear, and refusals as error documents. The real clients run against a
/// live server in scripts/open311-clients.sh.
@Suite struct Open311Tests {
    @Test func publicReadsShowOnlyPublicDemandsWithTheirProgress() async throws {
        let keyBox = Box()
        try await TestApp.withClient(seed: DispatchAPITests.city, people: DispatchAPITests.people.merging(["dispatcher": (.dispatcher, "110000-RXZX")]) { $1 },
                                     settings: ["open311.perMinute": 3], prepare: { store in
            try await DispatchAPITests.prepareWithoutModels(store)
            keyBox.value = try await Open311KeyRepository(store: store).issue(client: "测试", now: Date())
        }) { client, tokens in
            func form(_ fields: [(String, String)]) -> String {
                fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            }
            func post(_ path: String, _ fields: [(String, String)]) async throws -> TestResponse {
                try await client.execute(uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: form(fields)))
            }
            let filed = try await post("/open311/v2/requests.json", [
                ("api_key", keyBox.value), ("service_code", "manhole"), ("lat", "39.902"), ("long", "116.442"), ("description", "井盖丢了"),
                ("first_name", "小明"), ("last_name", "王"), ("phone", "13800138000"), ("jurisdiction_id", ""),
            ])
            #expect(filed.status == .ok)
            let number = try #require((filed.json as? [[String: Any]])?.first?["service_request_id"] as? String)
            // A confidential web demand and a phone call are never published.
            for body in [#"{"type":"complaint","channel":"web","content":"保密的事","complainant":{"phone":"13900139000","confidential":true}}"#,
                         #"{"type":"complaint","channel":"phone","content":"电话反映的事"}"#] {
                #expect(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: body).status == .created)
            }
            let listed = try await client.send(.get, "/open311/v2/requests.json?status=&service_code=").json as? [[String: Any]]
            #expect(listed?.compactMap { $0["service_request_id"] as? String } == [number])
            #expect(!(String(describing: listed)).contains("13800138000") && !(String(describing: listed)).contains("小明"))

            // Dispatched: the unit is the agency responsible and the resolution deadline is expected.
            let id = try #require(try await client.send(.get, "/api/v1/demands?limit=10", as: tokens["dispatcher"]).object["items"] as? [[String: Any]])
                .first { $0["number"] as? String == number }?["id"] as? String
            let dispatched = try await client.send(.post, "/api/v1/demands/\(try #require(id))/actions", as: tokens["dispatcher"],
                                                   json: #"{"action":"dispatch","primaryUnit":"110105001-ZFD","deadlineClass":"urgent"}"#)
            #expect(dispatched.status == .ok)
            let one = try #require((try await client.send(.get, "/open311/v2/requests/\(number).json").json as? [[String: Any]])?.first)
            #expect(one["status"] as? String == "open" && one["status_notes"] as? String == "待签收")
            #expect(one["agency_responsible"] as? String == "建外街道综合行政执法队" && one["expected_datetime"] is String)
            #expect(one["service_code"] as? String == "manhole" && one["address_id"] as? String == "110105001001001")
            #expect((one["requested_datetime"] as? String)?.hasSuffix("+08:00") == true)  // W3C-DTF, Beijing time

            // A resident's comment from a FixMyStreet-style client lands on the trail once, however often it is sent.
            for _ in 0..<2 {
                let update = try await post("/open311/v2/servicerequestupdates.json", [
                    ("api_key", keyBox.value), ("service_request_id", number), ("update_id", "fms-7"), ("status", "OPEN"), ("description", "还是没修"),
                ])
                #expect(update.status == .ok)
            }
            let trail = try await client.send(.get, "/api/v1/demands/\(try #require(id))/events", as: tokens["dispatcher"]).json as? [[String: Any]]
            #expect(trail?.filter { $0["kind"] as? String == "demand.resident_update" }.count == 1)
            let feed = try await client.send(.get, "/open311/v2/servicerequestupdates.json").json as? [[String: Any]]
            #expect(feed?.compactMap { $0["status"] as? String } == ["open", "action_scheduled"])

            // Refusals are GeoReport error documents with the right status, in the asked format.
            let xml = try await post("/open311/v2/requests.xml", [("service_code", "manhole"), ("lat", "39.9"), ("long", "116.4")])
            #expect(xml.status == .forbidden && xml.text.contains("<errors><error><code>403</code>"))
            #expect(try await client.send(.get, "/open311/v2/tokens/abc.json").status == .notFound)
            #expect(try await client.send(.get, "/open311/v2/services/nope.xml").status == .notFound)
            #expect(try await client.send(.get, "/open311/v2/requests.json?page_size=0").status == .badRequest)
            #expect(try await client.send(.get, "/open311/v2/requests.json?start_date=yesterday").status == .badRequest)

            // One client application files at most `open311.perMinute` requests a minute (3 here).
            let statuses = try await (0..<3).asyncMap { _ in
                try await post("/open311/v2/requests.json", [("api_key", keyBox.value), ("service_code", "manhole"), ("address_string", "永安里")]).status
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
        }
    }

    /// Carries the key issued while preparing the database into the test body.
    final class Box: @unchecked Sendable { var value = "" }
}

extension Range where Bound == Int {
    /// `map` with an async transform, one element after another.
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
