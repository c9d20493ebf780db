import Foundation

/// A question a category asks when a demand is filed (Open311 GeoReport v2 service definition attribute),
/// e.g. 灯杆编号 for a street light. Answers are checked against the datatype and kept with the demand.
public struct ServiceAttribute: Sendable, Hashable, Codable {
    /// GeoReport's six datatypes.
    public enum Datatype: String, Sendable, Hashable, Codable, CaseIterable {
        /// One line of text.
        case string
        /// A number.
        case number
        /// An instant, ISO 8601 with a time zone.
        case datetime
        /// Several lines of text.
        case text
        /// One of `values`.
        case singlevaluelist
        /// Any of `values`.
        case multivaluelist
    }

    /// One choice of a list: the value sent (`key`) and the label shown (`name`).
    public struct Choice: Sendable, Hashable, Codable {
        public var key: String
        public var name: String

        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    /// The id answers are sent under (`attribute[code]`): 1–64 letters, digits, `_` or `-`.
    public var code: String
    public var datatype: Datatype
    /// The question, e.g. 灯杆上的编号是多少？
    public var description: String
    public var required: Bool
    /// False for text shown to the resident that asks nothing.
    public var variable: Bool
    /// A hint for the answer, e.g. 如 A-0123.
    public var datatypeDescription: String?
    /// Position in the form, from 1, unique in the category.
    public var order: Int
    /// The choices of a list; empty for other datatypes.
    public var values: [Choice]

    public init(
        code: String, datatype: Datatype, description: String, required: Bool = false, variable: Bool = true,
        datatypeDescription: String? = nil, order: Int, values: [Choice] = []
    ) {
        self.code = code
        self.datatype = datatype
        self.description = description
        self.required = required
        self.variable = variable
        self.datatypeDescription = datatypeDescription
        self.order = order
        self.values = values
    }

    /// What is wrong with the definition itself, if anything.
    var problem: String? {
        guard code.isToken, !code.contains(".") else { return "属性代码“\(code)”无效 / attribute code \"\(code)\" is invalid" }
        guard order >= 1 else { return "属性“\(code)”的顺序应从 1 起 / order of \"\(code)\" must be 1 or more" }
        guard !description.trimmingCharacters(in: .whitespaces).isEmpty else { return "属性“\(code)”缺少说明 / \"\(code)\" has no description" }
        let isList = datatype == .singlevaluelist || datatype == .multivaluelist
        guard isList == !values.isEmpty else {
            return "属性“\(code)”：列表类型需要选项，其他类型不能有选项 / \"\(code)\": lists need values, other datatypes have none"
        }
        guard Set(values.map(\.key)).count == values.count else { return "属性“\(code)”的选项重复 / \"\(code)\" repeats a value" }
        return nil
    }

    /// The answer checked against the datatype (dates as ISO 8601, numbers as numbers, list keys among the
    /// values), or why it is refused. `answers` are the values sent for this code; none means unanswered.
    public func check(_ answers: [String]) -> String? {
        guard variable else { return nil }
        let answers = answers.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if answers.isEmpty { return required ? "attribute[\(code)] is required (\(description))" : nil }
        if datatype != .multivaluelist, answers.count > 1 { return "attribute[\(code)] takes one value" }
        for answer in answers {
            switch datatype {
            case .string: if answer.contains("\n") || answer.count > 500 { return "attribute[\(code)] must be one line of at most 500 characters" }
            case .text: if answer.count > 4_000 { return "attribute[\(code)] is longer than 4000 characters" }
            case .number: if Double(answer)?.isFinite != true { return "attribute[\(code)] must be a number" }
            case .datetime: if ISO8601DateFormatter().date(from: answer) == nil { return "attribute[\(code)] must be an ISO 8601 date-time with a time zone" }
            case .singlevaluelist, .multivaluelist:
                if !values.contains(where: { $0.key == answer }) { return "attribute[\(code)] must be one of \(values.map(\.key).joined(separator: ", "))" }
            }
        }
        return nil
    }
}
