import Foundation
import Testing
import WhistleCore
@testable import WhistleStore
import WhistleTestSupport

/// 重新计时 through the store, for each change that moves open demands' timers: a holiday schedule imported, a
/// unit's business hours changed, a rules version taking effect. Each time the walk waits while the rules it is
/// fired with do not hold the change yet (a server that has not reloaded), then rewrites the timers and audits.
@Suite struct RetimingTests {
    typealias S = DemandScenarioTests

    /// A demand received at `time` and dispatched ten minutes later to 城管委, deadline class "general".
    static func dispatched(at time: Date, in store: any Store) async throws -> Drive {
        try await S.seed(store)
        var c = try await Drive.receive(S.draft(), by: S.agent, at: time, in: store)
        try await c.step(.dispatch(primary: S.cgw, coHandlers: [], deadlineClass: "general", categoryCode: "05-0113"),
                         by: S.dispatcher, at: time.addingTimeInterval(600), gains: [.demandDispatched, .orderDispatched])
        return c
    }

    /// Sweeps a second apart from `start` under `rules` until nothing fires; how many sweeps fired.
    @discardableResult
    static func walk(_ store: any Store, from start: Date, rules: LoopRules) async throws -> Int {
        var (now, firings) = (start, 0)
        while try await DeadlineSweep(store: store).fire(at: now, limit: 10, rules: rules, whistlePolicy: .default) > 0 {
            firings += 1
            now.addTimeInterval(1)
        }
        return firings
    }

    /// Beijing wall-clock time on a day of December 2026.
    static func december(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date { DemandRepositoryTests.at(hour, minute, days: 295 + day - 22) }

    /// A made-up 2027 schedule: only 元旦 (the State Council's notice is not out when this is written).
    static let schedule2027 = try! HolidaySchedule(
        year: 2027, source: "test: 元旦 only", holidays: [Holiday(nameZh: "元旦", nameEn: "New Year's Day",
                                                                   firstDay: CalendarDay(year: 2027, month: 1, day: 1)!,
                                                                   lastDay: CalendarDay(year: 2027, month: 1, day: 1)!)],
        makeUpWorkdays: [])

    static let rulesWith2027: LoopRules = LoopRules.beijingDefault(calendar: try! WorkingCalendar(
        schedules: S.rules.calendar(forUnit: S.cgw).schedules + [schedule2027], businessHours: .governmentOffice))

    /// Supervision falling in a year with no schedule has no timer until the year is imported.
    @Test(arguments: TestDatabase.engines)
    func importedYearRetimesOpenDemands(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let c = try await Self.dispatched(at: Self.december(22, 9), in: store)
            // 7 working days: 23, 24, 25, 28, 29, 30, 31. Supervision a working day later is in 2027: no timer.
            #expect(try await c.pendingTimers()["1/resolution/overdue/1"] == "2026-12-31 17:30")
            #expect(try await c.pendingTimers()["1/resolution/supervise/1"] == nil)

            let imported = Self.december(22, 10)
            try await CalendarRepository(store: store).save(Self.schedule2027, now: imported)
            let sweep = DeadlineSweep(store: store)
            // Rules without the new year (this server has not reloaded yet): the walk waits.
            #expect(try await sweep.fire(at: imported, limit: 10, rules: S.rules, whistlePolicy: .default) == 1)
            #expect(try await c.pendingTimers()["1/resolution/supervise/1"] == nil)
            #expect(try await sweep.fire(at: imported.addingTimeInterval(1), limit: 10, rules: Self.rulesWith2027, whistlePolicy: .default) == 0)
            #expect(try await Self.walk(store, from: imported.addingTimeInterval(Retiming.reloadWait), rules: Self.rulesWith2027)
                    == Retiming.statuses.count)
            // Thu 12-31 17:30 + 1 working day: Fri 01-01 is 元旦, so Mon 01-04 17:30.
            #expect(try await c.pendingTimers()["1/resolution/supervise/1"] == "2027-01-04 17:30")
            let audit = try await store.read { try await AuditLog.entries(subjectType: "calendar", subjectID: "2027", in: $0) }
            #expect(audit.map(\.kind) == ["calendar.imported", "calendar.retimed"])
            #expect(audit.last?.details["openDemands"] == "1")
        }
    }

    /// 城管委 moves to 7×24 (a divisions file row with `calendar` 24x7): its open order's resolution deadline
    /// moves from 17:30 on the seventh working day (Wed 03-11) to the end of the seventh day (Mon 03-09 24:00);
    /// the walk waits for rules with the new hours, then audits the unit it retimed.
    @Test(arguments: TestDatabase.engines)
    func changedBusinessHoursRetimeTheUnitsOrders(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let c = try await Self.dispatched(at: S.march(2, 9), in: store)
            #expect(try await c.pendingTimers()["1/resolution/overdue/1"] == "2026-03-11 17:30")

            let changed = S.march(2, 10)
            let rows = try DivisionsFile.parse("""
                code,name,kind,parent_code,population,calendar
                110105-CGW,朝阳区城市管理委员会,department,110105,,24x7
                """, file: "cgw.csv").get()
            _ = try await UnitRepository(store: store).importUnits(rows, file: "cgw.csv", now: changed)
            let office = S.rules.calendar(forUnit: S.cgw)
            let allDayCalendar = try WorkingCalendar(schedules: office.schedules, businessHours: .allDay)
            let allDay = LoopRules.beijingDefault { $0 == S.cgw ? allDayCalendar : office }
            #expect(try await DeadlineSweep(store: store).fire(at: changed, limit: 10, rules: S.rules, whistlePolicy: .default) == 1)
            #expect(try await c.pendingTimers()["1/resolution/overdue/1"] == "2026-03-11 17:30")
            try await Self.walk(store, from: changed.addingTimeInterval(Retiming.reloadWait), rules: allDay)
            #expect(try await c.pendingTimers()["1/resolution/overdue/1"] == "2026-03-10 00:00")
            let audit = try await store.read { try await AuditLog.entries(subjectType: "calendar", subjectID: "business-hours", in: $0) }
            #expect(audit.map(\.kind) == ["calendar.retimed"] && audit.first?.details["units"] == S.cgw)
        }
    }

    /// A version of the loop's rules saved on Monday to apply from Wednesday, with yellow at half the budget:
    /// nothing moves until Wednesday 00:00; then, once the rules in force are that version, the open order's
    /// yellow timer moves from 75 % to 50 % of its budget, and the walk is audited under the version's day.
    @Test(arguments: TestDatabase.engines)
    func aRulesVersionRetimesWhenItTakesEffect(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            var c = try await Self.dispatched(at: S.march(2, 9), in: store)
            // Signed for and contacted at once: only the resolution clock runs.
            try await c.step(.signFor(order: c.order(1)), by: S.cgwHandler, at: S.march(2, 10), gains: [.orderSigned])
            try await c.step(.recordContact(order: c.order(1)), by: S.cgwHandler, at: S.march(2, 10), gains: [.orderContacted])
            let before = try #require(try await c.pendingTimers()["1/resolution/yellow/1"])

            var version = LoopPolicy.beijing
            version.effectiveFrom = CalendarDay(year: 2026, month: 3, day: 4)!
            version.yellowThreshold = 0.5
            try await PolicyRepository(store: store).save(version, now: S.march(2, 10))
            let sweep = DeadlineSweep(store: store)
            #expect(try await sweep.fire(at: S.march(3, 23), limit: 10, rules: S.rules, whistlePolicy: .default) == 0)
            // Due at Wednesday 00:00; the rules still in force there are the old ones until the server reloads.
            #expect(try await sweep.fire(at: S.march(4, 0), limit: 10, rules: S.rules, whistlePolicy: .default) == 1)
            #expect(try await c.pendingTimers()["1/resolution/yellow/1"] == before)
            try await Self.walk(store, from: S.march(4, 0).addingTimeInterval(Retiming.reloadWait), rules: version.rules { S.rules.calendar(forUnit: $0) })
            // 03-02 09:10 … 03-11 17:30 is 55 h 50 min of working time: half, 27 h 55 min, ends Fri 03-06 09:05.
            #expect(before != "2026-03-06 09:05")
            #expect(try await c.pendingTimers()["1/resolution/yellow/1"] == "2026-03-06 09:05")
            let audit = try await store.read { try await AuditLog.entries(subjectType: "policy", subjectID: "2026-03-04", in: $0) }
            #expect(audit.map(\.kind) == ["policy.saved", "calendar.retimed"])
        }
    }
}
