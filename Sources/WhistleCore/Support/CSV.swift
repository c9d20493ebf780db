import Foundation

/// A small RFC 4180 reader (and writer, see Spreadsheet.swift): quoted fields, doubled quotes, CR LF or LF line ends, a UTF-8 byte-order mark.
/// Each record keeps the 1-based line it starts on, so import errors can name it.
public enum CSV {
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    /// Splits text into records; blank lines are skipped. A quoted field may span lines.
    public static func records(_ text: String) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var iterator = (text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text).unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }

        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": fields.append(field); field = ""
            case "\r": break
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
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
