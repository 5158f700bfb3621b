/// Builds a ``Fingerprint`` from typed fields, each framed by its length, so that no two different field lists
/// feed the same bytes: `("ab", "c")` and `("a", "bc")` differ, and so do `["a,b"]` and `["a", "b"]`.
///
/// Callers add fields in a fixed, documented order and start with a ``add(tag:)`` naming the schema and its
/// version, so a change of schema changes every key. Owns an XXH3 state (freed when the value dies); not copyable,
/// not thread-safe.
///
/// ```swift
/// var key = Fingerprinter()
/// key.add(tag: "action-key/v1")
/// key.add(FleetVersion.current)
/// key.add(sortedInputPaths)
/// let fingerprint = key.finalize()
/// ```
public struct Fingerprinter: ~Copyable {
    private var hasher = ContentHasher()

    public init() {}

    /// A field of raw bytes.
    public mutating func add(bytes: UnsafeRawBufferPointer) {
        addLength(bytes.count)
        hasher.update(bytes)
    }

    /// A field of raw bytes.
    public mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add(bytes: $0) }
    }

    /// A string field, as its UTF-8 bytes.
    public mutating func add(_ string: String) {
        var string = string
        string.withUTF8 { add(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// A constant that names what follows (a schema name and version, a section name).
    public mutating func add(tag: StaticString) {
        tag.withUTF8Buffer { add(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// An integer field (8 bytes, little-endian).
    public mutating func add(_ value: Int) { add(UInt64(bitPattern: Int64(value))) }

    /// An integer field (8 bytes, little-endian).
    public mutating func add(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { add(bytes: $0) }
    }

    /// A boolean field (one byte).
    public mutating func add(_ value: Bool) {
        withUnsafeBytes(of: value ? UInt8(1) : UInt8(0)) { add(bytes: $0) }
    }

    /// A fingerprint field (16 bytes): how sub-hashes are combined into a parent hash.
    public mutating func add(_ fingerprint: Fingerprint) {
        withUnsafeBytes(of: (fingerprint.high.littleEndian, fingerprint.low.littleEndian)) { add(bytes: $0) }
    }

    /// A list of strings: its count, then each string as a field. The order is kept; sort first when the order
    /// must not matter.
    public mutating func add(_ strings: [String]) {
        add(strings.count)
        for string in strings { add(string) }
    }

    /// An optional string: a presence flag, then the value when present (so nil differs from "").
    public mutating func add(_ string: String?) {
        add(string != nil)
        if let string { add(string) }
    }

    /// The fingerprint of every field added.
    public consuming func finalize() -> Fingerprint { hasher.finalize() }

    private mutating func addLength(_ count: Int) {
        withUnsafeBytes(of: UInt64(count).littleEndian) { hasher.update($0) }
    }
}
