public import FleetBasics

/// The `cache:` section of the manifest: how big the local cache may grow and how long unused entries are kept.
///
/// ```yaml
/// cache:
///   max-size: 10GB      # bytes, or a size with a unit: 500MB, 1.5GiB, 2TB (K/M/G/T are powers of 1024)
///   max-age: 30d        # seconds, or a duration: 12h, 30d, 1d12h
/// ```
///
/// fleet trims the cache to these limits after every `fleet run` (least recently used entries first), and
/// `fleet cache gc` uses them when its options do not say otherwise. Neither setting is part of any action key.
public struct CacheSettings: Hashable, Sendable {
    /// The default cap: 10 GiB.
    public static let defaultMaxSize: UInt64 = 10 << 30

    /// `max-size` in bytes; nil when not set (``defaultMaxSize`` applies).
    public var maxSize: UInt64?
    /// `max-age` in seconds; nil when not set (entries are then evicted by size only).
    public var maxAge: Double?
    /// Where the section is written, for messages; nil when the manifest has none.
    public var location: SourceLocation?

    public init(maxSize: UInt64? = nil, maxAge: Double? = nil, location: SourceLocation? = nil) {
        self.maxSize = maxSize
        self.maxAge = maxAge
        self.location = location
    }

    /// ``maxSize``, or ``defaultMaxSize`` when not set.
    public var effectiveMaxSize: UInt64 { maxSize ?? Self.defaultMaxSize }

    /// Equal when the limits are: the location is provenance, not identity.
    public static func == (lhs: CacheSettings, rhs: CacheSettings) -> Bool {
        lhs.maxSize == rhs.maxSize && lhs.maxAge == rhs.maxAge
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(maxSize)
        hasher.combine(maxAge)
    }
}
