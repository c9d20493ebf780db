import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WhistleCore
import WhistleStore

/// The web console over HTTP as a browser uses it (forms, cookies, redirects): a resident submits and tracks,
/// the dispatcher dispatches, 城管委 signs for, contacts and reports, the callback agent records the callback,
/// the dispatcher closes, and the resident sees the result. Bad input comes back beside its field with what
/// was typed; every page escapes what residents wrote; forms without the session's token are refused.
@Suite struct ConsoleTests {
    static let password = "正确的密码 correct"
    /// Passwords cheap to check; residents' forms limited only loosely (``publicFormsAreRateLimited`` tests the limit).
    static let settings = AuthAPITests.settings.merging(["intake.public.perMinute": 60]) { $1 }
    static let staff = ["dispatcher", "cgw", "callback", "jtw", "supervisor", "wangjing", "datun", "cgw-leader", "agent"]

    static func prepare(_ store: any Store) async throws {
        let sessions = SessionRepository(store: store, rounds: 1_000)
        for person in staff { try await sessions.setPassword(password, for: person, now: Date()) }
    }

    /// The small city and its taxonomy, its staff and two administrators, the city's (`city-admin`) and 朝阳区's
    /// (`admin`), all with passwords.
    static func withAdministrators(_ test: @Sendable @escaping (any TestClientProtocol, [String: String]) async throws -> Void) async throws {
        var people = TestApp.people
        people["city-admin"] = (.administrator, "110000")
        people["admin"] = (.administrator, "110105")
        // Deadline sweeps often, so what follows a change (retiming) is seen at once.
        try await TestApp.withClient(people: people, settings: settings.merging(["deadlines.interval": 0.05]) { $1 }, prepare: { store in
            try await prepare(store)
            for person in ["city-admin", "admin"] { try await SessionRepository(store: store, rounds: 1_000).setPassword(password, for: person, now: Date()) }
            _ = try await TaxonomyRepository(store: store).importCategories(try TaxonomyFile.parse(AccessMatrixTests.taxonomy, file: "t.csv").get(), file: "t.csv", now: Date())
        }, test)
    }

    /// A browser's session: the cookie from signing in and the CSRF token from its pages.
    struct Browser {
        let client: any TestClientProtocol
        var cookie: String?

        func get(_ path: String) async throws -> TestResponse {
            try await client.execute(uri: path, method: .get, headers: cookie.map { [.cookie: $0] } ?? [:], body: nil)
        }

        func post(_ path: String, _ fields: [String: String]) async throws -> TestResponse {
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let cookie { headers[.cookie] = cookie }
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
            return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        }

        static func signIn(_ client: any TestClientProtocol, _ person: String) async throws -> Browser {
            let response = try await Browser(client: client).post("/console/login", ["personId": person, "password": ConsoleTests.password])
            #expect(response.status == .seeOther, "\(person): \(response.text)")
            let cookie = try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            return Browser(client: client, cookie: cookie)
        }

        /// The session's CSRF token, as the pages carry it.
        func csrf() async throws -> String {
            let page = try await get("/console").text
            let marker = "name=\"_csrf\" value=\""
            let start = try #require(page.range(of: marker)).upperBound
            return String(page[start...].prefix { $0 != "\"" })
        }
    }

    @Test func aDemandThroughTheConsole() async throws {
        try await TestApp.withClient(people: TestApp.people, settings: Self.settings, prepare: Self.prepare) { client, _ in
            let resident = Browser(client: client)
            #expect(try await resident.get("/").headers[.location] == "/console")
            // Bad input: the error beside the field, what was typed kept (and escaped).
            let typed = ["type": "complaint", "content": "<b>路灯</b> 不亮 & 很危险", "address": "", "phone": "13812345678", "longitude": "东经"]
            let refused = try await resident.post("/console/submit", typed)
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("id=\"address-error\"") && refused.text.contains("id=\"longitude-error\""))
            #expect(refused.text.contains("&lt;b&gt;路灯&lt;/b&gt; 不亮 &amp; 很危险") && !refused.text.contains("<b>路灯</b>"))
            #expect(refused.text.contains("value=\"13812345678\"") && refused.text.contains("value=\"东经\""))

            var fields = typed
            fields["address"] = "望京西园一区 3 号楼"
            fields["longitude"] = nil
            let submitted = try await resident.post("/console/submit", fields)
            #expect(submitted.status == .created, "\(submitted.text)")
            let number = try #require(submitted.text.firstMatch(of: /id="number">([0-9-]+)</).map { String($0.1) })

            let dispatcher = try await Browser.signIn(client, "dispatcher")
            let queue = try await dispatcher.get("/console/queue")
            #expect(queue.text.contains(number) && queue.text.contains("&lt;b&gt;路灯"))
            let id = try #require(queue.text.firstMatch(of: /id="d-([0-9a-f-]+)"/).map { String($0.1) })
            // Without the session's token nothing happens; with a unit that does not exist, the error shows.
            #expect(try await dispatcher.post("/console/demands/\(id)/dispatch", ["primaryUnit": "110105-CGW", "deadlineClass": "general"]).status == .forbidden)
            let csrf = try await dispatcher.csrf()
            let wrong = try await dispatcher.post("/console/demands/\(id)/dispatch", ["_csrf": csrf, "primaryUnit": "110105-XXX", "deadlineClass": "general"])
            #expect(wrong.status == .badRequest && wrong.text.contains("value=\"110105-XXX\"") && wrong.text.contains("class=\"error\""), "\(wrong.text)")
            let dispatched = try await dispatcher.post("/console/demands/\(id)/dispatch", ["_csrf": csrf, "primaryUnit": "110105-CGW", "deadlineClass": "general"])
            #expect(dispatched.status == .seeOther && dispatched.headers[.location] == "/console/queue")

            // 城管委 works the order from its inbox, with the traffic light on the row; 交通局 does not see it.
            #expect(try await Browser.signIn(client, "jtw").get("/console/inbox").text.contains(number) == false)
            let cgw = try await Browser.signIn(client, "cgw")
            let cgwToken = try await cgw.csrf()
            for step in ["sign_for", "record_contact", "report_result"] {
                let inbox = try await cgw.get("/console/inbox").text
                #expect(inbox.contains(number) && inbox.contains("class=\"light green\""), "\(step)")
                let order = try #require(inbox.firstMatch(of: /name="order" value="([^"]+)"/).map { String($0.1) })
                var form = ["_csrf": cgwToken, "order": order]
                if step == "report_result" {
                    let empty = try await cgw.post("/console/demands/\(id)/\(step)", form)
                    #expect(empty.status == .badRequest && empty.text.contains("class=\"error\""))
                    form["summary"] = "已更换灯泡，恢复照明"
                }
                #expect(try await cgw.post("/console/demands/\(id)/\(step)", form).status == .seeOther, "\(step)")
            }

            let callback = try await Browser.signIn(client, "callback")
            #expect(try await callback.get("/console/callbacks").text.contains("已更换灯泡"))
            #expect(try await callback.post("/console/demands/\(id)/callback",
                                             ["_csrf": try await callback.csrf(), "outcome": "satisfied", "contacted": "1", "solved": "1"]).status == .seeOther)
            #expect(try await dispatcher.post("/console/demands/\(id)/close", ["_csrf": csrf]).status == .seeOther)

            // The resident tracks it by number and phone; a wrong phone reveals nothing.
            let tracked = try await resident.get("/console/track?number=\(number)&phone=138-1234-5678")
            #expect(tracked.text.contains("已更换灯泡，恢复照明") && tracked.text.contains("朝阳区城市管理委员会") && tracked.text.contains("已结案"))
            let wrongPhone = try await resident.get("/console/track?number=\(number)&phone=13900000000")
            #expect(!wrongPhone.text.contains("已更换灯泡") && wrongPhone.text.contains("id=\"number-error\""))

            // Closed, it can be rated (评价) once: without a choice the form says so and keeps the comment;
            // a wrong phone rates nothing.
            #expect(tracked.text.contains("action=\"/console/rate\""))
            let unchosen = try await resident.post("/console/rate", ["number": number, "phone": "138-1234-5678", "comment": "师傅很耐心"])
            #expect(unchosen.status == .badRequest && unchosen.text.contains("id=\"satisfaction-error\"") && unchosen.text.contains("师傅很耐心"))
            #expect(try await resident.post("/console/rate", ["number": number, "phone": "13900000000", "satisfaction": "unsatisfied"]).status == .notFound)
            let rated = try await resident.post("/console/rate", ["number": number, "phone": "138-1234-5678", "satisfaction": "satisfied", "comment": "师傅很耐心"])
            #expect(rated.status == .seeOther)
            let after = try await resident.get(String((rated.headers[.location] ?? "").prefix { $0 != "#" }))
            #expect(after.text.contains("id=\"rated\">满意") && after.text.contains("师傅很耐心") && !after.text.contains("action=\"/console/rate\""))
            #expect(try await resident.post("/console/rate", ["number": number, "phone": "13812345678", "satisfaction": "unsatisfied"]).status == .conflict)

            // The command centre counts the day's demand and draws the fortnight as SVG.
            let command = try await Browser.signIn(client, "supervisor").get("/console/command")
            #expect(command.text.contains("id=\"received-today\">1<") && command.text.contains("<svg class=\"chart\""), "\(command.text)")

            // Roles see their own pages only; signing out ends the session.
            let forbidden = try await cgw.get("/console/queue")
            #expect(forbidden.status == .forbidden && forbidden.headers[.contentType]?.hasPrefix("text/html") == true && forbidden.text.contains("role=\"alert\""))
            #expect(try await resident.get("/console/inbox").headers[.location] == "/console/login")
            #expect(try await cgw.post("/console/logout", ["_csrf": cgwToken]).status == .seeOther)
            #expect(try await cgw.get("/console/inbox").headers[.location] == "/console/login")
            // English on request, kept in a cookie.
            let english = try await resident.get("/console/submit?lang=en")
            #expect(english.text.contains("Raise a demand") && english.headers[.setCookie]?.hasPrefix("whistle_lang=en") == true)
        }
    }

    /// The command centre's traffic lights follow the clock: an order dispatched on Monday is counted yellow on
    /// the Wednesday of the next week (its deadline that evening) and listed with its deadline, then red. Each
    /// person sees their own scope: 朝阳区's supervisor and the centre count it, 城管委's leader too (its order,
    /// also counted as dispatched to it that day), 交通局's leader does not.
    @Test func commandCentreCountsYellowAndRedLights() async throws {
        let clock = WhistlesAPITests.TestClock()
        let settings = Self.settings.merging(["deadlines.interval": 0.05]) { $1 }
        var people = TestApp.people
        people["jtw-leader"] = (.unitLeader, "110105-JTW")
        try await TestApp.withClient(people: people, settings: settings, clock: { clock() }, prepare: { store in
            try await Self.prepare(store)
            try await SessionRepository(store: store, rounds: 1_000).setPassword(Self.password, for: "jtw-leader", now: Date())
        }) { client, _ in
            let submitted = try await Browser(client: client).post(
                "/console/submit", ["type": "complaint", "content": "望京西园一区门口井盖缺失", "address": "望京西园一区", "phone": "13812345678"])
            let number = try #require(submitted.text.firstMatch(of: /id="number">([0-9-]+)</).map { String($0.1) })
            let dispatcher = try await Browser.signIn(client, "dispatcher")
            let id = try #require(try await dispatcher.get("/console/queue").text.firstMatch(of: /id="d-([0-9a-f-]+)"/).map { String($0.1) })
            #expect(try await dispatcher.post("/console/demands/\(id)/dispatch",
                                              ["_csrf": try await dispatcher.csrf(), "primaryUnit": "110105-CGW", "deadlineClass": "general"]).status == .seeOther)
            func figures(_ person: String = "supervisor") async throws -> (yellow: String?, red: String?, page: String) {
                // Signed in afresh each time: days pass, and sessions expire.
                let page = try await Browser.signIn(client, person).get("/console/command").text
                return (page.firstMatch(of: /id="yellow-now">([0-9]+)</).map { String($0.1) },
                        page.firstMatch(of: /id="overdue-now">([0-9]+)</).map { String($0.1) }, page)
            }
            #expect(try await figures().yellow == "0")
            // A unit's leader counts the orders dispatched to it as primary.
            let cgwToday = try await figures("cgw-leader").page
            #expect(cgwToday.contains("id=\"received-today\">1</b>今日派单（主办）"))
            #expect(try await figures("jtw-leader").page.contains("id=\"received-today\">0</b>今日派单（主办）"))
            clock.set(9 * 24 + 9, 0)  // Wed 03-11 09:00; 7 working days: due 17:30 today
            let yellow = try await figures()
            #expect(yellow.yellow == "1" && yellow.red == "0")
            let dueSoon = try #require(yellow.page.firstMatch(of: /id="due-soon">(.*?)<\/section>/).map { String($0.1) })
            #expect(dueSoon.contains(number) && dueSoon.contains("2026-03-11 17:30"), "\(dueSoon)")
            #expect(yellow.page.contains("id=\"scope\">范围：朝阳区<"))
            #expect(try await figures("dispatcher").yellow == "1")
            #expect(try await figures("cgw-leader").yellow == "1")
            let elsewhere = try await figures("jtw-leader")
            #expect(elsewhere.yellow == "0" && elsewhere.page.contains("范围：朝阳区交通局"))
            clock.set(9 * 24 + 18, 0)
            // Red by the clock at once; the deadline service marks it overdue within its interval.
            var red = try await figures()
            for _ in 0..<100 where red.red != "1" {
                try await Task.sleep(for: .milliseconds(50))
                red = try await figures()
            }
            #expect(red.yellow == "0" && red.red == "1")
        }
    }

    /// 城管委 notes progress and asks for more time, which the centre grants; then asks to return the order with
    /// its leader's approval, which the centre grants as its own dispatch error and re-dispatches to 交通委.
    @Test func requestsAndRulingsThroughTheConsole() async throws {
        try await TestApp.withClient(people: TestApp.people, settings: Self.settings, prepare: Self.prepare) { client, _ in
            let submitted = try await Browser(client: client).post(
                "/console/submit", ["type": "complaint", "content": "望京西园一区门口井盖缺失", "address": "望京西园一区", "phone": "13812345678"])
            let number = try #require(submitted.text.firstMatch(of: /id="number">([0-9-]+)</).map { String($0.1) })
            let dispatcher = try await Browser.signIn(client, "dispatcher")
            let csrf = try await dispatcher.csrf()
            let id = try #require(try await dispatcher.get("/console/queue").text.firstMatch(of: /id="d-([0-9a-f-]+)"/).map { String($0.1) })
            #expect(try await dispatcher.post("/console/demands/\(id)/dispatch", ["_csrf": csrf, "primaryUnit": "110105-CGW", "deadlineClass": "general"]).status == .seeOther)

            let cgw = try await Browser.signIn(client, "cgw")
            let token = try await cgw.csrf()
            let order = try #require(try await cgw.get("/console/inbox").text.firstMatch(of: /name="order" value="([^"]+)"/).map { String($0.1) })
            #expect(try await cgw.post("/console/demands/\(id)/sign_for", ["_csrf": token, "order": order]).status == .seeOther)
            #expect(try await cgw.post("/console/demands/\(id)/add_progress", ["_csrf": token, "order": order, "progressNote": "已联系燃气公司核实权属"]).status == .seeOther)
            // A bad amount: the error beside the field, the reason kept, the "more" section open.
            let bad = try await cgw.post("/console/demands/\(id)/request_extension", ["_csrf": token, "order": order, "extraAmount": "三天", "extensionReason": "需协调权属单位"])
            #expect(bad.status == .badRequest && bad.text.contains("id=\"\(order)-extraAmount-error\"") && bad.text.contains("需协调权属单位")
                    && bad.text.contains("<details class=\"more\" open>"), "\(bad.text)")
            #expect(try await cgw.post("/console/demands/\(id)/request_extension",
                                       ["_csrf": token, "order": order, "extraAmount": "3", "extraKind": "working_days", "extensionReason": "需协调权属单位"]).status == .seeOther)

            let queue = try await dispatcher.get("/console/queue").text
            #expect(queue.contains("id=\"r-\(order)\"") && queue.contains("需协调权属单位") && queue.contains("3个工作日"), "\(queue)")
            #expect(try await dispatcher.post("/console/demands/\(id)/rule_on_extension", ["_csrf": csrf, "order": order, "approve": "1"]).status == .seeOther)
            #expect(try await dispatcher.get("/console/queue").text.contains("id=\"r-\(order)\"") == false)

            // A return needs evidence and the leader's approval; a handler is no leader.
            let noEvidence = try await cgw.post("/console/demands/\(id)/request_return",
                                                ["_csrf": token, "order": order, "returnReason": "wrong_function", "leader": "cgw-leader"])
            #expect(noEvidence.status == .badRequest && noEvidence.text.contains("id=\"\(order)-evidence-error\""), "\(noEvidence.text)")
            let notLeader = try await cgw.post("/console/demands/\(id)/request_return",
                                               ["_csrf": token, "order": order, "returnReason": "wrong_function", "evidence": "现场照片 P1", "leader": "cgw"])
            #expect(notLeader.status == .badRequest && notLeader.text.contains("id=\"\(order)-leader-error\""), "\(notLeader.text)")
            #expect(try await cgw.post("/console/demands/\(id)/request_return",
                                       ["_csrf": token, "order": order, "returnReason": "wrong_function", "evidence": "现场照片 P1", "leader": "cgw-leader"]).status == .seeOther)
            #expect(try await dispatcher.post("/console/demands/\(id)/rule_on_return", ["_csrf": csrf, "order": order, "approve": "1", "dispatchErred": "1"]).status == .seeOther)
            let returned = try await dispatcher.get("/console/queue").text
            #expect(returned.contains("/console/demands/\(id)/re_dispatch") && returned.contains(number))
            #expect(try await dispatcher.post("/console/demands/\(id)/re_dispatch", ["_csrf": csrf, "order": order, "unit": "110105-JTW", "deadlineClass": "general"]).status == .seeOther)
            #expect(try await Browser.signIn(client, "jtw").get("/console/inbox").text.contains(number))
        }
    }

    /// 望京 whistles for 城管委 from its board; 城管委 acknowledges and signs in on site, and the board's live
    /// part shows it; 望京 logs, closes and scores. 大屯 does not see the whistle; 交通委 was not summoned.
    @Test func aWhistleThroughTheConsole() async throws {
        try await TestApp.withClient(people: TestApp.people, settings: Self.settings, prepare: Self.prepare) { client, _ in
            let street = try await Browser.signIn(client, "wangjing")
            let token = try await street.csrf()
            let page = try await street.get("/console/whistles").text
            #expect(page.contains("name=\"summon.110105-CGW\"") && !page.contains("name=\"summon.110105026\""), "\(page)")
            // Bad input: the errors beside their fields, what was typed kept.
            var fields = ["_csrf": token, "type": "joint_enforcement", "subject": "望京西园一区<违建>", "address": "望京西园一区 3 号楼",
                          "longitude": "东经", "latitude": "39.99", "keyWork": "违建拆除", "ask": "到场执法"]
            let refused = try await street.post("/console/whistles", fields)
            #expect(refused.status == .badRequest && refused.text.contains("id=\"longitude-error\"") && refused.text.contains("id=\"summons-error\""))
            #expect(refused.text.contains("value=\"望京西园一区&lt;违建&gt;\"") && refused.text.contains("value=\"东经\""))
            fields["longitude"] = "116.47"
            fields["summon.110105-CGW"] = "1"
            let raised = try await street.post("/console/whistles", fields)
            #expect(raised.status == .seeOther, "\(raised.text)")
            let path = try #require(raised.headers[.location])
            let board = try await street.get(path).text
            #expect(board.contains("data-stream=\"/api/v1/whistle-stream?whistle=") && board.contains("0/1"), "\(board)")

            #expect(try await Browser.signIn(client, "datun").get(path).status == .notFound)
            let cgw = try await Browser.signIn(client, "cgw")
            let cgwToken = try await cgw.csrf()
            #expect(try await cgw.get("/console/whistles").text.contains(path))
            #expect(try await cgw.post(path + "/acknowledge", ["_csrf": cgwToken]).status == .seeOther)
            let far = try await cgw.post(path + "/sign_in", ["_csrf": cgwToken, "count": "4", "longitude": "116.60", "latitude": "39.99"])
            #expect(far.status == .badRequest && far.text.contains("id=\"longitude-error\"") && far.text.contains("value=\"116.60\""), "\(far.text)")
            #expect(try await cgw.post(path + "/sign_in", ["_csrf": cgwToken, "count": "4", "people": "张队,李队", "longitude": "116.4701", "latitude": "39.99"]).status == .seeOther)
            let part = try await street.get(path + "/board").text
            #expect(part.contains("1/1") && part.contains("summons-signed_in") && part.contains("4 人") && !part.contains("<html"), "\(part)")

            #expect(try await cgw.post(path + "/log", ["_csrf": cgwToken, "note": "已拆除违建一处"]).status == .seeOther)
            #expect(try await street.post(path + "/close", ["_csrf": token, "result": ""]).status == .badRequest)
            #expect(try await street.post(path + "/close", ["_csrf": token, "result": "违建已拆除"]).status == .seeOther)
            let score = ["_csrf": token, "unit": "110105-CGW", "timeliness-110105-CGW": "10", "effort-110105-CGW": "9", "result-110105-CGW": "9"]
            #expect(try await street.post(path + "/score", score).status == .seeOther)
            let closed = try await street.get(path).text
            #expect(closed.contains("已拆除违建一处") && closed.contains("违建已拆除") && closed.contains("28 (93%)") && !closed.contains("/score\""), "\(closed)")
            #expect(try await Browser.signIn(client, "callback").get("/console/whistles").status == .forbidden)
        }
    }

    /// Bulletins on screen with their downloads; the administration's sections; an administrator of the
    /// district adds a person with a role and ends it, a bad phone refused beside its field.
    @Test func bulletinsAndAdministration() async throws {
        var people = TestApp.people
        people["admin"] = (.administrator, "110105")
        try await TestApp.withClient(people: people, settings: Self.settings, prepare: { store in
            try await Self.prepare(store)
            try await SessionRepository(store: store, rounds: 1_000).setPassword(Self.password, for: "admin", now: Date())
        }) { client, _ in
            let supervisor = try await Browser.signIn(client, "supervisor")
            let daily = try await supervisor.get("/console/reports")
            #expect(daily.status == .ok && daily.text.contains("format=xlsx") && daily.text.contains("<table class=\"list\">"), "\(daily.text)")
            let weekly = try await supervisor.get("/console/reports?kind=weekly")
            #expect(weekly.status == .ok && weekly.text.firstMatch(of: /value="20[0-9]{2}-W[0-9]{2}"/) != nil)
            let bad = try await supervisor.get("/console/reports?kind=monthly&period=2026-13")
            #expect(bad.status == .badRequest && bad.text.contains("id=\"period-error\"") && bad.text.contains("value=\"2026-13\""))
            #expect(try await Browser.signIn(client, "cgw").get("/console/reports").status == .forbidden)

            for section in ["units", "taxonomy", "duties", "calendars", "deadlines", "whistle", "schemes"] {
                let page = try await supervisor.get("/console/admin?section=\(section)")
                #expect(page.status == .ok && page.text.contains("aria-current=\"page\">"), "\(section)")
            }
            #expect(try await supervisor.get("/console/admin?section=units&q=110105026").text.contains("望京"))
            // A supervisor sees the people; only an administrator changes them.
            #expect(!(try await supervisor.get("/console/admin?section=people&unit=110105-CGW").text.contains("action=\"/console/admin/people\" class=\"card\"")))
            let admin = try await Browser.signIn(client, "admin")
            let token = try await admin.csrf()
            let fields = ["_csrf": token, "action": "grant", "unitCode": "110105-CGW", "personId": "newbie", "name": "新 同事", "phone": "12", "role": "department_handler"]
            let refused = try await admin.post("/console/admin/people", fields)
            #expect(refused.status == .badRequest && refused.text.contains("id=\"phone-error\"") && refused.text.contains("value=\"新 同事\""), "\(refused.text)")
            var good = fields
            good["phone"] = "13912345678"
            #expect(try await admin.post("/console/admin/people", good).status == .seeOther)
            let staff = try await admin.get("/console/admin?section=people&unit=110105-CGW").text
            #expect(staff.contains("newbie") && staff.contains("新 同事"), "\(staff)")
            #expect(try await admin.post("/console/admin/people", ["_csrf": token, "action": "end", "unitCode": "110105-CGW", "personId": "newbie", "role": "department_handler"]).status == .seeOther)
            #expect(!(try await admin.get("/console/admin?section=people&unit=110105-CGW").text.contains("newbie")))
            let outside = try await admin.post("/console/admin/people", ["_csrf": token, "action": "grant", "unitCode": "110108-CGW", "personId": "x", "name": "x", "role": "department_handler"])
            #expect(outside.status == .badRequest && outside.text.contains("role=\"alert\""))
        }
    }

    /// The city's administrator adds a category (a bad code refused beside its field, what was typed kept) and
    /// retires it; the district's administrator adds a duty rule for 望京 and ends it, and cannot touch the taxonomy.
    @Test func taxonomyAndDutyRulesEditedInTheConsole() async throws {
        try await Self.withAdministrators { client, tokens in
            let city = try await Browser.signIn(client, "city-admin")
            let token = try await city.csrf()
            let bad = try await city.post("/console/admin/taxonomy", ["_csrf": token, "action": "add", "code": "CX.ZZ.GG", "name": "广告牌松动"])
            #expect(bad.status == .badRequest && bad.text.contains("id=\"code-error\"") && bad.text.contains("value=\"广告牌松动\""), "\(bad.text)")
            #expect(try await city.post("/console/admin/taxonomy", ["_csrf": token, "action": "add", "code": "CX.SZ.GG", "name": "广告牌松动", "deadlineClass": "urgent"]).status == .seeOther)
            let listed = try await client.send(.get, "/api/v1/categories", as: tokens["agent"])
            #expect(listed.text.contains("CX.SZ.GG") && listed.text.contains("广告牌松动"))
            #expect(try await city.post("/console/admin/taxonomy", ["_csrf": token, "action": "retire", "code": "CX.SZ.GG"]).status == .seeOther)
            #expect(!(try await client.send(.get, "/api/v1/categories", as: tokens["agent"]).text.contains("CX.SZ.GG")))

            let district = try await Browser.signIn(client, "admin")
            let districtToken = try await district.csrf()
            #expect(!(try await district.get("/console/admin?section=taxonomy").text.contains("action=\"/console/admin/taxonomy\"")))
            #expect(try await district.post("/console/admin/taxonomy", ["_csrf": districtToken, "action": "retire", "code": "CX"]).status == .forbidden)
            let rule = ["_csrf": districtToken, "action": "add", "categoryCode": "CX.SZ.LD", "areaCode": "110105026", "primary": "110105-CGW",
                        "coHandlers": "110105-JTW", "effectiveFrom": "2026-01-01", "note": "望京路灯由城管委主办"]
            var wrong = rule
            wrong["primary"] = "城管委"
            let refused = try await district.post("/console/admin/duties", wrong)
            #expect(refused.status == .badRequest && refused.text.contains("id=\"primary-error\"") && refused.text.contains("望京路灯由城管委主办"), "\(refused.text)")
            var outside = rule
            outside["areaCode"] = "110108"
            #expect(try await district.post("/console/admin/duties", outside).text.contains("id=\"areaCode-error\""))
            #expect(try await district.post("/console/admin/duties", rule).status == .seeOther)
            let page = try await district.get("/console/admin?section=duties").text
            let id = try #require(page.firstMatch(of: /name="id" value="(R[0-9a-f]{8})"/).map { String($0.1) })
            #expect(page.contains("望京路灯由城管委主办"))
            let ended = try await district.post("/console/admin/duties", ["_csrf": districtToken, "action": "end", "id": id, "effectiveUntil": "2026-12-31"])
            #expect(ended.status == .seeOther, "\(ended.text)")
            #expect(try await district.get("/console/admin?section=duties").text.contains("2026-01-01 – 2026-12-31"))
        }
    }

    /// The public pages are limited per client like the API's anonymous intake, and say so as a page.
    @Test func publicFormsAreRateLimited() async throws {
        try await TestApp.withClient(settings: AuthAPITests.settings) { client, _ in
            let resident = Browser(client: client)
            let form = ["type": "complaint", "content": "楼道灯坏了", "address": "望京西园一区", "phone": "13812345678"]
            let first = try await resident.post("/console/submit", form)
            #expect(first.status == .created, "\(first.status) \(first.text)")
            let limited = try await resident.post("/console/submit", form)
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
            #expect(limited.headers[.contentType]?.hasPrefix("text/html") == true && limited.text.contains("request.rate_limited"))
            #expect(try await resident.post("/console/rate", ["number": "x", "phone": "1", "satisfaction": "satisfied"]).status == .tooManyRequests)
            #expect(try await resident.get("/console/track?number=x&phone=13812345678").status == .tooManyRequests)
            #expect(try await resident.get("/console/track").status == .ok)  // the empty form is not a lookup
        }
    }

    /// 朝阳区's administrator adds a community to 望京 (a bad code refused beside its field, the name kept) and
    /// changes another's population; a unit outside the district is refused.
    @Test func unitsKeptInTheConsole() async throws {
        try await Self.withAdministrators { client, tokens in
            let admin = try await Browser.signIn(client, "admin")
            let token = try await admin.csrf()
            let edit = try await admin.get("/console/admin?section=units&q=110105026&edit=110105026001").text
            #expect(edit.contains("value=\"望京西园一区社区\"") && edit.contains("value=\"5000\""))
            var unit = ["_csrf": token, "code": "11010502600X", "name": "望京新社区", "kind": "community", "parentCode": "110105026", "population": "3000"]
            let bad = try await admin.post("/console/admin/units", unit)
            #expect(bad.status == .badRequest && bad.text.contains("id=\"code-error\"") && bad.text.contains("value=\"望京新社区\""), "\(bad.text)")
            unit["code"] = "110105026002"
            #expect(try await admin.post("/console/admin/units", unit).status == .seeOther)
            let added = try await client.send(.get, "/api/v1/units/110105026002", as: tokens["supervisor"])
            #expect(added.status == .ok && added.object["name"] as? String == "望京新社区", "\(added.text)")
            let more = ["_csrf": token, "code": "110105026001", "name": "望京西园一区社区", "kind": "community", "parentCode": "110105026", "population": "6200"]
            #expect(try await admin.post("/console/admin/units", more).status == .seeOther)
            #expect(try await admin.get("/console/admin?section=units&q=110105026001").text.contains("6200"))
            let outside = try await admin.post("/console/admin/units", ["_csrf": token, "code": "110108001", "name": "万寿路街道", "kind": "street", "parentCode": "110108"])
            #expect(outside.status == .forbidden && outside.text.contains("id=\"code-error\""))
        }
    }

    /// The city's administrator adds a version of the loop's rules from tomorrow (one dated today is refused:
    /// rules do not apply backwards) and imports a year's holidays; both apply at once, and the open demands are
    /// retimed after the import. A district's administrator gets no such forms.
    @Test func ruleVersionsAndHolidaysSavedInTheConsole() async throws {
        try await Self.withAdministrators { client, tokens in
            let city = try await Browser.signIn(client, "city-admin")
            let token = try await city.csrf()
            let page = try await city.get("/console/admin?section=deadlines").text
            let template = try #require(page.firstMatch(of: /<textarea id="document"[^>]*>([^<]+)<\/textarea>/).map { String($0.1) })
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            let tomorrow = CalendarDay(beijing: Date()).adding(days: 1).description
            #expect(template.contains("\"effectiveFrom\" : \"\(tomorrow)\""), "\(template)")
            let today = template.replacingOccurrences(of: tomorrow, with: CalendarDay(beijing: Date()).description)
            let backwards = try await city.post("/console/admin/rules", ["_csrf": token, "kind": "loop", "document": today])
            #expect(backwards.status == .badRequest && backwards.text.contains("id=\"document-error\"") && backwards.text.contains("规则不追溯"))
            let broken = try await city.post("/console/admin/rules", ["_csrf": token, "kind": "loop", "document": "{\"effectiveFrom\": 1"])
            #expect(broken.status == .badRequest && broken.text.contains("id=\"document-error\""))
            let stricter = template.replacingOccurrences(of: "\"yellowThreshold\" : 0.75", with: "\"yellowThreshold\" : 0.6")
            #expect(stricter != template)
            #expect(try await city.post("/console/admin/rules", ["_csrf": token, "kind": "loop", "document": stricter]).status == .seeOther)
            let policies = try await client.send(.get, "/api/v1/policies", as: tokens["supervisor"])
            #expect(policies.text.contains(tomorrow) && policies.text.contains("0.6"), "\(policies.text)")

            // The whistle's rules likewise: a wider sign-in radius from tomorrow.
            let whistlePage = try await city.get("/console/admin?section=whistle").text
            let whistleRules = try #require(whistlePage.firstMatch(of: /<textarea id="document"[^>]*>([^<]+)<\/textarea>/).map { String($0.1) })
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            let wider = try #require(whistleRules.firstMatch(of: /"signInRadiusMetres" : [0-9.]+/)).output
            #expect(try await city.post("/console/admin/rules", ["_csrf": token, "kind": "whistle",
                                                                 "document": whistleRules.replacingOccurrences(of: wider, with: "\"signInRadiusMetres\" : 777")]).status == .seeOther)
            #expect(try await city.get("/console/admin?section=whistle").text.contains("777 米"))

            let year = """
                {"year": 2027, "source": "测试用安排", "holidays": [{"nameZh": "元旦", "nameEn": "New Year's Day", "firstDay": "2027-01-01", "lastDay": "2027-01-03"}], "makeUpWorkdays": []}
                """
            #expect(try await city.post("/console/admin/calendars", ["_csrf": token, "schedule": "BEGIN:VCALENDAR"]).text.contains("id=\"year-error\""))
            #expect(try await city.post("/console/admin/calendars", ["_csrf": token, "schedule": year]).status == .seeOther)
            #expect(try await city.get("/console/admin?section=calendars").text.contains("测试用安排"))
            // The deadline service retimes the open demands (none here) and the page says when it finished.
            var calendars = ""
            for _ in 0..<200 where !calendars.contains("id=\"retimings\"") {
                try await Task.sleep(for: .milliseconds(50))
                calendars = try await city.get("/console/admin?section=calendars").text
            }
            #expect(calendars.contains("<td>2027 年节假日安排导入</td><td>0</td>"), "\(calendars)")
            #expect(try await client.send(.get, "/api/v1/calendars", as: tokens["supervisor"]).text.contains("测试用安排"))

            let district = try await Browser.signIn(client, "admin")
            #expect(!(try await district.get("/console/admin?section=deadlines").text.contains("action=\"/console/admin/rules\"")))
            #expect(try await district.post("/console/admin/rules", ["_csrf": try await district.csrf(), "kind": "loop", "document": stricter]).status == .forbidden)
        }
    }

    /// The hotline agent answers a consultation directly; the next caller asking the same finds that answer in
    /// the knowledge base, and a second report of a problem already open nearby is flagged as a duplicate.
    @Test func theHotlineAgentsSuggestions() async throws {
        try await TestApp.withClient(people: TestApp.people, settings: Self.settings, prepare: { store in
            try await Self.prepare(store)
            _ = try await TaxonomyRepository(store: store).importCategories(try TaxonomyFile.parse(AccessMatrixTests.taxonomy, file: "t.csv").get(), file: "t.csv", now: Date())
        }) { client, _ in
            let agent = try await Browser.signIn(client, "agent")
            let token = try await agent.csrf()
            let form = try await agent.get("/console/submit").text
            #expect(form.contains("name=\"directAnswer\"") && form.contains("name=\"preview\""))
            #expect(!(try await Browser(client: client).get("/console/submit").text.contains("name=\"directAnswer\"")))
            let category = try #require(form.firstMatch(of: /<select id="categoryCode"[^>]*><option value="">[^<]*<\/option><option value="([^"]+)"/).map { String($0.1) })
            let answered = try await agent.post("/console/submit", [
                "_csrf": token, "type": "consultation", "categoryCode": category, "content": "请问小区供暖什么时候开始", "address": "望京西园一区",
                "phone": "13812345678", "directAnswer": "本市供暖季自 11 月 15 日开始，至次年 3 月 15 日结束"])
            #expect(answered.status == .created, "\(answered.text)")
            let complaint = ["_csrf": token, "type": "complaint", "categoryCode": category, "content": "望京西园一区 3 号楼门口路灯不亮", "address": "望京西园一区",
                             "longitude": "116.4702", "latitude": "39.9968", "phone": "13812345679"]
            #expect(try await agent.post("/console/submit", complaint).status == .created)

            var asking = complaint
            asking["type"] = "consultation"
            asking["content"] = "请问小区供暖什么时候开始？"
            asking["preview"] = "1"
            let hints = try await agent.post("/console/submit", asking)
            #expect(hints.status == .ok && hints.text.contains("id=\"answers\"") && hints.text.contains("11 月 15 日开始"), "\(hints.text)")
            #expect(hints.text.contains("请问小区供暖什么时候开始？"))  // what was typed is kept
            var again = complaint
            again["content"] = "望京西园一区 3 号楼门口的路灯不亮了"
            again["preview"] = "1"
            let duplicate = try await agent.post("/console/submit", again)
            #expect(duplicate.text.contains("id=\"duplicates\""), "\(duplicate.text)")
        }
    }

    /// The command centre's map: 永安里's two grids drawn from their polygons, the one with more demands (located
    /// by coordinates, plus its half of those placed only in the community) in a darker class, and the
    /// community outlined over them.
    @Test func theCommandCentresMapOfGrids() async throws {
        try await TestApp.withClient(seed: DispatchAPITests.city, people: DispatchAPITests.people, settings: Self.settings, prepare: { store in
            try await DispatchAPITests.prepareWithoutModels(store)
            try await SessionRepository(store: store, rounds: 1_000).setPassword(Self.password, for: "chaoyang", now: Date())
            let community = DispatchAPITests.ring([(DispatchAPITests.west, DispatchAPITests.south), (DispatchAPITests.east, DispatchAPITests.south),
                                                   (DispatchAPITests.east, DispatchAPITests.north), (DispatchAPITests.west, DispatchAPITests.north)])
            _ = try await UnitRepository(store: store).setBoundaries([("110105001001", try Boundary(polygons: [[community]]))], file: "communities.geojson", now: Date())
        }) { client, tokens in
            for (longitude, latitude) in [(116.442, 39.902), (116.443, 39.903), (116.450, 39.910)] {  // two in grid 1, one in grid 2 (the hole)
                let filed = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: """
                    {"type":"complaint","channel":"phone","content":"路灯不亮","location":{"address":"永安里","longitude":\(longitude),"latitude":\(latitude)}}
                    """)
                #expect(filed.status == .created)
            }
            let placed = try await client.send(.post, "/api/v1/demands", as: tokens["agent"], json: """
                {"type":"complaint","channel":"phone","content":"噪音扰民","location":{"address":"永安里","areaCode":"110105001001"}}
                """)
            #expect(placed.status == .created)

            let page = try await Browser.signIn(client, "chaoyang").get("/console/command").text
            #expect(page.contains("<svg class=\"map\""), "\(page)")
            func level(_ grid: String) -> Int? {
                page.firstMatch(of: try! Regex("<path class=\"d([0-9])\" d=\"M[^\"]+\" data-unit=\"\(grid)\"")).flatMap { Int($0.output[1].substring ?? "") }
            }
            let (first, second) = (try #require(level("110105001001001")), try #require(level("110105001001002")))
            #expect(first > second && second > 0)  // 2.5 and 1.5 demands, per 10,000 of 1,500 residents each
            #expect(page.contains("永安里社区第1网格：16.7 件/万人"))
            #expect(page.contains("<td>永安里社区</td><td>4</td><td>13.3</td>"))
            #expect(page.contains("<path class=\"outline\"") && page.contains("data-unit=\"110105001001\""))  // the community over its grids
        }
    }

    @Test func aWrongPasswordIsRefusedOnThePage() async throws {
        try await TestApp.withClient(people: TestApp.people, settings: Self.settings, prepare: Self.prepare) { client, _ in
            let refused = try await Browser(client: client).post("/console/login", ["personId": "cgw", "password": "wrong password"])
            #expect(refused.status == .unauthorized && refused.text.contains("role=\"alert\"") && refused.text.contains("value=\"cgw\""))
            #expect(!refused.text.contains("wrong password") && refused.headers[.setCookie] == nil)
        }
    }
}
