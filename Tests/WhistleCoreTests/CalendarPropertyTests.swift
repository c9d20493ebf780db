import Foundation
import PropertyBased
import Testing
import WhistleCore

/// Properties of the calendar arithmetic over random instants in 2025-01-01 … 2026-10-31 (Beijing) and
/// durations small enough to stay inside the shipped 2025/2026 schedules.
@Suite("Working calendar properties")
struct CalendarPropertyTests {
    static let calendars: [WorkingCalendar] = [
        try! CalendarFixtures.office(), try! CalendarFixtures.wholeDays(), try! CalendarFixtures.hotline(),
    ]
    static let base = CalendarFixtures.bj("2025-01-01 00:00")
    /// Minutes from `base` to 2026-10-31.
    static let span = Int(CalendarFixtures.bj("2026-10-31 00:00").timeIntervalSince(base) / 60)

    /// A random instant, on a whole minute most of the time and on any second otherwise.
    static let instant = zip(Gen.int(in: 0...span), Gen.int(in: 0...59)).map { minutes, second in
        base.addingTimeInterval(Double(minutes) * 60 + Double(second))
    }
    static let calendarIndex = Gen.int(in: 0...2)

    @Test func addedWorkingTimeLandsInsideBusinessHours() async {
        await propertyCheck(input: Self.calendarIndex, Self.instant, Gen.int(in: 1...(120 * 60))) { index, start, minutes in
            let calendar = Self.calendars[index]
            let due = try calendar.addWorkingTime(Double(minutes) * 60, to: start)
            #expect(due > start)
            // Inside an interval of a working day, or at its closing instant (24:00 belongs to the day before).
            let day = calendar.day(containing: due)
            let intervals = try calendar.businessIntervals(on: day) + calendar.businessIntervals(on: day.adding(days: -1))
            #expect(intervals.contains { $0.start < due && due <= $0.end }, "\(CalendarFixtures.text(due))")
            #expect(try calendar.isWorkingDay(calendar.day(containing: due.addingTimeInterval(-0.001))))
        }
    }

    @Test func addWorkingTimeThenWorkingTimeRoundTrips() async {
        await propertyCheck(input: Self.calendarIndex, Self.instant, Gen.int(in: 0...(120 * 3600))) { index, start, seconds in
            let calendar = Self.calendars[index]
            let due = try calendar.addWorkingTime(Double(seconds), to: start)
            #expect(abs(try calendar.workingTime(from: start, to: due) - Double(seconds)) < 1e-3)
        }
    }

    @Test func workingTimeThenAddWorkingTimeNeverOvershoots() async {
        await propertyCheck(input: Self.calendarIndex, Self.instant, Gen.int(in: 0...(30 * 24 * 60))) { index, start, minutes in
            let calendar = Self.calendars[index]
            let end = start.addingTimeInterval(Double(minutes) * 60)
            let elapsed = try calendar.workingTime(from: start, to: end)
            #expect(elapsed >= 0 && elapsed <= end.timeIntervalSince(start))
            // The earliest instant with that much business time is at or before `end`, and equal when open.
            let back = try calendar.addWorkingTime(elapsed, to: start)
            #expect(back <= end.addingTimeInterval(1e-3))
            // (Open a moment before `end` too: at 09:00 sharp the earliest such instant is the previous close.)
            if try calendar.isOpen(at: end), try calendar.isOpen(at: end - 1), elapsed > 0 {
                #expect(abs(back.timeIntervalSince(end)) < 1e-3)
            }
        }
    }

    /// The four kinds of duration, each from an amount 0…15.
    static let durationKinds: [@Sendable (Int) -> DeadlineDuration] = [
        { .workingDays($0) }, { .naturalDays($0) }, { .workingHours(Double($0) * 3.5) }, { .naturalHours(Double($0) * 6) },
    ]

    @Test func dueDatesAreMonotonicInDuration() async {
        await propertyCheck(
            input: Self.calendarIndex, Self.instant, Gen.int(in: 0...3), Gen.int(in: 0...15), Gen.int(in: 0...15)
        ) { index, start, kind, a, b in
            let calendar = Self.calendars[index]
            let (short, long) = (min(a, b), max(a, b))
            let make = Self.durationKinds[kind]
            let dueShort = try calendar.deadline(for: make(short), from: start)
            let dueLong = try calendar.deadline(for: make(long), from: start)
            #expect(dueShort <= dueLong)
        }
    }

    @Test func pausingThenResumingNeverShortensRemainingTime() async {
        await propertyCheck(
            input: Self.calendarIndex, Self.instant, Gen.int(in: 0...3), Gen.int(in: 1...15),
            Gen.int(in: 0...(20 * 24 * 60)), Gen.int(in: 0...(10 * 24 * 60))
        ) { index, start, kind, amount, pauseAfter, pauseLength in
            let calendar = Self.calendars[index]
            let plain = DeadlineClock(start: start, allowed: Self.durationKinds[kind](amount))
            let due = try plain.dueAt(calendar)
            let pausedAt = start.addingTimeInterval(Double(pauseAfter) * 60)
            let resumedAt = pausedAt.addingTimeInterval(Double(pauseLength) * 60)
            var paused = plain
            try paused.pause(at: pausedAt)

            // While paused, the due date only moves forward as time passes.
            let midway = pausedAt.addingTimeInterval(Double(pauseLength) * 30)
            #expect(try paused.dueAt(calendar, asOf: midway) >= due)
            #expect(try paused.dueAt(calendar, asOf: resumedAt) >= paused.dueAt(calendar, asOf: midway))

            try paused.resume(at: resumedAt)
            let later = resumedAt.addingTimeInterval(3600)
            for instant in [pausedAt, midway, resumedAt, later] {
                #expect(try paused.remainingTime(at: instant, in: calendar) >= plain.remainingTime(at: instant, in: calendar) - 1e-6)
            }
            let newDue = try paused.dueAt(calendar)
            #expect(newDue >= due)
            // A pause that begins before the deadline moves it by exactly the paused time, in the clock's measure.
            if pausedAt < due, plain.allowed.countsBusinessTime {
                let pausedTime = try calendar.workingTime(from: pausedAt, to: resumedAt)
                let expected = try calendar.addWorkingTime(pausedTime, to: due)
                if try calendar.workingTime(from: pausedAt, to: due) > 0 {
                    #expect(abs(newDue.timeIntervalSince(expected)) < 1e-3,
                            "\(CalendarFixtures.text(newDue)) vs \(CalendarFixtures.text(expected))")
                }
            } else if pausedAt < due {
                #expect(abs(newDue.timeIntervalSince(due) - resumedAt.timeIntervalSince(pausedAt)) < 1e-3)
            } else {
                #expect(newDue == due)
            }
        }
    }

    @Test func trafficLightNeverGoesBackwardsWhileRunning() async {
        await propertyCheck(input: Self.calendarIndex, Self.instant, Gen.int(in: 0...3), Gen.int(in: 1...15)) { index, start, kind, amount in
            let calendar = Self.calendars[index]
            let clock = DeadlineClock(start: start, allowed: Self.durationKinds[kind](amount))
            let due = try clock.dueAt(calendar)
            let span = due.timeIntervalSince(start)
            var previous = DeadlineLight.green
            for step in 0...12 {
                let t = start.addingTimeInterval(span * Double(step) / 10)
                let light = try clock.light(at: t, in: calendar)
                #expect(DeadlineLight.allCases.firstIndex(of: light)! >= DeadlineLight.allCases.firstIndex(of: previous)!)
                previous = light
            }
            #expect(try clock.light(at: due, in: calendar) == .red)
        }
    }
}
