import Foundation

/// The random source of a simulation: ``SplitMix64`` keyed by hashing a seed, a stream and its keys (a
/// demand's day and sequence, a street's or unit's code), so every demand draws from its own stream and
/// chunks can be generated in any order and size with the same result. Never the global generator.
struct SimulationRandom {
    /// What a stream is for; streams of different purposes never coincide.
    enum Stream: UInt64 {
        case demand = 1, volume, categoryRanks, streetHotness, unitQuality
    }

    private var generator: SplitMix64

    /// The stream of `first` and `second` (a day and a sequence, say) under `seed`.
    init(seed: UInt64, _ stream: Stream, _ first: UInt64 = 0, _ second: UInt64 = 0) {
        generator = SplitMix64(seed: Self.mix(Self.mix(Self.mix(Self.mix(seed) ^ stream.rawValue) ^ first) ^ second))
    }

    /// The stream of a code (a street, a unit) under `seed`, for its persistent traits.
    init(seed: UInt64, _ stream: Stream, code: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the UTF-8 bytes
        for byte in code.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        self.init(seed: seed, stream, hash)
    }

    /// The SplitMix64 output function: nearby keys give unrelated streams.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in 0..<n.
    mutating func below(_ n: Int) -> Int { Int((next() >> 32) &* UInt64(n) >> 32) }

    mutating func element<T>(_ array: [T]) -> T { array[below(array.count)] }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = 1 - unit()  // (0, 1]
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * unit())
    }

    /// Log-normal with the given median: a typical positive delay with a long tail.
    mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    /// `count` random decimal digits.
    mutating func digits(_ count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            for i in 0..<count { buffer[i] = UInt8(ascii: "0") + UInt8(below(10)) }
            return count
        }
    }

    /// A random (version 4) UUID in lowercase, e.g. `0f8fad5b-d9cb-469f-a165-70867728950e`.
    mutating func uuid() -> String {
        let words = (next() & ~0xF000 | 0x4000, next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var n = 0
            for i in 0..<32 {
                if i == 8 || i == 12 || i == 16 || i == 20 { buffer[n] = UInt8(ascii: "-"); n += 1 }
                let nibble = UInt8(truncatingIfNeeded: (i < 16 ? words.0 : words.1) >> UInt64(60 - 4 * (i % 16))) & 0xF
                buffer[n] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
                n += 1
            }
            return n
        }
    }
}

/// Weights as a cumulative table: draws an index in proportion to its weight by binary search.
struct WeightedTable: Sendable {
    private let cumulative: [Double]

    init(_ weights: [Double]) {
        var sum = 0.0
        cumulative = weights.map { sum += max($0, 0); return sum }
    }

    /// The index whose share of the total contains `u` (uniform in [0, 1)).
    func index(_ u: Double) -> Int {
        let target = u * (cumulative.last ?? 0)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// The inverse of the piecewise-linear distribution: the fractional index at which the cumulative share
    /// reaches `u`, e.g. the hour of the day (9.5 = 09:30) of a call at position `u` of the day's calls.
    func inverse(_ u: Double) -> Double {
        let i = index(u), total = cumulative.last ?? 1
        let low = i == 0 ? 0 : cumulative[i - 1] / total
        return Double(i) + (u - low) / (cumulative[i] / total - low)
    }
}
