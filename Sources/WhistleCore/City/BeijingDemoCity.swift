/// Builds the demo city from the real Beijing division lists bundled with Whistle (Resources/demo/beijing):
/// 16 districts and 343 街乡镇 with official codes (National Bureau of Statistics), communities and villages
/// by name (jionlp) joined on district + township name, generated second-level grids, and a realistic set
/// of departments, public-service enterprises and stationed teams.
///
/// Codes below the township are not in the sources: communities get the township code + 001… and
/// villages + 200… (the GB/T 10114 convention of 居委会 and 村委会 numbering); grids get the community code +
/// 001…. Populations are the 2020 census per district, spread evenly over the district's communities.
public enum BeijingDemoCity {
    /// The bundled source files' contents.
    public struct Sources: Sendable {
        public var districts: String
        public var townships: String
        public var communities: String

        public init(districts: String, townships: String, communities: String) {
            self.districts = districts
            self.townships = townships
            self.communities = communities
        }
    }

    /// What the join of the two name lists matched and what it did not.
    public struct JoinReport: Sendable, Equatable, CustomStringConvertible {
        public var districts = 0
        public var townships = 0
        public var communitiesMatched = 0
        public var grids = 0
        /// Townships of the community list with no township of that name in the district: (district, township, communities).
        public var unmatchedCommunityTownships: [(district: String, township: String, communities: Int)] = []
        /// Official townships that got no community from the list (mostly streets created after it was compiled).
        public var townshipsWithoutCommunities: [(district: String, township: String)] = []

        public var communitiesUnmatched: Int { unmatchedCommunityTownships.reduce(0) { $0 + $1.communities } }

        public static func == (lhs: JoinReport, rhs: JoinReport) -> Bool { lhs.description == rhs.description }

        public var description: String {
            var lines = [
                "区 districts: \(districts)",
                "街乡镇 townships: \(townships)",
                "社区/村 communities matched: \(communitiesMatched), unmatched: \(communitiesUnmatched)",
                "网格 grids generated: \(grids)",
            ]
            if !unmatchedCommunityTownships.isEmpty {
                lines.append("社区名录中无法匹配的乡镇 townships of the community list with no official match:")
                lines += unmatchedCommunityTownships.map { "  \($0.district) \($0.township): \($0.communities) 个社区/村 communities" }
            }
            if !townshipsWithoutCommunities.isEmpty {
                lines.append("没有匹配到社区的官方街乡镇 official townships without communities:")
                lines += townshipsWithoutCommunities.map { "  \($0.district) \($0.township)" }
            }
            return lines.joined(separator: "\n")
        }
    }

    public static let cityCode = "110000"

    /// 2020 census (第七次全国人口普查) resident population by district; the sum is Beijing's 21,893,095.
    static let districtPopulation: [String: Int] = [
        "110101": 708_829, "110102": 1_106_214, "110105": 3_452_460, "110106": 2_019_764,
        "110107": 567_851, "110108": 3_133_469, "110109": 392_606, "110111": 1_312_778,
        "110112": 1_840_295, "110113": 1_324_044, "110114": 2_269_487, "110115": 1_993_591,
        "110116": 441_040, "110117": 457_313, "110118": 527_683, "110119": 345_671,
    ]

    /// People per generated second-level grid (SPEC §2: 300–500 households, about 1,000 people).
    static let peoplePerGrid = 1_000

    /// The units of the demo city, parents before children, and the join report.
    public static func build(from sources: Sources) throws(CityModelError) -> (units: [OrgUnit], report: JoinReport) {
        var report = JoinReport()
        var units = [OrgUnit(code: cityCode, name: "北京市", kind: .city, parentCode: nil, population: districtPopulation.values.reduce(0, +))]
        units += cityOrganisations()

        var districtNames: [String: String] = [:]
        for record in CSV.records(sources.districts).dropFirst() where record.fields.count >= 2 {
            let (code, name) = (record.fields[0], record.fields[1])
            districtNames[code] = name
            units.append(OrgUnit(code: code, name: name, kind: .district, parentCode: cityCode, population: districtPopulation[code]))
            units += districtOrganisations(district: code, name: name)
            report.districts += 1
        }

        // Official townships, without the development zones (kind dev_zone), keyed by district + short name.
        var townships: [(code: String, name: String, kind: UnitKind, district: String)] = []
        var townshipByKey: [String: Int] = [:]
        for record in CSV.records(sources.townships).dropFirst() where record.fields.count >= 4 {
            let kind: UnitKind
            switch record.fields[2] {
            case "street": kind = .street
            case "town", "township": kind = .township
            case let other where other.hasPrefix("area_office"): kind = .area
            default: continue
            }
            townshipByKey[record.fields[3] + "/" + shortName(record.fields[1])] = townships.count
            townships.append((record.fields[0], record.fields[1], kind, record.fields[3]))
        }
        report.townships = townships.count

        // Communities and villages, in list order, joined to their township.
        var communityNames: [[(name: String, isVillage: Bool)]] = Array(repeating: [], count: townships.count)
        var unmatched: [String: (district: String, township: String, communities: Int)] = [:]
        var unmatchedOrder: [String] = []
        for record in CSV.records(sources.communities).dropFirst() where record.fields.count >= 7 && record.fields[0] == "village" {
            let (districtName, district, township, name) = (record.fields[3], record.fields[4], record.fields[5], record.fields[6])
            if let index = townshipByKey[district + "/" + shortName(township)] {
                communityNames[index].append((name, name.hasSuffix("村") || name.hasSuffix("村委会")))
            } else {
                let key = district + "/" + township
                if unmatched[key] == nil { unmatchedOrder.append(key) }
                unmatched[key, default: (districtName, township, 0)].communities += 1
            }
        }
        report.unmatchedCommunityTownships = unmatchedOrder.compactMap { unmatched[$0] }

        let communitiesPerDistrict = Dictionary(grouping: townships.indices, by: { townships[$0].district })
            .mapValues { $0.reduce(0) { $0 + communityNames[$1].count } }

        for (index, township) in townships.enumerated() {
            let names = communityNames[index]
            let districtPeople = districtPopulation[township.district] ?? 0
            let perCommunity = communitiesPerDistrict[township.district].map { $0 > 0 ? districtPeople / $0 : 0 } ?? 0
            units.append(OrgUnit(code: township.code, name: township.name, kind: township.kind, parentCode: township.district,
                              population: names.isEmpty ? nil : perCommunity * names.count))
            units += stationedTeams(street: township.code, name: township.name, district: township.district)
            if names.isEmpty {
                report.townshipsWithoutCommunities.append((districtNames[township.district] ?? township.district, township.name))
            }
            var nextCommunity = 1
            var nextVillage = 200
            for community in names {
                let sequence: Int
                if community.isVillage { sequence = nextVillage; nextVillage += 1 } else { sequence = nextCommunity; nextCommunity += 1 }
                guard sequence <= 999, nextCommunity <= 200 else {
                    throw .invalidCode(code: township.code, kind: .community, expected: "每个乡镇最多 199 个社区 / at most 199 communities per township")
                }
                let code = township.code + sequence.zeroPadded(3)
                units.append(OrgUnit(code: code, name: community.name, kind: community.isVillage ? .village : .community,
                                  parentCode: township.code, population: perCommunity))
                let gridCount = min(999, max(1, (perCommunity + peoplePerGrid / 2) / peoplePerGrid))
                for grid in 1...gridCount {
                    units.append(OrgUnit(code: code + grid.zeroPadded(3), name: "\(community.name)第\(grid)网格", kind: .grid,
                                      parentCode: code, population: perCommunity / gridCount))
                }
                report.communitiesMatched += 1
                report.grids += gridCount
            }
        }
        return (UnitTree.parentsFirst(units.enumerated().map { UnitRow(line: $0.offset + 1, unit: $0.element) }).map(\.unit), report)
    }

    /// A township's name without its administrative suffix: the two sources disagree on 地区 vs 镇.
    static func shortName(_ name: String) -> String {
        for suffix in ["街道办事处", "地区办事处", "街道", "地区", "民族乡", "镇", "乡"] where name.hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    /// City departments (委办局), the 12345 centre and public-service enterprises (水电气热, telecom, transit).
    static func cityOrganisations() -> [OrgUnit] {
        let departments: [(String, String)] = [
            ("RXZX", "北京市12345市民服务热线中心"), ("ZWFWJ", "北京市政务服务和数据管理局"),
            ("CGW", "北京市城市管理委员会"), ("ZJW", "北京市住房和城乡建设委员会"), ("JTW", "北京市交通委员会"),
            ("STHJJ", "北京市生态环境局"), ("SCJGJ", "北京市市场监督管理局"), ("GAJ", "北京市公安局"),
            ("JGJ", "北京市公安局公安交通管理局"), ("WJW", "北京市卫生健康委员会"), ("RSJ", "北京市人力资源和社会保障局"),
            ("JW", "北京市教育委员会"), ("SWJ", "北京市水务局"), ("YLLHJ", "北京市园林绿化局"),
            ("GHZRZYW", "北京市规划和自然资源委员会"), ("MZJ", "北京市民政局"), ("CGZFJ", "北京市城市管理综合行政执法局"),
            ("XFZD", "北京市消防救援总队"), ("SFJ", "北京市司法局"), ("WHLYJ", "北京市文化和旅游局"),
            ("YBJ", "北京市医疗保障局"), ("YJGLJ", "北京市应急管理局"),
        ]
        let enterprises: [(String, String)] = [
            ("ZLS", "北京市自来水集团有限责任公司"), ("DL", "国网北京市电力公司"), ("RQ", "北京市燃气集团有限责任公司"),
            ("RL", "北京市热力集团有限责任公司"), ("PS", "北京城市排水集团有限责任公司"), ("YD", "中国移动通信集团北京有限公司"),
            ("LT", "中国联合网络通信有限公司北京市分公司"), ("DX", "中国电信股份有限公司北京分公司"),
            ("GJ", "北京公共交通控股(集团)有限公司"), ("DT", "北京市地铁运营有限公司"),
        ]
        // The hotline and the public-service enterprises are on duty round the clock.
        return departments.map { OrgUnit(code: "\(cityCode)-\($0.0)", name: $0.1, kind: .department, parentCode: cityCode,
                                         calendarCode: $0.0 == "RXZX" ? "24x7" : nil) }
            + enterprises.map { OrgUnit(code: "\(cityCode)-\($0.0)", name: $0.1, kind: .enterprise, parentCode: cityCode, calendarCode: "24x7") }
    }

    /// The functional departments every district has, with the units the streets whistle most.
    static func districtOrganisations(district: String, name: String) -> [OrgUnit] {
        let short = name.hasSuffix("区") ? String(name.dropLast()) : name
        let departments: [(String, String)] = [
            ("JSJBZX", "\(name)接诉即办分中心"), ("CGW", "\(name)城市管理委员会"), ("ZJW", "\(name)住房和城乡建设委员会"),
            ("SCJGJ", "\(name)市场监督管理局"), ("GAFJ", "北京市公安局\(short)分局"),
            ("JGZD", "北京市公安局公安交通管理局\(short)交通支队"), ("XFZD", "北京市\(name)消防救援支队"),
            ("STHJJ", "北京市\(name)生态环境局"), ("SWJ", "\(name)水务局"), ("WJW", "\(name)卫生健康委员会"),
            ("JW", "\(name)教育委员会"), ("RSJ", "\(name)人力资源和社会保障局"), ("CGZFJ", "\(name)城市管理综合行政执法局"),
            ("SFJ", "\(name)司法局"), ("YLLHJ", "\(name)园林绿化局"), ("MZJ", "\(name)民政局"),
            ("HWZX", "\(name)环境卫生服务中心"), ("JTJ", "\(name)交通局"),
        ]
        return departments.map { OrgUnit(code: "\(district)-\($0.0)", name: $0.1, kind: .department, parentCode: district) }
    }

    /// The three resident teams of a street (the Wuhua "1+3+N" model): police station, market supervision
    /// office and the street's enforcement team, each sent by its district department.
    static func stationedTeams(street: String, name: String, district: String) -> [OrgUnit] {
        let short = shortName(name)
        return [
            OrgUnit(code: "\(street)-PCS", name: "\(short)派出所", kind: .stationedTeam, parentCode: "\(district)-GAFJ"),
            OrgUnit(code: "\(street)-SCJGS", name: "\(short)市场监管所", kind: .stationedTeam, parentCode: "\(district)-SCJGJ"),
            OrgUnit(code: "\(street)-ZFD", name: "\(name)综合行政执法队", kind: .stationedTeam, parentCode: "\(district)-CGZFJ"),
        ]
    }
}
