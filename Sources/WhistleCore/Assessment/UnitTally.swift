/// Callbacks (回访) counted by outcome: the raw material of the three rates (三率).
public struct CallbackCounts: Sendable, Hashable, Codable, AdditiveArithmetic {
    /// 有效回访数: the denominator of the three rates.
    public var valid: Int
    /// Valid callbacks where the resident was contacted (是否联系 = 是).
    public var contacted: Int
    /// Valid callbacks where the demand was solved (是否解决 = 是).
    public var solved: Int
    /// 满意
    public var satisfied: Int
    /// 基本满意
    public var basicallySatisfied: Int
    /// 不满意
    public var unsatisfied: Int
    /// 无效回访 (unreachable, refused): outside every denominator.
    public var invalid: Int

    public init(
        valid: Int = 0, contacted: Int = 0, solved: Int = 0, satisfied: Int = 0, basicallySatisfied: Int = 0,
        unsatisfied: Int = 0, invalid: Int = 0
    ) {
        self.valid = valid
        self.contacted = contacted
        self.solved = solved
        self.satisfied = satisfied
        self.basicallySatisfied = basicallySatisfied
        self.unsatisfied = unsatisfied
        self.invalid = invalid
    }

    /// The counts of one callback.
    public init(_ outcome: CallbackOutcome) {
        switch outcome {
        case let .valid(contacted, solved, satisfaction):
            self.init(
                valid: 1, contacted: contacted ? 1 : 0, solved: solved ? 1 : 0, satisfied: satisfaction == .satisfied ? 1 : 0,
                basicallySatisfied: satisfaction == .basicallySatisfied ? 1 : 0, unsatisfied: satisfaction == .unsatisfied ? 1 : 0)
        case .invalid:
            self.init(invalid: 1)
        }
    }

    public static let zero = CallbackCounts()

    public static func + (a: CallbackCounts, b: CallbackCounts) -> CallbackCounts { combine(a, b, +) }

    public static func - (a: CallbackCounts, b: CallbackCounts) -> CallbackCounts { combine(a, b, -) }

    private static func combine(_ a: CallbackCounts, _ b: CallbackCounts, _ op: (Int, Int) -> Int) -> CallbackCounts {
        CallbackCounts(
            valid: op(a.valid, b.valid), contacted: op(a.contacted, b.contacted), solved: op(a.solved, b.solved),
            satisfied: op(a.satisfied, b.satisfied), basicallySatisfied: op(a.basicallySatisfied, b.basicallySatisfied),
            unsatisfied: op(a.unsatisfied, b.unsatisfied), invalid: op(a.invalid, b.invalid))
    }
}

/// What one unit did in one period, as counts a ranking needs: a rollup row maintained INCREMENTALLY as
/// events happen, and summed with `+` (e.g. a district = the sum of its streets).
///
/// Keeping it up to date: add `UnitTally(callback:unreasonable:)` when a callback is recorded against the
/// unit (the primary unit of ``CallbackRecord``); when a later callback supersedes it (the last one scores)
/// or the demand is ruled 不合理诉求, subtract the old delta and add the new one. Callbacks of demands that
/// never count (emergency transfers, direct answers, merged duplicates, malicious calls) are not recorded.
/// Unreasonable demands are kept apart rather than dropped, so the scheme in force decides whether they
/// count and a rule change needs no recount. The digital-city-management counts are incremented directly.
public struct UnitTally: Sendable, Hashable, Codable, AdditiveArithmetic {
    /// Callbacks of demands that count in the three rates.
    public var callbacks: CallbackCounts
    /// Callbacks of demands ruled 不合理诉求 after review: excluded when the scheme says so.
    public var unreasonable: CallbackCounts

    // 数字城管 counts (domain rules §4.5, rule 28).
    /// 立案数
    public var filed: Int
    /// 结案数
    public var closed: Int
    /// 按期结案数
    public var closedOnTime: Int
    /// 应处置数
    public var toHandle: Int
    /// 处置数
    public var handled: Int
    /// 按期处置数
    public var handledOnTime: Int
    /// 返工数 (reopened: 重办)
    public var reworked: Int
    /// 延期数
    public var extended: Int
    /// 超期待处置数: overdue and still pending at the period's end (a state, not a flow; still additive across units).
    public var overduePending: Int

    public init(
        callbacks: CallbackCounts = .zero, unreasonable: CallbackCounts = .zero, filed: Int = 0, closed: Int = 0,
        closedOnTime: Int = 0, toHandle: Int = 0, handled: Int = 0, handledOnTime: Int = 0, reworked: Int = 0,
        extended: Int = 0, overduePending: Int = 0
    ) {
        self.callbacks = callbacks
        self.unreasonable = unreasonable
        self.filed = filed
        self.closed = closed
        self.closedOnTime = closedOnTime
        self.toHandle = toHandle
        self.handled = handled
        self.handledOnTime = handledOnTime
        self.reworked = reworked
        self.extended = extended
        self.overduePending = overduePending
    }

    /// The delta of one callback, of a demand ruled 不合理诉求 or not.
    public init(callback outcome: CallbackOutcome, unreasonable: Bool = false) {
        let counts = CallbackCounts(outcome)
        self.init(callbacks: unreasonable ? .zero : counts, unreasonable: unreasonable ? counts : .zero)
    }

    /// Callbacks of unreasonable demands (excluded when the scheme says so), valid or not.
    public var excluded: Int { unreasonable.valid + unreasonable.invalid }

    /// The callbacks that count under `scheme`.
    public func counted(under scheme: AssessmentScheme) -> CallbackCounts {
        scheme.excludesUnreasonable ? callbacks : callbacks + unreasonable
    }

    public static let zero = UnitTally()

    public static func + (a: UnitTally, b: UnitTally) -> UnitTally { combine(a, b, +, +) }

    public static func - (a: UnitTally, b: UnitTally) -> UnitTally { combine(a, b, -, -) }

    private static func combine(
        _ a: UnitTally, _ b: UnitTally, _ counts: (CallbackCounts, CallbackCounts) -> CallbackCounts, _ op: (Int, Int) -> Int
    ) -> UnitTally {
        UnitTally(
            callbacks: counts(a.callbacks, b.callbacks), unreasonable: counts(a.unreasonable, b.unreasonable),
            filed: op(a.filed, b.filed), closed: op(a.closed, b.closed), closedOnTime: op(a.closedOnTime, b.closedOnTime),
            toHandle: op(a.toHandle, b.toHandle), handled: op(a.handled, b.handled),
            handledOnTime: op(a.handledOnTime, b.handledOnTime), reworked: op(a.reworked, b.reworked),
            extended: op(a.extended, b.extended), overduePending: op(a.overduePending, b.overduePending))
    }
}
