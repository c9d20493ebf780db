import Foundation

// Writes XLSX workbooks and CSV files with Foundation only, so report exports need no third-party
// package and no office suite on the server.

/// One spreadsheet cell. Values stay typed so that XLSX can store real numbers (sortable, summable)
/// while CSV gets a fixed, locale-independent text form.
public enum Cell: Sendable, Hashable {
    case text(String)
    /// Non-finite values (NaN, ±infinity) have no spreadsheet form and are written as empty cells.
    case number(Double)
    /// Spreadsheets keep 15 significant digits: case numbers and phone numbers belong in `.text`.
    case integer(Int)
    /// A ratio (0.935 = 93.50 %), stored as a number with a percent format so it still computes.
    case percent(Double)
    case empty
}

/// One worksheet. Its first row is the header: bold in XLSX, and frozen so it stays visible when scrolling.
public struct Sheet: Sendable, Hashable {
    /// Made valid and unique when written (see `sheetNames(_:)`), so any label can be passed in.
    public var name: String
    public var rows: [[Cell]]
    /// Widths in Excel character units, index 0 for column A; `nil` or missing keeps the default width.
    public var columnWidths: [Double?]

    public init(name: String, rows: [[Cell]], columnWidths: [Double?] = []) {
        self.name = name
        self.rows = rows
        self.columnWidths = columnWidths
    }
}

/// Why a workbook cannot be written as a file Excel opens.
public enum SpreadsheetError: Error, Sendable, Hashable {
    /// More than 1,048,576 rows or 16,384 columns: Excel refuses to open such a file.
    case sheetTooLarge(sheet: String)
    /// Over 4 GiB or 65,535 entries would need ZIP64, which this writer does not produce.
    case archiveTooLarge
}

/// Sheets in tab order.
public struct Workbook: Sendable, Hashable {
    public var sheets: [Sheet]

    public init(sheets: [Sheet]) {
        self.sheets = sheets
    }

    /// The workbook as an .xlsx file: a ZIP of SpreadsheetML parts with text as inline strings.
    /// An inline string is never parsed as a formula, so text needs no injection guard here (unlike CSV).
    /// A workbook without sheets gets one empty sheet, because Excel cannot open a workbook with none.
    /// `modified` becomes the entries' timestamp, in the server's local time as ZIP tools expect.
    public func xlsxData(modified: Date = Date()) throws(SpreadsheetError) -> Data {
        let sheets = self.sheets.isEmpty ? [Sheet(name: "Sheet1", rows: [])] : self.sheets
        let names = sheetNames(sheets.map(\.name))
        let count = sheets.count
        let overrides = (1...count).map {
            "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        var zip = ZipWriter(modified: modified, timeZone: .current)
        try zip.add("[Content_Types].xml", xmlPart("""
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(overrides.joined())</Types>
            """))
        try zip.add("_rels/.rels", xmlPart("""
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """))
        let sheetElements = names.enumerated().map { "<sheet name=\"\(xmlEscaped($1))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }
        try zip.add("xl/workbook.xml", xmlPart("""
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(sheetElements.joined())</sheets></workbook>
            """))
        let sheetRelationships = (1...count).map {
            "<Relationship Id=\"rId\($0)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>"
        }
        try zip.add("xl/_rels/workbook.xml.rels", xmlPart("""
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(sheetRelationships.joined())\
            <Relationship Id="rId\(count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """))
        // Cell style indexes: 0 plain, 1 bold (header), 2 percent, 3 bold percent. numFmtId 10 is the built-in "0.00%".
        try zip.add("xl/styles.xml", xmlPart("""
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="4">\
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
            <xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="10" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>\
            </cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """))
        for (index, sheet) in sheets.enumerated() {
            guard sheet.rows.count <= 1_048_576, sheet.rows.allSatisfy({ $0.count <= 16_384 }) else {
                throw .sheetTooLarge(sheet: sheet.name)
            }
            try zip.add("xl/worksheets/sheet\(index + 1).xml", xmlPart(worksheetXML(sheet)))
        }
        return try zip.finished()
    }
}

/// Writing RFC 4180 CSV: CRLF after every record, and fields containing a comma, quote, CR or LF quoted with
/// inner quotes doubled. Numbers use Swift's locale-independent form (never a decimal comma), integers
/// without ".0"; percents are written as people read them, e.g. 0.935 → "93.50%" (Excel parses that back
/// as a percent). Text starting with =, +, -, @, tab or CR gets a leading apostrophe so a spreadsheet
/// does not run it as a formula (OWASP "CSV injection"); this also applies to text such as "-5".
extension CSV {
    public static func text(_ rows: [[Cell]]) -> String {
        rows.map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    /// ``text(_:)`` as UTF-8 with a byte order mark: without the BOM, Excel on Chinese Windows reads the file
    /// as GBK and turns Chinese text into mojibake.
    public static func data(_ rows: [[Cell]]) -> Data {
        Data("\u{FEFF}".utf8) + Data(text(rows).utf8)
    }
}

private func csvField(_ cell: Cell) -> String {
    switch cell {
    case .text(let text):
        // Scalars, not Characters: "\r\n" is a single Character and would slip past a Character check.
        let guarded = text.unicodeScalars.first.map("=+-@\t\r".unicodeScalars.contains) == true ? "'" + text : text
        guard guarded.unicodeScalars.contains(where: ",\"\r\n".unicodeScalars.contains) else { return guarded }
        return "\"" + guarded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    case .integer(let value):
        return String(value)
    case .number(let value) where value.isFinite:
        let text = String(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    case .percent(let value) where value.isFinite:
        return String(format: "%.2f%%", value * 100)
    case .number, .percent, .empty:
        return ""
    }
}

// MARK: - SpreadsheetML

private func xmlPart(_ body: String) -> Data {
    Data(("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" + body).utf8)
}

private func worksheetXML(_ sheet: Sheet) -> String {
    var xml = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    if !sheet.rows.isEmpty {
        xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
    }
    let columns = sheet.columnWidths.enumerated().compactMap { index, width in
        width.map { "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\($0)\" customWidth=\"1\"/>" }
    }
    if !columns.isEmpty {
        xml += "<cols>\(columns.joined())</cols>"
    }
    xml += "<sheetData>"
    for (rowIndex, row) in sheet.rows.enumerated() {
        let cells = row.enumerated().compactMap { column, cell in
            cellXML(cell, reference: columnName(column + 1) + String(rowIndex + 1), header: rowIndex == 0)
        }
        if !cells.isEmpty {
            xml += "<row r=\"\(rowIndex + 1)\">\(cells.joined())</row>"
        }
    }
    return xml + "</sheetData></worksheet>"
}

private func cellXML(_ cell: Cell, reference: String, header: Bool) -> String? {
    var attributes = header ? " s=\"1\"" : ""
    let content: String
    switch cell {
    case .text(let text):
        // Excel decodes "_xHHHH_" in strings as a character, so a literal one must have its "_" escaped as "_x005F_".
        let literal = text.replacingOccurrences(of: "_(x[0-9A-Fa-f]{4}_)", with: "_x005F_$1", options: .regularExpression)
        attributes += " t=\"inlineStr\""
        content = "<is><t xml:space=\"preserve\">\(xmlEscaped(literal))</t></is>"
    case .integer(let value):
        content = "<v>\(value)</v>"
    case .number(let value) where value.isFinite:
        content = "<v>\(value)</v>"
    case .percent(let value) where value.isFinite:
        attributes = header ? " s=\"3\"" : " s=\"2\""
        content = "<v>\(value)</v>"
    case .number, .percent, .empty:
        return nil
    }
    return "<c r=\"\(reference)\"\(attributes)>\(content)</c>"
}

/// Escapes text for XML content and attributes. Characters XML 1.0 cannot carry at all (C0 controls
/// other than tab, LF and CR; U+FFFE; U+FFFF) are dropped, because a single one makes Excel reject the
/// whole file. CR becomes "&#13;" since a literal one would be read back as LF.
func xmlEscaped(_ text: String) -> String {
    var escaped = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;".unicodeScalars
        case "<": escaped += "&lt;".unicodeScalars
        case ">": escaped += "&gt;".unicodeScalars
        case "\"": escaped += "&quot;".unicodeScalars
        case "'": escaped += "&apos;".unicodeScalars
        case "\r": escaped += "&#13;".unicodeScalars
        case "\t", "\n": escaped.append(scalar)
        case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
        default: escaped.append(scalar)
        }
    }
    return String(escaped)
}

/// Excel's column letters for a 1-based index: 1 → A, 26 → Z, 27 → AA, 703 → AAA (bijective base 26).
func columnName(_ index: Int) -> String {
    var remaining = index
    var letters: [Character] = []
    while remaining > 0 {
        remaining -= 1
        letters.append(Character(Unicode.Scalar(UInt8(65 + remaining % 26))))
        remaining /= 26
    }
    return String(letters.reversed())
}

/// Names Excel accepts, in order: []:*?/\ and control characters become "_", apostrophes are trimmed
/// from both ends, empty names become "SheetN", at most 31 UTF-16 units, and duplicates (compared
/// case-insensitively, as Excel does, with "History" reserved) get a " (2)", " (3)"… suffix.
func sheetNames(_ names: [String]) -> [String] {
    var taken: Set<String> = ["history"]
    return names.enumerated().map { index, name in
        let cleaned = String(String.UnicodeScalarView(name.unicodeScalars.map {
            "[]:*?/\\".unicodeScalars.contains($0) || $0.value < 0x20 ? "_" : $0
        })).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        let base = cleaned.isEmpty ? "Sheet\(index + 1)" : cleaned
        var candidate = prefix(base, utf16Units: 31)
        var number = 1
        while !taken.insert(candidate.lowercased()).inserted {
            number += 1
            let suffix = " (\(number))"
            candidate = prefix(base, utf16Units: 31 - suffix.utf16.count) + suffix
        }
        return candidate
    }
}

/// The longest prefix of whole characters that fits in `limit` UTF-16 units, Excel's unit for lengths.
private func prefix(_ text: String, utf16Units limit: Int) -> String {
    var used = 0
    return String(text.prefix { character in
        used += character.utf16.count
        return used <= limit
    })
}

// MARK: - ZIP

/// Builds a ZIP archive with STORED (uncompressed) entries: simple, and every reader accepts it.
/// Names are flagged as UTF-8 (general purpose bit 11).
struct ZipWriter {
    private var body = Data()
    private var directory = Data()
    private var entries = 0
    private let time: UInt16
    private let date: UInt16

    init(modified: Date, timeZone: TimeZone) {
        (time, date) = dosDateTime(modified, timeZone: timeZone)
    }

    mutating func add(_ path: String, _ content: Data) throws(SpreadsheetError) {
        let name = Data(path.utf8)
        guard entries < Int(UInt16.max), body.count + 30 + name.count + content.count <= Int(UInt32.max) else {
            throw .archiveTooLarge
        }
        var fields = Data() // shared by the local header and the central directory record
        fields.append(littleEndian: UInt16(20)) // version needed to extract: 2.0
        fields.append(littleEndian: UInt16(0x0800)) // flags: UTF-8 names
        fields.append(littleEndian: UInt16(0)) // method: stored
        fields.append(littleEndian: time)
        fields.append(littleEndian: date)
        fields.append(littleEndian: crc32(content))
        fields.append(littleEndian: UInt32(content.count)) // compressed size
        fields.append(littleEndian: UInt32(content.count)) // uncompressed size
        fields.append(littleEndian: UInt16(name.count))
        fields.append(littleEndian: UInt16(0)) // extra field length

        directory.append(littleEndian: UInt32(0x0201_4B50))
        directory.append(littleEndian: UInt16(20)) // version made by: MS-DOS, 2.0
        directory.append(fields)
        directory.append(littleEndian: UInt16(0)) // comment length
        directory.append(littleEndian: UInt16(0)) // disk number
        directory.append(littleEndian: UInt16(0)) // internal attributes
        directory.append(littleEndian: UInt32(0)) // external attributes
        directory.append(littleEndian: UInt32(body.count)) // offset of the local header
        directory.append(name)

        body.append(littleEndian: UInt32(0x0403_4B50))
        body.append(fields)
        body.append(name)
        body.append(content)
        entries += 1
    }

    func finished() throws(SpreadsheetError) -> Data {
        guard body.count + directory.count <= Int(UInt32.max) else { throw .archiveTooLarge }
        var archive = body + directory
        archive.append(littleEndian: UInt32(0x0605_4B50))
        archive.append(littleEndian: UInt16(0)) // this disk
        archive.append(littleEndian: UInt16(0)) // disk holding the central directory
        archive.append(littleEndian: UInt16(entries)) // entries on this disk
        archive.append(littleEndian: UInt16(entries)) // entries in total
        archive.append(littleEndian: UInt32(directory.count))
        archive.append(littleEndian: UInt32(body.count)) // offset of the central directory
        archive.append(littleEndian: UInt16(0)) // comment length
        return archive
    }
}

/// MS-DOS time and date as ZIP stores them: local wall-clock time, 2-second steps, years 1980–2107.
func dosDateTime(_ moment: Date, timeZone: TimeZone) -> (time: UInt16, date: UInt16) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: moment)
    let year = min(max(parts.year ?? 1980, 1980), 2107)
    let time = (parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2
    let date = (year - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1)
    return (UInt16(time), UInt16(date))
}

private let crcTable: [UInt32] = (0..<256).map { byte in
    (0..<8).reduce(UInt32(byte)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum ZIP requires for every entry.
func crc32(_ data: Data) -> UInt32 {
    ~data.reduce(~UInt32(0)) { crc, byte in crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
}

private extension Data {
    mutating func append<Value: FixedWidthInteger>(littleEndian value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
