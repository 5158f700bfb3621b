#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The on-disk form of a ``StatMemo``, kept in memory exactly as read (validated once, then searched in place).
///
/// Layout, all integers little-endian:
///
///     header (48 bytes)  magic "FLEETSTM" | version u32 = 1 | record size u32 = 72 | count u64
///                        | string bytes u64 | XXH3-128 of everything after the header (16 bytes)
///     records            count × 72 bytes, sorted by path bytes, no duplicates:
///                        path offset u32 | path length u32 | size u64 | mtime ns i64 | ctime ns i64 | inode u64
///                        | st_mode u32 | reserved u32 | digest high u64 | digest low u64 | recorded-at ns i64
///     strings            the paths' UTF-8 bytes
struct StatMemoTable: Sendable {
    static let version: UInt32 = 1
    static let magic: [UInt8] = Array("FLEETSTM".utf8)
    static let headerSize = 48
    static let recordSize = 72

    struct FormatError: Error {
        var reason: String
    }

    private let bytes: [UInt8]
    let count: Int
    private let stringsStart: Int

    init() {
        bytes = []
        count = 0
        stringsStart = 0
    }

    /// Validates a file's bytes: header, sizes, checksum, every path inside the string table, strict order.
    init(bytes: [UInt8]) throws(FormatError) {
        guard bytes.count >= Self.headerSize else { throw FormatError(reason: "truncated header") }
        let header = try bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) -> (Int, Int) in
                guard raw.prefix(8).elementsEqual(Self.magic) else {
                    throw FormatError(reason: "not a fleet stat memo")
                }
                let version = raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
                guard version == Self.version else { throw FormatError(reason: "unsupported version \(version)") }
                let recordSize = raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
                guard recordSize == Self.recordSize else { throw FormatError(reason: "unexpected record size") }
                let count = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian
                let strings = raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian
                let (records, overflow) = count.multipliedReportingOverflow(by: UInt64(Self.recordSize))
                guard !overflow, records <= UInt64(raw.count), strings <= UInt64(raw.count),
                    UInt64(Self.headerSize) + records + strings == UInt64(raw.count)
                else { throw FormatError(reason: "truncated or oversized (sizes do not add up)") }
                let stored = Fingerprint(
                    high: raw.loadUnaligned(fromByteOffset: 32, as: UInt64.self).littleEndian,
                    low: raw.loadUnaligned(fromByteOffset: 40, as: UInt64.self).littleEndian)
                guard ContentHash.of(UnsafeRawBufferPointer(rebasing: raw[Self.headerSize...])) == stored else {
                    throw FormatError(reason: "checksum mismatch")
                }
                return (Int(count), Self.headerSize + Int(records))
            }
        }.get()
        self.bytes = bytes
        self.count = header.0
        self.stringsStart = header.1
        try validateRecords()
    }

    private func validateRecords() throws(FormatError) {
        let stringBytes = bytes.count - stringsStart
        try bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) in
                var previous: UnsafeRawBufferPointer?
                for index in 0..<count {
                    let base = Self.headerSize + index * Self.recordSize
                    let offset = Int(raw.loadUnaligned(fromByteOffset: base, as: UInt32.self).littleEndian)
                    let length = Int(raw.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self).littleEndian)
                    guard offset <= stringBytes, length <= stringBytes - offset else {
                        throw FormatError(reason: "record \(index) points outside the string table")
                    }
                    let start = stringsStart + offset
                    let path = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    if let previous, Self.compare(previous, path) >= 0 {
                        throw FormatError(reason: "records out of order")
                    }
                    previous = path
                }
            }
        }.get()
    }

    /// The entry recorded for `path`.
    func entry(for path: String) -> StatMemo.Entry? {
        guard count > 0 else { return nil }
        var path = path
        return path.withUTF8 { key in
            bytes.withUnsafeBytes { raw in
                var low = 0
                var high = count
                while low < high {
                    let middle = (low + high) / 2
                    let order = Self.compare(self.path(at: middle, in: raw), UnsafeRawBufferPointer(key))
                    if order == 0 { return self.entry(at: middle, in: raw) }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
    }

    /// Calls `body` for every entry in path order.
    func forEach(_ body: (UnsafeRawBufferPointer, StatMemo.Entry) -> Void) {
        bytes.withUnsafeBytes { raw in
            for index in 0..<count { body(path(at: index, in: raw), entry(at: index, in: raw)) }
        }
    }

    private func path(at index: Int, in raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let base = Self.headerSize + index * Self.recordSize
        let offset = Int(raw.loadUnaligned(fromByteOffset: base, as: UInt32.self).littleEndian)
        let length = Int(raw.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self).littleEndian)
        return UnsafeRawBufferPointer(rebasing: raw[(stringsStart + offset)..<(stringsStart + offset + length)])
    }

    private func entry(at index: Int, in raw: UnsafeRawBufferPointer) -> StatMemo.Entry {
        let base = Self.headerSize + index * Self.recordSize
        func u64(_ at: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: base + at, as: UInt64.self).littleEndian }
        let stat = FileStat(
            size: u64(8), modificationTime: Int64(bitPattern: u64(16)), changeTime: Int64(bitPattern: u64(24)),
            inode: u64(32), mode: raw.loadUnaligned(fromByteOffset: base + 40, as: UInt32.self).littleEndian)
        return StatMemo.Entry(
            stat: stat, digest: Fingerprint(high: u64(48), low: u64(56)), recordedAt: Int64(bitPattern: u64(64)))
    }

    /// Byte-wise order (`memcmp`, then length): the order UTF-8 paths are sorted in.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Serialises entries already sorted by path bytes without duplicates.
    static func encode(_ entries: [(path: [UInt8], entry: StatMemo.Entry)]) -> [UInt8] {
        let stringBytes = entries.reduce(0) { $0 + $1.path.count }
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + entries.count * recordSize + stringBytes)
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        out.append(contentsOf: magic)
        append(version)
        append(UInt32(recordSize))
        append(UInt64(entries.count))
        append(UInt64(stringBytes))
        out.append(contentsOf: repeatElement(0, count: 16))  // checksum, filled in below
        var offset: UInt32 = 0
        for (path, entry) in entries {
            append(offset)
            append(UInt32(path.count))
            append(entry.stat.size)
            append(entry.stat.modificationTime)
            append(entry.stat.changeTime)
            append(entry.stat.inode)
            append(entry.stat.mode)
            append(UInt32(0))
            append(entry.digest.high)
            append(entry.digest.low)
            append(entry.recordedAt)
            offset &+= UInt32(truncatingIfNeeded: path.count)
        }
        for (path, _) in entries { out.append(contentsOf: path) }
        let checksum = out.withUnsafeBytes { ContentHash.of(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        withUnsafeBytes(of: (checksum.high.littleEndian, checksum.low.littleEndian)) { raw in
            out.replaceSubrange(32..<48, with: raw)
        }
        return out
    }
}
