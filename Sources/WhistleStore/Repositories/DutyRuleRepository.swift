import Foundation
import SQLKit
import WhistleCore

/// Duty rules (职责清单 / 派单规则, SPEC §7) as stored. Rules are never edited or deleted: a changed duty is
/// a new rule, and an old one is ended from a day on, so every past dispatch can still be explained.
public struct DutyRuleRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Every rule, ended ones included, by start day.
    public func rules() async throws -> [DutyRule] {
        try await store.read { try await Self.load(in: $0) }
    }

    /// Adds rules (`whistle import duties`, or one from the console). Each must name a known category and
    /// existing units; a rule whose id is stored already is skipped when identical and refused otherwise.
    /// All or nothing. Returns how many were added.
    @discardableResult
    public func add(_ rules: [DutyRule], file: String?, by actor: AuditActor?, now: Date) async throws -> Int {
        try await store.write { [store] db in
            let taxonomy = try await TaxonomyRepository.load(in: db)
            let existing = Dictionary(uniqueKeysWithValues: try await Self.load(in: db).map { ($0.id, $0) })
            let units = Set(try await db.raw("SELECT code FROM units").all().map { try $0.decode(column: "code", as: String.self) })
            var problems: [FileProblem<DutyRuleError>] = []
            var fresh: [DutyRule] = []
            for (index, rule) in rules.enumerated() {
                if let stored = existing[rule.id] {
                    if stored != rule { problems.append(FileProblem(file: file ?? "request", line: index + 1, error: .duplicateID(rule.id))) }
                    continue
                }
                var errors = rule.validate(against: units.contains, taxonomy: taxonomy)
                if !units.contains(rule.areaCode), !errors.contains(.invalidArea(rule.areaCode)) {
                    errors.append(.unknownUnit(rule: rule.id, unit: rule.areaCode))
                }
                problems += errors.map { FileProblem(file: file ?? "request", line: index + 1, error: $0) }
                fresh.append(rule)
            }
            guard problems.isEmpty else {
                // One rule from the console is refused with its own error; a file with all its problems.
                if file == nil, problems.count == 1 { throw problems[0].error }
                throw FileRejected(problems: problems)
            }
            for rule in fresh { try await Self.save(rule, now: now, in: db) }
            try await AuditLog.append(fresh.map {
                AuditEntry(subjectType: "duty_rule", subjectID: $0.id, kind: "duty_rule.added", at: now, actor: actor, reason: file,
                           details: ["document": Self.document($0)])
            }, engine: store.engine, in: db)
            return fresh.count
        }
    }

    /// Ends a rule from `day` on (exclusive of it); an end may be brought forward, never pushed back.
    public func end(_ id: String, from day: CalendarDay, by actor: Actor, now: Date) async throws -> DutyRule {
        try await store.write { [store] db in
            guard var rule = try await Self.load(in: db, id: id).first else { throw DutyRuleError.ruleNotFound(id) }
            if let ends = rule.effectiveUntil, ends < day { throw DutyRuleError.endAfterEnd(rule: id, ends: ends) }
            guard day > rule.effectiveFrom else { throw DutyRuleError.invalidPeriod(from: rule.effectiveFrom, until: day) }
            rule.effectiveUntil = day
            try await Self.save(rule, now: now, in: db)
            try await AuditLog.append([AuditEntry(
                subjectType: "duty_rule", subjectID: id, kind: "duty_rule.ended", at: now, actor: AuditActor(actor),
                details: ["effectiveUntil": day.description])], engine: store.engine, in: db)
            return rule
        }
    }

    static func load(in db: any SQLDatabase, id: String? = nil) async throws -> [DutyRule] {
        let which: SQLQueryString = id.map { " WHERE id = \(bind: $0)" } ?? ""
        return try await db.raw("SELECT document FROM duty_rules\(which) ORDER BY effective_from, id").all().map {
            try JSONDecoder().decode(DutyRule.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    private static func save(_ rule: DutyRule, now: Date, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO duty_rules (id, category_code, area_code, effective_from, effective_until, document, updated_at)
            VALUES (\(bind: rule.id), \(bind: rule.categoryCode), \(bind: rule.areaCode), \(bind: rule.effectiveFrom.description),
                    \(bind: rule.effectiveUntil?.description), \(bind: document(rule)), \(bind: now.millisecondsSince1970))
            ON CONFLICT (id) DO UPDATE SET effective_until = excluded.effective_until, document = excluded.document, updated_at = excluded.updated_at
            """).run()
    }

    private static func document(_ rule: DutyRule) -> String {
        String(decoding: (try? PolicyRepository.encoder.encode(rule)) ?? Data(), as: UTF8.self)
    }
}
