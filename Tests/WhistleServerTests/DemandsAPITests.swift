import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore
import WhistleStore

@Suite struct DemandsAPITests {
    static let draft = """
        {"type":"complaint","channel":"phone","content":"望京西园一区门口路灯不亮已一周",
         "location":{"address":"望京西园一区","areaCode":"110105026001"},
         "complainant":{"name":"张三","phone":"13812345678"}}
        """

    @Test func theLoopOverHTTP() async throws {
        try await TestApp.withClient { client, tokens in
            let created = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft, headers: [HTTPField.Name("Idempotency-Key")!: "call-42"])
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try #require(created.object["id"] as? String)
            #expect((created.object["number"] as? String)?.count == 16)

            // A retry with the same key returns the same demand; a different body with it is a conflict.
            let retry = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft, headers: [HTTPField.Name("Idempotency-Key")!: "call-42"])
            #expect(retry.status == .ok && retry.object["id"] as? String == id)
            let reused = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft.replacingOccurrences(of: "一周", with: "两周"),
                                               headers: [HTTPField.Name("Idempotency-Key")!: "call-42"])
            #expect(reused.status == .conflict && reused.object["code"] as? String == "demand.idempotency_key_reused")

            let dispatched = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                                   json: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#,
                                                   headers: [.ifMatch: "\"1\""])
            #expect(dispatched.status == .ok)
            #expect(dispatched.headers[.eTag] == "\"2\"")
            let orders = dispatched.object["orders"] as? [[String: Any]] ?? []
            let order = try #require(orders.first?["id"] as? String)
            let deadlines = orders.first?["deadlines"] as? [String: [String: Any]] ?? [:]
            #expect(deadlines["resolution"]?["light"] as? String == "green")

            // A stale If-Match is refused and changes nothing.
            let stale = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["cgw"],
                                              json: #"{"action":"sign_for","order":"\#(order)"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .conflict && stale.object["code"] as? String == "demand.version_conflict")

            for (who, body) in [
                ("cgw", #"{"action":"sign_for","order":"\#(order)"}"#),
                ("cgw", #"{"action":"record_contact","order":"\#(order)","note":"已电话联系"}"#),
                ("cgw", #"{"action":"report_result","order":"\#(order)","summary":"路灯已修复"}"#),
                ("callback", #"{"action":"record_callback","callback":{"valid":true,"contacted":true,"solved":true,"satisfaction":"satisfied"}}"#),
                ("dispatcher", #"{"action":"close","note":"办结"}"#),
            ] {
                let response = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens[who], json: body)
                #expect(response.status == .ok, "\(body): \(response.text)")
            }
            let closed = try await client.send(.get, "/api/v1/demands/\(id)", as: tokens["dispatcher"])
            #expect(closed.object["status"] as? String == "closed" && closed.object["statusName"] as? String == "已结案")

            let events = try await client.send(.get, "/api/v1/demands/\(id)/events", as: tokens["dispatcher"])
            let kinds = (events.json as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            #expect(kinds.first == "demand.received" && kinds.contains("order.signed") && kinds.last == "order.closed")

            // 评价: the complainant, with no token, by number and phone; once.
            let number = try #require(created.object["number"] as? String)
            func rate(_ phone: String, _ satisfaction: String = "satisfied") async throws -> TestResponse {
                try await client.send(.post, "/api/v1/ratings", json: #"{"number":"\#(number)","phone":"\#(phone)","satisfaction":"\#(satisfaction)","comment":"很快修好了"}"#)
            }
            let wrong = try await rate("13900000000")
            #expect(wrong.status == .notFound && wrong.object["code"] as? String == "demand.not_found")
            let rated = try await rate("138 1234 5678")
            #expect(rated.status == .created && rated.object["satisfactionName"] as? String == "满意" && rated.object["comment"] as? String == "很快修好了")
            let again = try await rate("13812345678", "unsatisfied")
            #expect(again.status == .conflict && again.object["code"] as? String == "demand.already_rated")
            let shown = try await client.send(.get, "/api/v1/demands/\(id)", as: tokens["dispatcher"])
            #expect((shown.object["rating"] as? [String: Any])?["satisfaction"] as? String == "satisfied")
            let logged = try await client.send(.get, "/api/v1/demands/\(id)/events", as: tokens["dispatcher"])
            #expect((logged.json as? [[String: Any]])?.last?["kind"] as? String == "demand.rated")
        }
    }

    /// Who sees what: the centre and the handling unit see the complainant; a street outside the area does
    /// not see the demand at all; a 保密 demand is masked for the handling unit too.
    @Test func scopesAndMasking() async throws {
        try await TestApp.withClient { client, tokens in
            let open = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft)
            let secret = try await client.send(.post, "/api/v1/demands", as: tokens["agent"],
                                               json: Self.draft.replacingOccurrences(of: #""phone":"13812345678"}"#, with: #""phone":"13812345678","confidential":true}"#))
            for id in [open, secret].compactMap({ $0.object["id"] as? String }) {
                _ = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                          json: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#)
            }
            let openID = try #require(open.object["id"] as? String), secretID = try #require(secret.object["id"] as? String)

            func complainant(_ id: String, as who: String) async throws -> (Int, String?, String?) {
                let response = try await client.send(.get, "/api/v1/demands/\(id)", as: tokens[who])
                let person = response.object["complainant"] as? [String: Any]
                return (response.status.code, person?["name"] as? String, person?["phone"] as? String)
            }
            #expect(try await complainant(openID, as: "dispatcher") == (200, "张三", "13812345678"))
            #expect(try await complainant(openID, as: "cgw") == (200, "张三", "13812345678"))
            #expect(try await complainant(openID, as: "wangjing") == (200, "张*", "138****5678"))
            #expect(try await complainant(openID, as: "datun").0 == 404)
            #expect(try await complainant(openID, as: "jtw").0 == 404)
            #expect(try await complainant(secretID, as: "cgw") == (200, "张*", "138****5678"))
            #expect(try await complainant(secretID, as: "dispatcher") == (200, "张*", "138****5678"))
            #expect(try await complainant(secretID, as: "callback") == (200, "张三", "13812345678"))

            // A unit lists only what is ordered to it.
            let listed = try await client.send(.get, "/api/v1/demands", as: tokens["jtw"])
            #expect((listed.object["items"] as? [Any])?.isEmpty == true)
            let mine = try await client.send(.get, "/api/v1/demands", as: tokens["cgw"])
            #expect((mine.object["items"] as? [Any])?.count == 2)
        }
    }

    @Test(arguments: [
        // (who, method, path, body, status, code)
        (nil, "POST", "/api/v1/demands", draft, 401, "access.unauthenticated"),
        ("bogus", "GET", "/api/v1/demands", nil, 401, "access.token_invalid"),
        (nil, "GET", "/api/v1/demands", nil, 401, "access.unauthenticated"),
        ("agent", "POST", "/api/v1/demands", #"{"type":"complaint","channel":"phone","content":""}"#, 400, "demand.invalid_field"),
        ("agent", "POST", "/api/v1/demands", #"{"type":"gripe","channel":"phone","content":"x"}"#, 400, "request.malformed"),
        ("agent", "POST", "/api/v1/demands", #"{"type":"complaint","channel":"phone","content":"x","complainant":{"phone":"12ab"}}"#, 400, "demand.invalid_field"),
        ("agent", "POST", "/api/v1/demands", "not json", 400, "request.malformed"),
        ("agent", "GET", "/api/v1/demands/nope", nil, 404, "demand.not_found"),
        ("agent", "GET", "/api/v1/demands?limit=0", nil, 400, "request.invalid_parameter"),
    ] as [(String?, String, String, String?, Int, String)])
    func badRequestsAreProblemDocuments(who: String?, method: String, path: String, body: String?, status: Int, code: String) async throws {
        try await TestApp.withClient { client, tokens in
            let token = who.map { tokens[$0] ?? "wst_not_a_real_token" }
            let response = try await client.send(HTTPRequest.Method(method)!, path, as: token, json: body)
            #expect(response.status.code == status, "\(response.text)")
            #expect(response.object["code"] as? String == code)
        }
    }

    @Test func refusedActionsSayWhyAndChangeNothing() async throws {
        try await TestApp.withClient { client, tokens in
            let id = try #require(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft).object["id"] as? String)
            let refusals: [(String, String, Int, String)] = [
                // A department cannot even see a demand not ordered to it; the street of its area can, but may not dispatch.
                ("cgw", #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#, 404, "demand.not_found"),
                ("wangjing", #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#, 403, "loop.role_not_allowed"),
                ("dispatcher", #"{"action":"close"}"#, 409, "demand.wrong_state"),
                ("dispatcher", #"{"action":"dispatch","deadlineClass":"general"}"#, 400, "request.invalid_parameter"),
                ("dispatcher", #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"none"}"#, 400, "deadline.class_not_found"),
                ("dispatcher", #"{"action":"levitate"}"#, 400, "request.malformed"),
            ]
            for (who, body, status, code) in refusals {
                let response = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens[who], json: body)
                #expect(response.status.code == status, "\(body): \(response.text)")
                #expect(response.object["code"] as? String == code, "\(body)")
                #expect((response.object["messageZh"] as? String)?.isEmpty == false)
            }
            let demand = try await client.send(.get, "/api/v1/demands/\(id)", as: tokens["dispatcher"])
            #expect(demand.object["version"] as? Int == 1 && demand.object["status"] as? String == "received")
        }
    }

    /// Who saw the complainant of a 保密 demand is on record; a masked view is not a read.
    @Test func confidentialReadsAreLogged() async throws {
        try await TestApp.withClient { client, tokens in
            let secret = try await client.send(.post, "/api/v1/demands", as: tokens["agent"],
                                               json: Self.draft.replacingOccurrences(of: #""phone":"13812345678"}"#, with: #""phone":"13812345678","confidential":true}"#))
            let id = try #require(secret.object["id"] as? String)
            _ = try await client.send(.get, "/api/v1/demands/\(id)", as: tokens["dispatcher"])   // masked for the dispatcher
            _ = try await client.send(.get, "/api/v1/demands/\(id)", as: tokens["callback"])     // shown to the callback agent
            _ = try await client.send(.get, "/api/v1/demands", as: tokens["callback"])            // and again in a list
            let events = try await client.send(.get, "/api/v1/demands/\(id)/events", as: tokens["dispatcher"])
            let reads = (events.json as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "demand.confidential_read" }
            #expect(reads.count == 2)
            #expect(reads.allSatisfy { ($0["actor"] as? [String: Any])?["personId"] as? String == "callback" })
        }
    }

    /// An approval named in the body must be a role its approver really holds.
    @Test func approvalsAreCheckedAgainstHeldRoles() async throws {
        try await TestApp.withClient { client, tokens in
            let id = try #require(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft).object["id"] as? String)
            let dispatched = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                                   json: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#)
            let order = try #require((dispatched.object["orders"] as? [[String: Any]])?.first?["id"] as? String)
            func requestReturn(approvedBy person: String) -> String {
                #"{"action":"request_return","order":"\#(order)","returnReason":"wrong_function","evidence":["职责清单第3条"],"leaderApproval":{"personId":"\#(person)","role":"unit_leader","unitCode":"110105-CGW"}}"#
            }
            let forged = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["cgw"], json: requestReturn(approvedBy: "cgw"))
            #expect(forged.status == .badRequest && forged.object["code"] as? String == "access.role_not_held")
            let approved = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["cgw"], json: requestReturn(approvedBy: "cgw-leader"))
            #expect(approved.status == .ok, "\(approved.text)")
            #expect((approved.object["orders"] as? [[String: Any]])?.first?["status"] as? String == "return_requested")
        }
    }

    /// Deadlines run on the working calendar of the unit that handles the order: an office's working day
    /// ends at 17:30 Beijing (09:30Z), a 24×7 enterprise's at midnight (16:00Z).
    @Test func deadlinesFollowTheUnitsCalendar() async throws {
        try await TestApp.withClient { client, tokens in
            let id = try #require(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft).object["id"] as? String)
            let dispatched = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                                   json: #"{"action":"dispatch","primaryUnit":"110105-CGW","coHandlers":["110000-ZLS"],"deadlineClass":"general"}"#)
            let orders = dispatched.object["orders"] as? [[String: Any]] ?? []
            func signForDue(_ unit: String) -> String? {
                let order = orders.first { $0["unitCode"] as? String == unit }
                return ((order?["deadlines"] as? [String: [String: Any]])?["sign_for"])?["dueAt"] as? String
            }
            #expect(signForDue("110105-CGW")?.hasSuffix("T09:30:00.000Z") == true, "\(String(describing: signForDue("110105-CGW")))")
            #expect(signForDue("110000-ZLS")?.hasSuffix("T16:00:00.000Z") == true, "\(String(describing: signForDue("110000-ZLS")))")
        }
    }

    /// A stored rule version changes the deadlines of what is decided after its day: here "general" cases
    /// must be resolved within 1 natural hour.
    @Test func storedRuleVersionsApply() async throws {
        var fast = LoopPolicy.beijing
        fast.effectiveFrom = CalendarDay(year: 2025, month: 1, day: 1)!
        fast.deadlineClasses = fast.deadlineClasses.map { deadlineClass in
            deadlineClass.code != "general" ? deadlineClass : DeadlineClass(
                code: "general", nameZh: deadlineClass.nameZh, nameEn: deadlineClass.nameEn, signFor: deadlineClass.signFor,
                firstContact: deadlineClass.firstContact, resolution: .naturalHours(1), extensionAllowed: true)
        }
        try await TestApp.withClient(prepare: { [fast] in try await PolicyRepository(store: $0).save(fast, now: Date()) }) { client, tokens in
            let id = try #require(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft).object["id"] as? String)
            let before = Date()
            let dispatched = try await client.send(.post, "/api/v1/demands/\(id)/actions", as: tokens["dispatcher"],
                                                   json: #"{"action":"dispatch","primaryUnit":"110105-CGW","deadlineClass":"general"}"#)
            let due = ((dispatched.object["orders"] as? [[String: Any]])?.first?["deadlines"] as? [String: [String: Any]])?["resolution"]?["dueAt"] as? String
            let dueAt = try #require(due.flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) })
            #expect(abs(dueAt.timeIntervalSince(before) - 3_600) < 60)
        }
    }

    /// Anonymous intake is limited per client; the hotline is not.
    @Test func anonymousIntakeIsRateLimited() async throws {
        let web = Self.draft.replacingOccurrences(of: #""channel":"phone""#, with: #""channel":"web""#)
        try await TestApp.withClient(settings: ["intake.public.perMinute": 2]) { client, tokens in
            #expect(try await client.send(.post, "/api/v1/demands", json: web).status == .created)
            #expect(try await client.send(.post, "/api/v1/demands", json: web).status == .created)
            let limited = try await client.send(.post, "/api/v1/demands", json: web)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.object["code"] as? String == "request.rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: Self.draft).status == .created)
        }
    }

    @Test func publicChannelsNeedNoToken() async throws {
        try await TestApp.withClient { client, _ in
            let response = try await client.send(.post, "/api/v1/demands",
                                                 json: Self.draft.replacingOccurrences(of: #""channel":"phone""#, with: #""channel":"web""#))
            #expect(response.status == .created)
            #expect(response.object["status"] as? String == "received")
        }
    }
}
