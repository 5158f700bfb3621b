import FleetBasics
@testable import FleetHashing
import FleetTestSupport
import Foundation
import Testing

@Suite struct WorkspaceHasherTests {
    /// Waits (without a clock assertion) until the file clock has moved past every file's ctime, so that entries
    /// recorded from now on are not racy.
    private func waitUntilFilesAreOld(_ paths: [String]) throws {
        let newest = try paths.map { try FileStat.of($0) }.map { max($0.modificationTime, $0.changeTime) }.max() ?? 0
        while FileStat.fileClockNow() <= newest { usleep(1_000) }
    }

    private func digests(_ results: [Result<FileDigest, HashingError>]) -> [Fingerprint?] {
        results.map { try? $0.get().digest }
    }

    @Test func secondRunHitsTheMemoAndChangesAreSeen() async throws {
        try await withTemporaryDirectory { dir in
            let root = dir.appending("ws")
            let cache = dir.appending("cache")
            let files = ["a.txt": "alpha", "src/b.txt": "bravo", "src/c.sh": "#!/bin/sh\n"]
            for (name, text) in files {
                try TestFiles.write(
                    Array(text.utf8), to: "ws/" + name, in: dir, mode: name.hasSuffix(".sh") ? 0o755 : 0o644)
            }
            #expect(symlink("a.txt", FileSystem.join(root, "link")) == 0)
            let paths = ["a.txt", "src/b.txt", "src/c.sh", "link"]
            try waitUntilFilesAreOld(paths.map { FileSystem.join(root, $0) })

            let first = WorkspaceHasher(root: root, cacheDirectory: cache)
            #expect(first.memoLoadStatus == .missing)
            let firstResults = await first.hash(paths)
            #expect(first.statistics.memoMisses == 4)
            #expect(first.statistics.memoHits == 0)
            #expect(try firstResults[2].get().mode == .executable)
            #expect(try firstResults[3].get() == FileDigest(mode: .symlink, size: 5, digest: ContentHash.of("a.txt")))
            #expect(digests(firstResults)[0] == ContentHash.of("alpha"))
            try first.saveMemo()

            let second = WorkspaceHasher(root: root, cacheDirectory: cache)
            #expect(second.memoLoadStatus == .loaded(entries: 4))
            let secondResults = await second.hash(paths)
            #expect(second.statistics.memoHits == 4)
            #expect(second.statistics.memoMisses == 0)
            #expect(secondResults == firstResults)

            // Same size, mtime put back: only ctime betrays the edit.
            let bPath = FileSystem.join(root, "src/b.txt")
            let before = try FileStat.of(bPath)
            try FileSystem.writeAtomically(Array("BRAVO".utf8), to: bPath, sync: false)
            try TestFiles.setModificationTime(bPath, nanoseconds: before.modificationTime)
            let third = WorkspaceHasher(root: root, cacheDirectory: cache)
            let thirdResults = await third.hash(paths)
            #expect(third.statistics.memoHits == 3)
            #expect(third.statistics.memoMisses == 1)
            #expect(digests(thirdResults)[1] == ContentHash.of("BRAVO"))
        }
    }

    @Test func replacedFileWithIdenticalStatButNewInodeIsRehashed() async throws {
        try await withTemporaryDirectory { dir in
            let path = try TestFiles.write(Array("one".utf8), to: "f", in: dir)
            try TestFiles.setModificationTime(path, nanoseconds: 1_600_000_000_000_000_000)
            try waitUntilFilesAreOld([path])
            var memo = StatMemo()
            let hashed = try ContentHash.ofFile(at: path)
            memo.record("f", stat: hashed.stat, digest: hashed.digest.digest, recordedAt: FileStat.fileClockNow())
            #expect(memo.lookup("f", stat: try FileStat.of(path)) != nil)

            // A new file (new inode), same size and mtime, renamed over the old one.
            let other = try TestFiles.write(Array("two".utf8), to: "g", in: dir)
            try TestFiles.setModificationTime(other, nanoseconds: 1_600_000_000_000_000_000)
            #expect(rename(other, path) == 0)
            let now = try FileStat.of(path)
            #expect(now.size == hashed.stat.size && now.modificationTime == hashed.stat.modificationTime)
            #expect(memo.lookup("f", stat: now) == nil)
        }
    }

    @Test func racyFileIsRehashedUntilItIsOld() async throws {
        try await withTemporaryDirectory { dir in
            let root = dir.path
            let path = try TestFiles.write(Array("v1".utf8), to: "racy.txt", in: dir)
            let stat = try FileStat.of(path)
            // An entry recorded in the same tick as the file's last write: must not be trusted.
            var memo = StatMemo()
            memo.record("racy.txt", stat: stat, digest: ContentHash.of("stale"), recordedAt: stat.modificationTime)
            let memoPath = dir.appending("memo")
            try memo.save(to: memoPath)
            try waitUntilFilesAreOld([path])

            let hasher = WorkspaceHasher(root: root, memoPath: memoPath)
            let results = await hasher.hash(["racy.txt"])
            #expect(hasher.statistics.memoMisses == 1)
            #expect(digests(results) == [ContentHash.of("v1")])
            try hasher.saveMemo()
            // Re-recorded after the file's tick: now it is a hit.
            let next = WorkspaceHasher(root: root, memoPath: memoPath)
            #expect(digests(await next.hash(["racy.txt"])) == [ContentHash.of("v1")])
            #expect(next.statistics.memoHits == 1)
        }
    }

    @Test func vanishedFilesAreErrorsAndLeaveTheMemo() async throws {
        try await withTemporaryDirectory { dir in
            let root = dir.appending("ws")
            try TestFiles.write([1], to: "ws/keep", in: dir)
            let doomed = try TestFiles.write([2], to: "ws/doomed", in: dir)
            let memoPath = dir.appending("memo")
            let first = WorkspaceHasher(root: root, memoPath: memoPath)
            _ = await first.hash(["keep", "doomed"])
            try first.saveMemo()
            #expect(StatMemo.load(from: memoPath).memo.entry(for: "doomed") != nil)

            #expect(unlink(doomed) == 0)
            let second = WorkspaceHasher(root: root, memoPath: memoPath)
            let results = await second.hash(["keep", "doomed", "../escape", "/abs", "a//b", ""])
            #expect((try? results[0].get()) != nil)
            #expect(results[1] == .failure(.vanished(path: doomed)))
            #expect(results[2] == .failure(.invalidPath(path: "../escape")))
            #expect(results[3] == .failure(.invalidPath(path: "/abs")))
            #expect(results[4] == .failure(.invalidPath(path: "a//b")))
            #expect(results[5] == .failure(.invalidPath(path: "")))
            #expect(second.statistics.failures == 5)
            try second.saveMemo()
            #expect(StatMemo.load(from: memoPath).memo.entry(for: "doomed") == nil)
        }
    }

    @Test func filesDatedFarInTheFutureOrPastDoNotCrash() async throws {
        try await withTemporaryDirectory { dir in
            let future = try TestFiles.write(Array("future".utf8), to: "ws/future", in: dir)
            let past = try TestFiles.write(Array("past".utf8), to: "ws/past", in: dir)
            // Year ~3000 and ~900: beyond what Int64 nanoseconds can hold (1678–2262).
            let result = [(future, Int(32_503_680_000)), (past, Int(-33_000_000_000))].map { path, seconds in
                let time = timespec(tv_sec: seconds, tv_nsec: 5)
                return withUnsafePointer(to: (time, time)) { pair in
                    pair.withMemoryRebound(to: timespec.self, capacity: 2) { utimensat(AT_FDCWD, path, $0, 0) }
                }
            }
            #expect(result == [0, 0])
            #expect(try FileStat.of(future).modificationTime == Int64.max)
            // (ext4 clamps the past date to 1901, which fits; the future one still overflows.)
            let hasher = WorkspaceHasher(root: dir.appending("ws"), memoPath: dir.appending("memo"))
            #expect(
                digests(await hasher.hash(["future", "past"])) == [ContentHash.of("future"), ContentHash.of("past")])
        }
    }

    @Test func entriesNotRecordedForALongTimeLeaveTheMemoOnSave() async throws {
        try await withTemporaryDirectory { dir in
            try TestFiles.write(Array("x".utf8), to: "ws/f", in: dir)
            let memoPath = dir.appending("memo")
            var memo = StatMemo()
            let ancient = FileStat.fileClockNow() - 40 * 86_400 * 1_000_000_000
            memo.record("deleted-long-ago", stat: StatMemoTests.stat, digest: StatMemoTests.digest, recordedAt: ancient)
            try memo.save(to: memoPath)
            let hasher = WorkspaceHasher(root: dir.appending("ws"), memoPath: memoPath)
            _ = await hasher.hash(["f"])
            try hasher.saveMemo()
            let saved = StatMemo.load(from: memoPath).memo
            #expect(saved.entry(for: "deleted-long-ago") == nil)
            #expect(saved.entry(for: "f") != nil)
        }
    }

    @Test func corruptMemoIsIgnoredAndReplaced() async throws {
        try await withTemporaryDirectory { dir in
            try TestFiles.write(Array("x".utf8), to: "ws/f", in: dir)
            let memoPath = dir.appending("memo")
            try FileSystem.writeAtomically(Array("FLEETSTM but then nonsense".utf8), to: memoPath, sync: false)
            let hasher = WorkspaceHasher(root: dir.appending("ws"), memoPath: memoPath)
            guard case .discarded = hasher.memoLoadStatus else {
                Issue.record("expected discarded, got \(hasher.memoLoadStatus)")
                return
            }
            #expect(digests(await hasher.hash(["f"])) == [ContentHash.of("x")])
            try hasher.saveMemo()
            #expect(StatMemo.load(from: memoPath).status == .loaded(entries: 1))
        }
    }

    /// The byte-level fast path must give exactly RelativePath.normalize's answer, including for paths whose
    /// Characters differ from their bytes (a `/` followed by a combining mark is one Character).
    @Test(arguments: [
        "a", "a/b", "a.b/c", ".hidden", "..x", "x..", "...", "a/.../b", "a/b.", "é/ü.txt", "a/\u{301}b",
        "", ".", "..", "./a", "a/.", "a/..", "a/../b", "../a", "/a", "a/", "a//b", "//", "/", "a/./b",
        "/\u{301}a", "a/\u{301}", "a//\u{301}b", ".\u{301}", "a/.\u{301}/b", "a/..\u{301}",
    ])
    func normalizedCheckAgreesWithRelativePath(path: String) {
        let expected = !path.isEmpty && RelativePath.normalize(path) == path
        #expect(WorkspaceHasher.isNormalized(path) == expected)
    }

    /// Stats handed in by a listing stand in for lstat: a fresh one gives memo hits with no stat at all, a stale
    /// one (the file changed, became a symlink, a directory, or vanished since) never yields the old digest.
    @Test func knownStatsAreTrustedOnlyWhenTheFileStillMatchesThem() async throws {
        try await withTemporaryDirectory { dir in
            let root = dir.appending("ws")
            let memoPath = dir.appending("memo")
            let names = ["same", "edited", "grown", "to-link", "to-dir", "gone", "big"]
            for name in names {
                try TestFiles.write(Array("old \(name)".utf8), to: "ws/" + name, in: dir)
            }
            try TestFiles.write(TestFiles.bytes(count: 1 << 20, seed: 3), to: "ws/big", in: dir)
            let absolute = names.map { FileSystem.join(root, $0) }
            try waitUntilFilesAreOld(absolute)
            let listed = try absolute.map { try FileStat.of($0) }

            let fresh = WorkspaceHasher(root: root, memoPath: memoPath)
            let firstResults = await fresh.hash(names, knownStats: listed)
            #expect(digests(firstResults) == names.map { name in
                name == "big" ? ContentHash.of(TestFiles.bytes(count: 1 << 20, seed: 3)) : ContentHash.of("old \(name)")
            })
            try fresh.saveMemo()
            let again = WorkspaceHasher(root: root, memoPath: memoPath)
            #expect(digests(await again.hash(names, knownStats: listed)) == digests(firstResults))
            #expect(again.statistics.memoHits == names.count)

            // Change everything but `same` and `big` after the "listing" was taken.
            try FileSystem.writeAtomically(Array("new edited".utf8), to: absolute[1], sync: false)
            let handle = try #require(FileHandle(forWritingAtPath: absolute[2]))
            handle.seekToEndOfFile()
            handle.write(Data(" and more".utf8))
            handle.closeFile()
            #expect(unlink(absolute[3]) == 0 && symlink("same", absolute[3]) == 0)
            #expect(unlink(absolute[4]) == 0)
            try FileSystem.createDirectory(absolute[4])
            #expect(unlink(absolute[5]) == 0)
            let stale = WorkspaceHasher(root: root, memoPath: nil)
            let results = await stale.hash(names, knownStats: listed)
            #expect(digests(results)[0] == ContentHash.of("old same"))
            #expect(digests(results)[1] == ContentHash.of("new edited"))
            #expect(digests(results)[2] == ContentHash.of("old grown and more"))
            #expect(try results[3].get() == FileDigest(mode: .symlink, size: 4, digest: ContentHash.of("same")))
            #expect(results[4] == .failure(.notAFile(path: absolute[4], kind: "directory")))
            #expect(results[5] == .failure(.vanished(path: absolute[5])))
            #expect(digests(results)[6] == digests(firstResults)[6])
        }
    }
}
