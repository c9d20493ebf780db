extension BinaryInteger {
    /// The number in decimal with leading zeros up to `width` digits (dates, code segments, sequence numbers).
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
