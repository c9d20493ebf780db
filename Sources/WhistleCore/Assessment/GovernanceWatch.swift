/// One period in which a street was in the top by demand volume.
public struct GovernanceEvidence: Sendable, Hashable, Codable {
    /// `YYYY-MM`
    public var periodLabel: String
    /// Competition rank by volume in that period (1 = most demands).
    public var rank: Int
    /// Demands in that period.
    public var volume: Int

    public init(periodLabel: String, rank: Int, volume: Int) {
        self.periodLabel = periodLabel
        self.rank = rank
        self.volume = volume
    }
}

/// A street flagged as a 治理类 candidate, with the periods that put it there (oldest first).
public struct GovernanceCandidate: Sendable, Hashable, Codable {
    public var unitCode: String
    public var evidence: [GovernanceEvidence]

    public init(unitCode: String, evidence: [GovernanceEvidence]) {
        self.unitCode = unitCode
        self.evidence = evidence
    }
}

/// The 治理类街乡镇 watch (rule 22): streets with persistently high demand volume.
public enum GovernanceWatch {
    /// Streets in the top ``GovernanceRule/topN`` by volume in at least ``GovernanceRule/times`` of the last
    /// ``GovernanceRule/window`` periods, by unit code.
    ///
    /// - Parameter monthlyVolumes: period label (`YYYY-MM`) → street code → demands. The last `window` labels
    ///   present are used (fewer if fewer are given); pass streets only. Ranks are competition ranks
    ///   (1, 2, 2, 4), so streets tied at the cut are all in; a volume of 0 never counts.
    public static func candidates(monthlyVolumes: [String: [String: Int]], rule: GovernanceRule) -> [GovernanceCandidate] {
        var evidence: [String: [GovernanceEvidence]] = [:]
        for label in monthlyVolumes.keys.sorted().suffix(rule.window) {
            let volumes = monthlyVolumes[label]!.filter { $0.value > 0 }
            for (code, volume) in volumes {
                let rank = 1 + volumes.values.count { $0 > volume }
                if rank <= rule.topN { evidence[code, default: []].append(GovernanceEvidence(periodLabel: label, rank: rank, volume: volume)) }
            }
        }
        return evidence.filter { $0.value.count >= rule.times }
            .map { GovernanceCandidate(unitCode: $0.key, evidence: $0.value) }
            .sorted { $0.unitCode < $1.unitCode }
    }
}
