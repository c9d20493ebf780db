/// A division named in address text: the most specific one the text justifies, with the divisions above it.
public struct PlaceMatch: Sendable, Equatable {
    /// The division: the city, a district (区), a street-level division (街乡镇) or a 社区/村.
    public var unitCode: String
    /// The division's kind.
    public var kind: UnitKind
    /// The district (区) the division is or lies in.
    public var districtCode: String?
    /// The street, township or area (街道/乡镇/地区) the division is or lies in.
    public var streetCode: String?
    /// The community or village (社区/村), when the division is one.
    public var communityCode: String?
    /// The substrings of the text that named divisions, in text order: the explanation shown with the match.
    public var matchedText: [String]
    /// When the text names a more specific division that it cannot single out (a 社区 name shared by two
    /// streets, neither named), the equally good candidates by code; `unitCode` is then the most specific
    /// division that holds them all. Empty when the match is unambiguous.
    public var alternatives: [String]

    /// A match as ``Gazetteer/resolve(_:)`` returns it.
    public init(
        unitCode: String, kind: UnitKind, districtCode: String?, streetCode: String?, communityCode: String?,
        matchedText: [String], alternatives: [String]
    ) {
        self.unitCode = unitCode
        self.kind = kind
        self.districtCode = districtCode
        self.streetCode = streetCode
        self.communityCode = communityCode
        self.matchedText = matchedText
        self.alternatives = alternatives
    }
}

/// Resolves address text as residents say it ("北京市朝阳区望京街道花家地北里社区3号楼", "北京朝阳望京花家地北里")
/// to the city's divisions (SPEC §7: address text → community/street by the gazetteer, 地名地址库).
///
/// Every full name and short name (without its 区/街道/镇/社区/村… suffix, at least two characters) is in
/// one trie, so the text is read once. Where names found overlap, the longest wins (朝阳门 over 朝阳). Each
/// division found is scored by the characters naming it and the divisions above it that the text also
/// names, and the best hierarchy-consistent chain wins. A tie on the same words takes the higher level (海淀
/// is the district, not 海淀街道); a tie between different divisions (航天社区 in two streets, no street
/// named) falls back to the most specific division holding them all, and lists them. A two-character name
/// below the district counts only when another division backs it: 天桥 and 光明 are also common words.
public struct Gazetteer: Sendable {
    private struct Place {
        var code: String
        var kind: UnitKind
        /// 0 city, 1 district, 2 street level, 3 community level.
        var level: Int
        /// Index of the division above, -1 for none.
        var parent: Int
    }

    /// Administrative suffixes residents leave out, by level, longest first (街道办事处 before 街道).
    private static let suffixes = [
        ["市"],
        ["区", "县", "市"],
        ["街道办事处", "地区办事处", "街道", "地区", "民族乡", "满族乡", "回族乡", "镇", "乡"],
        ["社区居委会", "居委会", "村委会", "社区", "村"],
    ]

    /// Trie edges: the child of a node by the next character, in one open-addressing table keyed by
    /// `node << 32 | scalar` with Fibonacci hashing, because `Dictionary`'s SipHash made the ~100 lookups
    /// of an address most of its cost.
    private struct Edges {
        private var keys: [UInt64]
        private var children: [Int32]
        private let shift: UInt64

        init(_ edges: [UInt64: Int32]) {
            let bits = max(4, (edges.count * 2).bitWidth - (edges.count * 2).leadingZeroBitCount)
            keys = Array(repeating: 0, count: 1 << bits)
            children = Array(repeating: 0, count: 1 << bits)
            shift = UInt64(64 - bits)
            for (key, child) in edges {
                var slot = slot(key)
                while keys[slot] != 0 { slot = (slot + 1) & (keys.count - 1) }
                keys[slot] = key
                children[slot] = child
            }
        }

        /// Key 0 (the root and NUL) marks an empty slot: no name contains NUL.
        func child(of node: Int, _ scalar: Unicode.Scalar) -> Int? {
            let key = UInt64(node) << 32 | UInt64(scalar.value)
            var slot = slot(key)
            while keys[slot] != 0 {
                if keys[slot] == key { return Int(children[slot]) }
                slot = (slot + 1) & (keys.count - 1)
            }
            return nil
        }

        private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }
    }

    private let places: [Place]
    private let edges: Edges
    /// The places a trie node spells a name of: `named[nameStarts[node]..<nameStarts[node + 1]]`.
    private let nameStarts: [Int32]
    private let named: [Int32]

    /// Builds the lookup from the city's units; organisations and grids are left out.
    public init(_ units: [OrgUnit]) {
        var places: [Place] = []
        var divisions: [OrgUnit] = []
        var index: [String: Int] = [:]
        for unit in units where index[unit.code] == nil {
            guard let level = Self.level(of: unit.kind) else { continue }
            index[unit.code] = places.count
            places.append(Place(code: unit.code, kind: unit.kind, level: level, parent: -1))
            divisions.append(unit)
        }
        for (child, unit) in divisions.enumerated() {
            guard let parent = unit.parentCode.flatMap({ index[$0] }), places[parent].level < places[child].level else { continue }
            places[child].parent = parent
        }

        var edges: [UInt64: Int32] = [:]
        var namedAt: [[Int32]] = [[]]
        for (place, fullName) in divisions.map(\.name).enumerated() {
            let short = Self.suffixes[places[place].level].first { fullName.hasSuffix($0) }.map { String(fullName.dropLast($0.count)) }
            // One character names nothing reliably (张镇 would be 张).
            for name in Set([fullName, short ?? fullName]) where name.unicodeScalars.count >= 2 {
                var node = 0
                for scalar in name.unicodeScalars {
                    let key = UInt64(node) << 32 | UInt64(scalar.value)
                    if let next = edges[key] {
                        node = Int(next)
                    } else {
                        edges[key] = Int32(namedAt.count)
                        node = namedAt.count
                        namedAt.append([])
                    }
                }
                namedAt[node].append(Int32(place))
            }
        }
        self.places = places
        self.edges = Edges(edges)
        var nameStarts: [Int32] = [0]
        for names in namedAt { nameStarts.append(nameStarts[nameStarts.count - 1] + Int32(names.count)) }
        self.nameStarts = nameStarts
        named = namedAt.flatMap { $0 }
    }

    /// The most specific division the text names consistently, or `nil` when it names none (or only
    /// divisions that no one division holds).
    public func resolve(_ address: String) -> PlaceMatch? {
        let text = Array(address.unicodeScalars)
        // The longest name starting at each position, unless it lies inside an earlier, longer one.
        var spans: [(start: Int, end: Int, node: Int)] = []
        for start in text.indices {
            var node = 0
            var longest: (end: Int, node: Int)?
            for position in start..<text.count {
                guard let next = edges.child(of: node, text[position]) else { break }
                node = next
                if nameStarts[node] < nameStarts[node + 1] { longest = (position + 1, node) }
            }
            if let longest, longest.end > spans.last?.end ?? 0 { spans.append((start, longest.end, longest.node)) }
        }

        // Each division named, with its longest span.
        var found: [(place: Int, span: Int)] = []
        for (span, match) in spans.enumerated() {
            for name in named[Int(nameStarts[match.node])..<Int(nameStarts[match.node + 1])] {
                let place = Int(name)
                if let seen = found.firstIndex(where: { $0.place == place }) {
                    let old = spans[found[seen].span]
                    if match.end - match.start > old.end - old.start { found[seen].span = span }
                } else {
                    found.append((place, span))
                }
            }
        }

        // Each division's chain: itself and the divisions above it, each with its own words.
        struct Chain {
            var place: Int
            var score = 0
            var spans: [Int] = []
            var levels = 0
        }
        var chains: [Chain] = []
        for (place, _) in found {
            var chain = Chain(place: place)
            var divisions = 0
            var hasShortWord = false
            var member = place
            while member >= 0 {
                if let s = found.first(where: { $0.place == member })?.span,
                   chain.spans.allSatisfy({ spans[$0].end <= spans[s].start || spans[s].end <= spans[$0].start }) {
                    let length = spans[s].end - spans[s].start
                    chain.score += length
                    chain.spans.append(s)
                    chain.levels += places[member].level
                    if places[member].level > 0 { divisions += 1 }
                    // Two characters below the district (天桥, 光明, 黄村) are too often a common word to
                    // count alone: another division must back them.
                    if length == 2, places[member].level >= 2 { hasShortWord = true }
                }
                member = places[member].parent
            }
            guard !hasShortWord || divisions >= 2 else { continue }
            chain.spans.sort()
            chains.append(chain)
        }

        // Of the best chains, the same words read at a higher level win (海淀 is the district, not 海淀街道);
        // the rest are equally likely, and the answer is the most specific division holding them all.
        guard let best = chains.map(\.score).max() else { return nil }
        let tied = chains.filter { $0.score == best }
        let winners = tied.filter { chain in !tied.contains { $0.spans == chain.spans && $0.levels < chain.levels } }
        var result = winners[0].place
        while result >= 0, !winners.allSatisfy({ isWithin($0.place, result) }) { result = places[result].parent }
        guard result >= 0 else { return nil }

        var match = PlaceMatch(
            unitCode: places[result].code, kind: places[result].kind, districtCode: nil, streetCode: nil, communityCode: nil,
            matchedText: spans.indices.filter { span in winners.contains { $0.spans.contains(span) } }.map {
                String(String.UnicodeScalarView(text[spans[$0].start..<spans[$0].end]))
            },
            alternatives: winners.count > 1 ? winners.map { places[$0.place].code }.sorted() : [])
        var member = result
        while member >= 0 {
            switch places[member].level {
            case 1: match.districtCode = places[member].code
            case 2: match.streetCode = places[member].code
            case 3: match.communityCode = places[member].code
            default: break
            }
            member = places[member].parent
        }
        return match
    }

    /// Whether `place` is `ancestor` or lies in it.
    private func isWithin(_ place: Int, _ ancestor: Int) -> Bool {
        var member = place
        while member >= 0, member != ancestor { member = places[member].parent }
        return member == ancestor
    }

    private static func level(of kind: UnitKind) -> Int? {
        switch kind {
        case .city: 0
        case .district: 1
        case _ where kind.isStreetLevel: 2
        case _ where kind.isCommunityLevel: 3
        default: nil
        }
    }
}
