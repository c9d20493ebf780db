import Foundation

/// Where a whistle's incident is: an address and a coordinate (WGS-84 longitude/latitude), against which
/// sign-ins are checked.
public struct WhistlePlace: Sendable, Hashable, Codable {
    public var address: String
    public var coordinate: Coordinate

    public init(address: String, coordinate: Coordinate) {
        self.address = address
        self.coordinate = coordinate
    }

    private enum CodingKeys: String, CodingKey { case address, longitude, latitude }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decode(String.self, forKey: .address)
        coordinate = Coordinate(
            longitude: try c.decode(Double.self, forKey: .longitude), latitude: try c.decode(Double.self, forKey: .latitude))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encode(coordinate.longitude, forKey: .longitude)
        try c.encode(coordinate.latitude, forKey: .latitude)
    }
}

/// What the whistle is about: one or more demands (诉求编号), or standalone key work — exactly one of the two.
public struct WhistleProblem: Sendable, Hashable, Codable {
    /// Ids of the demands the whistle handles (群众诉求 …); empty for standalone key work.
    public var demandIDs: [String]
    /// The key work in words when no demand is named (重点工作, a clean-up campaign …).
    public var keyWork: String?

    public init(demandIDs: [String] = [], keyWork: String? = nil) {
        self.demandIDs = demandIDs
        self.keyWork = keyWork
    }

    /// About demands.
    public static func demands(_ ids: [String]) -> WhistleProblem { WhistleProblem(demandIDs: ids) }
    /// Standalone key work.
    public static func keyWork(_ text: String) -> WhistleProblem { WhistleProblem(keyWork: text) }
}

/// One unit called by the whistle (点单) and what is asked of it.
public struct SummonsDraft: Sendable, Hashable, Codable {
    public var unitCode: String
    /// What the unit is asked to do on site.
    public var ask: String

    public init(unitCode: String, ask: String) {
        self.unitCode = unitCode
        self.ask = ask
    }
}

/// A whistle as the whistling unit writes it, before it is raised.
public struct WhistleDraft: Sendable, Hashable, Codable {
    public var type: WhistleType
    /// The grid, community/village or street/township/area that whistles.
    public var whistlingUnit: String
    /// What is wrong, in a sentence (shown to the summoned units).
    public var subject: String
    public var place: WhistlePlace
    public var problem: WhistleProblem
    public var summons: [SummonsDraft]

    public init(
        type: WhistleType, whistlingUnit: String, subject: String, place: WhistlePlace, problem: WhistleProblem,
        summons: [SummonsDraft]
    ) {
        self.type = type
        self.whistlingUnit = whistlingUnit
        self.subject = subject
        self.place = place
        self.problem = problem
        self.summons = summons
    }

    /// Limits of the fields, in characters or items.
    public enum Limits {
        public static let subject = 200
        public static let address = 200
        public static let ask = 500
        public static let keyWork = 1_000
        public static let demandIDs = 50
        public static let identifier = 64
        public static let summons = 50
        public static let note = 2_000
        public static let attachments = 20
        public static let reference = 500
        public static let people = 200
        public static let personName = 50
        public static let comment = 500
        public static let reason = 1_000
    }
}

/// A unit's sign-in on site (报到): who came, how many, when and where.
public struct WhistleSignIn: Sendable, Hashable, Codable {
    /// Names of the people who came (may list fewer than `count`, e.g. the leader of a squad).
    public var people: [String]
    /// How many people came.
    public var count: Int
    public var at: Date
    public var coordinate: Coordinate
    /// Great-circle distance from the whistle's place.
    public var distanceMetres: Double
    /// Signed in after the report-in deadline.
    public var late: Bool
    /// The person who signed in for the unit.
    public var by: String

    public init(people: [String], count: Int, at: Date, coordinate: Coordinate, distanceMetres: Double, late: Bool, by: String) {
        self.people = people
        self.count = count
        self.at = at
        self.coordinate = coordinate
        self.distanceMetres = distanceMetres
        self.late = late
        self.by = by
    }

    private enum CodingKeys: String, CodingKey { case people, count, at, longitude, latitude, distanceMetres, late, by }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        people = try c.decode([String].self, forKey: .people)
        count = try c.decode(Int.self, forKey: .count)
        at = try c.decode(Date.self, forKey: .at)
        coordinate = Coordinate(
            longitude: try c.decode(Double.self, forKey: .longitude), latitude: try c.decode(Double.self, forKey: .latitude))
        distanceMetres = try c.decode(Double.self, forKey: .distanceMetres)
        late = try c.decode(Bool.self, forKey: .late)
        by = try c.decode(String.self, forKey: .by)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(people, forKey: .people)
        try c.encode(count, forKey: .count)
        try c.encode(at, forKey: .at)
        try c.encode(coordinate.longitude, forKey: .longitude)
        try c.encode(coordinate.latitude, forKey: .latitude)
        try c.encode(distanceMetres, forKey: .distanceMetres)
        try c.encode(late, forKey: .late)
        try c.encode(by, forKey: .by)
    }
}

/// One summoned unit of a whistle and how it reported in.
public struct Summons: Sendable, Hashable, Codable {
    public var unitCode: String
    /// What is asked of the unit.
    public var ask: String
    public var status: SummonsStatus
    public var acknowledgedAt: Date?
    /// The person who acknowledged for the unit.
    public var acknowledgedBy: String?
    public var signIn: WhistleSignIn?
    /// When the deadline service marked the unit absent; kept if the unit signs in afterwards.
    public var markedAbsentAt: Date?

    public init(unitCode: String, ask: String) {
        self.unitCode = unitCode
        self.ask = ask
        self.status = .summoned
    }

    /// Signed in by the deadline.
    public var reportedOnTime: Bool { signIn.map { !$0.late } ?? false }
}

/// An entry of the joint-handling log (联合处置记录).
public struct WhistleLogEntry: Sendable, Hashable, Codable {
    public var at: Date
    public var by: String
    /// The unit the writer acts for.
    public var unitCode: String
    public var note: String
    /// References to photos and files.
    public var attachments: [String]

    public init(at: Date, by: String, unitCode: String, note: String, attachments: [String]) {
        self.at = at
        self.by = by
        self.unitCode = unitCode
        self.note = note
        self.attachments = attachments
    }
}

/// The whistling unit's score of one summoned unit (一哨一考核). `by` is never shown to the scored unit.
public struct WhistleScore: Sendable, Hashable, Codable {
    /// 响应速度
    public var timeliness: Int
    /// 工作力度
    public var effort: Int
    /// 处置效果
    public var result: Int
    public var comment: String?
    /// The scorer (a person of the whistling unit).
    public var by: String
    public var at: Date
    /// The highest mark of each item under the policy it was given with, so a later change of scale does
    /// not change what an old score is worth.
    public var scaleMax: Int

    public init(timeliness: Int, effort: Int, result: Int, comment: String?, by: String, at: Date, scaleMax: Int) {
        self.timeliness = timeliness
        self.effort = effort
        self.result = result
        self.comment = comment
        self.by = by
        self.at = at
        self.scaleMax = scaleMax
    }

    /// The sum of the three items.
    public var total: Int { timeliness + effort + result }

    /// The total as a share of the highest possible, 0…1 (what the department assessment weighs).
    public var share: Double { Double(total) / Double(3 * scaleMax) }
}

/// A district's finding that a whistle was empty or wrong (空哨/乱吹哨).
public struct WhistleReviewFlag: Sendable, Hashable, Codable {
    public var kind: WhistleReviewKind
    public var reason: String
    /// The reviewer (person) and their unit.
    public var by: String
    public var unitCode: String
    public var at: Date

    public init(kind: WhistleReviewKind, reason: String, by: String, unitCode: String, at: Date) {
        self.kind = kind
        self.reason = reason
        self.by = by
        self.unitCode = unitCode
        self.at = at
    }
}

/// A whistle (街乡吹哨、部门报到): raised by a unit, answered by the units it summoned, closed by it with a
/// result, then scored. Changes only through ``WhistleMachine/decide(_:_:by:at:policy:units:)``.
public struct Whistle: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    /// The number people quote, e.g. `S20260302-0001`.
    public var number: String
    /// Counts accepted commands (1 after raising); the store's optimistic lock.
    public var version: Int
    public var level: WhistleLevel
    public var type: WhistleType
    public var whistlingUnit: String
    public var subject: String
    public var place: WhistlePlace
    public var problem: WhistleProblem
    public var summons: [Summons]
    public var log: [WhistleLogEntry]
    public var status: WhistleStatus
    public var raisedAt: Date
    /// The person who blew the whistle.
    public var raisedBy: String
    /// Every summoned unit must sign in by this instant (raised + the policy's minutes for the type, fixed at raising).
    public var reportInDue: Date
    /// 处置结果, given at closing.
    public var result: String?
    public var closedAt: Date?
    public var closedBy: String?
    /// Scores by summoned unit code (one each).
    public var scores: [String: WhistleScore]
    public var reviewFlag: WhistleReviewFlag?
    /// The instant of the last accepted command.
    public var updatedAt: Date

    /// The summoned unit with this code.
    public func summons(of unit: String) -> Summons? { summons.first { $0.unitCode == unit } }

    /// The district the whistle belongs to (the first 6 digits of the whistling unit's code).
    public var districtCode: String { String(whistlingUnit.prefix(6)) }
}
