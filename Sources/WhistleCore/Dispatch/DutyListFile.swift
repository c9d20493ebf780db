import Foundation

/// The duty-list CSV (职责清单 / 派单规则) that `whistle import duties` reads: one ``DutyRule`` a row. Columns
/// (header required, order free, unknown columns ignored): `category,area,primary,co_handlers,priority,
/// effective_from,effective_until,note` and optionally `id`, of which ``requiredColumns`` are required.
///
/// Units are codes or templates (``UnitTarget``); `co_handlers` are separated by `;`, `；` or `、`; dates are
/// `YYYY-MM-DD`, `effective_until` exclusive and optional; a blank priority is 0. A row without an id gets
/// `file:line`, so give ids to rules that dispatch explanations must keep naming after the file is edited.
/// Categories and units are checked against the city separately, by ``DutyRule/validate(against:taxonomy:)``.
public enum DutyListFile {
    public static let requiredColumns = ["category", "area", "primary", "effective_from"]

    /// The rules of the file, or every problem found, by line.
    public static func parse(_ text: String, file: String) -> Result<[DutyRule], FileRejected<DutyRuleError>> {
        let records = CSV.records(text)
        guard let first = records.first else {
            return .failure(FileRejected(problems: [FileProblem(file: file, line: 1, error: .emptyFile)]))
        }
        let header = CSVHeader(first)
        let missing = requiredColumns.filter { !header.has($0) }
        guard missing.isEmpty else {
            return .failure(FileRejected(problems: missing.map { FileProblem(file: file, line: header.line, error: .missingColumn($0)) }))
        }

        var rules: [DutyRule] = []
        var ids: Set<String> = []
        var problems: [FileProblem<DutyRuleError>] = []
        for record in records.dropFirst() {
            var errors: [DutyRuleError] = []
            func value(_ column: String) -> String { header.value(column, in: record) }
            func check<Value>(_ parsed: Value?, else error: DutyRuleError) -> Value? {
                if parsed == nil { errors.append(error) }
                return parsed
            }

            let id = value("id").isEmpty ? "\(file):\(record.line)" : value("id")
            if !ids.insert(id).inserted { errors.append(.duplicateID(id)) }
            let (categoryText, areaText, primaryText) = (value("category"), value("area"), value("primary"))
            let category = check(Category.isValidCode(categoryText) ? categoryText : nil, else: .invalidCategory(categoryText))
            let area = check(AreaLevel(divisionCode: areaText) != nil ? areaText : nil, else: .invalidArea(areaText))
            let primary = check(UnitTarget(primaryText), else: primaryText.isEmpty ? .missingPrimary : .invalidUnit(primaryText))
            let coHandlers = value("co_handlers").split(whereSeparator: { ";；、".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .compactMap { check(UnitTarget($0), else: .invalidUnit($0)) }
            var named: Set<UnitTarget> = []
            for target in [primary].compactMap({ $0 }) + coHandlers where !named.insert(target).inserted {
                errors.append(.duplicateUnit(target.description))
            }
            let (priorityText, fromText, untilText) = (value("priority"), value("effective_from"), value("effective_until"))
            let priority = priorityText.isEmpty ? 0 : check(Int(priorityText), else: .invalidPriority(priorityText))
            let from = check(CalendarDay(fromText), else: .invalidDate(column: "effective_from", value: fromText))
            let until = untilText.isEmpty ? nil : check(CalendarDay(untilText), else: .invalidDate(column: "effective_until", value: untilText))
            if let from, let until, until <= from { errors.append(.invalidPeriod(from: from, until: until)) }

            guard errors.isEmpty, let category, let area, let primary, let priority, let from else {
                problems += errors.map { FileProblem(file: file, line: record.line, error: $0) }
                continue
            }
            rules.append(DutyRule(
                id: id, categoryCode: category, areaCode: area, primary: primary, coHandlers: coHandlers,
                priority: priority, effectiveFrom: from, effectiveUntil: until, note: value("note")))
        }
        return problems.isEmpty ? .success(rules) : .failure(FileRejected(problems: problems))
    }
}
