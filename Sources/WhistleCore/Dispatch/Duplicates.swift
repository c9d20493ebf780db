import Foundation

/// When two demands are the same problem (重复诉求, SPEC §3 rule 9): local rules, stored with the loop's
/// policy so they carry an effective date like every other rule.
public struct DuplicateRules: Sendable, Hashable, Codable {
    /// Farthest apart two reports with coordinates may be [500 m: a block in a Beijing street].
    public var distanceMeters: Double
    /// How far back open demands are compared [7 natural days].
    public var periodDays: Int
    /// Lowest text similarity (0…1, shared character pairs) for a demand to be proposed at all [0.3].
    public var minimumSimilarity: Double
    /// Most proposals shown [5].
    public var limit: Int

    public init(distanceMeters: Double = 500, periodDays: Int = 7, minimumSimilarity: Double = 0.3, limit: Int = 5) {
        self.distanceMeters = distanceMeters
        self.periodDays = periodDays
        self.minimumSimilarity = minimumSimilarity
        self.limit = limit
    }

    public static let `default` = DuplicateRules()

    /// Whether the values make sense; the first one that does not is named.
    func validate() throws(LoopPolicyError) {
        guard distanceMeters > 0, distanceMeters <= 50_000 else { throw .outOfRange(field: "duplicates.distanceMeters", value: distanceMeters) }
        guard (1...366).contains(periodDays) else { throw .outOfRange(field: "duplicates.periodDays", value: Double(periodDays)) }
        guard minimumSimilarity > 0, minimumSimilarity <= 1 else { throw .outOfRange(field: "duplicates.minimumSimilarity", value: minimumSimilarity) }
        guard (1...50).contains(limit) else { throw .outOfRange(field: "duplicates.limit", value: Double(limit)) }
    }
}

/// A demand proposed as a duplicate of a draft, with the figures behind its score so the agent can judge.
public struct DuplicateCandidate: Sendable, Hashable {
    public var demandID: String
    public var number: String
    /// 0…1: 70 % text similarity, 20 % nearness, 10 % recency.
    public var score: Double
    /// Shared character pairs (Dice coefficient over character bigrams), 0…1.
    public var textSimilarity: Double
    /// Metres between the two reports, when both have coordinates.
    public var distanceMeters: Double?
    public var createdAt: Date
}

/// Duplicate proposals at intake (重复件识别): open demands of the same category, near in place and time,
/// with similar text. The store finds the candidates (same category, in the period, near by index); this
/// decides which are proposed and in what order.
public enum Duplicates {
    /// What is compared of the draft: its text and place.
    public struct Probe: Sendable {
        public var text: String
        public var coordinate: Coordinate?
        /// The draft's most specific known division (grid, community, …), used when it has no coordinates.
        public var areaCode: String?

        public init(title: String?, content: String, coordinate: Coordinate?, areaCode: String?) {
            text = [title, content].compactMap { $0 }.joined(separator: " ")
            self.coordinate = coordinate
            self.areaCode = areaCode
        }
    }

    /// The candidates worth proposing, best first, at most `rules.limit`.
    public static func propose(for probe: Probe, among demands: [Demand], at now: Date, rules: DuplicateRules) -> [DuplicateCandidate] {
        let pairs = bigrams(probe.text)
        let period = Double(rules.periodDays) * 86_400
        return demands.compactMap { demand -> DuplicateCandidate? in
            let age = now.timeIntervalSince(demand.createdAt)
            guard age <= period, !demand.status.isTerminal else { return nil }
            let nearness: Double
            var distance: Double?
            if let a = probe.coordinate, let b = demand.location.coordinate {
                let metres = Self.distance(a, b)
                guard metres <= rules.distanceMeters else { return nil }
                distance = metres
                nearness = 1 - metres / rules.distanceMeters
            } else if let area = probe.areaCode, let other = demand.location.gridCode ?? demand.location.areaCode,
                      area.hasPrefix(other) || other.hasPrefix(area) {
                // Same grid or one division inside the other, without coordinates: near, but less sure.
                nearness = min(area.count, other.count) >= 12 ? 0.5 : 0.25
            } else {
                return nil
            }
            let similarity = dice(pairs, bigrams([demand.title, demand.content].compactMap { $0 }.joined(separator: " ")))
            guard similarity >= rules.minimumSimilarity else { return nil }
            let recency = 1 - max(0, age) / period
            return DuplicateCandidate(
                demandID: demand.id, number: demand.number, score: 0.7 * similarity + 0.2 * nearness + 0.1 * recency,
                textSimilarity: similarity, distanceMeters: distance, createdAt: demand.createdAt)
        }
        .sorted { ($0.score, $0.createdAt) > ($1.score, $1.createdAt) }
        .prefix(rules.limit).map { $0 }
    }

    /// Great-circle distance in metres (haversine, mean Earth radius): exact enough at city scale.
    public static func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        let radians = Double.pi / 180
        let dLat = (b.latitude - a.latitude) * radians, dLon = (b.longitude - a.longitude) * radians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.latitude * radians) * cos(b.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6_371_008.8 * asin(min(1, h.squareRoot()))
    }

    /// The latitude and longitude span of `metres` around a point, for the store's bounding-box query.
    public static func box(around point: Coordinate, metres: Double) -> (latitude: ClosedRange<Double>, longitude: ClosedRange<Double>) {
        let dLat = metres / 111_195
        let dLon = dLat / max(0.01, cos(point.latitude * Double.pi / 180))
        return ((point.latitude - dLat)...(point.latitude + dLat), (point.longitude - dLon)...(point.longitude + dLon))
    }

    /// Character pairs of the normalised text (see ``CharacterNGrams``): order-free, typo-tolerant.
    static func bigrams(_ text: String) -> Set<UInt64> {
        var pairs = Set<UInt64>()
        for run in CharacterNGrams.runs(text) where run.count >= 2 {
            for i in 1..<run.count { pairs.insert(UInt64(run[i - 1].value) << 21 | UInt64(run[i].value)) }
        }
        return pairs
    }

    /// Dice coefficient: 2|A∩B| / (|A|+|B|).
    static func dice(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 0 }
        return 2 * Double(a.intersection(b).count) / Double(a.count + b.count)
    }
}
