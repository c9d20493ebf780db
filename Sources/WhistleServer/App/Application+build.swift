import Configuration
import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import WhistleAPI
import WhistleCore
import WhistleStore

/// Builds the Whistle application from configuration: the store (a service of the application, started
/// first and stopped last), migrations and the demo city before the server accepts requests, the native
/// API under /api/v1 and the operational endpoints.
///
/// Configuration keys: `http.host` [127.0.0.1], `http.port` [8080], and those of ``ServerSettings``.
public func buildApplication(reader: ConfigReader, clock: @escaping @Sendable () -> Date = Date.init) async throws -> some ApplicationProtocol {
    let settings = try ServerSettings(reader: reader)
    LoggingSystem.bootstrapWhistle(format: settings.logFormat, level: settings.logLevel)
    let logger = {
        var logger = Logger(label: "whistle")
        logger.logLevel = settings.logLevel
        return logger
    }()

    let rules = try LoopConfiguration(bundled: try LoopConfiguration.bundledSchedules())
    // Opened last: nothing below can fail, so an open store always reaches the service group that closes it.
    let store = try await openStore(settings.database, logger: logger)
    let feed = WhistleFeed(whistles: WhistleRepository(store: store), interval: settings.streamInterval, logger: logger)
    let desk = DispatchDesk(
        store: store, reload: settings.dispatchReload, retrainEvery: settings.classifierRetrainDays * 86_400,
        trainingLimit: settings.classifierLimit, clock: clock, logger: logger)
    let versions = RuleVersions(configuration: rules, store: store, reload: settings.dispatchReload, clock: clock, logger: logger)
    let router = buildRouter(store: store, rules: rules, versions: versions, feed: feed, desk: desk, settings: settings, clock: clock)
    var app = Application(
        router: router,
        configuration: ApplicationConfiguration(reader: reader.scoped(to: "http")),
        services: [store, feed, desk, versions],
        logger: logger)
    if settings.deadlinesEnabled {
        app.addServices(DeadlineService(
            sweep: DeadlineSweep(store: store), configuration: rules, clock: clock, interval: settings.deadlineInterval,
            batch: settings.deadlineBatch, logger: logger, store: store))
    }
    app.beforeServerStarts {
        if settings.migrateOnStart {
            let applied = try await Migrator.migrate(store, now: clock())
            if !applied.isEmpty { logger.info("migrations applied", metadata: ["migrations": "\(applied)"]) }
        }
        if settings.demo {
            try await DemoCity.seedIfEmpty(store, now: clock(), logger: logger)
        }
        // Imported holiday schedules override the bundled ones year by year; units name their business hours;
        // rule versions apply from their day.
        if try await Migrator.pending(store).isEmpty {
            try await rules.load(from: store)
            try await desk.refresh()
        }
        logger.info("whistle ready", metadata: ["db": "\(settings.database)"])
    }
    return app
}

/// The routes: operational endpoints at the root, the generated native API under /api/v1.
func buildRouter(
    store: any Store, rules: LoopConfiguration, versions: RuleVersions, feed: WhistleFeed, desk: DispatchDesk, settings: ServerSettings,
    clock: @escaping @Sendable () -> Date
) -> Router<WhistleRequestContext> {
    let router = Router(context: WhistleRequestContext.self)
    // Outermost first: metrics and the request log see the status of the problem document, not the error.
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: PlainHeadersMiddleware())
    let sessions = SessionRepository(store: store, rounds: settings.passwordRounds)
    router.add(middleware: AuthenticationMiddleware(tokens: TokenRepository(store: store), sessions: sessions, clock: clock))
    router.add(middleware: PublicIntakeLimit(perMinute: settings.publicIntakePerMinute, trustForwardedFor: settings.trustForwardedFor))
    OperationalRoutes(store: store, registry: WhistleMetrics.registry).register(on: router)
    let demands = DemandRepository(store: store, intakeBatch: settings.intakeBatch)
    let auth = AuthSettings(sessionLifetime: settings.sessionHours * 3_600, secureCookies: settings.secureCookies)
    ConsoleRoutes(
        demands: demands, reports: ReportRepository(store: store), whistles: WhistleRepository(store: store), people: PeopleRepository(store: store), sessions: sessions, desk: desk, configuration: rules, versions: versions, auth: auth, clock: clock).register(on: router)
    Open311Routes(
        demands: demands, keys: Open311KeyRepository(store: store), files: FileRepository(store: store), desk: desk,
        configuration: rules, clock: clock, perMinute: Double(settings.open311PerMinute)).register(on: router)
    do {
        try WhistleAPIHandler(
            units: UnitRepository(store: store), demands: demands, whistles: WhistleRepository(store: store), feed: feed,
            party: PartyWorkRepository(store: store),
            desk: desk, sessions: sessions, people: PeopleRepository(store: store), rankings: RankingRepository(store: store), reports: ReportRepository(store: store), topics: TopicRepository(store: store),
            auth: auth, configuration: rules, clock: clock)
            .registerHandlers(on: router, serverURL: URL(string: "/api/v1")!, configuration: Configuration(
                dateTranscoder: WhistleDateTranscoder(),
                // Compact: pretty printing costs CPU and bytes on every answer (read it with jq).
                jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
    } catch {
        preconditionFailure("the API's routes are fixed and always register: \(error)")
    }
    return router
}
