import Foundation
import SQLKit
import Testing
import WhistleCore
@testable import WhistleStore
import WhistleTestSupport

@Suite struct AuditLogTests {
    static func entry(_ index: Int) -> AuditEntry {
        AuditEntry(
            subjectType: "demand", subjectID: "d\(index % 3)", kind: "demand.noted", at: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)),
            actor: AuditActor(personID: "p1", role: "dispatcher", unitCode: "110000-RXZX"), reason: index % 2 == 0 ? "理由\(index)" : nil,
            details: ["from": "received", "to": "dispatched", "n": "\(index)"], attachments: index % 4 == 0 ? ["photo-\(index).jpg"] : [])
    }

    static func appendTen(_ store: any Store) async throws {
        for batch in stride(from: 0, to: 10, by: 5) {
            try await store.write { db in
                try await AuditLog.append((batch..<batch + 5).map(entry), engine: store.engine, in: db)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func entriesReadBackAndTheChainVerifies(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.appendTen(store)
            let about = try await store.read { try await AuditLog.entries(subjectType: "demand", subjectID: "d1", in: $0) }
            #expect(about == [1, 4, 7].map(Self.entry))
            #expect(try await AuditLog.verify(store, pageSize: 3) == .init(checked: 10, broken: nil))
        }
    }

    /// Writers appending at the same time chain one after the other (PostgreSQL locks the head).
    @Test(arguments: TestDatabase.engines)
    func concurrentAppendsKeepOneChain(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask { try await store.write { try await AuditLog.append([Self.entry(index)], engine: store.engine, in: $0) } }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(store) == .init(checked: 50, broken: nil))
        }
    }

    @Test(arguments: TestDatabase.engines, [
        ("UPDATE audit_events SET reason = '改过' WHERE seq = 4", Int64(4)),
        ("UPDATE audit_events SET payload = '{}' WHERE seq = 7", Int64(7)),
        ("DELETE FROM audit_events WHERE seq = 6", Int64(6)),
        ("DELETE FROM audit_events WHERE seq = 10", Int64(10)),
        ("UPDATE audit_head SET hash = 'x'", Int64(11)),
    ])
    func tamperingIsFoundAtItsPlace(engine: Engine, tampering: (sql: String, brokenAt: Int64)) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.appendTen(store)
            try await store.write { try await $0.raw(SQLQueryString(tampering.sql)).run() }
            let verification = try await AuditLog.verify(store, pageSize: 4)
            #expect(verification.broken?.seq == tampering.brokenAt)
            #expect(!verification.isIntact)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func importsAreAudited(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let rows = try DivisionsFile.parse("code,name,kind,parent_code\n110000,北京市,city,\n110105,朝阳区,district,110000", file: "c.csv").get()
            _ = try await UnitRepository(store: store).importUnits(rows, file: "c.csv", now: Date(timeIntervalSince1970: 1_790_000_000))
            let entries = try await store.read { try await AuditLog.entries(subjectType: "import", subjectID: "c.csv", in: $0) }
            #expect(entries.map(\.kind) == ["units.imported"])
            #expect(entries.first?.details == ["inserted": "2", "updated": "0", "codes": "110000 110105"])
        }
    }
}
