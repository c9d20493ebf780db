import Foundation
import OpenAPIRuntime

/// ISO 8601 both ways for the API: accepts instants with or without fractional seconds (JavaScript clients
/// send milliseconds, others do not) and always writes milliseconds in UTC. The runtime's own `.iso8601`
/// rejects fractions and `.iso8601WithFractionalSeconds` rejects whole seconds.
struct WhistleDateTranscoder: DateTranscoder {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    func encode(_ date: Date) throws -> String {
        date.formatted(Self.withFraction)
    }

    func decode(_ text: String) throws -> Date {
        if let date = try? Self.withFraction.parse(text) { return date }
        if let date = try? Self.withoutFraction.parse(text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "expected an ISO 8601 instant, got \(text)"))
    }
}
