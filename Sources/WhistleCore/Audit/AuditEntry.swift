import Foundation

/// One fact for the append-only audit log (吹哨全留痕): who did what to which subject, when and why.
/// The store numbers entries and chains them by hash, so any later edit or deletion is detectable.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// What the entry is about, e.g. `demand`, `unit`, `calendar`.
    public var subjectType: String
    public var subjectID: String
    /// Stable event kind, e.g. `demand.dispatched`, `units.imported`.
    public var kind: String
    public var at: Date
    /// The person, role and unit that acted; `nil` for the system (deadline service, imports by an operator's command).
    public var actor: AuditActor?
    public var reason: String?
    /// Before/after states and other facts of the event, as text.
    public var details: [String: String]
    /// References to evidence (photos, documents).
    public var attachments: [String]

    public init(
        subjectType: String, subjectID: String, kind: String, at: Date, actor: AuditActor? = nil, reason: String? = nil,
        details: [String: String] = [:], attachments: [String] = []
    ) {
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.kind = kind
        self.at = at
        self.actor = actor
        self.reason = reason
        self.details = details
        self.attachments = attachments
    }
}

/// Who acted, as recorded in the audit log.
public struct AuditActor: Sendable, Equatable, Codable {
    public var personID: String
    public var role: String
    public var unitCode: String

    public init(personID: String, role: String, unitCode: String) {
        self.personID = personID
        self.role = role
        self.unitCode = unitCode
    }

    /// The actor of a command, as recorded.
    public init(_ actor: Actor) {
        self.init(personID: actor.personID, role: actor.role.rawValue, unitCode: actor.unitCode)
    }
}
