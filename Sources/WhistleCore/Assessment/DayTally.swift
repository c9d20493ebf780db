import Foundation

/// What one demand adds to one unit's tally on one Beijing day. The store keeps the sums per unit and day
/// (a rollup maintained in the same transaction as the demand), so a period's tally is a sum over its days
/// and a scheme that moves the period boundary needs no recount.
public struct DayTally: Sendable, Hashable {
    public var unitCode: String
    public var day: CalendarDay
    public var tally: UnitTally

    public init(unitCode: String, day: CalendarDay, tally: UnitTally) {
        self.unitCode = unitCode
        self.day = day
        self.tally = tally
    }

    /// Everything a demand contributes, by unit and day. Applying a decision adds `contributions(after)` and
    /// subtracts `contributions(before)`, so whatever changed (a later callback replacing an earlier one, a
    /// 不合理 ruling, a reopening) the sums stay exact without a rescan.
    ///
    /// Counted for the primary orders charged to their unit: 立案/应处置 on the day of dispatch, 延期 when an
    /// extension was granted, 处置 (and 按期处置) on the day the result was reported, 返工 for every result
    /// reported again after a reopening, 结案 (and 按期结案) on the day the order closed. The demand's last
    /// callback counts for the unit it was about (the last one scores). Demands that never count — emergency
    /// transfers, direct answers, merged duplicates, malicious calls — contribute nothing. 超期待处置 is a state,
    /// read when a period is assessed, not a flow.
    public static func contributions(of demand: Demand, calendar: (String) -> WorkingCalendar) -> [DayTally] {
        guard ![.transferred, .answered, .merged].contains(demand.status), demand.flags.malicious == nil else { return [] }
        var tallies: [DayTally] = []
        func add(_ unit: String, _ instant: Date, _ change: (inout UnitTally) -> Void) {
            var tally = UnitTally.zero
            change(&tally)
            tallies.append(DayTally(unitCode: unit, day: CalendarDay(beijing: instant), tally: tally))
        }
        for order in demand.orders where order.role == .primary && order.chargedToUnit {
            let due = try? order.resolution.dueAt(calendar(order.unitCode), asOf: order.resolution.completedAt)
            let onTime = { (instant: Date) in due.map { instant <= $0 } ?? false }
            add(order.unitCode, order.dispatchedAt) {
                $0.filed = 1
                $0.toHandle = 1
                $0.extended = order.extensions.isEmpty ? 0 : 1
            }
            if let done = order.resolution.completedAt {
                add(order.unitCode, done) {
                    $0.handled = 1
                    $0.handledOnTime = onTime(done) ? 1 : 0
                }
            }
            for again in order.results.dropFirst() { add(order.unitCode, again.at) { $0.reworked = 1 } }
            if order.status == .closed, let closed = order.closedAt {
                add(order.unitCode, closed) {
                    $0.closed = 1
                    $0.closedOnTime = order.resolution.completedAt.map(onTime) == true ? 1 : 0
                }
            }
        }
        if let last = demand.callbacks.last {
            add(last.unitCode, last.at) { $0 = UnitTally(callback: last.outcome, unreasonable: demand.flags.unreasonable != nil) }
        }
        return tallies
    }

    /// The change from `before` to `after`, summed per unit and day, without the days that did not change.
    public static func difference(from before: [DayTally], to after: [DayTally]) -> [DayTally] {
        var sums: [String: DayTally] = [:]
        for (entries, sign) in [(after, 1), (before, -1)] {
            for entry in entries {
                let key = "\(entry.unitCode)|\(entry.day)"
                var sum = sums[key] ?? DayTally(unitCode: entry.unitCode, day: entry.day, tally: .zero)
                sum.tally = sign > 0 ? sum.tally + entry.tally : sum.tally - entry.tally
                sums[key] = sum
            }
        }
        return sums.values.filter { $0.tally != .zero }.sorted { ($0.unitCode, $0.day.dayNumber) < ($1.unitCode, $1.day.dayNumber) }
    }
}
