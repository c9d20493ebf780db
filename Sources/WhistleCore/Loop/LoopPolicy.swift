import Foundation

/// The local rules of the closed loop as data (SPEC: configuration with an effective date, never
/// constants): deadline classes, return window, traffic-light threshold, supervision delay, the demand
/// types that may be answered at once and when demands count as duplicates. A policy applies from the
/// start of its day (Beijing time) until the next one; decisions already taken keep the deadlines they were given.
public struct LoopPolicy: Sendable, Hashable, Codable, EffectiveDated {
    /// The first day the policy applies, `YYYY-MM-DD` (00:00 Beijing time).
    public var effectiveFrom: CalendarDay
    public var deadlineClasses: [DeadlineClass]
    public var returnWindow: DeadlineDuration
    public var yellowThreshold: Double
    public var superviseAfter: DeadlineDuration
    public var directAnswerTypes: [DemandType]
    /// Versions saved before duplicate rules existed read as the defaults.
    public var duplicates: DuplicateRules

    public init(
        effectiveFrom: CalendarDay, deadlineClasses: [DeadlineClass], returnWindow: DeadlineDuration, yellowThreshold: Double,
        superviseAfter: DeadlineDuration, directAnswerTypes: [DemandType], duplicates: DuplicateRules = .default
    ) throws(LoopPolicyError) {
        self.effectiveFrom = effectiveFrom
        self.deadlineClasses = deadlineClasses
        self.returnWindow = returnWindow
        self.yellowThreshold = yellowThreshold
        self.superviseAfter = superviseAfter
        self.directAnswerTypes = directAnswerTypes
        self.duplicates = duplicates
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        effectiveFrom = try c.decode(CalendarDay.self, forKey: .effectiveFrom)
        deadlineClasses = try c.decode([DeadlineClass].self, forKey: .deadlineClasses)
        returnWindow = try c.decode(DeadlineDuration.self, forKey: .returnWindow)
        yellowThreshold = try c.decode(Double.self, forKey: .yellowThreshold)
        superviseAfter = try c.decode(DeadlineDuration.self, forKey: .superviseAfter)
        directAnswerTypes = try c.decode([DemandType].self, forKey: .directAnswerTypes)
        duplicates = try c.decodeIfPresent(DuplicateRules.self, forKey: .duplicates) ?? .default
        try validate()
    }

    /// Beijing's defaults (SPEC §3–4), in force since the regulation took effect (2021-09-24).
    public static let beijing = try! LoopPolicy(
        effectiveFrom: CalendarDay(year: 2021, month: 9, day: 24)!, deadlineClasses: DeadlineClass.beijingDefaults,
        returnWindow: .workingDays(3), yellowThreshold: 0.75, superviseAfter: .workingDays(1), directAnswerTypes: [.consultation])

    /// The rules this policy gives, with each unit's working calendar.
    public func rules(calendar: @escaping @Sendable (_ unitCode: String) -> WorkingCalendar) -> LoopRules {
        LoopRules(
            effectiveFrom: start, deadlineClasses: deadlineClasses, returnWindow: returnWindow, yellowThreshold: yellowThreshold,
            superviseAfter: superviseAfter, directAnswerTypes: Set(directAnswerTypes), duplicates: duplicates, calendar: calendar)
    }

    private func validate() throws(LoopPolicyError) {
        guard !deadlineClasses.isEmpty else { throw .noDeadlineClasses }
        var codes = Set<String>()
        for deadlineClass in deadlineClasses where !codes.insert(deadlineClass.code).inserted {
            throw .duplicateDeadlineClass(deadlineClass.code)
        }
        guard yellowThreshold > 0, yellowThreshold < 1 else { throw .yellowThresholdOutOfRange(yellowThreshold) }
        try duplicates.validate()
    }
}

/// Why a policy was refused.
public enum LoopPolicyError: DomainError, Equatable {
    case noDeadlineClasses
    case duplicateDeadlineClass(String)
    case yellowThresholdOutOfRange(Double)
    case outOfRange(field: String, value: Double)

    public var code: String {
        switch self {
        case .noDeadlineClasses: "policy.no_deadline_classes"
        case .duplicateDeadlineClass: "policy.duplicate_deadline_class"
        case .yellowThresholdOutOfRange: "policy.yellow_threshold_out_of_range"
        case .outOfRange: "policy.value_out_of_range"
        }
    }

    public var kind: DomainErrorKind { .invalid }

    public var messageZh: String {
        switch self {
        case .noDeadlineClasses: "至少需要一个时限类别"
        case let .duplicateDeadlineClass(code): "时限类别“\(code)”重复"
        case let .yellowThresholdOutOfRange(value): "黄灯阈值 \(value) 应在 0 与 1 之间"
        case let .outOfRange(field, value): "“\(field)”的取值 \(value) 超出允许范围"
        }
    }

    public var messageEn: String {
        switch self {
        case .noDeadlineClasses: "at least one deadline class is needed"
        case let .duplicateDeadlineClass(code): "deadline class \"\(code)\" appears twice"
        case let .yellowThresholdOutOfRange(value): "yellow threshold \(value) must lie between 0 and 1"
        case let .outOfRange(field, value): "\(field) = \(value) is out of the allowed range"
        }
    }
}
