/// A refusal the domain can explain to a person: a stable code, a message in Chinese and English, and the
/// kind of failure, which the server maps to an HTTP status and a problem document.
public protocol DomainError: Error, Sendable {
    /// Stable machine-readable code, e.g. `unit.not_found`. Never changes once published.
    var code: String { get }
    /// The failure's kind, which decides the HTTP status.
    var kind: DomainErrorKind { get }
    /// Message for people, in Simplified Chinese (the default language of Whistle).
    var messageZh: String { get }
    /// The same message in English.
    var messageEn: String { get }
}

/// What sort of failure a ``DomainError`` is.
public enum DomainErrorKind: String, Sendable {
    /// The input is malformed or breaks a rule (HTTP 400/422).
    case invalid
    /// The thing asked for does not exist (HTTP 404).
    case notFound
    /// The state changed under the caller or the thing already exists (HTTP 409).
    case conflict
    /// The caller may not do this (HTTP 403).
    case forbidden
    /// The caller has not said who they are (HTTP 401).
    case unauthenticated
}
