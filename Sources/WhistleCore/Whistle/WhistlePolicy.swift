import Foundation

/// The local rules of the whistle as data, with an effective date like ``LoopPolicy``: the report-in
/// deadline per whistle type, how far from the incident a sign-in may be, and the scale of scores. A policy
/// applies from the start of its day (Beijing time); a whistle keeps the report-in deadline it was raised with.
public struct WhistlePolicy: Sendable, Hashable, Codable, EffectiveDated {
    /// The first day the policy applies, `YYYY-MM-DD` (00:00 Beijing time).
    public var effectiveFrom: CalendarDay
    /// Minutes after the whistle within which each summoned unit must sign in on site, for every type.
    public var reportInMinutes: [WhistleType: Int]
    /// How far (metres, great-circle) from the whistle's place a sign-in may be.
    public var signInRadiusMetres: Double
    /// The lowest and highest mark of each scored item (timeliness, effort, result), whole numbers.
    public var scoreMin: Int
    public var scoreMax: Int

    public init(
        effectiveFrom: CalendarDay, reportInMinutes: [WhistleType: Int], signInRadiusMetres: Double, scoreMin: Int, scoreMax: Int
    ) throws(WhistlePolicyError) {
        self.effectiveFrom = effectiveFrom
        self.reportInMinutes = reportInMinutes
        self.signInRadiusMetres = signInRadiusMetres
        self.scoreMin = scoreMin
        self.scoreMax = scoreMax
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        effectiveFrom = try c.decode(CalendarDay.self, forKey: .effectiveFrom)
        reportInMinutes = try c.decode([WhistleType: Int].self, forKey: .reportInMinutes)
        signInRadiusMetres = try c.decode(Double.self, forKey: .signInRadiusMetres)
        scoreMin = try c.decode(Int.self, forKey: .scoreMin)
        scoreMax = try c.decode(Int.self, forKey: .scoreMax)
        try validate()
    }

    /// The defaults, from the regulation's start (2021-09-24, as ``LoopPolicy/beijing``):
    /// - 综合执法 and 应急处置: 30 minutes (Pinggu, domain-rules §6, CONFIRMED);
    /// - 群众诉求: 120 minutes and 重点工作: 240 minutes — ASSUMPTIONS (SPEC: "others configurable"; no
    ///   official figure found), chosen so that a planned whistle still means arriving the same half-day;
    /// - sign-in within 500 m of the place (ASSUMPTION: an overpass market or a street block);
    /// - each of timeliness, effort and result marked 0–10 (ASSUMPTION: three items of 0–10 sum to 30 and
    ///   convert to a percentage without rounding trouble; 0 is possible for a unit that never came).
    public static let `default` = try! WhistlePolicy(
        effectiveFrom: CalendarDay(year: 2021, month: 9, day: 24)!,
        reportInMinutes: [.jointEnforcement: 30, .emergency: 30, .publicDemand: 120, .keyWork: 240],
        signInRadiusMetres: 500, scoreMin: 0, scoreMax: 10)

    /// The allowed marks of a scored item.
    public var scoreRange: ClosedRange<Int> { scoreMin...scoreMax }

    /// Minutes to report in for a type (every type has one once validated).
    public func reportInMinutes(for type: WhistleType) -> Int { reportInMinutes[type] ?? 30 }

    private func validate() throws(WhistlePolicyError) {
        for type in WhistleType.allCases {
            guard let minutes = reportInMinutes[type] else { throw .reportInMissing(type) }
            guard minutes > 0, minutes <= 7 * 24 * 60 else { throw .reportInOutOfRange(type, minutes) }
        }
        guard signInRadiusMetres.isFinite, signInRadiusMetres > 0 else { throw .radiusNotPositive(signInRadiusMetres) }
        guard scoreMin >= 0, scoreMin < scoreMax else { throw .scoreScaleInvalid(min: scoreMin, max: scoreMax) }
    }
}

/// Why a whistle policy was refused.
public enum WhistlePolicyError: DomainError, Equatable {
    case reportInMissing(WhistleType)
    case reportInOutOfRange(WhistleType, Int)
    case radiusNotPositive(Double)
    case scoreScaleInvalid(min: Int, max: Int)

    public var code: String {
        switch self {
        case .reportInMissing: "whistle_policy.report_in_missing"
        case .reportInOutOfRange: "whistle_policy.report_in_out_of_range"
        case .radiusNotPositive: "whistle_policy.radius_not_positive"
        case .scoreScaleInvalid: "whistle_policy.score_scale_invalid"
        }
    }

    public var kind: DomainErrorKind { .invalid }

    public var messageZh: String {
        switch self {
        case let .reportInMissing(type): "缺少\(type.nameZh)哨的报到时限"
        case let .reportInOutOfRange(type, minutes): "\(type.nameZh)哨的报到时限 \(minutes) 分钟应在 1 分钟至 7 天之间"
        case let .radiusNotPositive(value): "报到签到距离 \(value) 米必须大于零"
        case let .scoreScaleInvalid(min, max): "评分范围 \(min)–\(max) 无效（最低分不小于 0 且小于最高分）"
        }
    }

    public var messageEn: String {
        switch self {
        case let .reportInMissing(type): "no report-in deadline for \(type.rawValue) whistles"
        case let .reportInOutOfRange(type, minutes): "report-in deadline \(minutes) min for \(type.rawValue) must lie between 1 minute and 7 days"
        case let .radiusNotPositive(value): "sign-in distance \(value) m must be greater than zero"
        case let .scoreScaleInvalid(min, max): "score scale \(min)–\(max) is invalid (min at least 0 and below max)"
        }
    }
}
