import Foundation
import Testing
import WhistleCore

@Suite struct LoopPolicyTests {
    @Test func roundTripsAsJSON() throws {
        let data = try JSONEncoder().encode(LoopPolicy.beijing)
        #expect(try JSONDecoder().decode(LoopPolicy.self, from: data) == LoopPolicy.beijing)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"effectiveFrom\":\"2021-09-24\""))
    }

    /// A policy applies from 00:00 Beijing time of its day: a mid-year change leaves earlier instants under
    /// the old version.
    @Test func theVersionInForceByDate() throws {
        var stricter = LoopPolicy.beijing
        stricter.effectiveFrom = CalendarDay(year: 2026, month: 7, day: 1)!
        stricter.yellowThreshold = 0.6
        let policies = [stricter, LoopPolicy.beijing]
        let lastMinuteOfJune = Date(timeIntervalSince1970: 1_782_835_140)  // 2026-06-30 23:59 Beijing
        #expect(LoopPolicy.inForce(at: lastMinuteOfJune, among: policies)?.yellowThreshold == 0.75)
        #expect(LoopPolicy.inForce(at: lastMinuteOfJune.addingTimeInterval(60), among: policies)?.yellowThreshold == 0.6)
        #expect(LoopPolicy.inForce(at: .distantPast, among: policies)?.effectiveFrom == LoopPolicy.beijing.effectiveFrom)
        #expect(stricter.rules { _ in fatalError("not needed") }.yellowThreshold == 0.6)
    }

    @Test func badPoliciesAreRefused() {
        func decode(_ edit: (inout [String: Any]) -> Void) throws {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(LoopPolicy.beijing)) as! [String: Any]
            edit(&object)
            _ = try JSONDecoder().decode(LoopPolicy.self, from: JSONSerialization.data(withJSONObject: object))
        }
        #expect(throws: LoopPolicyError.yellowThresholdOutOfRange(1.5)) { try decode { $0["yellowThreshold"] = 1.5 } }
        #expect(throws: LoopPolicyError.noDeadlineClasses) { try decode { $0["deadlineClasses"] = [] } }
        #expect(throws: LoopPolicyError.duplicateDeadlineClass("urgent")) {
            try decode { $0["deadlineClasses"] = (($0["deadlineClasses"] as! [Any]).first.map { [$0, $0] } ?? []) }
        }
        #expect(throws: (any Error).self) { try decode { $0["effectiveFrom"] = "2026-13-40" } }
    }
}
