import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import WhistleCore

/// The whistle over HTTP: the Longxiang case from the Wuhua seed, refusals that change nothing, the figures
/// and the live stream over a real connection.
@Suite struct WhistlesAPITests {
    /// 望京街道 with its community, the district departments a street whistles, the teams stationed at it, a
    /// city enterprise, and a neighbouring street's police station (out of scope).
    static let city = """
        code,name,kind,parent_code,population,calendar
        110000,北京市,city,,21893095,
        110105,朝阳区,district,110000,3452460
        110105026,望京街道,street,110105,
        110105027,大屯街道,street,110105,
        110105026001,望京西园一区社区,community,110105026,5000
        110105-GAFJ,北京市公安局朝阳分局,department,110105,
        110105-CGZFJ,朝阳区城市管理综合行政执法局,department,110105,
        110105-XFZD,北京市朝阳区消防救援支队,department,110105,
        110105-JGZD,北京市公安局公安交通管理局朝阳交通支队,department,110105,
        110105-SCJGJ,朝阳区市场监督管理局,department,110105,
        110105-HWZX,朝阳区环境卫生服务中心,department,110105,
        110105-SFJ,朝阳区司法局,department,110105,
        110105026-PCS,望京派出所,stationed_team,110105-GAFJ,
        110105026-SCJGS,望京市场监管所,stationed_team,110105-SCJGJ,
        110105026-ZFD,望京街道综合行政执法队,stationed_team,110105-CGZFJ,
        110105027-PCS,大屯派出所,stationed_team,110105-GAFJ,
        110000-RQ,北京市燃气集团有限责任公司,enterprise,110000,,24x7
        """

    /// The ten units of the Longxiang case (公安, 城管, 消防, 交警, 市场监管, 环卫, 司法 … and the street's teams).
    static let summoned = [
        "110105026-PCS", "110105-CGZFJ", "110105026-ZFD", "110105-XFZD", "110105-JGZD", "110105-SCJGJ", "110105026-SCJGS",
        "110105-HWZX", "110105-SFJ", "110000-RQ",
    ]
    static let traffic = "110105-JGZD"
    static let gas = "110000-RQ"

    static let people: [String: (Role, String)] = {
        var people: [String: (Role, String)] = [
            "wangjing": (.streetCoordinator, "110105026"), "datun": (.streetCoordinator, "110105027"),
            "supervisor": (.supervisor, "110105"), "police": (.departmentHandler, "110105-GAFJ"),
            "xiyuan": (.communityStaff, "110105026001"),
        ]
        for unit in summoned { people[unit] = (.departmentHandler, unit) }
        return people
    }()

    /// Under the overpass, and about 110 m and 1.1 km north of it.
    static let place = (longitude: 116.4550, latitude: 39.9350)
    static let nearby = (longitude: 116.4550, latitude: 39.9360)
    static let farAway = (longitude: 116.4550, latitude: 39.9450)

    static func draft(summons units: [String] = summoned) -> String {
        let summons = units.map { #"{"unitCode":"\#($0)","ask":"到场配合清理桥下市场"}"# }.joined(separator: ",")
        return """
            {"type":"joint_enforcement","whistlingUnit":"110105026","subject":"立交桥下违规市场占道经营",
             "place":{"address":"望京立交桥下","longitude":\(place.longitude),"latitude":\(place.latitude)},
             "problem":{"keyWork":"清理立交桥下违规市场"},"summons":[\(summons)]}
            """
    }

    static func signIn(_ point: (longitude: Double, latitude: Double) = nearby) -> String {
        #"{"action":"sign_in","people":["带队民警"],"count":4,"longitude":\#(point.longitude),"latitude":\#(point.latitude)}"#
    }

    /// A clock the test moves: Beijing 2026-03-02 09:00 plus what it advanced.
    final class TestClock: Sendable {
        private let now = Mutex(Date(timeIntervalSince1970: 1_772_409_600 + 9 * 3_600 - 8 * 3_600))
        func callAsFunction() -> Date { now.withLock { $0 } }
        func set(_ hour: Int, _ minute: Int) {
            now.withLock { $0 = Date(timeIntervalSince1970: 1_772_409_600 + Double(hour * 3_600 + minute * 60) - 8 * 3_600) }
        }
    }

    static func withClient(
        mode: TestingSetup = .router, clock: TestClock = TestClock(),
        _ test: @Sendable @escaping (any TestClientProtocol, [String: String]) async throws -> Void
    ) async throws {
        try await TestApp.withClient(
            seed: city, people: people, settings: ["deadlines.interval": 0.05, "stream.interval": 0.05], mode: mode, clock: { clock() }, test)
    }

    @Test func longxiangOverHTTP() async throws {
        let clock = TestClock()
        try await Self.withClient(clock: clock) { client, tokens in
            let raised = try await client.send(.post, "/api/v1/whistles", as: tokens["wangjing"], json: Self.draft())
            #expect(raised.status == .created, "\(raised.text)")
            let id = try #require(raised.object["id"] as? String)
            #expect(raised.object["number"] as? String == "S20260302-0001")
            #expect(raised.object["levelName"] as? String == "三级哨")
            #expect(raised.object["reportInDue"] as? String == "2026-03-02T01:30:00.000Z")  // 09:30 Beijing: 30 minutes

            // Eight units sign in between 09:10 and 09:17; 燃气 acknowledges and never comes; 交警 is late.
            for (minute, unit) in Self.summoned.filter({ $0 != Self.traffic && $0 != Self.gas }).enumerated() {
                clock.set(9, 10 + minute)
                let response = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens[unit], json: Self.signIn())
                #expect(response.status == .ok, "\(unit): \(response.text)")
            }
            let ack = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens[Self.gas], json: #"{"action":"acknowledge"}"#)
            #expect(ack.status == .ok)

            // 09:30: the deadline service marks the two units still out absent and escalates to the district.
            clock.set(9, 31)
            var statuses: [String: String] = [:]
            for _ in 0..<100 {
                let whistle = try await client.send(.get, "/api/v1/whistles/\(id)", as: tokens["wangjing"])
                statuses = Self.statuses(whistle)
                if statuses[Self.gas] == "absent", statuses[Self.traffic] == "absent" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(statuses[Self.gas] == "absent" && statuses[Self.traffic] == "absent")
            clock.set(9, 45)
            let late = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens[Self.traffic], json: Self.signIn())
            #expect(late.status == .ok)
            #expect(Self.statuses(late)[Self.traffic] == "signed_in")

            // The joint-handling log, then 事不完、人不撤: the street closes and scores each unit once.
            clock.set(12, 0)
            let log = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["110105-CGZFJ"],
                                            json: #"{"action":"add_log","note":"86 个临时摊点清理完毕","attachments":["photo://1.jpg"]}"#)
            #expect(log.status == .ok)
            clock.set(15, 0)
            let closed = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["wangjing"],
                                               json: #"{"action":"close","result":"违规市场取缔完毕"}"#)
            #expect(closed.object["status"] as? String == "closed")
            clock.set(16, 0)
            for unit in Self.summoned {
                let timeliness = unit == Self.gas ? 0 : unit == Self.traffic ? 5 : 10
                let scored = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["wangjing"], json: """
                    {"action":"score","score":{"unit":"\(unit)","timeliness":\(timeliness),"effort":8,"result":9,"comment":"配合有力"}}
                    """)
                #expect(scored.status == .ok, "\(scored.text)")
            }

            // 背靠背: the street sees every score with its scorer; a scored unit sees its own, without the scorer;
            // the scorer is gone from the unit's view of the audit trail too.
            let byStreet = try await client.send(.get, "/api/v1/whistles/\(id)", as: tokens["wangjing"])
            let streetScores = byStreet.object["scores"] as? [String: [String: Any]] ?? [:]
            #expect(streetScores.count == 10 && streetScores.values.allSatisfy { $0["scoredBy"] as? String == "wangjing" })
            let byTraffic = try await client.send(.get, "/api/v1/whistles/\(id)", as: tokens[Self.traffic])
            let trafficScores = byTraffic.object["scores"] as? [String: [String: Any]] ?? [:]
            #expect(Array(trafficScores.keys) == [Self.traffic])
            #expect(trafficScores[Self.traffic]?["total"] as? Int == 22 && trafficScores[Self.traffic]?["scoredBy"] == nil)
            #expect(!byTraffic.text.contains("\"wangjing\"") || !byTraffic.text.contains("scoredBy"))
            let trail = try await client.send(.get, "/api/v1/whistles/\(id)/events", as: tokens[Self.traffic])
            let scoredEvents = (trail.json as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "whistle.unit_scored" }
            #expect(scoredEvents.count == 10 && scoredEvents.allSatisfy { $0["actor"] == nil })
            let streetTrail = try await client.send(.get, "/api/v1/whistles/\(id)/events", as: tokens["wangjing"])
            let absentEvents = (streetTrail.json as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "whistle.unit_absent" }
            #expect(absentEvents.compactMap { ($0["details"] as? [String: String])?["escalatedTo"] } == ["110105", "110105"])

            // The department figures: lateness, absence and scores; a department sees only its own row.
            let figures = try await client.send(.get, "/api/v1/whistle-figures/summoned-units?from=2026-03-01&to=2026-03-31", as: tokens["supervisor"])
            let rows = Dictionary(uniqueKeysWithValues: (figures.json as? [[String: Any]] ?? []).map { ($0["unitCode"] as? String ?? "", $0) })
            #expect(rows.count == 10)
            #expect(rows[Self.traffic]?["late"] as? Int == 1 && rows[Self.traffic]?["meanMinutesToArrive"] as? Double == 45)
            #expect(rows[Self.gas]?["absent"] as? Int == 1 && rows[Self.gas]?["meanMinutesToArrive"] == nil)
            #expect(rows[Self.gas]?["meanScoreShare"] as? Double == 17.0 / 30)
            #expect(rows["110105-CGZFJ"]?["onTime"] as? Int == 1 && rows["110105-CGZFJ"]?["meanScoreShare"] as? Double == 0.9)
            let own = try await client.send(.get, "/api/v1/whistle-figures/summoned-units?from=2026-03-01&to=2026-03-31", as: tokens[Self.gas])
            #expect((own.json as? [[String: Any]])?.compactMap { $0["unitCode"] as? String } == [Self.gas])
            let streets = try await client.send(.get, "/api/v1/whistle-figures/whistlers?from=2026-03-02&to=2026-03-02&district=110105", as: tokens["supervisor"])
            let street = (streets.json as? [[String: Any]])?.first
            #expect(street?["unitCode"] as? String == "110105026" && street?["whistles"] as? Int == 1)
            #expect(street?["onTimeReportInRate"] as? Double == 0.8)  // 8 of 10 decided report-ins

            // The district flags it; a street cannot.
            let flag = #"{"action":"flag_review","kind":"wrong","reason":"常规执法事项，应由部门自行处置"}"#
            let byDatun = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["datun"], json: flag)
            #expect(byDatun.status == .notFound)  // another street does not even see the whistle
            let flagged = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["supervisor"], json: flag)
            #expect((flagged.object["reviewFlag"] as? [String: Any])?["kindName"] as? String == "乱吹哨")
        }
    }

    @Test func refusalsSayWhyAndChangeNothing() async throws {
        try await Self.withClient { client, tokens in
            // A whistle to a unit the street may not summon (another street's police station) creates nothing.
            let outOfScope = try await client.send(.post, "/api/v1/whistles", as: tokens["wangjing"], json: Self.draft(summons: ["110105027-PCS"]))
            #expect(outOfScope.status == .forbidden && outOfScope.object["code"] as? String == "whistle.summons_out_of_scope")
            #expect((outOfScope.object["messageZh"] as? String)?.contains("不能点单") == true)
            let none = try await client.send(.get, "/api/v1/whistles", as: tokens["supervisor"])
            #expect((none.object["items"] as? [Any])?.isEmpty == true)

            let raised = try await client.send(.post, "/api/v1/whistles", as: tokens["wangjing"], json: Self.draft(summons: ["110105-CGZFJ", "110000-RQ"]))
            let id = try #require(raised.object["id"] as? String)
            func unchanged(version: Int, events: Int) async throws {
                let whistle = try await client.send(.get, "/api/v1/whistles/\(id)", as: tokens["wangjing"])
                #expect(whistle.object["version"] as? Int == version)
                let trail = try await client.send(.get, "/api/v1/whistles/\(id)/events", as: tokens["wangjing"])
                #expect((trail.json as? [Any])?.count == events)
            }

            // A sign-in 1.1 km from the place.
            let far = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["110105-CGZFJ"], json: Self.signIn(Self.farAway))
            #expect(far.status == .badRequest && far.object["code"] as? String == "whistle.sign_in_too_far")
            #expect((far.object["messageZh"] as? String)?.contains("超过允许的 500 米") == true)
            try await unchanged(version: 1, events: 3)

            // A close by a unit that did not whistle: a summoned department, and another street (which sees nothing).
            let close = #"{"action":"close","result":"已处置"}"#
            let byDepartment = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["110105-CGZFJ"], json: close)
            #expect(byDepartment.status == .forbidden && byDepartment.object["code"] as? String == "whistle.role_not_allowed")
            let byOtherStreet = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["datun"], json: close)
            #expect(byOtherStreet.status == .notFound && byOtherStreet.object["code"] as? String == "whistle.not_found")
            try await unchanged(version: 1, events: 3)

            // A second score for the same unit.
            _ = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["wangjing"], json: close)
            let score = #"{"action":"score","score":{"unit":"110105-CGZFJ","timeliness":9,"effort":9,"result":9}}"#
            #expect(try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["wangjing"], json: score).status == .ok)
            try await unchanged(version: 3, events: 5)
            let again = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["wangjing"], json: score)
            #expect(again.status == .conflict && again.object["code"] as? String == "whistle.already_scored")
            try await unchanged(version: 3, events: 5)

            // Bad input is a problem document, never a 500.
            for (body, code) in [
                (#"{"action":"sign_in","count":3}"#, "request.invalid_parameter"),
                (#"{"action":"score","score":{"unit":"110000-RQ","timeliness":99,"effort":1,"result":1}}"#, "whistle.score_out_of_range"),
                (#"{"action":"unknown"}"#, "request.malformed"),
            ] {
                let response = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens["wangjing"], json: body)
                #expect(response.status == .badRequest && response.object["code"] as? String == code, "\(body): \(response.text)")
            }
            let badPeriod = try await client.send(.get, "/api/v1/whistle-figures/whistlers?from=2026-03-02&to=2026-02-01", as: tokens["supervisor"])
            #expect(badPeriod.status == .badRequest && badPeriod.object["code"] as? String == "request.invalid_parameter")
        }
    }

    /// The board's stream over a real TCP connection: each change arrives once, in order, with the audit
    /// sequence as its id; a reconnect with Last-Event-ID resumes after it; a scored unit's stream has no scorer.
    @Test func streamDeliversChangesInOrder() async throws {
        try await Self.withClient(mode: .live) { client, tokens in
            let raised = try await client.send(.post, "/api/v1/whistles", as: tokens["wangjing"], json: Self.draft(summons: ["110105-CGZFJ", "110105-XFZD"]))
            let id = try #require(raised.object["id"] as? String)
            // raised + 2 summoned, then: acknowledge, 2 sign-ins, log, close, score.
            let expected = [
                "whistle.raised", "whistle.unit_summoned", "whistle.unit_summoned", "whistle.unit_acknowledged", "whistle.unit_signed_in",
                "whistle.unit_signed_in", "whistle.log_added", "whistle.closed", "whistle.unit_scored",
            ]
            // Each board on its own connection, as browsers do.
            let port = try #require(client.port)
            async let board = Self.stream(port: port, "/api/v1/whistle-stream?limit=\(expected.count)", token: tokens["wangjing"], after: "0")
            async let department = Self.stream(
                port: port, "/api/v1/whistle-stream?whistle=\(id)&limit=\(expected.count)", token: tokens["110105-CGZFJ"], after: "0")
            try await Task.sleep(for: .milliseconds(300))
            for (who, body) in [
                ("110105-CGZFJ", #"{"action":"acknowledge"}"#), ("110105-CGZFJ", Self.signIn()), ("110105-XFZD", Self.signIn()),
                ("110105-XFZD", #"{"action":"add_log","note":"消防通道已打通"}"#), ("wangjing", #"{"action":"close","result":"已处置"}"#),
                ("wangjing", #"{"action":"score","score":{"unit":"110105-CGZFJ","timeliness":9,"effort":9,"result":9}}"#),
            ] {
                let response = try await client.send(.post, "/api/v1/whistles/\(id)/actions", as: tokens[who], json: body)
                #expect(response.status == .ok, "\(body): \(response.text)")
                try await Task.sleep(for: .milliseconds(50))
            }
            let boardEvents = Self.events(try await board)
            #expect(boardEvents.map(\.kind) == expected)
            #expect(boardEvents.map(\.id) == boardEvents.map(\.id).sorted() && Set(boardEvents.map(\.id)).count == expected.count)
            #expect(boardEvents.allSatisfy { $0.data["whistleId"] as? String == id })
            #expect((boardEvents.last?.data["actor"] as? [String: Any])?["personId"] as? String == "wangjing")
            let departmentEvents = Self.events(try await department)
            #expect(departmentEvents.map(\.kind) == expected)
            #expect(departmentEvents.last?.data["actor"] == nil)  // 背靠背

            // Resuming after the fourth event delivers the fifth and sixth at once.
            let resumed = try await Self.stream(port: port, "/api/v1/whistle-stream?limit=2", token: tokens["wangjing"], after: String(boardEvents[3].id))
            #expect(Self.events(resumed).map(\.id) == [boardEvents[4].id, boardEvents[5].id])
            #expect(resumed.head.headerFields[.contentType]?.hasPrefix("text/event-stream") == true)
        }
    }

    /// A stream read to its end over a new connection to the live server.
    static func stream(port: Int, _ uri: String, token: String?, after lastEventID: String) async throws -> TestClient.Response {
        var headers: HTTPFields = [HTTPField.Name("Last-Event-ID")!: lastEventID]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let request = TestClient.Request(uri, method: .get, headers: headers)
        return try await TestClient.withClient(host: "localhost", port: port) { try await $0.execute(request) }
    }

    /// 在职党员回社区报到: a member registers, the community posts a task, the member takes it, the community
    /// confirms the hours; who may do what is checked at each step.
    @Test func partyMembersReportToTheirCommunity() async throws {
        try await Self.withClient { client, tokens in
            let community = "110105026001"
            // A department's officer registers with their home community; the community registers a retiree.
            let own = try await client.send(.post, "/api/v1/party-members", as: tokens["police"], json: """
                {"name":"王警官","workUnit":"北京市公安局朝阳分局","homeCommunity":"\(community)","skills":["治安","调解"]}
                """)
            #expect(own.status == .created && own.object["id"] as? String == "police", "\(own.text)")
            let retiree = try await client.send(.post, "/api/v1/party-members", as: tokens["xiyuan"], json: """
                {"name":"李老师","workUnit":"退休教师","homeCommunity":"\(community)","skills":["辅导"]}
                """)
            let retireeID = try #require(retiree.object["id"] as? String)
            let again = try await client.send(.post, "/api/v1/party-members", as: tokens["police"],
                                              json: #"{"name":"王警官","workUnit":"公安","homeCommunity":"\#(community)"}"#)
            #expect(again.status == .conflict && again.object["code"] as? String == "party.already_registered")
            let notCommunity = try await client.send(.post, "/api/v1/party-members", as: tokens["datun"],
                                                     json: #"{"name":"赵","workUnit":"某单位","homeCommunity":"110105026"}"#)
            #expect(notCommunity.status == .badRequest && notCommunity.object["code"] as? String == "party.not_a_community")

            // The community and its street see who is available; another street does not.
            let byStreet = try await client.send(.get, "/api/v1/party-members?community=\(community)", as: tokens["wangjing"])
            #expect((byStreet.json as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["李老师", "王警官"])
            let byOther = try await client.send(.get, "/api/v1/party-members?community=\(community)", as: tokens["datun"])
            #expect(byOther.status == .forbidden && byOther.object["code"] as? String == "party.not_community_staff")

            // A task for one member: the officer takes it, the retiree finds it full.
            let task = try await client.send(.post, "/api/v1/community-tasks", as: tokens["xiyuan"],
                                             json: #"{"community":"\#(community)","title":"周末邻里纠纷调解","detail":"3 号楼噪音纠纷","needed":1}"#)
            #expect(task.status == .created && task.object["statusName"] as? String == "招募中")
            let taskID = try #require(task.object["id"] as? String)
            let byDepartment = try await client.send(.post, "/api/v1/community-tasks", as: tokens["police"],
                                                     json: #"{"community":"\#(community)","title":"x","detail":"y","needed":1}"#)
            #expect(byDepartment.status == .forbidden)
            let taken = try await client.send(.post, "/api/v1/community-tasks/\(taskID)/actions", as: tokens["police"],
                                              json: #"{"action":"take","memberId":"police"}"#)
            #expect(taken.object["takenBy"] as? [String] == ["police"])
            let full = try await client.send(.post, "/api/v1/community-tasks/\(taskID)/actions", as: tokens["xiyuan"],
                                             json: #"{"action":"take","memberId":"\#(retireeID)"}"#)
            #expect(full.status == .conflict && full.object["code"] as? String == "party.task_full")

            // Hours are confirmed by the community, not by the member; bad hours change nothing.
            let hours = #"{"action":"log_hours","memberId":"police","hours":3.5,"day":"2026-03-07","note":"调解成功"}"#
            let selfLogged = try await client.send(.post, "/api/v1/community-tasks/\(taskID)/actions", as: tokens["police"], json: hours)
            #expect(selfLogged.status == .forbidden)
            let tooMany = try await client.send(.post, "/api/v1/community-tasks/\(taskID)/actions", as: tokens["xiyuan"],
                                                json: hours.replacingOccurrences(of: "3.5", with: "30"))
            #expect(tooMany.status == .badRequest && tooMany.object["code"] as? String == "party.invalid_field")
            let logged = try await client.send(.post, "/api/v1/community-tasks/\(taskID)/actions", as: tokens["xiyuan"], json: hours)
            #expect((logged.object["hours"] as? [[String: Any]])?.first?["day"] as? String == "2026-03-07")

            // The officer pauses; the available list shrinks and shows the hours served.
            let paused = try await client.send(.post, "/api/v1/party-members/police/availability", as: tokens["police"], json: #"{"available":false}"#)
            #expect(paused.object["available"] as? Bool == false && paused.object["hours"] as? Double == 3.5)
            let available = try await client.send(.get, "/api/v1/party-members?community=\(community)&available=true", as: tokens["xiyuan"])
            #expect((available.json as? [[String: Any]])?.compactMap { $0["id"] as? String } == [retireeID])

            let closed = try await client.send(.post, "/api/v1/community-tasks/\(taskID)/actions", as: tokens["xiyuan"], json: #"{"action":"close"}"#)
            #expect(closed.object["status"] as? String == "closed")
            let tasks = try await client.send(.get, "/api/v1/community-tasks?community=\(community)&status=closed", as: tokens["wangjing"])
            #expect((tasks.json as? [[String: Any]])?.count == 1)
        }
    }

    static func statuses(_ response: TestResponse) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (response.object["summons"] as? [[String: Any]] ?? []).map {
            ($0["unitCode"] as? String ?? "", $0["status"] as? String ?? "")
        })
    }

    /// The events of an SSE body: `id`, `event` and the JSON `data` of each; comments are skipped.
    static func events(_ response: TestClient.Response) -> [(id: Int64, kind: String, data: [String: Any])] {
        (response.body.map { String(buffer: $0) } ?? "").components(separatedBy: "\n\n").compactMap { block in
            var id: Int64?, kind: String?, data: [String: Any]?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { kind = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any] }
            }
            guard let id, let kind, let data else { return nil }
            return (id, kind, data)
        }
    }
}
