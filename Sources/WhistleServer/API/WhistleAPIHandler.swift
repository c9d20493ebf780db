import Foundation
import WhistleAPI
import WhistleCore
import WhistleStore

/// The native API's handlers (the generated `APIProtocol`), one extension per resource. Refusals are thrown
/// as domain errors and rendered as problem documents by ``ProblemMiddleware``.
struct WhistleAPIHandler: APIProtocol {
    let units: UnitRepository
    let demands: DemandRepository
    let whistles: WhistleRepository
    let feed: WhistleFeed
    let party: PartyWorkRepository
    let desk: DispatchDesk
    let sessions: SessionRepository
    let people: PeopleRepository
    let rankings: RankingRepository
    let reports: ReportRepository
    let topics: TopicRepository
    let auth: AuthSettings
    let configuration: LoopConfiguration
    /// "Now" comes from the application's clock, never from the database or a stray `Date()`.
    let clock: @Sendable () -> Date
}
