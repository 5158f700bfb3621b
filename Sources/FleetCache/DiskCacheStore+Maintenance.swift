#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetBasics
import FleetHashing

/// `stats`, `verify` and `clean` (gc is in DiskCacheStore+GC.swift). All are safe while other fleet processes use
/// the cache: a reader whose file is removed underneath it gets a miss, never wrong bytes (an open file stays
/// readable after unlink).
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
            case .valid, .missing, .unexpectedSize:
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
}
