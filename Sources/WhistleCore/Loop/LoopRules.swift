import Foundation

/// The configuration of the closed loop in force from `effectiveFrom` (SPEC: local rules are configuration
/// with an effective date, never constants). The store keeps versions and passes the one in force.
public struct LoopRules: Sendable {
    /// When these rules take effect.
    public var effectiveFrom: Date
    /// Deadline classes (时限类别) by code.
    public var deadlineClasses: [String: DeadlineClass]
    /// How long after dispatch a unit may ask to return an order (退单时限) [3 working days].
    public var returnWindow: DeadlineDuration
    /// Share of the allowed time at which a clock turns yellow (黄灯) [0.75].
    public var yellowThreshold: Double
    /// How long after a deadline supervision (督办) is raised [1 working day].
    public var superviseAfter: DeadlineDuration
    /// Demand types the hotline may close with a direct answer (直接答复) [咨询].
    public var directAnswerTypes: Set<DemandType>
    /// When open demands are proposed as duplicates of a new one (重复件).
    public var duplicates: DuplicateRules
    private let unitCalendar: @Sendable (String) -> WorkingCalendar

    /// Rules from explicit values; `calendar` gives each unit's working calendar (a department works 5×8,
    /// the hotline 7×24).
    public init(
        effectiveFrom: Date, deadlineClasses: [DeadlineClass], returnWindow: DeadlineDuration,
        yellowThreshold: Double, superviseAfter: DeadlineDuration, directAnswerTypes: Set<DemandType>,
        duplicates: DuplicateRules = .default, calendar: @escaping @Sendable (_ unitCode: String) -> WorkingCalendar
    ) {
        self.effectiveFrom = effectiveFrom
        self.deadlineClasses = Dictionary(deadlineClasses.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        self.returnWindow = returnWindow
        self.yellowThreshold = yellowThreshold
        self.superviseAfter = superviseAfter
        self.directAnswerTypes = directAnswerTypes
        self.duplicates = duplicates
        unitCalendar = calendar
    }

    /// The working calendar of a unit: its deadlines, return window and supervision use it.
    public func calendar(forUnit unitCode: String) -> WorkingCalendar { unitCalendar(unitCode) }

    /// A deadline class by code.
    public func deadlineClass(_ code: String) -> DeadlineClass? { deadlineClasses[code] }

    /// The seed: ``DeadlineClass/beijingDefaults``, returns within 3 working days, yellow at 75 %, supervision
    /// 1 working day after a deadline, direct answers for consultations. Effective by default from the day
    /// the Beijing regulation took effect (2021-09-24).
    public static func beijingDefault(
        effectiveFrom: Date = Date(timeIntervalSince1970: 1_632_412_800),
        calendar: @escaping @Sendable (_ unitCode: String) -> WorkingCalendar
    ) -> LoopRules {
        LoopRules(
            effectiveFrom: effectiveFrom, deadlineClasses: DeadlineClass.beijingDefaults, returnWindow: .workingDays(3),
            yellowThreshold: 0.75, superviseAfter: .workingDays(1), directAnswerTypes: [.consultation],
            calendar: calendar)
    }

    /// ``beijingDefault(effectiveFrom:calendar:)`` with one calendar for every unit.
    public static func beijingDefault(effectiveFrom: Date = Date(timeIntervalSince1970: 1_632_412_800), calendar: WorkingCalendar) -> LoopRules {
        beijingDefault(effectiveFrom: effectiveFrom) { _ in calendar }
    }
}
