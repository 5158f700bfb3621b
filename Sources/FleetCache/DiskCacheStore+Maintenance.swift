#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetBasics
import FleetHashing

/// `stats`, `verify`, `gc` and `clean`. All are safe while other fleet processes use the cache: a reader whose
/// file is removed underneath it gets a miss, never wrong bytes (an open file stays readable after unlink).
extension DiskCacheStore {
    /// Counts entries and blobs; reads each blob's frame header for its content size.
    public func stats() async throws(CacheError) -> CacheStatistics {
        let (entries, entryTemporaries) = try await pool.run { () throws(CacheError) in try self.scan("ac") }
        let (blobs, blobTemporaries) = try await pool.run { () throws(CacheError) in try self.scan("cas") }
        var statistics = CacheStatistics()
        statistics.actionEntries = entries.count
        statistics.actionEntryBytes = entries.reduce(0) { $0 + $1.size }
        statistics.blobs = blobs.count
        statistics.compressedBytes = blobs.reduce(0) { $0 + $1.size }
        statistics.temporaryFiles = entryTemporaries.count + blobTemporaries.count
        let sizes = await pool.map(blobs.count) { Self.contentSize(ofBlobAt: blobs[$0].path) }
        for size in sizes {
            guard let size, let total = statistics.uncompressedBytes else {
                statistics.uncompressedBytes = nil
                break
            }
            statistics.uncompressedBytes = total + size
        }
        return statistics
    }

    /// Checks every blob (decompress and re-hash) and every entry (checksum, JSON, key, and that its blobs are
    /// present); removes what is bad and reports it.
    public func verify() async throws(CacheError) -> VerifyReport {
        var report = VerifyReport()
        let (blobs, _) = try await pool.run { () throws(CacheError) in try self.scan("cas") }
        let verdicts = await pool.map(blobs.count) { index in
            (try? self.verifyBlob(blobs[index].name, sizeLimit: nil, reserve: { _ in }, sink: { _ in })) ?? .missing
        }
        report.checkedBlobs = blobs.count
        for (blob, verdict) in zip(blobs, verdicts) {
            switch verdict {
            case let .corrupt(detail):
                report.removedBlobs.append(blob.name)
                report.problems.append(CacheProblem(kind: .corruptBlob, path: blob.path, detail: detail))
            case let .unreadable(detail):
                report.problems.append(CacheProblem(kind: .unreadable, path: blob.path, detail: detail))
            case .valid, .missing, .tooLarge:
                break
            }
        }

        let (entries, _) = try await pool.run { () throws(CacheError) in try self.scan("ac") }
        let outcomes = await pool.map(entries.count) { index -> CacheProblem? in
            let entry = entries[index]
            switch self.readEntry(at: entry.path, expectedKey: entry.name) {
            case .missing:
                return nil
            case let .damaged(problem):
                self.dropEntry(entry.path, problem)
                return problem
            case let .found(result):
                guard
                    let absent = result.referencedBlobs.sorted().first(where: {
                        $0 != BlobReference.empty.digest && FileSystem.kind(of: self.blobPath($0)) != .file
                    })
                else { return nil }
                let problem = CacheProblem(
                    kind: .corruptActionEntry, path: entry.path, detail: "needs blob \(absent.hex), which is gone")
                self.dropEntry(entry.path, problem)
                return problem
            }
        }
        report.checkedEntries = entries.count
        for (entry, problem) in zip(entries, outcomes) {
            guard let problem else { continue }
            if problem.kind != .unreadable { report.removedEntries.append(entry.name) }
            report.problems.append(problem)
        }
        return report
    }

    /// Shrinks the cache to `maxSize` bytes, least recently used action entries first, then removes blobs that
    /// no remaining entry needs.
    ///
    /// - Parameters:
    ///   - maxSize: the size to get under (entries plus compressed blobs).
    ///   - maxAge: entries not used for longer than this are removed whatever the size.
    ///   - unreferencedGracePeriod: a blob nobody references is kept while younger than this, because another
    ///     process may be storing the action that will reference it.
    public func gc(
        maxSize: UInt64 = DiskCacheStore.defaultMaxSize, maxAge: Duration? = nil,
        unreferencedGracePeriod: Duration = .seconds(3600)
    ) async throws(CacheError) -> GCReport {
        try await pool.run { () throws(CacheError) -> GCReport in
            try self.blockingGC(maxSize: maxSize, maxAge: maxAge, grace: unreferencedGracePeriod)
        }
    }

    /// Removes everything fleet stored in the cache directory (the store and the stat memos), leaving other
    /// files (such as a README) alone. Concurrent readers get misses.
    public func clean() async throws(CacheError) {
        let directory = self.directory
        let storeRoot = self.storeRoot
        try await pool.run { () throws(CacheError) in
            // Rename first, so no reader ever sees a half-deleted store.
            let trash = FileSystem.join(directory, ".v1-removing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            if rename(storeRoot, trash) != 0, errno != ENOENT { throw CacheError.io(storeRoot, "remove", errno) }
            do throws(FileSystemError) {
                for name in (try? FileSystem.listDirectory(directory)) ?? [] where name.hasPrefix(".v1-removing-") {
                    try FileSystem.removeTree(FileSystem.join(directory, name))
                }
                try FileSystem.removeTree(FileSystem.join(directory, "memo"))
            } catch {
                throw CacheError.fileSystem(error)
            }
        }
    }

    // MARK: - Implementation

    struct StoredFile: Sendable {
        var name: Fingerprint
        var path: String
        var size: UInt64
        /// Last use (entries) or last write (blobs), ns since the epoch.
        var modificationTime: Int64
    }

    /// Lists `v1/<kind>/<shard>/<name>` files, and separately the temporary files found there.
    func scan(_ kind: String) throws(CacheError) -> (files: [StoredFile], temporaries: [StoredFile]) {
        let base = FileSystem.join(storeRoot, kind)
        var files: [StoredFile] = []
        var temporaries: [StoredFile] = []
        let shards: [String]
        do {
            shards = try FileSystem.listDirectory(base)
        } catch {
            if error.isNotFound { return ([], []) }
            throw CacheError.fileSystem(error)
        }
        for shard in shards.sorted() where shard.utf8.count == 2 {
            let shardPath = FileSystem.join(base, shard)
            guard let names = try? FileSystem.listDirectory(shardPath) else { continue }  // not a dir, or gone
            for name in names {
                let path = FileSystem.join(shardPath, name)
                guard let stat = try? FileStat.of(path), stat.mode & 0o170000 == 0o100000 else { continue }
                if name.hasPrefix(Self.temporaryPrefix) {
                    temporaries.append(
                        StoredFile(
                            name: Fingerprint(high: 0, low: 0), path: path, size: stat.size,
                            modificationTime: stat.modificationTime))
                } else if let fingerprint = Fingerprint(hex: name), name.hasPrefix(shard), name == fingerprint.hex {
                    files.append(
                        StoredFile(
                            name: fingerprint, path: path, size: stat.size,
                            modificationTime: stat.modificationTime))
                }
            }
        }
        return (files, temporaries)
    }

    static func contentSize(ofBlobAt path: String) -> UInt64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: Zstd.maximumFrameHeaderSize)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { return nil }
        return header.withUnsafeBytes { Zstd.frameContentSize(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : scaled &+ attoseconds / 1_000_000_000
    }

    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    private func blockingGC(maxSize: UInt64, maxAge: Duration?, grace: Duration) throws(CacheError) -> GCReport {
        let now = Self.now()
        let graceLimit = now - Self.nanoseconds(grace)
        let ageLimit = maxAge.map { now - Self.nanoseconds($0) }
        let (entries, entryTemporaries) = try scan("ac")
        let (blobs, blobTemporaries) = try scan("cas")
        var report = GCReport()

        // Which blobs each entry needs; damaged entries go at once.
        var references: [[Fingerprint]] = []
        var referenceCount: [Fingerprint: Int] = [:]
        var live: [Int] = []
        for (index, entry) in entries.enumerated() {
            switch readEntry(at: entry.path, expectedKey: entry.name) {
            case let .found(result):
                let needed = Array(result.referencedBlobs)
                references.append(needed)
                for digest in needed { referenceCount[digest, default: 0] += 1 }
                live.append(index)
            case .missing:
                references.append([])
            case let .damaged(problem):
                references.append([])
                dropEntry(entry.path, problem)
                report.removedEntries += 1
                report.freedBytes += entry.size
            }
        }
        let blobSize = Dictionary(blobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var total = blobs.reduce(0) { $0 + $1.size } + live.reduce(0) { $0 + entries[$1].size }
        func releasable(_ digest: Fingerprint) -> UInt64 {
            guard let blob = blobSize[digest], blob.modificationTime < graceLimit else { return 0 }
            return blob.size
        }
        // Unreferenced blobs past the grace period go whatever happens: count them out now.
        for blob in blobs where referenceCount[blob.name] == nil { total -= releasable(blob.name) }

        // Least recently used first; expired entries regardless of size.
        var evicted: [Int] = []
        for index in live.sorted(by: { entries[$0].modificationTime < entries[$1].modificationTime }) {
            let expired = ageLimit.map { entries[index].modificationTime < $0 } ?? false
            guard expired || total > maxSize else { continue }
            evicted.append(index)
            total -= entries[index].size
            for digest in references[index] {
                referenceCount[digest, default: 1] -= 1
                if referenceCount[digest] == 0 {
                    referenceCount[digest] = nil
                    total -= releasable(digest)
                }
            }
        }
        for index in evicted where unlink(entries[index].path) == 0 {
            report.removedEntries += 1
            report.freedBytes += entries[index].size
        }
        for blob in blobs where referenceCount[blob.name] == nil {
            // Look again right before deleting: a concurrent writer that re-stored this blob touched it.
            guard let stat = try? FileStat.of(blob.path), stat.modificationTime < graceLimit else { continue }
            if unlink(blob.path) == 0 {
                report.removedBlobs += 1
                report.freedBytes += blob.size
            }
        }
        for temporary in entryTemporaries + blobTemporaries where temporary.modificationTime < graceLimit {
            if unlink(temporary.path) == 0 { report.removedTemporaryFiles += 1 }
        }
        report.remainingBytes = total
        return report
    }
}
