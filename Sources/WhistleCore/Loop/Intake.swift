import Foundation

/// Intake (受理): a draft becomes a demand (SPEC §3 rules 1–3).
public enum Intake {
    /// Opens a demand from a validated draft. An emergency for 110/119/120/122 is recorded as transferred
    /// and a direct answer (直接答复) as answered: both are closed at once and never dispatched; only the
    /// hotline may record either. Anything else is received and waits for dispatch. `actor` is `nil` for a
    /// public channel (web form, Open311).
    public static func open(
        _ draft: DemandDraft, id: String, number: String, by actor: Actor?, at now: Date, rules: LoopRules
    ) throws(LoopError) -> Decision {
        let id = try Check.text(id, field: "id", max: DemandDraft.Limits.code)
        let number = try Check.text(number, field: "number", max: DemandDraft.Limits.code)
        let draft = try draft.validated()
        // A staffed channel is recorded by the people who staff it; public channels by anyone.
        if let roles = draft.channel.recordingRoles, !(actor.map { roles.contains($0.role) } ?? false) {
            throw .roleNotAllowed(action: .intake, role: actor?.role)
        }
        if draft.directAnswer != nil, !rules.directAnswerTypes.contains(draft.type) {
            throw .invalidField(field: "directAnswer", problem: .notForType(draft.type))
        }
        let status: DemandStatus =
            draft.emergencyTransfer != nil ? .transferred : draft.directAnswer != nil ? .answered : .received
        // Transferring or answering closes a case without any unit seeing it: only the hotline may do that.
        if status != .received, !(actor.map { Role.hotlineRoles.contains($0.role) } ?? false) {
            throw .roleNotAllowed(action: .intake, role: actor?.role)
        }

        let demand = Demand(draft: draft, id: id, number: number, status: status, by: actor?.personID, at: now)
        var details = [
            "from": "", "to": status.rawValue, "number": number, "type": draft.type.rawValue, "channel": draft.channel.rawValue,
        ]
        details["emergencyLine"] = draft.emergencyTransfer?.rawValue
        details["answer"] = draft.directAnswer
        let kind: LoopEventKind = switch status {
        case .transferred: .demandTransferred
        case .answered: .demandAnswered
        default: .demandReceived
        }
        let event = LoopEvent(
            kind: kind, at: now, demandID: id, actor: actor, attachments: draft.attachments, details: details)
        return Decision(demand: demand, events: [event])
    }
}
