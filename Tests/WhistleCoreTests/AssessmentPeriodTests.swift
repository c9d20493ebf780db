import Foundation
import Testing
import WhistleCore

@Suite struct AssessmentPeriodTests {
    typealias F = AssessmentFixtures

    /// Beijing: the 19th to the 18th, labelled by the month the period ends in.
    @Test func theBoundariesAreMidnightBeijingTimeOnThe19th() throws {
        let lastSecond = F.beijing(2026, 3, 18, 23, 59, 59)  // 2026-03-18T15:59:59Z
        let march = AssessmentScheme.beijing.period(containing: lastSecond)
        #expect(march.label == "2026-03")
        #expect(march.firstDay == CalendarDay(year: 2026, month: 2, day: 19))
        #expect(march.lastDay == CalendarDay(year: 2026, month: 3, day: 18))
        #expect(march.contains(lastSecond))
        #expect(!march.contains(lastSecond.addingTimeInterval(1)))

        let april = AssessmentScheme.beijing.period(containing: F.beijing(2026, 3, 19))  // 2026-03-18T16:00:00Z
        #expect(april.label == "2026-04")
        #expect(april == march.next)
        #expect(april.previous == march)
        #expect(march.end == april.start)
        #expect(april.start == F.beijing(2026, 3, 19))
        // 2026-02-19 … 2026-03-18: 10 days of February (19–28) + 18 of March = 28 days.
        #expect(march.end.timeIntervalSince(march.start) == 28 * 86_400)
    }

    /// 2025-12-19 … 2026-01-18 is "2026-01"; 2026-12-19 already belongs to "2027-01".
    @Test func aJanuaryPeriodCrossesTheYear() throws {
        let january = try #require(AssessmentPeriod(containing: F.beijing(2026, 1, 1, 12), startDay: 19))
        #expect(january.label == "2026-01")
        #expect(january.firstDay == CalendarDay(year: 2025, month: 12, day: 19))
        #expect(january.lastDay == CalendarDay(year: 2026, month: 1, day: 18))
        #expect(january.previous.label == "2025-12")
        #expect(january.previous.firstDay == CalendarDay(year: 2025, month: 11, day: 19))
        #expect(january.contains(F.beijing(2025, 12, 19)))
        #expect(!january.contains(F.beijing(2025, 12, 18, 23, 59, 59)))
        #expect(AssessmentPeriod(containing: F.beijing(2026, 12, 19), startDay: 19)?.label == "2027-01")
        #expect(AssessmentPeriod(containing: F.beijing(2026, 12, 18, 23, 59, 59), startDay: 19)?.label == "2026-12")
    }

    /// Start day 1 gives calendar months, leap February included; start day 28 is the latest allowed.
    @Test func otherStartDays() throws {
        let february = try #require(AssessmentPeriod(containing: F.beijing(2024, 2, 29, 23), startDay: 1))
        #expect(february.label == "2024-02")
        #expect(february.firstDay == CalendarDay(year: 2024, month: 2, day: 1))
        #expect(february.lastDay == CalendarDay(year: 2024, month: 2, day: 29))
        #expect(AssessmentPeriod(containing: F.beijing(2026, 12, 31, 23, 59, 59), startDay: 1)?.label == "2026-12")
        #expect(AssessmentPeriod(containing: F.beijing(2027, 1, 1), startDay: 1)?.label == "2027-01")

        let late = try #require(AssessmentPeriod(containing: F.beijing(2026, 2, 28), startDay: 28))
        #expect(late.label == "2026-03")
        #expect(late.lastDay == CalendarDay(year: 2026, month: 3, day: 27))

        #expect(AssessmentPeriod(containing: .now, startDay: 29) == nil)
        #expect(AssessmentPeriod(containing: .now, startDay: 0) == nil)
    }

    @Test func periodsByLabel() throws {
        let march = try #require(AssessmentPeriod(label: "2026-03", startDay: 19))
        #expect(march.start == F.beijing(2026, 2, 19))
        #expect(march.description == "2026-03")
        #expect(march < march.next)
        #expect(AssessmentPeriod(label: "2026-13", startDay: 19) == nil)
        #expect(AssessmentPeriod(label: "2026-03-01", startDay: 19) == nil)
        #expect(AssessmentPeriod(label: "2026-03", startDay: 31) == nil)
    }
}

@Suite struct AssessmentSchemeTests {
    typealias F = AssessmentFixtures

    /// New weights 0.2 / 0.4 / 0.4 from 2026-07-01. A period is assessed with the version in force at its start:
    /// 2026-06-19 … 07-18 ("2026-07") started before the change and keeps the old scheme (78.7);
    /// 2026-07-19 … 08-18 ("2026-08") is the first whole period after it:
    /// 0.2 × 90 + 0.4 × 75 + 0.4 × 80.5 = 18 + 30 + 32.2 = 80.2.
    @Test func aMidYearChangeAppliesFromTheFirstWholePeriod() throws {
        let july1 = CalendarDay(year: 2026, month: 7, day: 1)!
        let newer = try F.scheme(from: july1, weights: RateWeights(response: 0.2, resolution: 0.4, satisfaction: 0.4))
        let versions = [newer, AssessmentScheme.beijing]

        let july = AssessmentScheme.beijing.period(containing: F.beijing(2026, 7, 5))
        #expect(july.label == "2026-07")
        #expect(AssessmentScheme.inForce(at: F.beijing(2026, 7, 5), among: versions) == newer)
        let julyScheme = try #require(AssessmentScheme.assessing(july, among: versions))
        #expect(julyScheme == .beijing)
        #expect(abs(try #require(Assessment.score(tally: F.forty, scheme: julyScheme)).composite - 78.7) < 1e-9)

        let august = july.next
        #expect(august.start == F.beijing(2026, 7, 19))
        let augustScheme = try #require(AssessmentScheme.assessing(august, among: versions))
        #expect(augustScheme == newer)
        #expect(abs(try #require(Assessment.score(tally: F.forty, scheme: augustScheme)).composite - 80.2) < 1e-9)

        // Past periods keep their scheme.
        #expect(AssessmentScheme.assessing(july.previous, among: versions) == .beijing)
    }

    @Test func roundTripsAsJSON() throws {
        let data = try JSONEncoder().encode(AssessmentScheme.beijing)
        #expect(try JSONDecoder().decode(AssessmentScheme.self, from: data) == .beijing)
        #expect(String(decoding: data, as: UTF8.self).contains("\"effectiveFrom\":\"2021-09-24\""))
        let b = AssessmentScheme.beijing
        #expect(b.periodStartDay == 19 && b.basicSatisfactionWeight == 0.9 && b.excludesUnreasonable && b.whistleWeight == 1.0 / 3)
        #expect(b.governance == GovernanceRule(topN: 10, times: 3, window: 6))
    }

    @Test func badSchemesAreRefused() throws {
        func decode(_ edit: (inout [String: Any]) -> Void) throws {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(AssessmentScheme.beijing)) as! [String: Any]
            edit(&object)
            _ = try JSONDecoder().decode(AssessmentScheme.self, from: JSONSerialization.data(withJSONObject: object))
        }
        #expect(throws: AssessmentSchemeError.periodStartDayOutOfRange(29)) { try decode { $0["periodStartDay"] = 29 } }
        #expect(throws: AssessmentSchemeError.periodStartDayOutOfRange(0)) { try decode { $0["periodStartDay"] = 0 } }
        #expect(throws: AssessmentSchemeError.weightOutOfRange(field: "basicSatisfactionWeight", value: 1.5)) {
            try decode { $0["basicSatisfactionWeight"] = 1.5 }
        }
        #expect(throws: AssessmentSchemeError.weightOutOfRange(field: "whistleWeight", value: -0.1)) {
            try decode { $0["whistleWeight"] = -0.1 }
        }
        #expect(throws: AssessmentSchemeError.governanceRuleInvalid(topN: 10, times: 7, window: 6)) {
            try decode { $0["governance"] = ["topN": 10, "times": 7, "window": 6] }
        }
        // 0.1 + 0.5 + 0.5 = 1.1
        #expect(throws: AssessmentSchemeError.weightsDoNotSumToOne(field: "weights", sum: 0.1 + 0.5 + 0.5)) {
            try F.scheme(weights: RateWeights(response: 0.1, resolution: 0.5, satisfaction: 0.5))
        }
        #expect(throws: AssessmentSchemeError.weightOutOfRange(field: "weights.response", value: -0.1)) {
            try F.scheme(weights: RateWeights(response: -0.1, resolution: 0.6, satisfaction: 0.5))
        }
        var equal = IndicatorWeights.chengduJinniu
        equal.closure = 0.1
        #expect(throws: AssessmentSchemeError.self) { try F.scheme(indicatorWeights: equal) }
        let error = AssessmentSchemeError.periodStartDayOutOfRange(31)
        #expect(error.code == "assessment.period_start_day_out_of_range" && error.kind == .invalid)
        #expect(error.messageZh.contains("1 至 28") && error.messageEn.contains("between 1 and 28"))
    }
}
