import FleetBasics
@testable import FleetCache
import FleetHashing
import FleetTestSupport
import Foundation
import Testing

@Suite struct MaintenanceTests {
    /// Stores an entry for `name` whose output is a unique blob of `size` bytes (plus a blob shared by all).
    @discardableResult
    private func storeEntry(_ cache: CacheFixture, _ name: String, size: Int, lastUsedDaysAgo: Int) async throws
        -> BlobReference
    {
        let unique = try await cache.store.writeBlob(
            sampleBytes(size, seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })))
        let shared = try await cache.store.writeBlob(Array("shared output".utf8))
        let outputs = [
            OutputFile(path: "unique", mode: .regular, digest: unique.digest, size: unique.size),
            OutputFile(path: "shared", mode: .regular, digest: shared.digest, size: shared.size),
        ]
        try await cache.store.storeActionResult(result(key: key(name), outputs: outputs), for: key(name))
        try setModificationTime(cache.store.entryPath(key(name)), secondsAgo: lastUsedDaysAgo * 86_400)
        try setModificationTime(cache.store.blobPath(unique.digest), secondsAgo: 100 * 86_400)
        try setModificationTime(cache.store.blobPath(shared.digest), secondsAgo: 100 * 86_400)
        return unique
    }

    @Test func gcEvictsLeastRecentlyUsedUntilUnderTheCap() async throws {
        try await withCache { cache in
            let oldest = try await storeEntry(cache, "oldest", size: 50_000, lastUsedDaysAgo: 30)
            let middle = try await storeEntry(cache, "middle", size: 50_000, lastUsedDaysAgo: 20)
            let newest = try await storeEntry(cache, "newest", size: 50_000, lastUsedDaysAgo: 1)
            let before = try await cache.store.stats()
            #expect(before.actionEntries == 3)
            #expect(before.blobs == 4)

            // Room for about two entries' worth: only the least recently used one goes.
            let cap = before.totalBytes - before.totalBytes / 5
            let report = try await cache.store.gc(maxSize: cap)
            #expect(report.removedEntries == 1)
            #expect(report.removedBlobs == 1)
            #expect(report.remainingBytes <= cap)
            #expect(await cache.store.actionResult(for: key("oldest")) == nil)
            #expect(await cache.store.containsBlob(oldest.digest) == false)
            #expect(await cache.store.actionResult(for: key("middle")) != nil)
            #expect(await cache.store.containsBlob(middle.digest))
            #expect(await cache.store.containsBlob(newest.digest))
            #expect(await cache.store.containsBlob(ContentHash.of("shared output")))
            let after = try await cache.store.stats()
            #expect(after.totalBytes == report.remainingBytes)
            #expect(after.totalBytes + report.freedBytes == before.totalBytes)
        }
    }

    @Test func gcHonoursMaxAgeAndKeepsSharedBlobs() async throws {
        try await withCache { cache in
            try await storeEntry(cache, "stale", size: 1_000, lastUsedDaysAgo: 40)
            try await storeEntry(cache, "fresh", size: 1_000, lastUsedDaysAgo: 2)
            let report = try await cache.store.gc(maxSize: DiskCacheStore.defaultMaxSize, maxAge: .seconds(7 * 86_400))
            #expect(report.removedEntries == 1)
            #expect(report.removedBlobs == 1)
            #expect(await cache.store.actionResult(for: key("stale")) == nil)
            #expect(await cache.store.actionResult(for: key("fresh")) != nil)
            #expect(await cache.store.containsBlob(ContentHash.of("shared output")))
        }
    }

    @Test func gcKeepsYoungUnreferencedBlobsAndRemovesOldOnesAndTemporaries() async throws {
        try await withCache { cache in
            // Just written by a process that has not stored its entry yet.
            let young = try await cache.store.writeBlob(Array("in flight".utf8))
            let old = try await cache.store.writeBlob(Array("orphan".utf8))
            try setModificationTime(cache.store.blobPath(old.digest), secondsAgo: 2 * 86_400)
            let shard = FileSystem.parent(of: cache.store.blobPath(old.digest))
            let leftover = FileSystem.join(shard, DiskCacheStore.temporaryPrefix + "crashed")
            try FileSystem.writeAtomically(Array("partial".utf8), to: leftover, sync: false)
            try setModificationTime(leftover, secondsAgo: 2 * 86_400)

            let report = try await cache.store.gc()
            #expect(report.removedBlobs == 1)
            #expect(report.removedTemporaryFiles == 1)
            #expect(await cache.store.containsBlob(young.digest))
            #expect(await cache.store.containsBlob(old.digest) == false)
            #expect(FileSystem.exists(leftover) == false)

            let strict = try await cache.store.gc(unreferencedGracePeriod: .zero)
            #expect(strict.removedBlobs == 1)
            #expect(await cache.store.containsBlob(young.digest) == false)
        }
    }

    @Test func verifyRemovesCorruptBlobsAndTheEntriesThatNeedThem() async throws {
        try await withCache { cache in
            let broken = try await storeEntry(cache, "broken", size: 10_000, lastUsedDaysAgo: 1)
            try await storeEntry(cache, "fine", size: 10_000, lastUsedDaysAgo: 1)
            try await cache.store.storeActionResult(result(key: key("garbled")), for: key("garbled"))
            try FileSystem.writeAtomically(
                Array("nonsense".utf8), to: cache.store.entryPath(key("garbled")), sync: false)
            var bytes = try FileSystem.readFile(cache.store.blobPath(broken.digest))
            bytes[bytes.count - 2] ^= 0xFF
            try FileSystem.writeAtomically(bytes, to: cache.store.blobPath(broken.digest), sync: false)

            let report = try await cache.store.verify()
            #expect(report.checkedBlobs == 3)
            #expect(report.checkedEntries == 3)
            #expect(report.removedBlobs == [broken.digest])
            #expect(Set(report.removedEntries) == [key("broken"), key("garbled")])
            #expect(report.problems.count == 3)
            #expect(await cache.store.actionResult(for: key("fine")) != nil)
            #expect(try await cache.store.verify().isClean)
        }
    }

    @Test func statsCountsWhatIsStored() async throws {
        try await withCache { cache in
            #expect(try await cache.store.stats() == CacheStatistics())
            let a = try await cache.store.writeBlob(sampleBytes(70_000))
            let b = try await cache.store.writeBlob(Array("b".utf8))
            try await cache.store.storeActionResult(result(key: key("s"), stdout: a), for: key("s"))
            let stats = try await cache.store.stats()
            #expect(stats.blobs == 2)
            #expect(stats.actionEntries == 1)
            #expect(stats.uncompressedBytes == a.size + b.size)
            #expect(stats.compressedBytes > 0 && stats.compressedBytes < a.size)
            #expect(stats.actionEntryBytes == (try FileStat.of(cache.store.entryPath(key("s"))).size))
        }
    }

    @Test func cleanRemovesTheStoreAndMemosButNotOtherFiles() async throws {
        try await withCache { cache in
            try FileSystem.createDirectory(cache.cachePath)
            try FileSystem.writeAtomically(
                Array("# cache\n".utf8), to: FileSystem.join(cache.cachePath, "README.md"), sync: false)
            try FileSystem.createDirectory(FileSystem.join(cache.cachePath, "memo"))
            try FileSystem.writeAtomically(
                Array("m".utf8), to: FileSystem.join(cache.cachePath, "memo/stat-v1-x"), sync: false)
            let blob = try await cache.store.writeBlob(Array("x".utf8))
            try await cache.store.clean()
            #expect(await cache.store.containsBlob(blob.digest) == false)
            #expect(try FileSystem.listDirectory(cache.cachePath) == ["README.md"])
            try await cache.store.clean()  // idempotent
            _ = try await cache.store.writeBlob(Array("x".utf8))  // usable again
            #expect(await cache.store.containsBlob(blob.digest))
        }
    }
}
