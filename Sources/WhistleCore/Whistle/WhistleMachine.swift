import Foundation

/// The whistle (街乡吹哨、部门报到): the only way a whistle changes. Pure like ``Loop``: the caller passes the
/// time, the policy in force and the units it needs; no clock, no I/O; a refusal throws and changes nothing.
public enum WhistleMachine {
    /// Decides a command: the whistle after it (version + 1) and the events that record it.
    ///
    /// `.raise` needs `whistle == nil` and every unit it names in `units` (the whistler and the summoned);
    /// the other commands need the whistle and read no units. `actor` is `nil` only for the deadline service
    /// (``WhistleCommand/markAbsent(unit:)``). `now` earlier than the last change is taken as that instant.
    public static func decide(
        _ whistle: Whistle?, _ command: WhistleCommand, by actor: Actor?, at now: Date, policy: WhistlePolicy,
        units: [String: OrgUnit] = [:]
    ) throws(WhistleError) -> WhistleDecision {
        if case let .raise(draft, id, number) = command {
            if let whistle { throw .alreadyExists(whistle.id) }
            return try raise(draft, id: id, number: number, by: actor, at: now, policy: policy, units: units)
        }
        guard let whistle else { throw .whistleMissing }
        var t = WhistleTransition(whistle: whistle, actor: actor, now: max(now, whistle.updatedAt), policy: policy)
        switch command {
        case .raise: break  // handled above
        case .acknowledge: try t.acknowledge()
        case let .signIn(people, count, coordinate): try t.signIn(people: people, count: count, at: coordinate)
        case let .addLog(note, attachments): try t.addLog(note: note, attachments: attachments)
        case let .markAbsent(unit): try t.markAbsent(unit)
        case let .close(result): try t.close(result: result)
        case let .score(unit, timeliness, effort, result, comment):
            try t.score(unit, timeliness: timeliness, effort: effort, result: result, comment: comment)
        case let .flagReview(kind, reason): try t.flagReview(kind, reason: reason)
        }
        return t.decision()
    }

    /// What the deadline service must schedule now: the report-in deadline of every summoned unit of an open
    /// whistle that has neither signed in nor been marked absent, sorted by instant and key. The deadline was
    /// fixed at raising (``Whistle/reportInDue``); `policy` is accepted for symmetry with ``Loop/dueTimers(_:rules:)``.
    public static func dueTimers(_ whistle: Whistle, policy: WhistlePolicy) -> [WhistleTimer] {
        guard whistle.status == .open else { return [] }
        return whistle.summons
            .filter { $0.status == .summoned || $0.status == .acknowledged }
            .map { WhistleTimer(whistleID: whistle.id, unitCode: $0.unitCode, at: whistle.reportInDue) }
            .sorted { ($0.at, $0.key) < ($1.at, $1.key) }
    }

    /// Great-circle distance in metres between two WGS-84 points (haversine, mean Earth radius 6,371,008.8 m).
    public static func distanceMetres(_ a: Coordinate, _ b: Coordinate) -> Double {
        let radius = 6_371_008.8
        let toRadians = Double.pi / 180
        let phi1 = a.latitude * toRadians, phi2 = b.latitude * toRadians
        let dPhi = (b.latitude - a.latitude) * toRadians
        let dLambda = (b.longitude - a.longitude) * toRadians
        let h = sin(dPhi / 2) * sin(dPhi / 2) + cos(phi1) * cos(phi2) * sin(dLambda / 2) * sin(dLambda / 2)
        return 2 * radius * asin(min(1, sqrt(h)))
    }

    // MARK: Raise

    private static func raise(
        _ draft: WhistleDraft, id: String, number: String, by actor: Actor?, at now: Date, policy: WhistlePolicy,
        units: [String: OrgUnit]
    ) throws(WhistleError) -> WhistleDecision {
        let id = try WhistleCheck.text(id, field: "id", max: WhistleDraft.Limits.identifier)
        let number = try WhistleCheck.text(number, field: "number", max: WhistleDraft.Limits.identifier)
        guard let actor, Role.whistlerRoles.contains(actor.role) else { throw .roleNotAllowed(action: .raise, role: actor?.role) }
        guard let whistler = units[draft.whistlingUnit] else { throw .unitNotFound(draft.whistlingUnit) }
        guard actor.unitCode == draft.whistlingUnit else { throw .notWhistlingUnit(unit: draft.whistlingUnit) }
        guard actor.role.allowedUnitKinds.contains(whistler.kind) else { throw .roleNotAllowed(action: .raise, role: actor.role) }

        let subject = try WhistleCheck.text(draft.subject, field: "subject", max: WhistleDraft.Limits.subject)
        let address = try WhistleCheck.text(draft.place.address, field: "place.address", max: WhistleDraft.Limits.address)
        try WhistleCheck.coordinate(draft.place.coordinate, field: "place")
        let problem = try WhistleCheck.problem(draft.problem)
        guard !draft.summons.isEmpty else { throw .invalidField(field: "summons", problem: .empty) }
        guard draft.summons.count <= WhistleDraft.Limits.summons else {
            throw .invalidField(field: "summons", problem: .tooMany(max: WhistleDraft.Limits.summons))
        }
        let level = try WhistleRules.check(whistler: draft.whistlingUnit, summons: draft.summons.map(\.unitCode), units: units)
        var summons: [Summons] = []
        for item in draft.summons {
            summons.append(Summons(unitCode: item.unitCode, ask: try WhistleCheck.text(item.ask, field: "summons.ask", max: WhistleDraft.Limits.ask)))
        }

        let minutes = policy.reportInMinutes(for: draft.type)
        let due = now.addingTimeInterval(Double(minutes) * 60)
        let whistle = Whistle(
            id: id, number: number, version: 0, level: level, type: draft.type, whistlingUnit: draft.whistlingUnit, subject: subject,
            place: WhistlePlace(address: address, coordinate: draft.place.coordinate), problem: problem, summons: summons, log: [],
            status: .open, raisedAt: now, raisedBy: actor.personID, reportInDue: due, result: nil, closedAt: nil, closedBy: nil,
            scores: [:], reviewFlag: nil, updatedAt: now)
        var t = WhistleTransition(whistle: whistle, actor: actor, now: now, policy: policy)
        t.emit(.raised, reason: subject, [
            "from": "", "to": WhistleStatus.open.rawValue, "level": level.rawValue, "type": draft.type.rawValue,
            "unit": draft.whistlingUnit, "reportInDue": Stamp.iso(due), "reportInMinutes": String(minutes),
            "summoned": summons.map(\.unitCode).joined(separator: ","),
        ])
        for item in summons {
            t.emit(.unitSummoned, unit: item.unitCode, reason: item.ask, [
                "from": "", "to": SummonsStatus.summoned.rawValue, "due": Stamp.iso(due),
            ])
        }
        return t.decision()
    }
}

extension Role {
    /// Roles that blow a whistle, close it, score and keep its log for the whistling unit (each at a unit of
    /// a kind the role may be held at: a grid worker at a grid, community staff at a community, a street
    /// coordinator at a street).
    static let whistlerRoles: Set<Role> = [.streetCoordinator, .communityStaff, .gridWorker]
    /// Roles that act for a summoned unit (acknowledge, sign in, log).
    static let summonedUnitRoles: Set<Role> = [.departmentHandler, .unitLeader, .streetCoordinator, .communityStaff, .gridWorker]
    /// Roles that review whistles for the district (空哨/乱吹哨).
    static let whistleReviewRoles: Set<Role> = [.supervisor, .administrator]
}

/// One whistle command being decided: a working copy, the events so far and the shared checks.
struct WhistleTransition {
    var whistle: Whistle
    let actor: Actor?
    let now: Date
    let policy: WhistlePolicy
    private(set) var events: [WhistleEvent] = []

    init(whistle: Whistle, actor: Actor?, now: Date, policy: WhistlePolicy) {
        self.whistle = whistle
        self.actor = actor
        self.now = now
        self.policy = policy
    }

    func decision() -> WhistleDecision {
        var whistle = whistle
        whistle.version += 1
        whistle.updatedAt = now
        return WhistleDecision(whistle: whistle, events: events)
    }

    mutating func emit(
        _ kind: WhistleEventKind, unit: String? = nil, reason: String? = nil, attachments: [String] = [], _ details: [String: String]
    ) {
        events.append(WhistleEvent(
            kind: kind, at: now, whistleID: whistle.id, actor: actor, unitCode: unit, reason: reason, attachments: attachments,
            details: details))
    }

    // MARK: Who may act

    /// A person of the whistling unit in a whistler role.
    func whistler(_ action: WhistleAction) throws(WhistleError) -> Actor {
        guard let actor, Role.whistlerRoles.contains(actor.role) else { throw .roleNotAllowed(action: action, role: actor?.role) }
        guard actor.unitCode == whistle.whistlingUnit else { throw .notWhistlingUnit(unit: whistle.whistlingUnit) }
        return actor
    }

    /// A person acting for a summoned unit (their own), and the index of its summons.
    func summonedMember(_ action: WhistleAction) throws(WhistleError) -> (index: Int, actor: Actor) {
        guard let actor, Role.summonedUnitRoles.contains(actor.role) else { throw .roleNotAllowed(action: action, role: actor?.role) }
        guard let i = whistle.summons.firstIndex(where: { $0.unitCode == actor.unitCode }) else {
            throw .notSummoned(unit: actor.unitCode)
        }
        return (i, actor)
    }

    func requireOpen(_ action: WhistleAction) throws(WhistleError) {
        guard whistle.status == .open else { throw .wrongState(action: action, status: whistle.status) }
    }

    func index(of unit: String) throws(WhistleError) -> Int {
        guard let i = whistle.summons.firstIndex(where: { $0.unitCode == unit }) else { throw .summonsNotFound(unit: unit) }
        return i
    }

    /// Moves a summons; returns `from`/`to` for its event.
    mutating func move(_ i: Int, to status: SummonsStatus) -> [String: String] {
        let from = whistle.summons[i].status
        whistle.summons[i].status = status
        return ["from": from.rawValue, "to": status.rawValue]
    }

    // MARK: Steps

    /// 响应: a summoned unit that has not yet answered acknowledges.
    mutating func acknowledge() throws(WhistleError) {
        let (i, actor) = try summonedMember(.acknowledge)
        try requireOpen(.acknowledge)
        let summons = whistle.summons[i]
        guard summons.status == .summoned else {
            throw .summonsWrongState(action: .acknowledge, unit: summons.unitCode, status: summons.status)
        }
        whistle.summons[i].acknowledgedAt = now
        whistle.summons[i].acknowledgedBy = actor.personID
        emit(.unitAcknowledged, unit: summons.unitCode, move(i, to: .acknowledged).adding(["due": Stamp.iso(whistle.reportInDue)]))
    }

    /// 报到: on site, within the policy's distance of the place; late after the deadline. A unit marked
    /// absent may still sign in while the whistle is open (late; the absence stays on record).
    mutating func signIn(people: [String], count: Int, at coordinate: Coordinate) throws(WhistleError) {
        let (i, actor) = try summonedMember(.signIn)
        try requireOpen(.signIn)
        let summons = whistle.summons[i]
        guard summons.status != .signedIn else {
            throw .summonsWrongState(action: .signIn, unit: summons.unitCode, status: summons.status)
        }
        guard people.count <= WhistleDraft.Limits.people else {
            throw .invalidField(field: "people", problem: .tooMany(max: WhistleDraft.Limits.people))
        }
        var names: [String] = []
        for name in people { names.append(try WhistleCheck.text(name, field: "people", max: WhistleDraft.Limits.personName)) }
        guard count > 0 else { throw .invalidField(field: "count", problem: .notPositive) }
        guard count >= names.count, count <= 10_000 else { throw .invalidField(field: "count", problem: .conflicts(with: "people")) }
        try WhistleCheck.coordinate(coordinate, field: "coordinate")
        let distance = WhistleMachine.distanceMetres(whistle.place.coordinate, coordinate)
        guard distance <= policy.signInRadiusMetres else {
            throw .tooFarAway(unit: summons.unitCode, distanceMetres: distance, allowedMetres: policy.signInRadiusMetres)
        }
        let late = now > whistle.reportInDue
        whistle.summons[i].signIn = WhistleSignIn(
            people: names, count: count, at: now, coordinate: coordinate, distanceMetres: distance, late: late, by: actor.personID)
        if whistle.summons[i].acknowledgedAt == nil {
            whistle.summons[i].acknowledgedAt = now
            whistle.summons[i].acknowledgedBy = actor.personID
        }
        emit(.unitSignedIn, unit: summons.unitCode, move(i, to: .signedIn).adding([
            "count": String(count), "people": names.joined(separator: "、"), "distanceMetres": String(Int(distance.rounded())),
            "due": Stamp.iso(whistle.reportInDue), "late": String(late),
            "minutesToArrive": String(Int((now.timeIntervalSince(whistle.raisedAt) / 60).rounded(.down))),
        ]))
    }

    /// 联合处置记录: by the whistling unit or a summoned unit, while open.
    mutating func addLog(note: String, attachments: [String]) throws(WhistleError) {
        guard let actor, Role.summonedUnitRoles.union(Role.whistlerRoles).contains(actor.role) else {
            throw .roleNotAllowed(action: .addLog, role: actor?.role)
        }
        guard actor.unitCode == whistle.whistlingUnit || whistle.summons(of: actor.unitCode) != nil else {
            throw .notSummoned(unit: actor.unitCode)
        }
        try requireOpen(.addLog)
        let note = try WhistleCheck.text(note, field: "note", max: WhistleDraft.Limits.note)
        let attachments = try WhistleCheck.references(attachments, field: "attachments")
        whistle.log.append(WhistleLogEntry(at: now, by: actor.personID, unitCode: actor.unitCode, note: note, attachments: attachments))
        emit(.logAdded, unit: actor.unitCode, reason: note, attachments: attachments, [
            "from": whistle.status.rawValue, "to": whistle.status.rawValue, "entry": String(whistle.log.count),
        ])
    }

    /// 未报到: the deadline service, at or after the deadline, for a unit neither signed in nor marked yet.
    mutating func markAbsent(_ unit: String) throws(WhistleError) {
        guard actor == nil else { throw .roleNotAllowed(action: .markAbsent, role: actor?.role) }
        try requireOpen(.markAbsent)
        let i = try index(of: unit)
        let status = whistle.summons[i].status
        guard status == .summoned || status == .acknowledged else {
            throw .summonsWrongState(action: .markAbsent, unit: unit, status: status)
        }
        guard now >= whistle.reportInDue else { throw .notYetDue(unit: unit, due: whistle.reportInDue) }
        whistle.summons[i].markedAbsentAt = now
        // Escalated: the district's supervisors see every absence (督办), named in the event.
        emit(.unitAbsent, unit: unit, move(i, to: .absent).adding(["due": Stamp.iso(whistle.reportInDue), "escalatedTo": whistle.districtCode]))
    }

    /// 结束: the whistling unit, while open, with its result.
    mutating func close(result: String) throws(WhistleError) {
        let actor = try whistler(.close)
        try requireOpen(.close)
        let result = try WhistleCheck.text(result, field: "result", max: WhistleDraft.Limits.note)
        whistle.status = .closed
        whistle.result = result
        whistle.closedAt = now
        whistle.closedBy = actor.personID
        var counts: [SummonsStatus: Int] = [:]
        for item in whistle.summons { counts[item.status, default: 0] += 1 }
        emit(.closed, reason: result, [
            "from": WhistleStatus.open.rawValue, "to": WhistleStatus.closed.rawValue,
            "signedIn": String(counts[.signedIn] ?? 0), "absent": String(counts[.absent] ?? 0),
            "late": String(whistle.summons.filter { $0.signIn?.late == true }.count),
            "neverSignedIn": String(whistle.summons.filter { $0.signIn == nil }.count),
        ])
    }

    /// 一哨一考核: the whistling unit, after closing, once per summoned unit, marks within the policy's scale.
    mutating func score(_ unit: String, timeliness: Int, effort: Int, result: Int, comment: String?) throws(WhistleError) {
        let actor = try whistler(.score)
        guard whistle.status == .closed else { throw .wrongState(action: .score, status: whistle.status) }
        let i = try index(of: unit)
        guard whistle.scores[unit] == nil else { throw .alreadyScored(unit: unit) }
        for (field, value) in [("timeliness", timeliness), ("effort", effort), ("result", result)] where !policy.scoreRange.contains(value) {
            throw .scoreOutOfRange(field: field, value: value, min: policy.scoreMin, max: policy.scoreMax)
        }
        let comment = try WhistleCheck.optionalText(comment, field: "comment", max: WhistleDraft.Limits.comment)
        let score = WhistleScore(timeliness: timeliness, effort: effort, result: result, comment: comment, by: actor.personID, at: now, scaleMax: policy.scoreMax)
        whistle.scores[unit] = score
        let status = whistle.summons[i].status.rawValue
        emit(.unitScored, unit: unit, reason: comment, [
            "from": status, "to": status, "timeliness": String(timeliness), "effort": String(effort), "result": String(result),
            "total": String(score.total), "scale": "\(policy.scoreMin)-\(policy.scoreMax)",
        ])
    }

    /// 空哨/乱吹哨: a supervisor or administrator of the whistle's district (the district itself or one of its
    /// departments), once, open or closed.
    mutating func flagReview(_ kind: WhistleReviewKind, reason: String) throws(WhistleError) {
        guard let actor, Role.whistleReviewRoles.contains(actor.role) else {
            throw .roleNotAllowed(action: .flagReview, role: actor?.role)
        }
        guard UnitCode.area(of: actor.unitCode) == whistle.districtCode else { throw .notDistrictReviewer(district: whistle.districtCode) }
        if let flag = whistle.reviewFlag { throw .alreadyFlagged(flag.kind) }
        let reason = try WhistleCheck.text(reason, field: "reason", max: WhistleDraft.Limits.reason)
        whistle.reviewFlag = WhistleReviewFlag(kind: kind, reason: reason, by: actor.personID, unitCode: actor.unitCode, at: now)
        emit(.reviewFlagged, reason: reason, [
            "from": whistle.status.rawValue, "to": whistle.status.rawValue, "kind": kind.rawValue,
        ])
    }
}

/// Field checks of whistle drafts and commands (as ``Check`` for the loop, refusing with ``WhistleError``).
enum WhistleCheck {
    static func text(_ value: String, field: String, max: Int, allowEmpty: Bool = false) throws(WhistleError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty, !allowEmpty { throw .invalidField(field: field, problem: .empty) }
        guard trimmed.count <= max else { throw .invalidField(field: field, problem: .tooLong(max: max)) }
        return trimmed
    }

    static func optionalText(_ value: String?, field: String, max: Int) throws(WhistleError) -> String? {
        guard let value else { return nil }
        let trimmed = try text(value, field: field, max: max, allowEmpty: true)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func references(_ values: [String], field: String) throws(WhistleError) -> [String] {
        guard values.count <= WhistleDraft.Limits.attachments else {
            throw .invalidField(field: field, problem: .tooMany(max: WhistleDraft.Limits.attachments))
        }
        var checked: [String] = []
        for value in values { checked.append(try text(value, field: field, max: WhistleDraft.Limits.reference)) }
        return checked
    }

    static func coordinate(_ point: Coordinate, field: String) throws(WhistleError) {
        guard point.longitude.isFinite, point.latitude.isFinite, (-180...180).contains(point.longitude),
              (-90...90).contains(point.latitude) else { throw .invalidField(field: field, problem: .coordinateOutOfRange) }
    }

    /// Exactly one of demand ids (non-blank, distinct) or key work.
    static func problem(_ problem: WhistleProblem) throws(WhistleError) -> WhistleProblem {
        let keyWork = try optionalText(problem.keyWork, field: "problem.keyWork", max: WhistleDraft.Limits.keyWork)
        if problem.demandIDs.isEmpty {
            guard let keyWork else { throw .invalidField(field: "problem", problem: .empty) }
            return WhistleProblem(keyWork: keyWork)
        }
        guard keyWork == nil else { throw .invalidField(field: "problem.keyWork", problem: .conflicts(with: "problem.demandIDs")) }
        guard problem.demandIDs.count <= WhistleDraft.Limits.demandIDs else {
            throw .invalidField(field: "problem.demandIDs", problem: .tooMany(max: WhistleDraft.Limits.demandIDs))
        }
        var ids: [String] = []
        for id in problem.demandIDs {
            let id = try text(id, field: "problem.demandIDs", max: WhistleDraft.Limits.identifier)
            guard !ids.contains(id) else { throw .invalidField(field: "problem.demandIDs", problem: .duplicate(id)) }
            ids.append(id)
        }
        return WhistleProblem(demandIDs: ids)
    }
}
