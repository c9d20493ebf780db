import Crypto
import Foundation
import SQLKit
import WhistleCore

/// Demands and their work orders. Every change goes through the Core state machine (``Intake`` and
/// ``Loop``); the repository applies its decision in one transaction: the demand document with its new
/// version (optimistic: a demand changed meanwhile is refused), the orders' projection for inbox queries,
/// the events in the audit chain, and the timers the deadline service will fire.
public struct DemandRepository: Sendable {
    let store: any Store
    let intake: IntakeQueue

    /// `intakeBatch`: most submissions received in one transaction.
    public init(store: any Store, intakeBatch: Int = 128) {
        self.store = store
        intake = IntakeQueue(store: store, maximumBatch: intakeBatch)
    }

    /// A submission retried with an idempotency key it already used: the demand it created, or a refusal
    /// if the body differs.
    public struct Intake: Sendable {
        public var demand: Demand
        public var created: Bool
    }

    /// Receives a demand. The number is the Beijing date and a per-day sequence, unique across servers
    /// because the sequence is one row stepped in the receiving transaction. Submissions arriving together
    /// are received in one transaction (see ``IntakeQueue``).
    public func receive(
        _ draft: DemandDraft, idempotencyKey: String?, by actor: Actor?, at now: Date, rules: LoopRules
    ) async throws -> Intake {
        try await intake.submit(draft, key: idempotencyKey, hash: try Self.hash(of: draft), actor: actor, now: now, rules: rules)
    }

    /// Applies one command. `expectedVersion` (from If-Match) refuses a command based on a stale read.
    public func apply(
        _ command: LoopCommand, to id: String, expectedVersion: Int?, by actor: Actor, at now: Date, rules: LoopRules
    ) async throws -> Demand {
        try await store.write { [store] db in
            try await Self.apply(command, to: id, expectedVersion: expectedVersion, by: actor, at: now, rules: rules, engine: store.engine, in: db)
        }
    }

    /// 评价: the complainant of demand `number` rates its result (``LoopCommand/rate(phone:satisfaction:comment:)``).
    /// An unknown number is refused as a wrong phone is, so a number alone reveals nothing.
    public func rate(
        number: String, phone: String, satisfaction: Satisfaction, comment: String?, at now: Date, rules: LoopRules
    ) async throws -> Demand {
        try await store.write { [store] db in
            guard let row = try await db.raw("SELECT id FROM demands WHERE number = \(bind: number)").first() else {
                throw LoopError.notComplainant
            }
            return try await Self.apply(
                .rate(phone: phone, satisfaction: satisfaction, comment: comment), to: try row.decode(column: "id", as: String.self),
                expectedVersion: nil, by: nil, at: now, rules: rules, engine: store.engine, in: db)
        }
    }

    /// ``apply(_:to:expectedVersion:by:at:rules:)`` inside the caller's transaction; `actor` is `nil` for the
    /// system (the deadline service).
    static func apply(
        _ command: LoopCommand, to id: String, expectedVersion: Int?, by actor: Actor?, at now: Date, rules: LoopRules,
        engine: Engine, in db: any SQLDatabase
    ) async throws -> Demand {
        let demand = try await load(id, in: db)
        if let expectedVersion, expectedVersion != demand.version {
            throw DemandStoreError.versionConflict(id: id, expected: expectedVersion, actual: demand.version)
        }
        if case let .merge(parentID) = command {
            try Loop.checkMerge(demand, into: try await load(parentID, in: db))
        }
        try await checkApprovals(in: command, db: db)
        let decision = try Loop.decide(demand, command, by: actor, at: now, rules: rules)
        try await update(decision.demand, from: demand.version, in: db)
        try await record(decision, engine: engine, rules: rules, in: db)
        try await TallyRollup.record([(demand, decision.demand)], rules: rules, in: db)
        return decision.demand
    }

    /// Approvals named in a command (a unit leader's approval of a return, the approver of a flag) come
    /// from the caller; the approver must really hold that role at that unit now.
    private static func checkApprovals(in command: LoopCommand, db: any SQLDatabase) async throws {
        let approver: Actor? = switch command {
        case let .requestReturn(_, _, _, leaderApproval, _): leaderApproval
        case let .flagMalicious(approver, _), let .flagUnreasonable(approver, _): approver
        default: nil
        }
        guard let approver else { return }
        guard try await PeopleRepository.holds(approver, in: db) else { throw AccessError.roleNotHeld(approver) }
    }

    /// Decides a fired deadline timer of a demand (the deadline service, in its transaction): the overdue and
    /// supervision steps with no actor; a yellow light is only recorded.
    static func fire(_ scheduled: ScheduledTimer, at now: Date, rules: LoopRules, engine: Engine, in db: any SQLDatabase) async throws {
        let timer = try Self.decoder.decode(DeadlineTimer.self, from: Data(scheduled.payload.utf8))
        if let command = timer.command {
            _ = try await Self.apply(command, to: timer.demandID, expectedVersion: nil, by: nil, at: now, rules: rules, engine: engine, in: db)
        } else {
            try await AuditLog.append([AuditEntry(
                subjectType: "demand", subjectID: timer.demandID, kind: "order.light_yellow", at: now,
                details: ["order": timer.orderID, "step": timer.step.rawValue])], engine: engine, in: db)
        }
    }

    /// Refuses a dispatch to a unit the city does not have (units are never deleted, so checking before the
    /// command is as good as checking in its transaction). The API and the console call it at the edge.
    public func checkUnits(in command: LoopCommand) async throws {
        let named: [String] = switch command {
        case let .dispatch(primary, coHandlers, _, _): [primary] + coHandlers
        case let .reDispatch(_, unit, _, _): [unit]
        default: []
        }
        guard !named.isEmpty else { return }
        try await store.read { db in
            for code in named where try await db.raw("SELECT 1 AS found FROM units WHERE code = \(bind: code)").first() == nil {
                throw DemandStoreError.unknownUnit(code)
            }
        }
    }

    public func demand(id: String) async throws -> Demand {
        try await store.read { try await Self.load(id, in: $0) }
    }

    /// Newest first; optionally only one status, or only demands with an order at a unit.
    public func list(status: DemandStatus?, unit: String?, after cursor: String?, limit: Int) async throws -> Page<Demand> {
        var query: SQLQueryString = "SELECT d.document, d.sort_key FROM demands d WHERE 1 = 1"
        if let status { query = query + " AND d.status = \(bind: status.rawValue)" }
        if let unit { query = query + " AND EXISTS (SELECT 1 FROM work_orders o WHERE o.demand_id = d.id AND o.unit_code = \(bind: unit))" }
        if let cursor { query = query + " AND d.sort_key > \(bind: cursor)" }
        query = query + " ORDER BY d.sort_key LIMIT \(bind: limit + 1)"
        let finalQuery = query
        let rows = try await store.read { db in
            try await db.raw(finalQuery).all().map { (try Self.decode($0.decode(column: "document", as: String.self)), try $0.decode(column: "sort_key", as: String.self)) }
        }
        return Page(fetched: rows, limit: limit)
    }

    /// A unit's open orders with their demands, oldest dispatched first (the inbox): an index lookup however
    /// many closed orders the unit has.
    public func openOrders(of unit: String, limit: Int) async throws -> [(demand: Demand, order: WorkOrder)] {
        try await store.read { db in
            try await Self.orders(where: "o.unit_code = \(bind: unit) AND o.is_open", limit: limit, in: db)
        }
    }

    /// Orders whose unit asked for a return, an extension or parking and wait for the dispatch centre's ruling,
    /// oldest demand first (an index lookup: migration 17 indexes exactly these).
    public func awaitingRuling(limit: Int) async throws -> [(demand: Demand, order: WorkOrder)] {
        try await store.read { db in
            try await Self.orders(where: "o.\(unsafeRaw: Self.awaitingRuling)", limit: limit, in: db)
        }
    }

    /// The orders' states that wait for a ruling, as SQL on `status`.
    static let awaitingRuling = "status IN ('\(OrderStatus.returnRequested.rawValue)', '\(OrderStatus.extensionRequested.rawValue)', '\(OrderStatus.parkRequested.rawValue)')"

    /// Orders matching `condition` (on `work_orders o`) with their demands, oldest demand first unless ordered otherwise.
    static func orders(
        where condition: SQLQueryString, orderedBy order: SQLQueryString = "d.sort_key DESC", limit: Int, in db: any SQLDatabase
    ) async throws -> [(demand: Demand, order: WorkOrder)] {
        try await db.raw("""
            SELECT o.id AS order_id, d.document FROM work_orders o JOIN demands d ON d.id = o.demand_id
            WHERE \(condition) ORDER BY \(order) LIMIT \(bind: limit)
            """).all().compactMap { row -> (Demand, WorkOrder)? in
            let demand = try decode(try row.decode(column: "document", as: String.self))
            return demand.order(try row.decode(column: "order_id", as: String.self)).map { (demand, $0) }
        }
    }

    /// Records that `actor` was shown the complainant of these 保密 demands (个人信息保护法: who read what).
    public func recordConfidentialRead(of ids: [String], by actor: Actor, at now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await store.write { [store] db in
            try await AuditLog.append(ids.map {
                AuditEntry(subjectType: "demand", subjectID: $0, kind: "demand.confidential_read", at: now,
                           actor: AuditActor(actor))
            }, engine: store.engine, in: db)
        }
    }

    /// The demand's audit trail.
    public func events(of id: String) async throws -> [AuditEntry] {
        try await store.read { db in
            _ = try await Self.load(id, in: db)
            return try await AuditLog.entries(subjectType: "demand", subjectID: id, in: db)
        }
    }

    // MARK: - Rows

    static func load(_ id: String, in db: any SQLDatabase) async throws -> Demand {
        guard let row = try await db.raw("SELECT document FROM demands WHERE id = \(bind: id)").first() else {
            throw DemandStoreError.notFound(id)
        }
        return try decode(try row.decode(column: "document", as: String.self))
    }

    /// Inserts new demands, many rows a statement.
    static func insert(_ demands: [Demand], in db: any SQLDatabase) async throws {
        for chunk in demands.chunked(by: 50) {
            try await db.insert(into: "demands")
                .columns("id", "number", "version", "status", "channel", "area_code", "category_code", "latitude", "longitude",
                         "created_at", "updated_at", "sort_key", "document")
                .rows(chunk.map { demand in [
                    SQLBind(demand.id), SQLBind(demand.number), SQLBind(demand.version), SQLBind(demand.status.rawValue),
                    SQLBind(demand.channel.rawValue), SQLBind(demand.location.areaCode), SQLBind(demand.categoryCode),
                    SQLBind(demand.location.coordinate?.latitude), SQLBind(demand.location.coordinate?.longitude),
                    SQLBind(demand.createdAt.millisecondsSince1970), SQLBind(demand.updatedAt.millisecondsSince1970),
                    SQLBind(sortKey(demand)), SQLBind(try encode(demand)),
                ] })
                .run()
        }
    }

    /// Writes the new version only if the stored one is still the one decided on: of two concurrent
    /// commands on one demand exactly one wins, the other is refused and changes nothing.
    private static func update(_ demand: Demand, from version: Int, in db: any SQLDatabase) async throws {
        let updated = try await db.raw("""
            UPDATE demands SET version = \(bind: demand.version), status = \(bind: demand.status.rawValue),
                area_code = \(bind: demand.location.areaCode), category_code = \(bind: demand.categoryCode),
                updated_at = \(bind: demand.updatedAt.millisecondsSince1970), document = \(bind: try encode(demand))
            WHERE id = \(bind: demand.id) AND version = \(bind: version) RETURNING id
            """).first()
        guard updated != nil else { throw DemandStoreError.versionConflict(id: demand.id, expected: version, actual: nil) }
    }

    /// The orders as rows, so a unit's inbox is an index lookup rather than a scan of documents, with the
    /// instants their resolution clocks turn yellow and red (`lights`, by order id); many rows a statement.
    private static func project(
        _ orders: [(order: WorkOrder, demandID: String)], lights: [String: ResolutionLight], in db: any SQLDatabase
    ) async throws {
        for chunk in orders.chunked(by: 100) {
            let rows: [SQLQueryString] = chunk.map { order, demandID in
                // 超期待处置: the resolution deadline passed (marked by the deadline service) and no result yet.
                let overdue = order.isOpen && order.resolution.overdueAt != nil && !order.resolution.isCompleted
                let supervised = order.isOpen && order.superviseCount > 0
                let light = lights[order.id]
                return """
                    (\(bind: order.id), \(bind: demandID), \(bind: order.unitCode), \(bind: order.role.rawValue), \(bind: order.status.rawValue),
                     \(bind: order.isOpen), \(bind: overdue), \(bind: supervised), \(bind: light?.yellowAt.millisecondsSince1970), \(bind: light?.dueAt.millisecondsSince1970))
                    """
            }
            try await db.raw("""
                INSERT INTO work_orders (id, demand_id, unit_code, role, status, is_open, overdue, supervised, yellow_at, due_at)
                VALUES \(SQLList(rows))
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, is_open = excluded.is_open, overdue = excluded.overdue,
                    supervised = excluded.supervised, yellow_at = excluded.yellow_at, due_at = excluded.due_at
                """).run()
        }
    }

    /// When an order's resolution clock turns yellow and red: from its pending timers, so an order that is
    /// parked, done, closed or already marked overdue has none.
    struct ResolutionLight {
        var yellowAt: Date
        var dueAt: Date

        static func of(_ timers: [DeadlineTimer]) -> [String: ResolutionLight] {
            let resolution = timers.filter { $0.step == .resolution }
            let yellow = Dictionary(resolution.filter { $0.kind == .yellow }.map { ($0.orderID, $0.at) }, uniquingKeysWith: min)
            return Dictionary(resolution.filter { $0.kind == .overdue }.map {
                ($0.orderID, ResolutionLight(yellowAt: yellow[$0.orderID] ?? $0.at, dueAt: $0.at))
            }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Reserves `count` numbers of `day` (the day's counter steps once): the sequences to number them with.
    public func reserveNumbers(on day: CalendarDay, count: Int) async throws -> Range<Int64> {
        guard count > 0 else { return 1..<1 }
        let last = try await store.write { try await Self.next(counter: "demand/\(day.basicDescription)", by: Int64(count), in: $0) }
        return (last - Int64(count) + 1)..<(last + 1)
    }

    /// Demands received and handled in the past, written with their whole history at once (`whistle simulate`):
    /// documents, orders, events, the timers of those still open and both rollups, in one transaction.
    public func importHistory(_ histories: [(demand: Demand, events: [LoopEvent])], rules: LoopRules) async throws {
        try await store.write { [store] db in
            try await Self.insert(histories.map(\.demand), in: db)
            try await AuditLog.append(histories.flatMap { $0.events.map(\.auditEntry) }, engine: store.engine, in: db)
            let open = histories.map(\.demand).filter { $0.closedAt == nil }.map { ($0, Loop.dueTimers($0, rules: rules)) }
            try await Self.project(histories.flatMap { history in history.demand.orders.map { ($0, history.demand.id) } },
                                   lights: ResolutionLight.of(open.flatMap(\.1)), in: db)
            for (demand, timers) in open {
                try await TimerQueue.schedule(try Self.scheduled(timers, of: demand), for: demand.id, in: db)
            }
            try await TallyRollup.record(histories.map { (nil, $0.demand) }, rules: rules, in: db)
        }
    }

    /// Events into the audit chain, the orders' projection, timers rescheduled from the new state.
    static func record(_ decision: Decision, engine: Engine, rules: LoopRules, in db: any SQLDatabase, eventsAlreadyLogged: Bool = false) async throws {
        if !eventsAlreadyLogged {
            try await AuditLog.append(decision.events.map(\.auditEntry), engine: engine, in: db)
        }
        try await retime(decision.demand, rules: rules, in: db)
    }

    /// What the demand's state implies under `rules`, rewritten: the orders' projection and the pending timers.
    static func retime(_ demand: Demand, rules: LoopRules, in db: any SQLDatabase) async throws {
        let timers = Loop.dueTimers(demand, rules: rules)
        try await project(demand.orders.map { ($0, demand.id) }, lights: ResolutionLight.of(timers), in: db)
        try await TimerQueue.schedule(try scheduled(timers, of: demand), for: demand.id, in: db)
    }

    /// The deadline timers as the timer queue stores them.
    private static func scheduled(_ timers: [DeadlineTimer], of demand: Demand) throws -> [ScheduledTimer] {
        try timers.map { timer in
            ScheduledTimer(key: timer.key, subjectID: demand.id, kind: timer.kind.rawValue, dueAt: timer.at,
                           payload: String(decoding: try encoder.encode(timer), as: UTF8.self))
        }
    }

    static func earlier(_ key: String, in db: any SQLDatabase) async throws -> (hash: String, demandID: String)? {
        try await db.raw("SELECT request_hash, demand_id FROM idempotency_keys WHERE key = \(bind: key)").first().map {
            (try $0.decode(column: "request_hash", as: String.self), try $0.decode(column: "demand_id", as: String.self))
        }
    }

    /// Steps a counter by `count` and returns its new value (the last number taken).
    static func next(counter name: String, by count: Int64 = 1, in db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO counters (name, value) VALUES (\(bind: name), \(bind: count))
            ON CONFLICT (name) DO UPDATE SET value = counters.value + \(bind: count) RETURNING value
            """).first()?.decode(column: "value", as: Int64.self) ?? count
    }

    /// `20261121-0000123`: the Beijing date and the day's sequence.
    static func number(day: String, sequence: Int64) -> String {
        "\(day)-\(sequence.zeroPadded(7))"
    }

    /// The Beijing calendar date, yyyyMMdd.
    static func day(of instant: Date) -> String { CalendarDay(beijing: instant).basicDescription }

    /// Ascending order of the key is newest first.
    static func sortKey(_ demand: Demand) -> String { sortKey(createdAt: demand.createdAt, id: demand.id) }

    static func sortKey(createdAt: Date, id: String) -> String {
        let inverted = Int64(1) << 52 - createdAt.millisecondsSince1970
        return String(format: "%016lld", inverted) + id
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func encode(_ demand: Demand) throws -> String { String(decoding: try encoder.encode(demand), as: UTF8.self) }
    static func decode(_ document: String) throws -> Demand { try decoder.decode(Demand.self, from: Data(document.utf8)) }

    static func hash(of draft: DemandDraft) throws -> String {
        SHA256.hash(data: try encoder.encode(draft)).hexString
    }
}

extension LoopEvent {
    /// The event as an audit entry about its demand.
    var auditEntry: AuditEntry {
        var details = details
        if let orderID { details["order"] = orderID }
        return AuditEntry(
            subjectType: "demand", subjectID: demandID, kind: kind.rawValue, at: at,
            actor: actor.map(AuditActor.init),
            reason: reason, details: details, attachments: attachments)
    }
}

/// Refusals of the demand store.
public enum DemandStoreError: DomainError, Equatable {
    case notFound(String)
    case versionConflict(id: String, expected: Int, actual: Int?)
    case idempotencyKeyReused(String)
    /// A dispatch names a unit the city does not have.
    case unknownUnit(String)

    public var code: String {
        switch self {
        case .notFound: "demand.not_found"
        case .unknownUnit: "demand.unknown_unit"
        case .versionConflict: "demand.version_conflict"
        case .idempotencyKeyReused: "demand.idempotency_key_reused"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .notFound: .notFound
        case .versionConflict, .idempotencyKeyReused: .conflict
        case .unknownUnit: .invalid
        }
    }

    public var messageZh: String {
        switch self {
        case let .notFound(id): "诉求“\(id)”不存在"
        case let .versionConflict(id, expected, _): "诉求“\(id)”已被他人修改（您看到的是第 \(expected) 版），请刷新后重试"
        case let .idempotencyKeyReused(key): "幂等键“\(key)”已用于另一份不同的提交"
        case let .unknownUnit(code): "单位“\(code)”不存在，不能派单"
        }
    }

    public var messageEn: String {
        switch self {
        case let .notFound(id): "demand \"\(id)\" does not exist"
        case let .versionConflict(id, expected, _): "demand \"\(id)\" was changed by someone else (you saw version \(expected)); reload and retry"
        case let .idempotencyKeyReused(key): "idempotency key \"\(key)\" was already used for a different submission"
        case let .unknownUnit(code): "unit \"\(code)\" does not exist: nothing can be dispatched to it"
        }
    }
}
