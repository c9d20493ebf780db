import Foundation

/// The kind of an event of the closed loop; the raw value is the stable name in the audit log.
public enum LoopEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    case demandReceived = "demand.received"
    case demandTransferred = "demand.transferred"
    case demandAnswered = "demand.answered"
    case demandDispatched = "demand.dispatched"
    case demandRedispatched = "demand.redispatched"
    case demandCallbackRecorded = "demand.callback_recorded"
    case demandReopened = "demand.reopened"
    case demandClosed = "demand.closed"
    /// The complainant rated the result (评价); `details["satisfaction"]` carries it.
    case demandRated = "demand.rated"
    case demandMerged = "demand.merged"
    case demandFlaggedMalicious = "demand.flagged_malicious"
    case demandFlaggedUnreasonable = "demand.flagged_unreasonable"
    /// The resident must be told a new deadline (延期告知); `details["newDeadline"]` carries it.
    case demandDeadlineNotice = "demand.deadline_notice"
    case orderDispatched = "order.dispatched"
    case orderReassigned = "order.reassigned"
    case orderSigned = "order.signed"
    case orderContacted = "order.contacted"
    case orderProgressNoted = "order.progress_noted"
    case orderResultReported = "order.result_reported"
    case orderReturnRequested = "order.return_requested"
    case orderReturnApproved = "order.return_approved"
    case orderReturnRejected = "order.return_rejected"
    case orderExtensionRequested = "order.extension_requested"
    case orderExtensionApproved = "order.extension_approved"
    case orderExtensionRejected = "order.extension_rejected"
    case orderParkRequested = "order.park_requested"
    case orderParked = "order.parked"
    case orderParkRejected = "order.park_rejected"
    case orderUnparked = "order.unparked"
    case orderReopened = "order.reopened"
    case orderClosed = "order.closed"
    case orderUrged = "order.urged"
    case orderSupervised = "order.supervised"
    case orderOverdue = "order.overdue"
}

/// One thing that happened (吹哨全留痕): the store appends it to the hash-chained audit log.
///
/// `details` always holds `from` and `to`: the demand's status for `demand.*` events, the order's for
/// `order.*` events (equal when nothing moved, `from` empty for what is created: a demand at intake, a new
/// order); an order event that moved the demand adds `demandFrom` and `demandTo`. Instants in details are
/// ISO 8601 UTC with milliseconds.
public struct LoopEvent: Sendable, Hashable, Codable {
    /// What happened.
    public var kind: LoopEventKind
    /// When (the command's time).
    public var at: Date
    /// The demand it happened to.
    public var demandID: String
    /// `nil` for the system (the deadline service).
    public var actor: Actor?
    /// The order it happened to, for `order.*` events.
    public var orderID: String?
    /// Why, in words (a note, a reason, a result summary).
    public var reason: String?
    /// References to evidence.
    public var attachments: [String]
    /// Facts as text: `from`/`to` and what the kind adds (deadlines, units, counts).
    public var details: [String: String]

    /// An event as the loop records it.
    public init(
        kind: LoopEventKind, at: Date, demandID: String, actor: Actor?, orderID: String? = nil, reason: String? = nil,
        attachments: [String] = [], details: [String: String] = [:]
    ) {
        self.kind = kind
        self.at = at
        self.demandID = demandID
        self.actor = actor
        self.orderID = orderID
        self.reason = reason
        self.attachments = attachments
        self.details = details
    }
}

/// How instants are written in event details and messages.
enum Stamp {
    /// ISO 8601 UTC with milliseconds, e.g. `2026-02-24T09:30:00.000Z`.
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    /// Beijing wall-clock time for people, e.g. `2026-02-24 17:30`.
    static func local(_ date: Date) -> String {
        let style = Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: WorkingCalendar.chinaTimeZone)
        return String(date.formatted(style.year().month().day().time(includingFractionalSeconds: false)).prefix(16))
    }
}
