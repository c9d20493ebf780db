import Foundation

/// Why a whistle command or draft was refused. A refusal changes nothing.
public enum WhistleError: DomainError, Equatable {
    /// A field of the draft or command is invalid.
    case invalidField(field: String, problem: FieldProblem)
    /// The role (or the system, `nil`) may not take this step.
    case roleNotAllowed(action: WhistleAction, role: Role?)
    /// The actor does not act for the unit that blew the whistle.
    case notWhistlingUnit(unit: String)
    /// The actor's unit is not summoned by this whistle.
    case notSummoned(unit: String)
    /// The unit named is not among the whistle's summoned units.
    case summonsNotFound(unit: String)
    /// A unit the caller did not supply in the unit map.
    case unitNotFound(String)
    /// Units of this kind do not whistle (only grids, communities/villages and streets/townships/areas do).
    case unitMayNotWhistle(unit: String, kind: UnitKind)
    /// The whistling unit may not summon this unit at its level.
    case summonsOutOfScope(whistler: String, unit: String, level: WhistleLevel)
    /// A unit cannot summon itself.
    case summonsSelf(unit: String)
    /// The same unit is summoned twice.
    case duplicateSummons(unit: String)
    /// `raise` was decided on an existing whistle.
    case alreadyExists(String)
    /// A command other than `raise` was decided without a whistle.
    case whistleMissing
    /// The whistle is not in a state that allows the step.
    case wrongState(action: WhistleAction, status: WhistleStatus)
    /// The summoned unit is not in a state that allows the step.
    case summonsWrongState(action: WhistleAction, unit: String, status: SummonsStatus)
    /// The sign-in is farther from the whistle's place than the policy allows.
    case tooFarAway(unit: String, distanceMetres: Double, allowedMetres: Double)
    /// The deadline service fired before the report-in deadline (a stale timer).
    case notYetDue(unit: String, due: Date)
    /// 一哨一考核: the unit has already been scored on this whistle.
    case alreadyScored(unit: String)
    /// A mark outside the policy's scale.
    case scoreOutOfRange(field: String, value: Int, min: Int, max: Int)
    /// The whistle already carries a review finding.
    case alreadyFlagged(WhistleReviewKind)
    /// Only a supervisor or administrator of the whistle's district reviews it.
    case notDistrictReviewer(district: String)

    public var code: String {
        switch self {
        case .invalidField: "whistle.invalid_field"
        case .roleNotAllowed: "whistle.role_not_allowed"
        case .notWhistlingUnit: "whistle.not_whistling_unit"
        case .notSummoned: "whistle.not_summoned"
        case .summonsNotFound: "whistle.summons_not_found"
        case .unitNotFound: "whistle.unit_not_found"
        case .unitMayNotWhistle: "whistle.unit_may_not_whistle"
        case .summonsOutOfScope: "whistle.summons_out_of_scope"
        case .summonsSelf: "whistle.summons_self"
        case .duplicateSummons: "whistle.duplicate_summons"
        case .alreadyExists: "whistle.already_exists"
        case .whistleMissing: "whistle.not_found"
        case .wrongState: "whistle.wrong_state"
        case .summonsWrongState: "whistle.summons_wrong_state"
        case .tooFarAway: "whistle.sign_in_too_far"
        case .notYetDue: "whistle.not_yet_due"
        case .alreadyScored: "whistle.already_scored"
        case .scoreOutOfRange: "whistle.score_out_of_range"
        case .alreadyFlagged: "whistle.already_flagged"
        case .notDistrictReviewer: "whistle.not_district_reviewer"
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .invalidField, .summonsSelf, .duplicateSummons, .tooFarAway, .scoreOutOfRange:
            .invalid
        case .roleNotAllowed, .notWhistlingUnit, .notSummoned, .unitMayNotWhistle, .summonsOutOfScope, .notDistrictReviewer:
            .forbidden
        case .summonsNotFound, .unitNotFound, .whistleMissing:
            .notFound
        case .alreadyExists, .wrongState, .summonsWrongState, .notYetDue, .alreadyScored, .alreadyFlagged:
            .conflict
        }
    }

    public var messageZh: String {
        switch self {
        case let .invalidField(field, problem): "字段 \(field) \(problem.zh)"
        case let .roleNotAllowed(action, role): "\(role?.nameZh ?? "系统")无权\(action.nameZh)"
        case let .notWhistlingUnit(unit): "只有吹哨单位 \(unit) 可以进行此操作"
        case let .notSummoned(unit): "\(unit) 不在本次吹哨的点单单位中"
        case let .summonsNotFound(unit): "本次吹哨没有点单 \(unit)"
        case let .unitNotFound(code): "单位“\(code)”不存在"
        case let .unitMayNotWhistle(unit, kind): "\(kind.nameZh)“\(unit)”不能吹哨（只有网格、社区/村、街道/乡镇/地区可以吹哨）"
        case let .summonsOutOfScope(whistler, unit, level): "\(whistler) 吹\(level.nameZh)不能点单 \(unit)"
        case let .summonsSelf(unit): "\(unit) 不能向自身吹哨"
        case let .duplicateSummons(unit): "\(unit) 被重复点单"
        case let .alreadyExists(id): "吹哨 \(id) 已存在"
        case .whistleMissing: "吹哨不存在"
        case let .wrongState(action, status): "吹哨当前状态为“\(status.nameZh)”，不能\(action.nameZh)"
        case let .summonsWrongState(action, unit, status): "\(unit) 当前为“\(status.nameZh)”，不能\(action.nameZh)"
        case let .tooFarAway(unit, distance, allowed): "\(unit) 报到位置距现场 \(Int(distance.rounded())) 米，超过允许的 \(Int(allowed.rounded())) 米"
        case let .notYetDue(unit, due): "\(unit) 的报到时限未到（\(Stamp.local(due))）"
        case let .alreadyScored(unit): "一哨一考核：\(unit) 已评分"
        case let .scoreOutOfRange(field, value, min, max): "\(field) 评分 \(value) 超出 \(min)–\(max) 分"
        case let .alreadyFlagged(kind): "吹哨已被认定为\(kind.nameZh)"
        case let .notDistrictReviewer(district): "只有区 \(district) 的督办人员或管理员可以认定空哨/乱吹哨"
        }
    }

    public var messageEn: String {
        switch self {
        case let .invalidField(field, problem): "field \(field) \(problem.en)"
        case let .roleNotAllowed(action, role): "\(role?.rawValue ?? "the system") may not \(action.rawValue.replacingOccurrences(of: "_", with: " "))"
        case let .notWhistlingUnit(unit): "only the whistling unit \(unit) may do this"
        case let .notSummoned(unit): "\(unit) is not summoned by this whistle"
        case let .summonsNotFound(unit): "this whistle did not summon \(unit)"
        case let .unitNotFound(code): "unit \"\(code)\" does not exist"
        case let .unitMayNotWhistle(unit, kind): "a \(kind.rawValue) (\(unit)) cannot whistle; grids, communities and streets can"
        case let .summonsOutOfScope(whistler, unit, level): "\(whistler) may not summon \(unit) with a \(level.rawValue)-level whistle"
        case let .summonsSelf(unit): "\(unit) cannot summon itself"
        case let .duplicateSummons(unit): "\(unit) is summoned twice"
        case let .alreadyExists(id): "whistle \(id) already exists"
        case .whistleMissing: "the whistle does not exist"
        case let .wrongState(action, status): "cannot \(action.rawValue.replacingOccurrences(of: "_", with: " ")) a whistle that is \(status.rawValue)"
        case let .summonsWrongState(action, unit, status): "cannot \(action.rawValue.replacingOccurrences(of: "_", with: " ")) for \(unit) while it is \(status.rawValue)"
        case let .tooFarAway(unit, distance, allowed): "\(unit) signed in \(Int(distance.rounded())) m from the place, more than the allowed \(Int(allowed.rounded())) m"
        case let .notYetDue(unit, due): "the report-in of \(unit) is not due until \(Stamp.local(due))"
        case let .alreadyScored(unit): "one whistle, one score: \(unit) is already scored"
        case let .scoreOutOfRange(field, value, min, max): "\(field) mark \(value) is outside \(min)–\(max)"
        case let .alreadyFlagged(kind): "the whistle is already found \(kind.rawValue)"
        case let .notDistrictReviewer(district): "only a supervisor or administrator of district \(district) may review whistles"
        }
    }
}
