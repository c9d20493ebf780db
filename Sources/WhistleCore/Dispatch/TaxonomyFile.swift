/// The taxonomy CSV that `whistle import taxonomy` reads: a whole taxonomy, in one of two forms told apart by
/// the header (column order free, unknown columns ignored).
///
/// - Full form: `code,name,parent_code,deadline_class,service_code,gbt47678,gbt30428,active`, of which only
///   `code` and `name` are required. `parent_code` may be left out; when filled it must be the parent the code
///   implies. `active` is `true`/`false`, `1`/`0`, `yes`/`no` or `是`/`否`; blank means active.
/// - Plain form: `level1,level2,level3`, one path of names per row (a row may stop at level 1 or 2). Each
///   category on a path is created once, with a code generated from the names (``generatedCode(for:)``).
public enum TaxonomyFile {
    /// The categories of the file, or every problem found, by line.
    public static func parse(_ text: String, file: String) -> Result<[Category], FileRejected<TaxonomyError>> {
        let records = CSV.records(text)
        guard let first = records.first else {
            return .failure(FileRejected(problems: [FileProblem(file: file, line: 1, error: .emptyFile)]))
        }
        let header = CSVHeader(first)
        var rows = Rows()
        if header.has("level1") {
            rows.readPlain(records.dropFirst(), header: header)
        } else {
            let missing = ["code", "name"].filter { !header.has($0) }
            guard missing.isEmpty else {
                return .failure(FileRejected(problems: missing.map { FileProblem(file: file, line: header.line, error: .missingColumn($0)) }))
            }
            rows.readFull(records.dropFirst(), header: header)
        }
        let problems = (rows.problems + Taxonomy.problems(in: rows.categories).map { (rows.lines[$0.index], $0.error) })
            .enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map { FileProblem(file: file, line: $0.element.line, error: $0.element.error) }
        return problems.isEmpty ? .success(rows.categories) : .failure(FileRejected(problems: problems))
    }

    /// The code the plain form gives a path of names (城乡建设 / 市政设施 / 道路破损): one segment per name, the
    /// first 6 hex digits (upper-case) of the 32-bit FNV-1a hash of the name's UTF-8 bytes, so 城乡建设 / 市政设施 / 道路破损 is `744404.79ED5D.85C3C3`.
    ///
    /// In the plain form the path of names is a category's only identity, so its code depends on that alone:
    /// the same file yields the same codes on every machine, and reordering or adding rows never changes one. A
    /// renamed row makes a new category (the plain form cannot tell a rename from a retire and an add), and
    /// classifier labels written as name paths map to codes the same way. Sibling collisions (about 1 in 10⁵ for
    /// 16 siblings) are reported as duplicate codes.
    public static func generatedCode(for path: [String]) -> String {
        path.map { name in
            var hash: UInt32 = 0x811C_9DC5
            for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
            let hex = String(hash >> 8, radix: 16, uppercase: true)
            return String(repeating: "0", count: 6 - hex.count) + hex
        }.joined(separator: ".")
    }

    /// The categories read so far, the line of each, and the problems of single rows.
    private struct Rows {
        var categories: [Category] = []
        var lines: [Int] = []
        var problems: [(line: Int, error: TaxonomyError)] = []

        mutating func add(_ category: Category, line: Int) {
            categories.append(category)
            lines.append(line)
        }

        mutating func readFull(_ records: ArraySlice<CSV.Record>, header: CSVHeader) {
            for record in records {
                func optional(_ column: String) -> String? {
                    let value = header.value(column, in: record)
                    return value.isEmpty ? nil : value
                }
                let flag = header.value("active", in: record)
                let active: Bool
                switch flag.lowercased() {
                case "", "true", "1", "yes", "y", "是": active = true
                case "false", "0", "no", "n", "否": active = false
                default:
                    problems.append((record.line, .invalidActive(flag)))
                    active = true
                }
                let category = Category(
                    code: header.value("code", in: record), name: header.value("name", in: record),
                    deadlineClass: optional("deadline_class"), serviceCode: optional("service_code"),
                    standardCode: optional("gbt47678"), legacyCode: optional("gbt30428"), active: active)
                if let parent = optional("parent_code"), Category.isValidCode(category.code), parent != category.parentCode {
                    problems.append((record.line, .parentMismatch(code: category.code, parent: parent)))
                }
                add(category, line: record.line)
            }
        }

        mutating func readPlain(_ records: ArraySlice<CSV.Record>, header: CSVHeader) {
            var pathOfCode: [String: [String]] = [:]
            var rowCodes: Set<String> = []
            for record in records {
                let names = ["level1", "level2", "level3"].map { header.value($0, in: record) }
                guard let last = names.lastIndex(where: { !$0.isEmpty }) else { continue }
                if let gap = names[...last].firstIndex(where: \.isEmpty) {
                    problems.append((record.line, .missingLevel(gap + 1)))
                    continue
                }
                var code = ""
                for level in 1...(last + 1) {
                    let path = Array(names.prefix(level))
                    code = TaxonomyFile.generatedCode(for: path)
                    if let known = pathOfCode[code] {
                        if known != path { problems.append((record.line, .duplicateCode(code))) }
                        continue
                    }
                    pathOfCode[code] = path
                    add(Category(code: code, name: names[level - 1]), line: record.line)
                }
                if !rowCodes.insert(code).inserted { problems.append((record.line, .duplicateCode(code))) }
            }
        }
    }
}
