extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits a byte (digests, tokens). Written by hand: it runs for every
    /// authenticated request and every audit event, and `String(format:)` a byte costs more than the hash.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
