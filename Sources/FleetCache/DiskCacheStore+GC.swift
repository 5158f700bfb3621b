#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetBasics
import FleetHashing

extension DiskCacheStore {
    /// Shrinks the cache to `maxSize` bytes, least recently used action entries first (an entry's mtime is its
    /// last hit), then removes the blobs no remaining entry needs. Damaged entries and stale temporary files go
    /// too. Safe while other processes use the cache: they may see misses, never wrong content.
    ///
    /// - Parameters:
    ///   - maxSize: the size to get under (entries plus compressed blobs).
    ///   - maxAge: entries not used for longer than this are removed whatever the size.
    ///   - unreferencedGracePeriod: a blob nobody references is kept while younger than this, because another
    ///     process may be about to store the action result that references it.
    public func gc(
        maxSize: UInt64 = DiskCacheStore.defaultMaxSize, maxAge: Duration? = nil,
        unreferencedGracePeriod: Duration = .seconds(3600)
    ) async throws(CacheError) -> GCReport {
        let now = Self.now()
        let graceLimit = now - Self.nanoseconds(unreferencedGracePeriod)
        let ageLimit = maxAge.map { now - Self.nanoseconds($0) }
        let (entries, entryTemporaries) = try await pool.run { () throws(CacheError) in try self.scan("ac") }
        let (blobs, blobTemporaries) = try await pool.run { () throws(CacheError) in try self.scan("cas") }
        // Which blobs each entry needs (nil: gone meanwhile, or damaged and dropped here).
        let reads = await pool.map(entries.count) { index -> (needs: [Fingerprint]?, dropped: Bool) in
            let entry = entries[index]
            switch self.readEntry(at: entry.path, expectedKey: entry.name) {
            case let .found(result): return (Array(result.referencedBlobs), false)
            case .missing: return (nil, false)
            case let .damaged(problem):
                self.dropEntry(entry.path, problem)
                return (nil, problem.kind != .unreadable)
            }
        }

        var plan = GCPlan(entries: entries, references: reads.map(\.needs), blobs: blobs, graceLimit: graceLimit)
        plan.evict(maxSize: maxSize, ageLimit: ageLimit)
        var report = GCReport()
        for (entry, read) in zip(entries, reads) where read.dropped {
            report.removedEntries += 1
            report.freedBytes += entry.size
        }
        let finalPlan = plan
        let removed = await pool.run { () -> GCReport in
            var removed = GCReport()
            for index in finalPlan.evicted where unlink(entries[index].path) == 0 {
                removed.removedEntries += 1
                removed.freedBytes += entries[index].size
            }
            for blob in blobs where finalPlan.referenceCount[blob.name] == nil {
                // Look again right before deleting: a writer that stored this blob again has just touched it.
                guard let stat = try? FileStat.of(blob.path), stat.modificationTime < graceLimit else { continue }
                if unlink(blob.path) == 0 {
                    removed.removedBlobs += 1
                    removed.freedBytes += blob.size
                }
            }
            for temporary in entryTemporaries + blobTemporaries where temporary.modificationTime < graceLimit {
                if unlink(temporary.path) == 0 { removed.removedTemporaryFiles += 1 }
            }
            return removed
        }
        report.removedEntries += removed.removedEntries
        report.removedBlobs = removed.removedBlobs
        report.removedTemporaryFiles = removed.removedTemporaryFiles
        report.freedBytes += removed.freedBytes
        report.remainingBytes = plan.total
        return report
    }
}

/// Which entries gc evicts: a pure computation over a scan of the cache.
struct GCPlan {
    let entries: [DiskCacheStore.StoredFile]
    let references: [[Fingerprint]?]
    let blobSizes: [Fingerprint: DiskCacheStore.StoredFile]
    let graceLimit: Int64
    /// Remaining references per blob; a blob absent here is unreferenced.
    var referenceCount: [Fingerprint: Int] = [:]
    /// Projected size of the cache after the evictions so far.
    var total: UInt64 = 0
    /// Indices into `entries`, in eviction order.
    var evicted: [Int] = []

    init(
        entries: [DiskCacheStore.StoredFile], references: [[Fingerprint]?], blobs: [DiskCacheStore.StoredFile],
        graceLimit: Int64
    ) {
        self.entries = entries
        self.references = references
        self.graceLimit = graceLimit
        blobSizes = Dictionary(blobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for needed in references {
            for digest in needed ?? [] { referenceCount[digest, default: 0] += 1 }
        }
        total = blobs.reduce(0) { $0 + $1.size }
        for (index, entry) in entries.enumerated() where references[index] != nil { total += entry.size }
        // Unreferenced blobs past the grace period go whatever happens.
        for blob in blobs where referenceCount[blob.name] == nil { total.subtractSaturating(releasable(blob.name)) }
    }

    /// Bytes freed by deleting a blob nobody references any more (0 while it is in its grace period).
    private func releasable(_ digest: Fingerprint) -> UInt64 {
        guard let blob = blobSizes[digest], blob.modificationTime < graceLimit else { return 0 }
        return blob.size
    }

    /// Evicts expired entries, then least recently used ones while the cache is over `maxSize`.
    mutating func evict(maxSize: UInt64, ageLimit: Int64?) {
        let live = entries.indices.filter { references[$0] != nil }
        for index in live.sorted(by: { entries[$0].modificationTime < entries[$1].modificationTime }) {
            let expired = ageLimit.map { entries[index].modificationTime < $0 } ?? false
            guard expired || total > maxSize else { continue }
            evicted.append(index)
            total.subtractSaturating(entries[index].size)
            for digest in references[index] ?? [] {
                referenceCount[digest, default: 1] -= 1
                if referenceCount[digest] == 0 {
                    referenceCount[digest] = nil
                    total.subtractSaturating(releasable(digest))
                }
            }
        }
    }
}

extension UInt64 {
    /// `self -= other`, stopping at zero (files can change size between the scan and the arithmetic).
    mutating func subtractSaturating(_ other: UInt64) { self = self > other ? self - other : 0 }
}
