/// How long a step may take (时限), and how it is counted. Coded as `{"kind": "workingDays", "amount": 7}`.
public enum DeadlineDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Natural hours (自然小时): elapsed time, nights and holidays included (紧急 2 小时, 水电气热 24 小时).
    case naturalHours(Double)
    /// Natural days (自然日, "N 日"): see ``WorkingCalendar/addNaturalDays(_:to:)``.
    case naturalDays(Int)
    /// Working days (工作日): see ``WorkingCalendar/addWorkingDays(_:to:)``.
    case workingDays(Int)
    /// Working hours (工作小时): business time only, see ``WorkingCalendar/addWorkingTime(_:to:)``.
    case workingHours(Double)

    /// Whether the clock consumes only business time of the unit's calendar (everything but natural hours).
    /// A natural-hours clock ignores the calendar entirely.
    public var countsBusinessTime: Bool {
        if case .naturalHours = self { false } else { true }
    }

    /// e.g. `7 working days`.
    public var description: String {
        switch self {
        case let .naturalHours(h): "\(Self.format(h)) natural hours"
        case let .naturalDays(d): "\(d) natural days"
        case let .workingDays(d): "\(d) working days"
        case let .workingHours(h): "\(Self.format(h)) working hours"
        }
    }

    /// e.g. `7个工作日`.
    public var descriptionZh: String {
        switch self {
        case let .naturalHours(h): "\(Self.format(h))小时"
        case let .naturalDays(d): "\(d)日"
        case let .workingDays(d): "\(d)个工作日"
        case let .workingHours(h): "\(Self.format(h))个工作小时"
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, amount }

    private enum Kind: String, Codable { case naturalHours, naturalDays, workingDays, workingHours }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        let amount = try c.decode(Double.self, forKey: .amount)
        guard amount.isFinite, amount >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .amount, in: c, debugDescription: "amount must be ≥ 0")
        }
        switch kind {
        case .naturalHours: self = .naturalHours(amount)
        case .workingHours: self = .workingHours(amount)
        case .naturalDays, .workingDays:
            guard let days = Int(exactly: amount) else {
                throw DecodingError.dataCorruptedError(forKey: .amount, in: c, debugDescription: "days must be whole")
            }
            self = kind == .naturalDays ? .naturalDays(days) : .workingDays(days)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .naturalHours(h): try c.encode(Kind.naturalHours, forKey: .kind); try c.encode(h, forKey: .amount)
        case let .naturalDays(d): try c.encode(Kind.naturalDays, forKey: .kind); try c.encode(d, forKey: .amount)
        case let .workingDays(d): try c.encode(Kind.workingDays, forKey: .kind); try c.encode(d, forKey: .amount)
        case let .workingHours(h): try c.encode(Kind.workingHours, forKey: .kind); try c.encode(h, forKey: .amount)
        }
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
