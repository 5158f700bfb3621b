/// A 128-bit hash (XXH3-128): the identity of file contents, cache blobs and action keys.
///
/// Written as 32 lowercase hex digits, `high` first, which is xxHash's canonical (big-endian) form: the text of a
/// content digest is exactly what `xxhsum -H2` prints. Encodes to JSON as that string.
public struct Fingerprint: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The first (most significant) 64 bits: the first 16 hex digits.
    public var high: UInt64
    /// The last 64 bits.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses 32 hex digits (either case); nil for anything else.
    public init?(hex: String) {
        var text = hex
        guard let value = text.withUTF8({ Fingerprint(hexDigits: $0) }) else { return nil }
        self = value
    }

    /// 32 hex digits (either case) as UTF-8 bytes; nil for anything else. The form every hot reader uses: the
    /// generic `StringProtocol` path cost ~70 ns a digest, a tenth of reading a cache entry.
    public init?(hexDigits bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<16 {
            guard let nibble = Fingerprint.nibble(bytes[index]) else { return nil }
            high = high << 4 | nibble
        }
        for index in 16..<32 {
            guard let nibble = Fingerprint.nibble(bytes[index]) else { return nil }
            low = low << 4 | nibble
        }
        self.init(high: high, low: low)
    }

    /// Parses 32 hex digits (either case); nil for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = hex.utf8
        guard utf8.count == 32 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in utf8.enumerated() {
            guard let nibble = Fingerprint.nibble(byte) else { return nil }
            if index < 16 { high = high << 4 | nibble } else { low = low << 4 | nibble }
        }
        self.init(high: high, low: low)
    }

    /// 32 lowercase hex digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            Fingerprint.writeHex(high, into: buffer, at: 0)
            Fingerprint.writeHex(low, into: buffer, at: 16)
            return 32
        }
    }

    public var description: String { hex }

    /// The first 12 hex digits, for humans (`fleet explain`, progress lines).
    public var shortDescription: String { String(hex.prefix(12)) }

    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    private static func nibble(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { table in
            for index in 0..<16 {
                buffer[start + index] = table[Int((value >> (60 - 4 * UInt64(index))) & 0xF)]
            }
        }
    }
}

// MARK: - Codable

extension Fingerprint: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Fingerprint(hex: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected 32 hex digits, found '\(text.prefix(40))'")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
