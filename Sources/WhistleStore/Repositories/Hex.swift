import Foundation

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits a byte (digests, tokens).
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

