import Foundation

/// iCalendar (RFC 5545) import and export of holiday schedules, so a year can be loaded from the public
/// "中国节假日" subscription feeds or from a file an operator made.
///
/// Convention for events (one VEVENT per holiday or per make-up day):
/// - dates are all-day: `DTSTART;VALUE=DATE:20260215`, `DTEND;VALUE=DATE:20260224` with DTEND **exclusive**
///   (RFC 5545 §3.6.1); no DTEND means one day. Timed events, RRULE/RDATE and DURATION are refused.
/// - SUMMARY decides the kind: it is a **make-up working day** (调休上班) when it contains `补班` or `上班`,
///   ends with the marker `班` (`春节 班`, `春节（班）`), or contains `workday`/`make-up` (any case). Any
///   other SUMMARY is a **holiday**, named by the SUMMARY without a trailing `休`/`（休）`/`放假`/`假期` marker.
///   Days of one holiday listed as separate adjacent events are merged.
/// - the English name comes from `X-WHISTLE-NAME-EN`, else from the usual names (春节 → Spring Festival …),
///   else it is the Chinese name.
/// - `X-WR-CALDESC` on the calendar is the source when none is given.
/// - an event belongs to the year of its last day, so a feed of several years is imported one year at a time.
extension HolidaySchedule {
    /// Imports the events of `year` from an iCalendar text (see the convention above).
    public static func importICalendar(
        _ text: String, year: Int, source: String? = nil
    ) throws(HolidayScheduleError) -> HolidaySchedule {
        let parsed = try ICalendarReader.read(text)
        var holidays: [Holiday] = []
        var makeUps = Set<CalendarDay>()
        for event in parsed.events where event.last.year == year {
            if event.isMakeUp {
                for n in event.first.dayNumber...event.last.dayNumber { makeUps.insert(CalendarDay(dayNumber: n)) }
            } else {
                holidays.append(Holiday(nameZh: event.name, nameEn: event.nameEn, firstDay: event.first, lastDay: event.last))
            }
        }
        guard !holidays.isEmpty || !makeUps.isEmpty else { throw .iCalendarNoEvents(year: year) }
        return try HolidaySchedule(
            year: year, source: source ?? parsed.description ?? "",
            holidays: mergeAdjacent(holidays.sorted { $0.firstDay < $1.firstDay }),
            makeUpWorkdays: makeUps.sorted())
    }

    /// The schedule as an iCalendar text (CRLF lines, folded at 75 octets) that ``importICalendar(_:year:source:)``
    /// reads back to an equal schedule. DTSTAMP is the event's own first day, so the output is a pure
    /// function of the schedule.
    public func iCalendar() -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Whistle//Working Calendar//ZH", "CALSCALE:GREGORIAN",
            "X-WR-CALNAME:\(ICalendarReader.escape("中国 \(year) 年节假日安排 / China public holidays \(year)"))",
            "X-WR-CALDESC:\(ICalendarReader.escape(source))",
        ]
        func event(uid: String, first: CalendarDay, last: CalendarDay, summary: String, nameEn: String?) {
            lines += [
                "BEGIN:VEVENT", "UID:\(year)-\(uid)-\(first.basicDescription)@whistle",
                "DTSTAMP:\(first.basicDescription)T000000Z",
                "DTSTART;VALUE=DATE:\(first.basicDescription)", "DTEND;VALUE=DATE:\(last.next.basicDescription)",
                "SUMMARY:\(ICalendarReader.escape(summary))",
            ]
            if let nameEn { lines.append("X-WHISTLE-NAME-EN:\(ICalendarReader.escape(nameEn))") }
            lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
        }
        for h in holidays { event(uid: "holiday", first: h.firstDay, last: h.lastDay, summary: h.nameZh, nameEn: h.nameEn) }
        for d in makeUpWorkdays { event(uid: "makeup", first: d, last: d, summary: "调休上班", nameEn: nil) }
        lines.append("END:VCALENDAR")
        return lines.map(ICalendarReader.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Whether an event SUMMARY marks a make-up working day, and the holiday name it carries otherwise.
    public static func classify(summary: String) -> (isMakeUpWorkday: Bool, name: String) {
        let text = summary.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = text.lowercased()
        let core = text.trimmingCharacters(in: CharacterSet(charactersIn: ")）]】 \t"))
        if text.contains("补班") || text.contains("上班") || core.hasSuffix("班")
            || lower.contains("workday") || lower.contains("make-up") {
            return (true, text)
        }
        var name = text
        for marker in ["（休）", "(休)", "【休】", "[休]", "放假", "假期", "休"] where name.hasSuffix(marker) && name.count > marker.count {
            name = String(name.dropLast(marker.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        return (false, name)
    }

    /// English name of a holiday from its usual Chinese name; combined holidays join their parts.
    static func englishName(for nameZh: String) -> String? {
        let known: [(String, String)] = [
            ("元旦", "New Year's Day"), ("春节", "Spring Festival"), ("清明", "Qingming Festival"),
            ("劳动节", "Labour Day"), ("端午", "Dragon Boat Festival"), ("中秋", "Mid-Autumn Festival"),
            ("国庆", "National Day"),
        ]
        let parts = known.compactMap { key, en in nameZh.range(of: key).map { ($0.lowerBound, en) } }
            .sorted { $0.0 < $1.0 }.map(\.1)
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    private static func mergeAdjacent(_ holidays: [Holiday]) -> [Holiday] {
        var merged: [Holiday] = []
        for h in holidays {
            if let last = merged.last, last.nameZh == h.nameZh, h.firstDay <= last.lastDay.next {
                merged[merged.count - 1] = Holiday(
                    nameZh: last.nameZh, nameEn: last.nameEn, firstDay: last.firstDay, lastDay: max(last.lastDay, h.lastDay))
            } else {
                merged.append(h)
            }
        }
        return merged
    }
}

/// A minimal RFC 5545 reader: unfolding, content lines, BEGIN/END nesting, TEXT escapes, all-day VEVENTs.
enum ICalendarReader {
    struct Event {
        var first: CalendarDay
        var last: CalendarDay
        var isMakeUp: Bool
        var name: String
        var nameEn: String
    }

    struct Result {
        var events: [Event]
        var description: String?
    }

    private struct ContentLine {
        var line: Int
        var name: String
        var parameters: [String: String]
        var value: String
    }

    static func read(_ text: String) throws(HolidayScheduleError) -> Result {
        var events: [Event] = []
        var description: String?
        var stack: [String] = []
        var sawCalendar = false
        var current: [String: ContentLine] = [:]

        for line in try contentLines(text) {
            switch line.name {
            case "BEGIN":
                let component = line.value.uppercased()
                if stack.isEmpty {
                    guard component == "VCALENDAR", !sawCalendar else {
                        throw .iCalendarMalformed(line: line.line, reason: "expected one BEGIN:VCALENDAR, found BEGIN:\(line.value)")
                    }
                    sawCalendar = true
                }
                if component == "VEVENT" {
                    guard stack == ["VCALENDAR"] else {
                        throw .iCalendarMalformed(line: line.line, reason: "VEVENT must be directly inside VCALENDAR")
                    }
                    current = [:]
                }
                stack.append(component)
            case "END":
                let component = line.value.uppercased()
                guard stack.last == component else {
                    throw .iCalendarMalformed(line: line.line, reason: "END:\(line.value) does not close BEGIN:\(stack.last ?? "nothing")")
                }
                stack.removeLast()
                if component == "VEVENT" { events.append(try event(current, endLine: line.line)) }
            default:
                guard !stack.isEmpty else {
                    throw .iCalendarMalformed(line: line.line, reason: "\(line.name) outside BEGIN:VCALENDAR … END:VCALENDAR")
                }
                if stack == ["VCALENDAR", "VEVENT"] {
                    if ["RRULE", "RDATE", "EXRULE"].contains(line.name) {
                        throw .iCalendarUnsupported(line: line.line, feature: "\(line.name) (list each holiday as its own event)")
                    }
                    if line.name == "DURATION" { throw .iCalendarUnsupported(line: line.line, feature: "DURATION (use DTEND)") }
                    current[line.name] = line
                } else if stack == ["VCALENDAR"], line.name == "X-WR-CALDESC" {
                    description = unescape(line.value)
                }
            }
        }
        guard sawCalendar else { throw .iCalendarMalformed(line: 1, reason: "no BEGIN:VCALENDAR") }
        guard stack.isEmpty else {
            throw .iCalendarMalformed(line: text.split(whereSeparator: \.isNewline).count, reason: "missing END:\(stack.last!)")
        }
        return Result(events: events, description: description)
    }

    private static func event(_ p: [String: ContentLine], endLine: Int) throws(HolidayScheduleError) -> Event {
        guard let start = p["DTSTART"] else { throw .iCalendarMalformed(line: endLine, reason: "VEVENT without DTSTART") }
        let first = try date(start)
        var last = first
        if let end = p["DTEND"] {
            let exclusiveEnd = try date(end)
            guard exclusiveEnd > first else {
                throw .iCalendarMalformed(line: end.line, reason: "DTEND must be after DTSTART (DTEND is exclusive)")
            }
            last = exclusiveEnd.adding(days: -1)
        }
        guard let summary = p["SUMMARY"].map({ unescape($0.value) }), !summary.isEmpty else {
            throw .iCalendarMalformed(line: start.line, reason: "VEVENT without SUMMARY")
        }
        let kind = HolidaySchedule.classify(summary: summary)
        let nameEn = p["X-WHISTLE-NAME-EN"].map { unescape($0.value) }
            ?? HolidaySchedule.englishName(for: kind.name) ?? kind.name
        return Event(first: first, last: last, isMakeUp: kind.isMakeUpWorkday, name: kind.name, nameEn: nameEn)
    }

    private static func date(_ line: ContentLine) throws(HolidayScheduleError) -> CalendarDay {
        if line.value.contains("T") || (line.parameters["VALUE"].map { $0.uppercased() != "DATE" } ?? false) {
            throw .iCalendarUnsupported(line: line.line, feature: "\(line.name) with a time (holidays are all-day VALUE=DATE)")
        }
        guard let day = CalendarDay(basic: line.value) else {
            throw .iCalendarMalformed(line: line.line, reason: "\(line.name) \"\(line.value)\" is not a YYYYMMDD date")
        }
        return day
    }

    /// Unfolds (a line starting with a space or tab continues the previous one) and splits content lines
    /// into name, parameters and value. Blank lines are tolerated.
    private static func contentLines(_ text: String) throws(HolidayScheduleError) -> [ContentLine] {
        var logical: [(line: Int, text: String)] = []
        let physical = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (i, raw) in physical.enumerated() {
            if let first = raw.first, first == " " || first == "\t" {
                guard !logical.isEmpty else {
                    throw .iCalendarMalformed(line: i + 1, reason: "continuation line with nothing to continue")
                }
                logical[logical.count - 1].text += raw.dropFirst()
            } else if !raw.isEmpty {
                logical.append((i + 1, String(raw)))
            }
        }
        var result: [ContentLine] = []
        for (number, text) in logical {
            // The value starts at the first colon outside a quoted parameter value.
            var inQuotes = false
            var colon: String.Index?
            var segments: [Substring] = []
            var segmentStart = text.startIndex
            for i in text.indices {
                let c = text[i]
                if c == "\"" { inQuotes.toggle() }
                guard !inQuotes else { continue }
                if c == ";" {
                    segments.append(text[segmentStart..<i])
                    segmentStart = text.index(after: i)
                } else if c == ":" {
                    colon = i
                    break
                }
            }
            guard let colon else { throw .iCalendarMalformed(line: number, reason: "content line without \":\"") }
            segments.append(text[segmentStart..<colon])
            let name = segments[0].trimmingCharacters(in: .whitespaces).uppercased()
            guard !name.isEmpty else { throw .iCalendarMalformed(line: number, reason: "content line without a name") }
            var parameters: [String: String] = [:]
            for segment in segments.dropFirst() {
                let pair = segment.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else {
                    throw .iCalendarMalformed(line: number, reason: "parameter \"\(segment)\" has no value")
                }
                parameters[pair[0].uppercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            result.append(ContentLine(
                line: number, name: name, parameters: parameters, value: String(text[text.index(after: colon)...])))
        }
        return result
    }

    /// RFC 5545 §3.3.11 TEXT escaping.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for c in text {
            if escaped {
                out.append(c == "n" || c == "N" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = ""
        var octets = 0
        for c in line {
            let size = c.utf8.count
            if octets + size > 75 {
                out += "\r\n "
                octets = 1
            }
            out.append(c)
            octets += size
        }
        return out
    }
}
