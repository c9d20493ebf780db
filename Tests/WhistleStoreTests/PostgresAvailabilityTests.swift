import Foundation
import Testing
import WhistleStore
import WhistleTestSupport

@Suite struct PostgresAvailability {
    @Test(.enabled(if: TestDatabase.postgresAdminURL != nil,
                   "PostgreSQL store suite skipped: WHISTLE_TEST_POSTGRES_URL is not set (scripts/test.sh sets it when PostgreSQL is installed)"))
    func postgresSuiteRuns() {
        #expect(TestDatabase.engines.contains(.postgres))
    }

    /// CI sets WHISTLE_REQUIRE_POSTGRES so that a missing server fails the run instead of skipping.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["WHISTLE_REQUIRE_POSTGRES"] == "1"))
    func postgresIsRequiredHere() {
        #expect(TestDatabase.postgresAdminURL != nil, "WHISTLE_REQUIRE_POSTGRES=1 but WHISTLE_TEST_POSTGRES_URL is unset")
    }
}
