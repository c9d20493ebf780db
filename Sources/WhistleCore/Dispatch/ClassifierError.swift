/// Why a text classifier (诉求分类/承办单位推荐模型) could not be trained, calibrated or loaded.
public enum ClassifierError: DomainError, Equatable {
    /// No labelled examples were given.
    case noExamples
    /// Every example has the same label, so there is nothing to choose between.
    case singleLabel(String)
    /// An example's title and content have no letters or digits (blank, or punctuation only); `index` is 0-based.
    case emptyText(index: Int)
    /// An example's label is blank; `index` is 0-based.
    case emptyLabel(index: Int)
    /// No label has two examples, so none can be held out to evaluate and calibrate on.
    case tooFewToHoldOut
    /// No feature appears often enough to learn from (raise the data or lower `minDocumentFrequency`).
    case noFeatures
    /// A training option is out of range; `reason` says which range.
    case invalidOption(name: String, reason: String)
    /// The serialized model has a format this code does not read.
    case unsupportedFormat(version: Int)
    /// The serialized model is internally inconsistent (e.g. weights do not match labels × features).
    case corruptModel(String)

    public var code: String {
        switch self {
        case .noExamples: "classifier.no_examples"
        case .singleLabel: "classifier.single_label"
        case .emptyText: "classifier.empty_text"
        case .emptyLabel: "classifier.empty_label"
        case .tooFewToHoldOut: "classifier.too_few_to_hold_out"
        case .noFeatures: "classifier.no_features"
        case .invalidOption: "classifier.invalid_option"
        case .unsupportedFormat: "classifier.unsupported_format"
        case .corruptModel: "classifier.corrupt_model"
        }
    }

    public var kind: DomainErrorKind { .invalid }

    public var messageZh: String {
        switch self {
        case .noExamples: "没有可用于训练的标注样本"
        case let .singleLabel(label): "所有样本的标签都是“\(label)”，至少需要两个不同的标签"
        case let .emptyText(index): "第 \(index + 1) 条样本的文本为空或只有标点"
        case let .emptyLabel(index): "第 \(index + 1) 条样本的标签为空"
        case .tooFewToHoldOut: "没有任何标签有两条以上样本，无法留出评估集"
        case .noFeatures: "没有出现次数足够的文本特征，无法训练"
        case let .invalidOption(name, reason): "训练参数 \(name) 无效：\(reason)"
        case let .unsupportedFormat(version): "不支持的模型格式版本 \(version)"
        case let .corruptModel(detail): "模型文件已损坏：\(detail)"
        }
    }

    public var messageEn: String {
        switch self {
        case .noExamples: "no labelled examples to train on"
        case let .singleLabel(label): "every example is labelled \"\(label)\"; at least two labels are needed"
        case let .emptyText(index): "example \(index + 1) has no text (blank or punctuation only)"
        case let .emptyLabel(index): "example \(index + 1) has a blank label"
        case .tooFewToHoldOut: "no label has two examples, so none can be held out for evaluation"
        case .noFeatures: "no text feature occurs often enough to train on"
        case let .invalidOption(name, reason): "training option \(name) is invalid: \(reason)"
        case let .unsupportedFormat(version): "unsupported model format version \(version)"
        case let .corruptModel(detail): "corrupt model: \(detail)"
        }
    }
}
