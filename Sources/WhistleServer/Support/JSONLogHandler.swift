import Foundation
import Logging
import Synchronization

/// One JSON object a line on standard error: time (ISO 8601 with milliseconds, UTC), level, label,
/// message, metadata. What log collectors ingest without parsing rules.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private static let output = Mutex(FileHandle.standardError)
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": Date().formatted(Self.timeFormat),
            "level": event.level.rawValue, "label": label, "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.plain(value)
        }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        Self.output.withLock { $0.write(line) }
    }

    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case let .string(text): text
        case let .stringConvertible(convertible): convertible.description
        case let .array(values): values.map(plain)
        case let .dictionary(values): values.mapValues(plain)
        }
    }
}

extension LoggingSystem {
    private static let once = Mutex(false)

    /// Installs Whistle's log handler once per process (the logging system may be bootstrapped only once).
    public static func bootstrapWhistle(format: ServerSettings.LogFormat, level: Logger.Level) {
        once.withLock { done in
            guard !done else { return }
            done = true
            bootstrap { label in
                switch format {
                case .json: JSONLogHandler(label: label, level: level)
                case .text: { var handler = StreamLogHandler.standardError(label: label); handler.logLevel = level; return handler }()
                }
            }
        }
    }
}
