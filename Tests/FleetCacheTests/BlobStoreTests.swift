import FleetBasics
@testable import FleetCache
import FleetHashing
import FleetTestSupport
import Foundation
import Testing

@Suite struct BlobStoreTests {
    static let zstd = ["/usr/bin/zstd", "/usr/local/bin/zstd"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(arguments: [0, 1, 4096, 300_001])
    func bytesRoundTrip(size: Int) async throws {
        try await withCache { cache in
            let bytes = sampleBytes(size)
            let reference = try await cache.store.writeBlob(bytes)
            #expect(reference == BlobReference(digest: ContentHash.of(bytes), size: UInt64(size)))
            #expect(await cache.store.containsBlob(reference.digest))
            #expect(await cache.store.readBlob(reference) == bytes)
            #expect(await cache.store.readBlob(reference.digest, sizeLimit: UInt64(size) + 10) == bytes)
            let path = cache.store.blobPath(reference.digest)
            #expect(path == "\(cache.cachePath)/v1/cas/\(reference.digest.hex.prefix(2))/\(reference.digest.hex)")
            #expect(cache.problems.all.isEmpty)
        }
    }

    @Test(.enabled(if: BlobStoreTests.zstd != nil, "the zstd CLI is not installed"))
    func blobsArePlainZstdFramesOfTheContent() async throws {
        try await withCache { cache in
            let bytes = sampleBytes(200_000)
            let reference = try await cache.store.writeBlob(bytes)
            let result = try TestProcess.run(Self.zstd!, ["-d", "-c", "-q", cache.store.blobPath(reference.digest)])
            #expect(result.exitCode == 0)
            #expect(Array(result.stdout.utf8) == bytes)
        }
    }

    @Test func fileBlobsStreamAndMatchTheContentDigest() async throws {
        try await withCache { cache in
            // Above the multi-threaded compression threshold.
            let size = Int(DiskCacheStore.multithreadedCompressionThreshold) + 12_345
            let bytes = sampleBytes(size, seed: 3)
            let path = cache.directory.appending("big.bin")
            try FileSystem.writeAtomically(bytes, to: path, sync: false)
            let reference = try await cache.store.writeBlob(contentsOf: path)
            #expect(
                reference == BlobReference(digest: try ContentHash.ofFile(at: path).digest.digest, size: UInt64(size)))
            let restored = cache.directory.appending("restored.bin")
            #expect(
                try await cache.store.readBlob(
                    reference.digest, toFile: restored, permissions: 0o755, expectedSize: UInt64(size)))
            #expect(try FileSystem.readFile(restored) == bytes)
            #expect(try FileStat.of(restored).mode & 0o777 == 0o755)
            let stats = try await cache.store.stats()
            #expect(stats.blobs == 1)
            #expect(stats.uncompressedBytes == UInt64(size))
            #expect(stats.compressedBytes < UInt64(size))
        }
    }

    @Test func anExistingBlobIsNotRewrittenButTouched() async throws {
        try await withCache { cache in
            let reference = try await cache.store.writeBlob(Array("same".utf8))
            let path = cache.store.blobPath(reference.digest)
            try setModificationTime(path, secondsAgo: 86_400)
            let before = try FileStat.of(path)
            _ = try await cache.sibling().writeBlob(Array("same".utf8))
            let after = try FileStat.of(path)
            #expect(after.inode == before.inode)
            #expect(after.modificationTime > before.modificationTime)
        }
    }

    @Test func theEmptyBlobIsAlwaysPresent() async throws {
        try await withCache { cache in
            let empty = BlobReference.empty
            #expect(await cache.store.containsBlob(empty.digest))
            #expect(await cache.store.readBlob(empty) == [])
            let target = cache.directory.appending("empty")
            let found = try await cache.store.readBlob(
                empty.digest, toFile: target, permissions: 0o644, expectedSize: 0)
            #expect(found)
            #expect(try FileSystem.readFile(target).isEmpty)
            #expect(try await cache.store.writeBlob([]) == empty)
            #expect(try await cache.store.stats().blobs == 0)
        }
    }

    @Test func missingBlobIsAQuietMiss() async throws {
        try await withCache { cache in
            let digest = ContentHash.of("never stored")
            #expect(await cache.store.containsBlob(digest) == false)
            #expect(await cache.store.readBlob(digest, sizeLimit: 100) == nil)
            let target = cache.directory.appending("out")
            let found = try await cache.store.readBlob(digest, toFile: target, permissions: 0o644, expectedSize: nil)
            #expect(found == false)
            #expect(FileSystem.exists(target) == false)
            #expect(cache.problems.all.isEmpty)
        }
    }

    /// Each way a blob file can be damaged: a miss, the file removed, a problem reported, nothing written.
    @Test(arguments: ["flip", "truncate", "empty", "garbage", "wrong-content", "trailing"])
    func damagedBlobIsAMissAndIsRemoved(damage: String) async throws {
        try await withCache { cache in
            let bytes = sampleBytes(100_000)
            let reference = try await cache.store.writeBlob(bytes)
            let path = cache.store.blobPath(reference.digest)
            var stored = try FileSystem.readFile(path)
            switch damage {
            case "flip": stored[stored.count / 2] ^= 0x01
            case "truncate": stored.removeLast(stored.count / 3)
            case "empty": stored = []
            case "garbage": stored = Array("definitely not zstd".utf8)
            case "wrong-content":
                // A perfectly valid frame, of other content.
                let other = try await cache.store.writeBlob(sampleBytes(100_000, seed: 99))
                stored = try FileSystem.readFile(cache.store.blobPath(other.digest))
            default: stored += [1, 2, 3]
            }
            try FileSystem.writeAtomically(stored, to: path, sync: false)

            let target = cache.directory.appending("restored")
            let found = try await cache.store.readBlob(
                reference.digest, toFile: target, permissions: 0o644, expectedSize: reference.size)
            #expect(found == false)
            #expect(FileSystem.exists(target) == false)
            #expect(FileSystem.exists(path) == false)
            #expect(cache.problems.all.map(\.kind) == [.corruptBlob])
            #expect(cache.problems.all.first?.path == path)
            // The in-memory read of a re-damaged blob also misses.
            _ = try await cache.store.writeBlob(bytes)
            try FileSystem.writeAtomically(stored, to: path, sync: false)
            #expect(await cache.store.readBlob(reference) == nil)
            #expect(FileSystem.exists(path) == false)
        }
    }

    @Test func aBlobLargerThanExpectedIsNotReturnedButKept() async throws {
        try await withCache { cache in
            let reference = try await cache.store.writeBlob(sampleBytes(10_000))
            #expect(await cache.store.readBlob(reference.digest, sizeLimit: 9_999) == nil)
            #expect(await cache.store.containsBlob(reference.digest))
            #expect(cache.problems.all.isEmpty)
        }
    }

    @Test func unreadableSourceFileIsAnError() async throws {
        try await withCache { cache in
            await #expect(throws: CacheError.outputChangedDuringCapture(path: cache.directory.appending("nope"))) {
                _ = try await cache.store.writeBlob(contentsOf: cache.directory.appending("nope"))
            }
            try FileSystem.createDirectory(cache.directory.appending("dir"))
            await #expect(
                throws: CacheError.unsupportedOutputType(path: cache.directory.appending("dir"), kind: "directory")
            ) {
                _ = try await cache.store.writeBlob(contentsOf: cache.directory.appending("dir"))
            }
        }
    }

    @Test func manyConcurrentWritersAndReadersOnOneCache() async throws {
        try await withCache { cache in
            // Several stores on one directory (as several processes would be), all writing the same blobs and
            // entries at once while reading them back.
            let stores = [cache.store, cache.sibling(), cache.sibling(), cache.sibling()]
            let payloads = (0..<24).map { sampleBytes(20_000 + $0 * 997, seed: UInt64($0)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (storeIndex, store) in stores.enumerated() {
                    for round in 0..<3 {
                        group.addTask {
                            for (index, payload) in payloads.enumerated() {
                                let reference = try await store.writeBlob(payload)
                                let result = result(key: key("\(index)"), stdout: reference)
                                try await store.storeActionResult(result, for: key("\(index)"))
                                let read = await store.readBlob(reference)
                                if read != payload {
                                    throw FixtureError("store \(storeIndex) round \(round): wrong bytes")
                                }
                                if await store.actionResult(for: key("\(index)")) == nil {
                                    throw FixtureError("entry \(index) missing")
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let report = try await cache.store.verify()
            #expect(report.isClean)
            #expect(report.checkedBlobs == payloads.count)
            #expect(report.checkedEntries == payloads.count)
            #expect(files(under: cache.cachePath, withPrefix: DiskCacheStore.temporaryPrefix).isEmpty)
            #expect(cache.problems.all.isEmpty)
        }
    }
}
