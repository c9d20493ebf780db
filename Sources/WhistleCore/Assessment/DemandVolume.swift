import Foundation

/// What demands were received (受理量), counted along one dimension on the Beijing day of intake. The store
/// keeps the counts per day, dimension and key (a rollup changed in the demand's transaction, like
/// ``DayTally``), so a report's volumes by channel, type, category and place are sums over days.
public struct DemandVolume: Sendable, Hashable {
    public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable {
        case channel, type
        /// The demand's category (a leaf, or whatever level it was filed at); `-` while it has none.
        case category
        /// The street (9 digits) the demand is in, or the district (6) when only that is known; `-` when neither.
        case area
        /// The community (12 digits) or grid (15) the demand is in, as finely as it was located; demands placed
        /// no finer than a street are not counted here. The command centre's map (诉求密度) reads it.
        case place

        /// What bulletins report on; `place` is read for the map only (it has thousands of keys a day).
        public static let reported: [Dimension] = [.channel, .type, .category, .area]
    }

    public var day: CalendarDay
    public var dimension: Dimension
    public var key: String
    public var count: Int

    public init(day: CalendarDay, dimension: Dimension, key: String, count: Int) {
        self.day = day
        self.dimension = dimension
        self.key = key
        self.count = count
    }

    /// The key standing for "not known".
    public static let unknown = "-"

    /// One count per dimension on the day of intake. Every received demand counts, whatever became of it:
    /// transferred and answered calls are part of the hotline's volume too.
    public static func contributions(of demand: Demand) -> [DemandVolume] {
        let day = CalendarDay(beijing: demand.createdAt)
        let code = demand.location.gridCode ?? demand.location.areaCode
        var keys: [(Dimension, String)] = [
            (.channel, demand.channel.rawValue), (.type, demand.type.rawValue), (.category, demand.categoryCode ?? unknown),
            (.area, area(of: demand.location.areaCode ?? demand.location.gridCode)),
        ]
        if let place = place(of: code) { keys.append((.place, place)) }
        return keys.map { DemandVolume(day: day, dimension: $0.0, key: $0.1, count: 1) }
    }

    /// A community (12 digits) or grid (15) code, else `nil`.
    static func place(of code: String?) -> String? {
        guard let code, code.count == 12 || code.count == 15, code.allSatisfy(\.isASCIIDigit) else { return nil }
        return code
    }

    /// The street or district part of a division code (streets are 9 digits, districts 6; communities and
    /// grids nest below their street).
    static func area(of code: String?) -> String {
        guard let code, code.count >= 6, code.allSatisfy(\.isNumber) else { return unknown }
        return String(code.prefix(code.count >= 9 ? 9 : 6))
    }

    /// The change from `before` to `after` per day, dimension and key, without those that did not change.
    public static func difference(from before: [DemandVolume], to after: [DemandVolume]) -> [DemandVolume] {
        var sums: [DemandVolume: Int] = [:]
        for entry in after { sums[DemandVolume(day: entry.day, dimension: entry.dimension, key: entry.key, count: 0), default: 0] += entry.count }
        for entry in before { sums[DemandVolume(day: entry.day, dimension: entry.dimension, key: entry.key, count: 0), default: 0] -= entry.count }
        return sums.filter { $0.value != 0 }.map { DemandVolume(day: $0.key.day, dimension: $0.key.dimension, key: $0.key.key, count: $0.value) }
            .sorted { ($0.day.dayNumber, $0.dimension.rawValue, $0.key) < ($1.day.dayNumber, $1.dimension.rawValue, $1.key) }
    }
}
