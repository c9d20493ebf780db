/// What a stored classifier learns to suggest from a demand's text (SPEC §7): its category, or the unit that
/// finally solved it.
public enum ClassifierTarget: String, Sendable, Hashable, Codable, CaseIterable {
    /// 诉求分类: the category code the demand was closed under.
    case category
    /// 承办单位: the primary unit of the order that was closed, as a place-relative template where it is
    /// one of the place's own units (`{street}-ZFD`), so what is learned in one street serves every street.
    case unit
}

/// One demand closed in the loop, as a training example for `target`: `nil` when it carries no such label
/// (never classified, or closed without a primary order that finished).
extension LabelledText {
    public init?(closed demand: Demand, target: ClassifierTarget) {
        guard demand.status == .closed else { return nil }
        let label: String?
        switch target {
        case .category: label = demand.categoryCode
        case .unit:
            label = demand.orders.last { $0.role == .primary && $0.status == .closed }.map {
                UnitTarget.relative($0.unitCode, at: demand.location.gridCode ?? demand.location.areaCode).description
            }
        }
        guard let label else { return nil }
        self.init(title: demand.title ?? "", content: demand.content, label: label)
    }
}
