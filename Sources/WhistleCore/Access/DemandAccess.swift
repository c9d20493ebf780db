/// Who may see a demand and how much of the complainant they see (SPEC §9; GB/T 33358, 个人信息保护法).
public enum DemandAccess {
    /// Roles of the 12345 centre and leadership, which work on every demand of the city.
    static let cityWide: Set<Role> = [.hotlineAgent, .dispatcher, .callbackAgent, .supervisor, .administrator]
    /// Roles that talk to the resident and so need the name and phone even of a 保密 demand.
    static let speaksToResident: Set<Role> = [.hotlineAgent, .callbackAgent]

    /// True for the centre's and leadership's roles, which see every demand.
    public static func isCityWide(_ actor: Actor) -> Bool { cityWide.contains(actor.role) }

    /// A centre role sees everything; a division (street, community, grid) sees demands in its area (division
    /// codes nest, so the area is a code prefix) and those ordered to it; an organisation sees only demands
    /// with a work order at it.
    public static func canView(_ demand: Demand, as actor: Actor) -> Bool {
        if cityWide.contains(actor.role) { return true }
        if demand.orders.contains(where: { $0.unitCode == actor.unitCode }) { return true }
        let isDivision = !actor.unitCode.contains("-")
        return isDivision && (demand.location.areaCode ?? demand.location.gridCode)?.hasPrefix(actor.unitCode) == true
    }

    /// The complainant as `actor` may see them: in full for the centre and for the units handling the demand
    /// (they must contact the resident), masked for everyone else; for a 保密 demand, in full only for those
    /// who speak to the resident on the centre's behalf.
    public static func complainant(of demand: Demand, for actor: Actor?) -> Complainant {
        let complainant = demand.complainant
        guard let actor else { return complainant.masked }
        if complainant.confidential {
            return speaksToResident.contains(actor.role) ? complainant : complainant.masked
        }
        let handles = demand.orders.contains { $0.unitCode == actor.unitCode }
        return cityWide.contains(actor.role) || handles ? complainant : complainant.masked
    }
}

extension Complainant {
    /// Name to its first character and a star (张*), phone to its first 3 and last 4 digits (138****5678).
    public var masked: Complainant {
        Complainant(
            name: name.map { $0.isEmpty ? $0 : String($0.prefix(1)) + "*" },
            phone: phone.map { phone in
                let digits = Array(phone)
                guard digits.count > 7 else { return String(repeating: "*", count: digits.count) }
                return String(digits.prefix(3)) + String(repeating: "*", count: digits.count - 7) + String(digits.suffix(4))
            },
            confidential: confidential)
    }
}
