import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore
import WhistleStore

/// Routing over HTTP: one call suggests place, category, unit (with the rule and why) and duplicates;
/// intake fills in the grid; the taxonomy and duty rules are edited by their administrators only.
@Suite struct DispatchAPITests {
    static let city = """
        code,name,kind,parent_code,population,calendar
        110000,北京市,city,,21893095,
        110105,朝阳区,district,110000,3452460
        110108,海淀区,district,110000,3133469
        110105001,建外街道,street,110105,
        110105001001,永安里社区,community,110105001,3000
        110105001001001,永安里社区第1网格,grid,110105001001,1500
        110105001001002,永安里社区第2网格,grid,110105001001,1500
        110105-CGW,朝阳区城市管理委员会,department,110105,
        110105-CGZFJ,朝阳区城市管理综合行政执法局,department,110105,
        110105-STHJJ,北京市朝阳区生态环境局,department,110105,
        110105001-ZFD,建外街道综合行政执法队,stationed_team,110105-CGZFJ,
        110000-RXZX,北京市12345市民服务热线中心,department,110000,,24x7
        """
    static let taxonomy = """
        code,name,deadline_class,service_code
        CX,城乡建设,general,
        CX.SZ,市政设施,,
        CX.SZ.LD,路灯故障,,street-light
        CX.SZ.JG,井盖缺失,urgent,manhole
        HJ,环境保护,general,
        HJ.ZY,噪声污染,,
        HJ.ZY.SG,施工噪声,,construction-noise
        """
    static let duties = """
        id,category,area,primary,co_handlers,effective_from
        CITY-CX,CX,110000,{district}-CGW,,2025-01-01
        CITY-HJ,HJ,110000,{district}-CGW,,2025-01-01
        JW-JG,CX.SZ.JG,110105001,{street}-ZFD,{district}-CGW,2025-01-01
        """
    static let people: [String: (Role, String)] = [
        "agent": (.hotlineAgent, "110000-RXZX"), "cgw": (.departmentHandler, "110105-CGW"),
        "admin": (.administrator, "110000"), "chaoyang": (.administrator, "110105"), "haidian": (.administrator, "110108"),
    ]
    /// Grid 1: a square around 永安里 with a square hole; grid 2 fills the hole.
    static let (west, south, east, north) = (116.440, 39.900, 116.460, 39.920)
    static let hole = [(116.448, 39.908), (116.452, 39.908), (116.452, 39.912), (116.448, 39.912)]

    static func ring(_ corners: [(Double, Double)]) -> [Coordinate] {
        (corners + [corners[0]]).map { Coordinate(longitude: $0.0, latitude: $0.1) }
    }

    /// Made-up texts: each category its own words, everyone the same filler.
    static func examples(_ label: (String) -> String) -> [LabelledText] {
        let words = ["CX.SZ.LD": ["路灯", "不亮", "灯杆", "黑灯"], "CX.SZ.JG": ["井盖", "缺失", "丢失", "塌陷"], "HJ.ZY.SG": ["施工", "噪音", "夜间", "工地"]]
        let filler = ["小区", "门口", "希望", "尽快", "处理", "居民", "反映"]
        return (0..<60).map { index in
            let category = words.keys.sorted()[index % 3]
            let vocabulary = words[category]!
            let content = (0..<8).map { $0 % 2 == 0 ? vocabulary[($0 + index) % 4] : filler[($0 * 3 + index) % filler.count] }.joined()
            return LabelledText(title: vocabulary[index % 4], content: content, label: label(category))
        }
    }

    static func prepare(_ store: any Store) async throws {
        try await prepareWithoutModels(store)
        let classifiers = ClassifierRepository(store: store)
        for (target, label) in [(ClassifierTarget.category, { (c: String) in c }), (.unit, { $0 == "CX.SZ.JG" ? "{street}-ZFD" : "{district}-CGW" })] {
            try await classifiers.save(try ClassifierTraining.run(examples(label)), target: target, examples: 60, basedOn: nil, at: Date())
        }
    }

    /// Taxonomy, duty rules and grid boundaries.
    static func prepareWithoutModels(_ store: any Store) async throws {
        let now = Date()
        _ = try await TaxonomyRepository(store: store).importCategories(try TaxonomyFile.parse(taxonomy, file: "t.csv").get(), file: "t.csv", now: now)
        try await DutyRuleRepository(store: store).add(try DutyListFile.parse(duties, file: "d.csv").get(), file: "d.csv", by: nil, now: now)
        let outer = ring([(west, south), (east, south), (east, north), (west, north)])
        _ = try await UnitRepository(store: store).setBoundaries([
            ("110105001001001", try Boundary(polygons: [[outer, ring(hole)]])), ("110105001001002", try Boundary(polygons: [[ring(hole)]])),
        ], file: "grids.geojson", now: now)
    }

    static func withApp(_ test: @Sendable @escaping (any TestClientProtocol, [String: String]) async throws -> Void) async throws {
        try await TestApp.withClient(seed: city, people: people, prepare: prepare, test)
    }

    @Test func oneCallSuggestsPlaceCategoryUnitAndDuplicates() async throws {
        try await Self.withApp { client, tokens in
            let agent = tokens["agent"]
            // Intake fills in the grid and community from the coordinates.
            let filed = try await client.send(.post, "/api/v1/demands", as: agent, json: """
                {"type":"complaint","channel":"phone","categoryCode":"CX.SZ.JG","content":"永安里小区门口井盖缺失，很危险",
                 "location":{"address":"永安里","longitude":116.442,"latitude":39.902}}
                """)
            #expect(filed.status == .created)
            let location = filed.object["location"] as? [String: Any]
            #expect(location?["gridCode"] as? String == "110105001001001" && location?["areaCode"] as? String == "110105001001")

            let response = try await client.send(.post, "/api/v1/suggestions", as: agent, json: """
                {"title":"井盖丢了","content":"永安里小区门口井盖丢失，居民反映很危险","longitude":116.443,"latitude":39.903}
                """)
            #expect(response.status == .ok)
            let body = response.object
            let place = body["place"] as? [String: Any]
            #expect(place?["source"] as? String == "coordinates")
            #expect((place?["grid"] as? [String: Any])?["code"] as? String == "110105001001001")
            let categories = body["categories"] as? [[String: Any]] ?? []
            #expect(categories.first?["code"] as? String == "CX.SZ.JG" && categories.first?["name"] as? String == "井盖缺失")
            let confidences = categories.compactMap { $0["confidence"] as? Double }
            #expect(confidences.count == 3 && confidences == confidences.sorted(by: >) && confidences.reduce(0, +) <= 1.000001)
            // The street's rule beats the city's: its enforcement team leads, the district committee helps.
            let route = body["route"] as? [String: Any]
            #expect(route?["ruleId"] as? String == "JW-JG" && (route?["primary"] as? [String: Any])?["code"] as? String == "110105001-ZFD")
            #expect((route?["coHandlers"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["110105-CGW"])
            #expect((route?["explanationZh"] as? String)?.contains("JW-JG") == true)
            #expect((body["units"] as? [[String: Any]])?.first?["code"] as? String == "110105001-ZFD")
            let duplicates = body["duplicates"] as? [[String: Any]] ?? []
            #expect(duplicates.first?["id"] as? String == filed.object["id"] as? String)
            #expect(body["categoryModel"] as? Int == 1 && body["unitModel"] as? Int == 1)

            // By the address alone, with the category chosen: the city-wide rule for 城乡建设.
            let byAddress = try await client.send(.post, "/api/v1/suggestions", as: agent, json: """
                {"content":"路灯不亮","address":"北京市朝阳区建外街道永安里社区3号楼","categoryCode":"CX.SZ.LD"}
                """).object
            #expect((byAddress["place"] as? [String: Any])?["source"] as? String == "address")
            #expect(((byAddress["place"] as? [String: Any])?["area"] as? [String: Any])?["code"] as? String == "110105001001")
            #expect((byAddress["route"] as? [String: Any])?["ruleId"] as? String == "CITY-CX")
            #expect(((byAddress["route"] as? [String: Any])?["primary"] as? [String: Any])?["code"] as? String == "110105-CGW")

            // A point in grid 1's hole lies in grid 2; one on the hole's edge belongs to both and the lower code wins.
            for (point, grid) in [((116.450, 39.910), "110105001001002"), ((116.448, 39.910), "110105001001001")] {
                let inHole = try await client.send(.post, "/api/v1/suggestions", as: agent, json: """
                    {"content":"路灯不亮","longitude":\(point.0),"latitude":\(point.1)}
                    """).object
                #expect(((inHole["place"] as? [String: Any])?["grid"] as? [String: Any])?["code"] as? String == grid)
            }

            // Refusals: a department does not dispatch; bad drafts say which field.
            let department = try await client.send(.post, "/api/v1/suggestions", as: tokens["cgw"], json: #"{"content":"路灯不亮"}"#)
            #expect(department.status == .forbidden && department.object["code"] as? String == "dispatch.may_not_suggest")
            for bad in [#"{"content":"   "}"#, #"{"content":"路灯","longitude":116.4}"#, #"{"content":"路灯","longitude":200,"latitude":39.9}"#,
                        #"{"content":"路灯","categoryCode":"XX.YY"}"#] {
                #expect(try await client.send(.post, "/api/v1/suggestions", as: agent, json: bad).status == .badRequest)
            }
            #expect(try await client.send(.post, "/api/v1/suggestions", json: #"{"content":"路灯不亮"}"#).status == .unauthorized)
        }
    }

    @Test func taxonomyAndRulesAreKeptByTheirAdministrators() async throws {
        try await Self.withApp { client, tokens in
            let (agent, admin, chaoyang, haidian) = (tokens["agent"], tokens["admin"], tokens["chaoyang"], tokens["haidian"])
            func categories(_ query: String = "") async throws -> [[String: Any]] {
                try await client.send(.get, "/api/v1/categories\(query)", as: agent).object["items"] as? [[String: Any]] ?? []
            }
            let light = try #require(try await categories().first { $0["code"] as? String == "CX.SZ.LD" })
            #expect(light["path"] as? [String] == ["城乡建设", "市政设施", "路灯故障"] && light["effectiveDeadlineClass"] as? String == "general")

            // Only the city's administrators keep the taxonomy.
            let tree = #"{"code":"CX.SZ.SM","name":"树木倒伏","deadlineClass":"urgent"}"#
            for token in [agent, chaoyang] {
                #expect(try await client.send(.post, "/api/v1/categories", as: token, json: tree).status == .forbidden)
            }
            #expect(try await client.send(.post, "/api/v1/categories", as: admin, json: tree).status == .created)
            #expect(try await client.send(.post, "/api/v1/categories", as: admin, json: tree).object["code"] as? String == "taxonomy.duplicate_code")
            let orphan = try await client.send(.post, "/api/v1/categories", as: admin, json: #"{"code":"ZZ.AA","name":"无上级"}"#)
            #expect(orphan.status == .badRequest && orphan.object["code"] as? String == "taxonomy.unknown_parent")
            let retired = try await client.send(.post, "/api/v1/categories/CX.SZ.LD/actions", as: admin, json: #"{"action":"retire"}"#)
            #expect(retired.status == .ok && retired.object["active"] as? Bool == false)
            #expect(try await categories().contains { $0["code"] as? String == "CX.SZ.LD" } == false)
            #expect(try await categories("?includeRetired=true").contains { $0["code"] as? String == "CX.SZ.LD" })
            #expect(try await client.send(.post, "/api/v1/categories/NOPE/actions", as: admin, json: #"{"action":"retire"}"#).status == .notFound)

            // 朝阳's administrator sends construction noise in 朝阳 to its environment bureau; 海淀's may not.
            let rule = #"{"categoryCode":"HJ.ZY","areaCode":"110105","primary":"110105-STHJJ","effectiveFrom":"2025-06-01"}"#
            #expect(try await client.send(.post, "/api/v1/duty-rules", as: haidian, json: rule).status == .forbidden)
            let unknownUnit = try await client.send(.post, "/api/v1/duty-rules", as: chaoyang, json: rule.replacingOccurrences(of: "STHJJ", with: "NOPE"))
            #expect(unknownUnit.status == .badRequest && unknownUnit.object["code"] as? String == "duty.unknown_unit")
            let added = try await client.send(.post, "/api/v1/duty-rules", as: chaoyang, json: rule)
            #expect(added.status == .created)
            let id = try #require(added.object["id"] as? String)
            func route() async throws -> String? {
                let suggestion = try await client.send(.post, "/api/v1/suggestions", as: agent, json: """
                    {"content":"工地夜间施工噪音","categoryCode":"HJ.ZY.SG","longitude":116.442,"latitude":39.902}
                    """).object
                return (suggestion["route"] as? [String: Any])?["ruleId"] as? String
            }
            #expect(try await route() == id)  // the district's rule beats the city's
            let listed = try await client.send(.get, "/api/v1/duty-rules?category=HJ.ZY.SG&area=110105001001001", as: agent).object["items"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["id"] as? String } == [id, "CITY-HJ"])

            // Ended from today on, the city's rule applies again; the ended rule stays on record.
            let today = CalendarDay(dayNumber: Int((Date().timeIntervalSince1970 + 8 * 3_600) / 86_400)).description  // Beijing's date
            let ended = try await client.send(.post, "/api/v1/duty-rules/\(id)/end", as: chaoyang, json: #"{"effectiveUntil":"\#(today)"}"#)
            #expect(ended.status == .ok && ended.object["effectiveUntil"] as? String == today)
            #expect(try await route() == "CITY-HJ")
            let inForce = try await client.send(.get, "/api/v1/duty-rules?category=HJ.ZY.SG&inForceOn=\(today)", as: agent).object["items"] as? [[String: Any]]
            #expect(inForce?.compactMap { $0["id"] as? String } == ["CITY-HJ"])
            #expect(try await client.send(.post, "/api/v1/duty-rules/nope/end", as: chaoyang, json: #"{"effectiveUntil":"2030-01-01"}"#).status == .notFound)
        }
    }

    /// With no model stored and closed demands to learn from, the server trains both classifiers on its
    /// schedule, stores them as version 1 and serves them.
    @Test func theServerTrainsOnItsSchedule() async throws {
        let agent = Actor(personID: "agent", role: .hotlineAgent, unitCode: "110000-RXZX")
        let dispatcher = Actor(personID: "dispatcher", role: .dispatcher, unitCode: "110000-RXZX")
        let handler = Actor(personID: "handler", role: .departmentHandler, unitCode: "110105-CGW")
        let callback = Actor(personID: "callback", role: .callbackAgent, unitCode: "110000-RXZX")
        let people = Self.people.merging(["dispatcher": (.dispatcher, "110000-RXZX"), "handler": (.departmentHandler, "110105-CGW"),
                                          "callback": (.callbackAgent, "110000-RXZX")]) { $1 }
        let calendar = try WorkingCalendar(schedules: [try HolidaySchedule.decode(from: Data(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().appending(path: "../../Sources/WhistleServer/Resources/calendars/cn-2026.json")))], businessHours: .allDay)
        let rules = LoopRules.beijingDefault(calendar: calendar)
        let start = Date(timeIntervalSince1970: 1_772_413_200)  // 2026-03-02 09:00 Beijing
        let settings: [AbsoluteConfigKey: ConfigValue] = ["classifier.retrain": 7, "dispatch.reload": 0.1, "deadlines.enabled": false]
        try await TestApp.withClient(seed: Self.city, people: people, settings: settings, prepare: { store in
            try await Self.prepareWithoutModels(store)
            let demands = DemandRepository(store: store)
            for example in Self.examples({ $0 }) {
                let draft = DemandDraft(type: .complaint, channel: .phone, categoryCode: example.label, title: example.title, content: example.content,
                                        location: DemandLocation(address: "", areaCode: "110105001001"))
                let id = try await demands.receive(draft, idempotencyKey: nil, by: agent, at: start, rules: rules).demand.id
                let primary = example.label == "CX.SZ.JG" ? "110105001-ZFD" : "110105-CGW"
                let order = try #require(try await demands.apply(.dispatch(primary: primary, deadlineClass: "general"), to: id, expectedVersion: nil,
                                                                 by: dispatcher, at: start, rules: rules).orders.first).id
                let worker = primary == "110105-CGW" ? handler : Actor(personID: "zfd", role: .departmentHandler, unitCode: primary)
                for (command, actor) in [(LoopCommand.signFor(order: order), worker), (.reportResult(order: order, summary: "已处理"), worker),
                                         (.recordCallback(outcome: .valid(contacted: true, solved: true, satisfaction: .satisfied)), callback),
                                         (.close(), dispatcher)] {
                    _ = try await demands.apply(command, to: id, expectedVersion: nil, by: actor, at: start.addingTimeInterval(3_600), rules: rules)
                }
            }
        }) { client, tokens in
            var body: [String: Any] = [:]
            for _ in 0..<200 where body["unitModel"] == nil || body["categoryModel"] == nil {
                try await Task.sleep(for: .milliseconds(100))
                body = try await client.send(.post, "/api/v1/suggestions", as: tokens["agent"], json: """
                    {"content":"小区门口井盖丢失很危险","longitude":116.442,"latitude":39.902}
                    """).object
            }
            #expect(body["categoryModel"] as? Int == 1 && body["unitModel"] as? Int == 1)
            #expect((body["categories"] as? [[String: Any]])?.first?["code"] as? String == "CX.SZ.JG")
            // Learned as {street}-ZFD in 建外, resolved for this place to its team.
            #expect((body["units"] as? [[String: Any]])?.first?["code"] as? String == "110105001-ZFD")
        }
    }
}
