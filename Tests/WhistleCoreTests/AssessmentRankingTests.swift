import Foundation
import Testing
import WhistleCore

@Suite struct AssessmentRankingTests {
    typealias F = AssessmentFixtures

    /// 001: 10 of 10 everywhere → 100.
    /// 002: 20 valid, 18 contacted, 15 solved, 12 + 6 → 0.9, 0.75, (12 + 5.4)/20 = 0.87 → 9 + 37.5 + 34.8 = 81.3.
    /// 004: twice 002 (40, 36, 30, 24 + 12) → (24 + 10.8)/40 = 0.87 → 81.3, tied with 002.
    /// 003: the 40-callback example → 78.7, rank 4 (competition ranking 1, 2, 2, 4).
    /// 005: only invalid callbacks, 006: nothing → no score, listed after, by code.
    static let tallies: [String: UnitTally] = [
        "110105006": .zero,
        "110105004": F.callbacks(valid: 40, contacted: 36, solved: 30, satisfied: 24, basically: 12),
        "110105003": F.forty,
        "110105005": F.callbacks(valid: 0, contacted: 0, solved: 0, satisfied: 0, basically: 0, invalid: 3),
        "110105002": F.callbacks(valid: 20, contacted: 18, solved: 15, satisfied: 12, basically: 6),
        "110105001": F.callbacks(valid: 10, contacted: 10, solved: 10, satisfied: 10, basically: 0),
    ]

    @Test func tiesShareARankAndUnscoredUnitsComeLast() throws {
        let period = try #require(AssessmentPeriod(label: "2026-03", startDay: 19))
        let snapshot = RankingSnapshot(
            period: period, group: .streets, scheme: .beijing, publishedAt: F.beijing(2026, 3, 20, 9), tallies: Self.tallies)
        #expect(snapshot.rows.map(\.unitCode) == ["110105001", "110105002", "110105004", "110105003", "110105005", "110105006"])
        #expect(snapshot.rows.map(\.rank) == [1, 2, 2, 4, nil, nil])
        #expect(abs(try #require(snapshot.rows[1].score).composite - 81.3) < 1e-9)
        #expect(snapshot.rows[4].score == nil && snapshot.rows[4].tally.callbacks.invalid == 3)
        #expect(snapshot.periodLabel == "2026-03")
        #expect(snapshot.schemeEffectiveFrom == AssessmentScheme.beijing.effectiveFrom)
    }

    /// Departments rank by their result: 110000-CGW, composite 78.7 with a whistle share of 0.9, has
    /// 2/3 × 78.7 + 1/3 × 90 = 82.47 and passes 110000-JTW (81.3, never scored on a whistle).
    @Test func departmentsRankByTheBlendedResult() throws {
        let rows = Ranking.rows([
            ("110000-JTW", Assessment.score(tally: Self.tallies["110105002"]!, scheme: .beijing), Self.tallies["110105002"]!),
            ("110000-CGW", Assessment.score(tally: F.forty, scheme: .beijing, whistleShare: 0.9), F.forty),
        ])
        #expect(rows.map(\.unitCode) == ["110000-CGW", "110000-JTW"])
        #expect(rows.map(\.rank) == [1, 2])
    }

    @Test func aSnapshotIsAnImmutableCodableValue() throws {
        let period = try #require(AssessmentPeriod(label: "2026-03", startDay: 19))
        let snapshot = RankingSnapshot(
            period: period, group: .cityDepartments, scheme: .beijing, publishedAt: F.beijing(2026, 3, 20, 9),
            tallies: ["110000-CGW": F.forty], whistleShares: ["110000-CGW": 0.9])
        let decoded = try JSONDecoder().decode(RankingSnapshot.self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
        #expect(abs(try #require(decoded.rows.first?.score?.result) - 247.4 / 3) < 1e-9)
    }

    @Test func unitsFallIntoGroupsByKindAndCode() {
        #expect(UnitGroup(kind: .street, code: "110105026") == .streets)
        #expect(UnitGroup(kind: .township, code: "110112106") == .streets)
        #expect(UnitGroup(kind: .area, code: "110105400") == .streets)
        #expect(UnitGroup(kind: .district, code: "110105") == .districts)
        #expect(UnitGroup(kind: .department, code: "110000-CGW") == .cityDepartments)
        #expect(UnitGroup(kind: .department, code: "110105-CGW") == nil)  // a district department
        #expect(UnitGroup(kind: .enterprise, code: "110000-ZLS") == .enterprises)
        #expect(UnitGroup(kind: .city, code: "110000") == nil)
        #expect(UnitGroup(kind: .community, code: "110105026001") == nil)
        #expect(UnitGroup(kind: .stationedTeam, code: "110105026-PCS") == nil)
        #expect(UnitGroup.streets.nameZh == "街乡镇")
    }
}
