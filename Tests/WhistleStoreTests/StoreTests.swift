import Foundation
import SQLKit
import Testing
import WhistleCore
import WhistleTestSupport
@testable import WhistleStore

/// The same suite on every configured engine.
@Suite struct StoreTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000.123)

    static let cityCSV = """
        code,name,kind,parent_code,population
        110000,北京市,city,,21893095
        110105,朝阳区,district,110000,3452460
        110105026,望京街道,street,110105,
        110105027,大屯街道,street,110105,
        110105400,朝阳开发区,area,110105,
        110105026001,望京西园一区社区,community,110105026,5000
        110105026001001,望京西园一区社区第1网格,grid,110105026001,
        110105-CGW,朝阳区城市管理委员会,department,110105,
        110105-GAFJ,北京市公安局朝阳分局,department,110105,
        110105026-PCS,望京派出所,stationed_team,110105-GAFJ,
        """

    static func importCity(_ store: any Store) async throws {
        let rows = try DivisionsFile.parse(cityCSV, file: "city.csv").get()
        let summary = try await UnitRepository(store: store).importUnits(rows, file: "city.csv", now: now)
        #expect(summary == .init(inserted: 10, updated: 0))
    }

    @Test(arguments: TestDatabase.engines)
    func migrationsApplyOnceAndReportPending(engine: Engine) async throws {
        try await TestDatabase.withStore(engine, migrated: false) { store async throws in
            #expect(try await Migrator.pending(store) == Migration.all.map(\.name))
            #expect(try await Migrator.migrate(store) == Migration.all.map(\.name))
            #expect(try await Migrator.migrate(store).isEmpty)
            #expect(try await Migrator.pending(store).isEmpty)
        }
    }

    /// Two servers starting together on one database: each migration runs exactly once.
    @Test(arguments: TestDatabase.engines)
    func concurrentMigrationsDoNotRace(engine: Engine) async throws {
        try await TestDatabase.withLocation(engine) { location async throws in
            let stores = [try await openStore(location, logger: TestDatabase.logger), try await openStore(location, logger: TestDatabase.logger)]
            let applied = try await stores[0].withRunning { first in
                try await stores[1].withRunning { second in
                    async let a = Migrator.migrate(first)
                    async let b = Migrator.migrate(second)
                    return try await a + b
                }
            }
            #expect(applied.sorted() == Migration.all.map(\.name).sorted())
        }
    }

    @Test(arguments: TestDatabase.engines)
    func importedUnitsReadBack(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.importCity(store)
            let units = UnitRepository(store: store)
            let chaoyang = try #require(try await units.unit(code: "110105"))
            #expect(chaoyang == OrgUnit(code: "110105", name: "朝阳区", kind: .district, parentCode: "110000", population: 3_452_460))
            #expect(try await units.unit(code: "999999") == nil)
            #expect(try await units.count() == 10)

            // Divisions first, then organisations; each by code.
            let children = try await units.children(of: "110105", limit: 100)
            #expect(children.items.map(\.code) == ["110105026", "110105027", "110105400", "110105-CGW", "110105-GAFJ"])
            #expect(children.nextCursor == nil)
            let streets = try await units.children(of: "110105", kind: .street, limit: 100)
            #expect(streets.items.map(\.name) == ["望京街道", "大屯街道"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func cursorPagesCoverEveryChildOnce(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.importCity(store)
            let units = UnitRepository(store: store)
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await units.children(of: "110105", after: cursor, limit: 2)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.code)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ["110105026", "110105027", "110105400", "110105-CGW", "110105-GAFJ"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func searchByNameEscapesWildcards(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.importCity(store)
            let units = UnitRepository(store: store)
            #expect(try await units.search(name: "望京", limit: 10).items.map(\.code) == [
                "110105026", "110105026001", "110105026001001", "110105026-PCS",
            ])
            #expect(try await units.search(name: "望京", kind: .community, limit: 10).items.map(\.code) == ["110105026001"])
            #expect(try await units.search(name: "%", limit: 10).items.isEmpty)
            #expect(try await units.search(name: "_", limit: 10).items.isEmpty)
        }
    }

    /// A file with one bad row at its end changes nothing, and says which line is wrong.
    @Test(arguments: TestDatabase.engines)
    func aFailedImportChangesNothing(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.importCity(store)
            let bad = """
                code,name,kind,parent_code
                110105028,酒仙桥街道,street,110105
                110105026,望京街道（改名）,street,110105
                110105028001,社区,community,110105999
                """
            let rows = try DivisionsFile.parse(bad, file: "bad.csv").get()
            let units = UnitRepository(store: store)
            await #expect(throws: ImportFailed(problems: [ImportProblem(file: "bad.csv", line: 4, error: .parentMissing(code: "110105028001", parent: "110105999"))])) {
                _ = try await units.importUnits(rows, file: "bad.csv", now: Self.now)
            }
            #expect(try await units.count() == 10)
            #expect(try await units.unit(code: "110105026")?.name == "望京街道")
            #expect(try await units.unit(code: "110105028") == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func reimportUpdatesAndKeepsBoundaries(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.importCity(store)
            let units = UnitRepository(store: store)
            let square = try Boundary(polygons: [[[
                .init(longitude: 116.47, latitude: 39.99), .init(longitude: 116.48, latitude: 39.99),
                .init(longitude: 116.48, latitude: 40.0), .init(longitude: 116.47, latitude: 39.99),
            ]]])
            #expect(try await units.setBoundaries([("110105026001001", square)], file: "g.geojson", now: Self.now) == 1)
            let rows = try DivisionsFile.parse("code,name,kind,parent_code\n110105026001001,第一网格,grid,110105026001", file: "r.csv").get()
            #expect(try await units.importUnits(rows, file: "r.csv", now: Self.now) == .init(inserted: 0, updated: 1))
            let grid = try #require(try await units.unit(code: "110105026001001"))
            #expect(grid.name == "第一网格" && grid.boundary == square)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func boundariesOnlyForExistingGrids(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.importCity(store)
            let units = UnitRepository(store: store)
            let square = try Boundary(polygons: [[[
                .init(longitude: 1, latitude: 1), .init(longitude: 2, latitude: 1), .init(longitude: 2, latitude: 2), .init(longitude: 1, latitude: 1),
            ]]])
            await #expect(throws: ImportFailed.self) {
                _ = try await units.setBoundaries([("110105026001001", square), ("110105026001002", square), ("110105026001", square)], file: "g.geojson", now: Self.now)
            }
            #expect(try await units.unit(code: "110105026001001")?.boundary == nil)
        }
    }

    /// Concurrent writers all commit (the writer lock serialises them) and a throwing body rolls back.
    @Test(arguments: TestDatabase.engines)
    func concurrentWritesAndRollback(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let people = PeopleRepository(store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask { try await people.add(Person(id: "p\(index)", name: "人员\(index)"), now: Self.now) }
                }
                try await group.waitForAll()
            }
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.write { db in
                    try await db.raw("INSERT INTO people (id, name, created_at) VALUES ('ghost', '幽灵', 0)").run()
                    throw Boom()
                }
            }
            let count = try await store.read { try await $0.raw("SELECT COUNT(*) AS n FROM people").first()?.decode(column: "n", as: Int.self) }
            #expect(count == 40)
            #expect(try await people.person(id: "ghost") == nil)
        }
    }

    /// Concurrent writes share transactions on SQLite (group commit): a refused one must not take its
    /// neighbours down, and each body sees all-or-nothing of its own writes.
    @Test(arguments: TestDatabase.engines)
    func aRefusedWriteNeverAffectsItsNeighbours(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            struct Refused: Error {}
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        do {
                            try await store.write { db in
                                try await db.raw("INSERT INTO people (id, name, created_at) VALUES (\(bind: "p\(index)"), 'x', 0)").run()
                                if index % 10 == 0 { throw Refused() }
                            }
                            return true
                        } catch is Refused {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.count { $0 } == 180)
            let ids = try await store.read { try await $0.raw("SELECT id FROM people").all().map { try $0.decode(column: "id", as: String.self) } }
            #expect(ids.count == 180)
            #expect(!ids.contains("p0") && !ids.contains("p190") && ids.contains("p1"))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func rolesAreScopedToFittingUnits(engine: Engine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await Self.importCity(store)
            let people = PeopleRepository(store: store)
            try await people.add(Person(id: "u1", name: "张三", phone: "13800000000"), now: Self.now)
            let coordinator = RoleAssignment(personID: "u1", role: .streetCoordinator, unitCode: "110105026")
            try await people.grant(coordinator, now: Self.now)
            await #expect(throws: PeopleError.self) {
                try await people.grant(RoleAssignment(personID: "u1", role: .gridWorker, unitCode: "110105-CGW"), now: Self.now)
            }
            await #expect(throws: CityModelError.unitNotFound(code: "110199")) {
                try await people.grant(RoleAssignment(personID: "u1", role: .unitLeader, unitCode: "110199"), now: Self.now)
            }
            await #expect(throws: PeopleError.personNotFound("nobody")) {
                try await people.grant(RoleAssignment(personID: "nobody", role: .streetCoordinator, unitCode: "110105026"), now: Self.now)
            }
            #expect(try await people.roles(of: "u1") == [coordinator])
            try await people.end(coordinator, now: Self.now)
            #expect(try await people.roles(of: "u1").isEmpty)
            // Ended, not deleted.
            let kept = try await store.read { try await $0.raw("SELECT COUNT(*) AS n FROM role_assignments").first()?.decode(column: "n", as: Int.self) }
            #expect(kept == 1)
        }
    }
}

@Suite struct SQLiteDurabilityTests {
    /// Closing and reopening the file keeps everything committed (what a server restart does).
    @Test func reopenedFileKeepsUnits() async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        let first = try await SQLiteStore(path: path, logger: TestDatabase.logger)
        try await first.withRunning { store in
            try await Migrator.migrate(store)
            try await StoreTests.importCity(store)
        }
        let second = try await SQLiteStore(path: path, logger: TestDatabase.logger)
        let count = try await second.withRunning { try await UnitRepository(store: $0).count() }
        #expect(count == 10)
    }

    @Test func walAndFullSynchronousAreOn() async throws {
        let path = TestDatabase.temporarySQLitePath()
        defer { TestDatabase.removeSQLite(path) }
        let store = try await SQLiteStore(path: path, logger: TestDatabase.logger)
        let (mode, synchronous) = try await store.withRunning { store in
            try await store.write { db in
                (try await db.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self),
                 try await db.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self))
            }
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)  // FULL
    }
}

@Suite struct DatabaseLocationTests {
    @Test func parsesBothEngines() throws {
        #expect(try DatabaseLocation(parsing: "sqlite:data/whistle.sqlite") == .sqlite(path: "data/whistle.sqlite"))
        #expect(try DatabaseLocation(parsing: "sqlite:///tmp/w.sqlite") == .sqlite(path: "/tmp/w.sqlite"))
        #expect(try DatabaseLocation(parsing: "whistle.sqlite") == .sqlite(path: "whistle.sqlite"))
        let postgres = try DatabaseLocation(parsing: "postgres://app:p%40ss@db.local:6543/city?sslmode=require")
        #expect(postgres == .postgres(host: "db.local", port: 6543, user: "app", password: "p@ss", database: "city", requireTLS: true))
        #expect(postgres.description == "postgres://app@db.local:6543/city")
        #expect(throws: StoreError.self) { try DatabaseLocation(parsing: "mysql://x") }
        #expect(throws: StoreError.self) { try DatabaseLocation(parsing: "sqlite:") }
    }
}
