import Foundation
import Synchronization
import WhistleCore
import WhistleStore

/// The rules of the closed loop this server applies. Holiday schedules: those bundled in
/// Resources/calendars, overridden year by year by those imported with `whistle calendar import`. Business
/// hours: each unit's `calendar` code (`office` by default). Rule values: the version of ``LoopPolicy`` in
/// force at the instant of each decision (`whistle rules set`; Beijing's defaults when none is stored), and
/// likewise of ``WhistlePolicy`` for whistles (`whistle rules set --whistle`) and ``AssessmentScheme`` for
/// rankings (`--assessment`). Loaded at start and kept current by ``RuleVersions``.
final class LoopConfiguration: Sendable {
    private struct State: Sendable {
        var calendar: @Sendable (String) -> WorkingCalendar
        var policies: [LoopPolicy]
        var whistlePolicies: [WhistlePolicy]
        var schedules: [HolidaySchedule]
        var assessmentSchemes: [AssessmentScheme] = [.beijing]
    }

    private let bundled: [HolidaySchedule]
    private let state: Mutex<State>

    init(bundled: [HolidaySchedule]) throws {
        self.bundled = bundled
        state = Mutex(State(calendar: try Self.calendars(schedules: bundled, unitCalendars: [:]), policies: [.beijing], whistlePolicies: [.default],
                            schedules: bundled))
    }

    /// The rules in force at `instant`.
    func rules(at instant: Date) -> LoopRules {
        state.withLock { state in (LoopPolicy.inForce(at: instant, among: state.policies) ?? .beijing).rules(calendar: state.calendar) }
    }

    /// The whistle's rules in force at `instant`.
    func whistlePolicy(at instant: Date) -> WhistlePolicy {
        state.withLock { WhistlePolicy.inForce(at: instant, among: $0.whistlePolicies) ?? .default }
    }

    /// The assessment scheme versions (`whistle rules set --assessment`; Beijing's when none is stored).
    var assessmentSchemes: [AssessmentScheme] { state.withLock { $0.assessmentSchemes } }

    /// The holiday schedules in use, oldest year first, and the rule versions: what `GET /calendars` and
    /// `GET /policies` show.
    var schedules: [HolidaySchedule] { state.withLock { $0.schedules } }
    var policies: (loop: [LoopPolicy], whistle: [WhistlePolicy]) { state.withLock { ($0.policies, $0.whistlePolicies) } }

    /// Applies what the database holds: imported schedules, the units' calendar codes, the rule versions.
    func load(
        imported: [HolidaySchedule], unitCalendars: [String: String], policies: [LoopPolicy], whistlePolicies: [WhistlePolicy],
        assessmentSchemes: [AssessmentScheme]
    ) throws {
        let years = Set(imported.map(\.year))
        let schedules = (bundled.filter { !years.contains($0.year) } + imported).sorted { $0.year < $1.year }
        let calendar = try Self.calendars(schedules: schedules, unitCalendars: unitCalendars)
        state.withLock {
            $0 = State(calendar: calendar, policies: policies.isEmpty ? [.beijing] : policies,
                       whistlePolicies: whistlePolicies.isEmpty ? [.default] : whistlePolicies, schedules: schedules,
                       assessmentSchemes: assessmentSchemes.isEmpty ? [.beijing] : assessmentSchemes)
        }
    }

    /// Applies what `store` holds (see ``load(imported:unitCalendars:policies:whistlePolicies:assessmentSchemes:)``).
    func load(from store: any Store) async throws {
        let policies = PolicyRepository(store: store)
        try load(imported: try await CalendarRepository(store: store).all(), unitCalendars: try await UnitRepository(store: store).calendarCodes(),
                 policies: try await policies.all(LoopPolicy.self), whistlePolicies: try await policies.all(WhistlePolicy.self),
                 assessmentSchemes: try await policies.all(AssessmentScheme.self))
    }

    static func bundledSchedules() throws -> [HolidaySchedule] {
        // Found the same way as every other bundled resource (Bundle.module, subdirectory Resources/…).
        let files = (Bundle.module.urls(forResourcesWithExtension: "json", subdirectory: "Resources/calendars") ?? [])
            .map { $0 as URL }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Resources/calendars/*.json"]) }
        return try files.map { try HolidaySchedule.decode(from: Data(contentsOf: $0)) }
    }

    /// One working calendar per named business hours; a unit uses the one its code names.
    static func calendars(schedules: [HolidaySchedule], unitCalendars: [String: String]) throws -> @Sendable (String) -> WorkingCalendar {
        var calendars: [String: WorkingCalendar] = [:]
        for (name, hours) in BusinessHours.named {
            calendars[name] = try WorkingCalendar(schedules: schedules, businessHours: hours)
        }
        let office = calendars[BusinessHours.defaultName]!
        return { [calendars] unit in unitCalendars[unit].flatMap { calendars[$0] } ?? office }
    }
}
