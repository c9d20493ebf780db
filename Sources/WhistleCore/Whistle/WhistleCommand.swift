import Foundation

/// Everything that can happen to a whistle (SPEC §5). Units are named by code.
public enum WhistleCommand: Sendable, Hashable, Codable {
    /// 吹哨: the id and number come from the store; decided on no whistle (`nil`).
    case raise(WhistleDraft, id: String, number: String)
    /// 响应: a summoned unit acknowledges (on its way).
    case acknowledge
    /// 报到: a summoned unit signs in on site; the actor's unit is the one signing in.
    case signIn(people: [String], count: Int, coordinate: Coordinate)
    /// 联合处置记录: a note with photos or files by reference, by the whistling or a summoned unit.
    case addLog(note: String, attachments: [String] = [])
    /// 未报到: the deadline service marks a unit not signed in by the deadline.
    case markAbsent(unit: String)
    /// 结束: the whistling unit closes the whistle with its result (事不完、人不撤).
    case close(result: String)
    /// 一哨一考核: the whistling unit scores one summoned unit, once, after closing.
    case score(unit: String, timeliness: Int, effort: Int, result: Int, comment: String? = nil)
    /// 空哨/乱吹哨: the district's finding.
    case flagReview(kind: WhistleReviewKind, reason: String)

    /// What the command does, for refusals and logs.
    public var action: WhistleAction {
        switch self {
        case .raise: .raise
        case .acknowledge: .acknowledge
        case .signIn: .signIn
        case .addLog: .addLog
        case .markAbsent: .markAbsent
        case .close: .close
        case .score: .score
        case .flagReview: .flagReview
        }
    }
}

extension WhistleCommand {
    /// Coded flat with its action as discriminator, e.g. `{"action":"sign_in","people":["王警官"],"count":6,
    /// "longitude":116.45,"latitude":39.93}` (``Coordinate`` itself is not `Codable`).
    private enum CodingKeys: String, CodingKey {
        case action, draft, id, number, people, count, longitude, latitude, note, attachments, unit, result
        case timeliness, effort, comment, kind, reason
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(WhistleAction.self, forKey: .action) {
        case .raise:
            self = .raise(
                try c.decode(WhistleDraft.self, forKey: .draft), id: try c.decode(String.self, forKey: .id),
                number: try c.decode(String.self, forKey: .number))
        case .acknowledge: self = .acknowledge
        case .signIn:
            self = .signIn(
                people: try c.decodeIfPresent([String].self, forKey: .people) ?? [], count: try c.decode(Int.self, forKey: .count),
                coordinate: Coordinate(
                    longitude: try c.decode(Double.self, forKey: .longitude), latitude: try c.decode(Double.self, forKey: .latitude)))
        case .addLog:
            self = .addLog(
                note: try c.decode(String.self, forKey: .note), attachments: try c.decodeIfPresent([String].self, forKey: .attachments) ?? [])
        case .markAbsent: self = .markAbsent(unit: try c.decode(String.self, forKey: .unit))
        case .close: self = .close(result: try c.decode(String.self, forKey: .result))
        case .score:
            self = .score(
                unit: try c.decode(String.self, forKey: .unit), timeliness: try c.decode(Int.self, forKey: .timeliness),
                effort: try c.decode(Int.self, forKey: .effort), result: try c.decode(Int.self, forKey: .result),
                comment: try c.decodeIfPresent(String.self, forKey: .comment))
        case .flagReview:
            self = .flagReview(kind: try c.decode(WhistleReviewKind.self, forKey: .kind), reason: try c.decode(String.self, forKey: .reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(action, forKey: .action)
        switch self {
        case let .raise(draft, id, number):
            try c.encode(draft, forKey: .draft)
            try c.encode(id, forKey: .id)
            try c.encode(number, forKey: .number)
        case .acknowledge: break
        case let .signIn(people, count, coordinate):
            try c.encode(people, forKey: .people)
            try c.encode(count, forKey: .count)
            try c.encode(coordinate.longitude, forKey: .longitude)
            try c.encode(coordinate.latitude, forKey: .latitude)
        case let .addLog(note, attachments):
            try c.encode(note, forKey: .note)
            try c.encode(attachments, forKey: .attachments)
        case let .markAbsent(unit): try c.encode(unit, forKey: .unit)
        case let .close(result): try c.encode(result, forKey: .result)
        case let .score(unit, timeliness, effort, result, comment):
            try c.encode(unit, forKey: .unit)
            try c.encode(timeliness, forKey: .timeliness)
            try c.encode(effort, forKey: .effort)
            try c.encode(result, forKey: .result)
            try c.encodeIfPresent(comment, forKey: .comment)
        case let .flagReview(kind, reason):
            try c.encode(kind, forKey: .kind)
            try c.encode(reason, forKey: .reason)
        }
    }
}

/// The name of a step of the whistle, stable in logs and refusals.
public enum WhistleAction: String, Sendable, Hashable, Codable, CaseIterable {
    case raise
    case acknowledge
    case signIn = "sign_in"
    case addLog = "add_log"
    case markAbsent = "mark_absent"
    case close
    case score
    case flagReview = "flag_review"

    public var nameZh: String {
        switch self {
        case .raise: "吹哨"
        case .acknowledge: "响应"
        case .signIn: "报到签到"
        case .addLog: "记录处置情况"
        case .markAbsent: "记未报到"
        case .close: "结束吹哨"
        case .score: "评分"
        case .flagReview: "认定空哨/乱吹哨"
        }
    }
}

/// The kind of a whistle event; the raw value is the stable name in the audit log.
public enum WhistleEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    case raised = "whistle.raised"
    case unitSummoned = "whistle.unit_summoned"
    case unitAcknowledged = "whistle.unit_acknowledged"
    case unitSignedIn = "whistle.unit_signed_in"
    case unitAbsent = "whistle.unit_absent"
    case logAdded = "whistle.log_added"
    case closed = "whistle.closed"
    case unitScored = "whistle.unit_scored"
    case reviewFlagged = "whistle.review_flagged"
}

/// One thing that happened to a whistle, for the hash-chained audit log.
///
/// `details` holds `from`/`to`: the summoned unit's status for `whistle.unit_*` events, the whistle's for
/// the others (`from` empty at raising). Instants are ISO 8601 UTC with milliseconds. A `whistle.unit_scored`
/// event names the scorer as its actor: never show it to the scored unit (背靠背).
public struct WhistleEvent: Sendable, Hashable, Codable {
    public var kind: WhistleEventKind
    public var at: Date
    public var whistleID: String
    /// `nil` for the system (the deadline service).
    public var actor: Actor?
    /// The summoned unit it happened to, for `whistle.unit_*` events.
    public var unitCode: String?
    /// Why, in words (a note, a result, a reason).
    public var reason: String?
    public var attachments: [String]
    public var details: [String: String]

    public init(
        kind: WhistleEventKind, at: Date, whistleID: String, actor: Actor?, unitCode: String? = nil, reason: String? = nil,
        attachments: [String] = [], details: [String: String] = [:]
    ) {
        self.kind = kind
        self.at = at
        self.whistleID = whistleID
        self.actor = actor
        self.unitCode = unitCode
        self.reason = reason
        self.attachments = attachments
        self.details = details
    }
}

/// The accepted result of a whistle command: the whistle after it (version + 1) and its events.
public struct WhistleDecision: Sendable, Hashable {
    public var whistle: Whistle
    public var events: [WhistleEvent]

    public init(whistle: Whistle, events: [WhistleEvent]) {
        self.whistle = whistle
        self.events = events
    }
}

/// The report-in deadline of one summoned unit, for the deadline service.
///
/// Contract as for ``DeadlineTimer``: after every accepted command the store replaces the whistle's unfired
/// timers with ``WhistleMachine/dueTimers(_:policy:)``; a key that has fired never fires again.
public struct WhistleTimer: Sendable, Hashable, Codable {
    /// `<whistle id>/<unit code>/report-in`.
    public let key: String
    public let whistleID: String
    public let unitCode: String
    public let at: Date

    /// The command the deadline service decides (with no actor) when the timer fires.
    public var command: WhistleCommand { .markAbsent(unit: unitCode) }

    public init(whistleID: String, unitCode: String, at: Date) {
        self.key = "\(whistleID)/\(unitCode)/report-in"
        self.whistleID = whistleID
        self.unitCode = unitCode
        self.at = at
    }
}
