@testable import WhistleCore

/// Made-up demands for tests: each category has its own words, all share filler words, and `noise` is the
/// chance that a word is borrowed from another category. Never real data.
struct SyntheticDemands {
    static let vocabularies: [String: [String]] = [
        "噪音扰民": ["噪音", "扰民", "深夜", "广场舞", "音响", "装修声", "喇叭", "吵闹"],
        "供暖问题": ["暖气", "不热", "供暖", "温度", "锅炉", "室温", "暖气片", "停暖"],
        "违章停车": ["停车", "占道", "车位", "违停", "堵塞", "路口", "电动车", "拖车"],
        "物业纠纷": ["物业", "物业费", "保安", "电梯", "维修基金", "业委会", "绿化", "门禁"],
    ]
    static let filler = ["小区", "居民", "反映", "希望", "尽快", "处理", "我们", "问题", "附近", "多次", "相关部门", "请"]

    var noise: Double
    var labels: [String]
    private var random: SplitMix64

    init(seed: UInt64, noise: Double = 0, labels: Int = 4) {
        self.noise = noise
        self.labels = Array(Self.vocabularies.keys.sorted().prefix(labels))
        random = SplitMix64(seed: seed)
    }

    /// `perLabel` demands of each label, labels interleaved.
    mutating func make(perLabel: Int) -> [LabelledText] {
        (0..<perLabel).flatMap { _ in labels.map { demand($0) } }
    }

    mutating func demand(_ label: String) -> LabelledText {
        let title = word(label) + word(nil) + "，" + word(label)
        let content = (0..<12).map { _ in Double.random(in: 0..<1, using: &random) < 0.5 ? word(label) : word(nil) }
            .joined(separator: Bool.random(using: &random) ? "，" : "")
        return LabelledText(title: title, content: content + "。", label: label)
    }

    /// A word of `label` (or of another label, with probability `noise`), or a filler word for `nil`.
    private mutating func word(_ label: String?) -> String {
        guard var label else { return Self.filler.randomElement(using: &random)! }
        if Double.random(in: 0..<1, using: &random) < noise { label = labels.randomElement(using: &random)! }
        return Self.vocabularies[label]!.randomElement(using: &random)!
    }
}
