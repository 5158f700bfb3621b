public import FleetHashing

/// What ``DiskCacheStore/stats()`` counts.
public struct CacheStatistics: Hashable, Sendable {
    public var actionEntries = 0
    public var actionEntryBytes: UInt64 = 0
    public var blobs = 0
    /// Bytes of blob files on disk.
    public var compressedBytes: UInt64 = 0
    /// The blobs' content size, from their zstd frame headers; nil when a blob does not record it.
    public var uncompressedBytes: UInt64? = 0
    /// Leftover temporary files (from interrupted writes; gc removes them).
    public var temporaryFiles = 0

    /// Everything the cache occupies: entries plus compressed blobs.
    public var totalBytes: UInt64 { actionEntryBytes + compressedBytes }

    public init() {}
}

/// What ``DiskCacheStore/verify()`` checked and removed.
public struct VerifyReport: Hashable, Sendable {
    public var checkedBlobs = 0
    public var checkedEntries = 0
    /// Blobs that were corrupt or truncated.
    public var removedBlobs: [Fingerprint] = []
    /// Entries that were corrupt, or that needed a blob no longer in the cache.
    public var removedEntries: [Fingerprint] = []
    /// One per removed or unreadable file, for warnings.
    public var problems: [CacheProblem] = []

    /// True when nothing was wrong.
    public var isClean: Bool { problems.isEmpty }

    public init() {}
}

/// What ``DiskCacheStore/gc(maxSize:maxAge:unreferencedGracePeriod:)`` removed.
public struct GCReport: Hashable, Sendable {
    public var removedEntries = 0
    public var removedBlobs = 0
    public var removedTemporaryFiles = 0
    public var freedBytes: UInt64 = 0
    /// The cache's size afterwards (entries plus compressed blobs).
    public var remainingBytes: UInt64 = 0

    public init() {}
}
