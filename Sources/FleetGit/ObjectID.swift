internal import CGit2

/// A git object id: the 20-byte SHA-1 of a commit, tree, blob or tag.
///
/// Stored as three big-endian integers so that equality, hashing and ordering are a few machine instructions;
/// ordering is the byte order of the id (the order of its hex form).
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    private let high: UInt64
    private let middle: UInt64
    private let low: UInt32

    /// The number of bytes in an id.
    public static let byteCount = 20

    /// Creates an id from exactly 20 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.init(exactly: bytes)
    }

    /// Reads the first 20 bytes of `bytes` (the caller guarantees there are 20).
    private init(exactly bytes: some Collection<UInt8>) {
        var iterator = bytes.makeIterator()
        func next(_ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<count { value = value << 8 | UInt64(iterator.next() ?? 0) }
            return value
        }
        high = next(8)
        middle = next(8)
        low = UInt32(next(4))
    }

    /// Parses the full 40-digit hex form (either case). Returns nil for anything else, including short ids.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 2 * Self.byteCount else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.byteCount)
        var index = 0
        while index < utf8.count {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(exactly: bytes)
    }

    /// The 20 raw bytes.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(Self.byteCount)
        for shift in stride(from: 56, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: middle >> UInt64(shift)))
        }
        for shift in stride(from: 24, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: low >> UInt32(shift)))
        }
        return result
    }

    /// The 40-digit lowercase hex form, as git prints it.
    public var description: String { hex(length: 2 * Self.byteCount) }

    /// The first seven hex digits, git's default abbreviation (not guaranteed unique; for messages only).
    public var shortDescription: String { hex(length: 7) }

    /// The first `length` hex digits (clamped to 1…40).
    public func hex(length: Int) -> String {
        let count = min(max(length, 1), 2 * Self.byteCount)
        let digits = Array("0123456789abcdef".utf8)
        let raw = bytes
        return String(unsafeUninitializedCapacity: count) { buffer in
            for position in 0..<count {
                let byte = raw[position / 2]
                buffer[position] = digits[Int(position.isMultiple(of: 2) ? byte >> 4 : byte & 0x0F)]
            }
            return count
        }
    }

    /// Whether this is the all-zero id git uses for "no object".
    public var isZero: Bool { high == 0 && middle == 0 && low == 0 }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: - libgit2 conversion

extension ObjectID {
    init(_ oid: git_oid) {
        self = withUnsafeBytes(of: oid.id) { ObjectID(exactly: $0) }  // git_oid.id is a 20-byte array
    }

    init?(_ pointer: UnsafePointer<git_oid>?) {
        guard let pointer else { return nil }
        self.init(pointer.pointee)
    }

    var gitOID: git_oid {
        var oid = git_oid()
        let raw = bytes
        withUnsafeMutableBytes(of: &oid.id) { buffer in
            for index in 0..<Self.byteCount { buffer[index] = raw[index] }
        }
        return oid
    }
}
