import Foundation

/// One bad row of an import file (divisions, taxonomy, duty list): where it is and what is wrong with it.
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

/// An import refused as a whole: nothing of it was written.
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

/// A bad row of a file of units or grids.
public typealias ImportProblem = FileProblem<CityModelError>
/// A file of units or grids refused as a whole.
public typealias ImportFailed = FileRejected<CityModelError>
