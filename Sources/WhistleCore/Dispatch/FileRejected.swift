import Foundation

/// One bad row of a dispatch data file (taxonomy, duty list): where it is and what is wrong with it.
/// The counterpart of ``ImportProblem``, whose error is bound to ``CityModelError``.
public struct FileProblem<Failure: DomainError & Equatable>: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line number in the file (the header is line 1).
    public var line: Int
    public var error: Failure

    public init(file: String, line: Int, error: Failure) {
        self.file = file
        self.line = line
        self.error = error
    }

    public var description: String { "\(file):\(line): \(error.messageZh) (\(error.messageEn))" }
}

/// A data file refused as a whole: nothing of it was taken. Same code and messages as ``ImportFailed``.
public struct FileRejected<Failure: DomainError & Equatable>: DomainError, Equatable {
    public var problems: [FileProblem<Failure>]

    public init(problems: [FileProblem<Failure>]) { self.problems = problems }

    public var code: String { "import.rejected" }
    public var kind: DomainErrorKind { .invalid }
    public var messageZh: String {
        "导入被拒绝，未写入任何数据；共 \(problems.count) 处错误：\n" + problems.prefix(50).map(\.description).joined(separator: "\n")
    }
    public var messageEn: String {
        "import rejected, nothing was written; \(problems.count) problem(s):\n"
            + problems.prefix(50).map { "\($0.file):\($0.line): \($0.error.messageEn)" }.joined(separator: "\n")
    }
}

/// A CSV header, to read a record's fields by column name (trimmed, lower-cased; the first of repeated names).
struct CSVHeader {
    let line: Int
    private let positions: [String: Int]

    init(_ header: CSV.Record) {
        line = header.line
        var positions: [String: Int] = [:]
        for (position, field) in header.fields.enumerated() {
            let name = field.trimmingCharacters(in: .whitespaces).lowercased()
            positions[name] = positions[name] ?? position
        }
        self.positions = positions
    }

    func has(_ column: String) -> Bool { positions[column] != nil }

    /// The record's field in `column`, trimmed; empty when the column or the field is absent.
    func value(_ column: String, in record: CSV.Record) -> String {
        guard let position = positions[column], position < record.fields.count else { return "" }
        return record.fields[position].trimmingCharacters(in: .whitespaces)
    }
}
