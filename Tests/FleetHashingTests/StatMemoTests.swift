import FleetBasics
@testable import FleetHashing
import FleetTestSupport
import Foundation
import Testing

@Suite struct StatMemoTests {
    static let stat = FileStat(size: 10, modificationTime: 1_000, changeTime: 1_500, inode: 77, mode: 0o100644)
    static let digest = Fingerprint(high: 1, low: 2)

    private func memo(recordedAt: Int64 = 2_000) -> StatMemo {
        var memo = StatMemo()
        memo.record("src/a.swift", stat: Self.stat, digest: Self.digest, recordedAt: recordedAt)
        return memo
    }

    @Test func hitWhenEveryFieldMatchesAndTheEntryIsOlder() {
        #expect(
            memo().lookup("src/a.swift", stat: Self.stat) == FileDigest(mode: .regular, size: 10, digest: Self.digest))
        #expect(memo().lookup("src/b.swift", stat: Self.stat) == nil)
    }

    @Test(arguments: [
        FileStat(size: 11, modificationTime: 1_000, changeTime: 1_500, inode: 77, mode: 0o100644),
        FileStat(size: 10, modificationTime: 1_001, changeTime: 1_500, inode: 77, mode: 0o100644),
        FileStat(size: 10, modificationTime: 1_000, changeTime: 1_501, inode: 77, mode: 0o100644),
        FileStat(size: 10, modificationTime: 1_000, changeTime: 1_500, inode: 78, mode: 0o100644),
        FileStat(size: 10, modificationTime: 1_000, changeTime: 1_500, inode: 77, mode: 0o100755),
    ])
    func anyChangedFieldIsAMiss(changed: FileStat) {
        #expect(memo().lookup("src/a.swift", stat: changed) == nil)
    }

    @Test(arguments: [Int64(1_000), 1_500, 999])
    func racyEntriesAreMisses(recordedAt: Int64) {
        // Recorded no later than the file's mtime or ctime: a write in the same tick would be invisible.
        #expect(memo(recordedAt: recordedAt).lookup("src/a.swift", stat: Self.stat) == nil)
    }

    @Test func saveAndLoadRoundTripWithChangesAndRemovals() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appending("memo/stat")
            var memo = StatMemo()
            let names = ["b", "a", "é/x", "a/b", "a.b", "z", "A", "a b"]
            for (index, name) in names.enumerated() {
                let stat = FileStat(
                    size: UInt64(index), modificationTime: Int64(index), changeTime: -Int64(index),
                    inode: UInt64.max - UInt64(index), mode: 0o120777)
                memo.record(
                    name, stat: stat, digest: Fingerprint(high: UInt64(index), low: ~UInt64(index)), recordedAt: 5)
            }
            try memo.save(to: path)
            #expect(!memo.hasChanges)

            var (loaded, status) = StatMemo.load(from: path)
            #expect(status == .loaded(entries: names.count))
            #expect(loaded.count == names.count)
            #expect(
                loaded.entries.map(\.path) == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            for (index, name) in names.enumerated() {
                #expect(loaded.entry(for: name)?.digest == Fingerprint(high: UInt64(index), low: ~UInt64(index)))
                #expect(loaded.entry(for: name)?.stat.inode == UInt64.max - UInt64(index))
            }
            loaded.remove("a")
            loaded.remove("never-there")
            loaded.record("m", stat: Self.stat, digest: Self.digest, recordedAt: 9)
            loaded.record("z", stat: Self.stat, digest: Self.digest, recordedAt: 9)
            #expect(loaded.count == names.count)
            try loaded.save(to: path)

            let (again, _) = StatMemo.load(from: path)
            #expect(again.entry(for: "a") == nil)
            #expect(again.entry(for: "m")?.recordedAt == 9)
            #expect(again.entry(for: "z")?.digest == Self.digest)
            #expect(again.entry(for: "a/b") != nil)
            #expect(again.count == names.count)
        }
    }

    @Test func missingMemoLoadsEmpty() {
        let (memo, status) = StatMemo.load(from: "/nonexistent/fleet/memo")
        #expect(status == .missing)
        #expect(memo.count == 0)
    }

    /// Every way a memo file can be damaged loads as an empty memo, and the next save replaces it.
    @Test(arguments: ["garbage", "truncated", "flipped", "version", "empty", "extended"])
    func damagedMemoLoadsEmptyAndIsOverwritten(damage: String) async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appending("stat")
            var memo = self.memo()
            memo.record("other", stat: Self.stat, digest: Self.digest, recordedAt: 3)
            try memo.save(to: path)
            var bytes = try FileSystem.readFile(path)
            switch damage {
            case "garbage": bytes = Array("not a memo at all, just text".utf8)
            case "truncated": bytes.removeLast(5)
            case "flipped": bytes[bytes.count - 3] ^= 0x40
            case "version": bytes[8] = 9
            case "empty": bytes = []
            default: bytes += [0]
            }
            try FileSystem.writeAtomically(bytes, to: path, sync: false)

            var (loaded, status) = StatMemo.load(from: path)
            guard case .discarded = status else {
                Issue.record("expected a discarded memo, got \(status)")
                return
            }
            #expect(loaded.count == 0)
            loaded.record("fresh", stat: Self.stat, digest: Self.digest, recordedAt: 3)
            try loaded.save(to: path)
            #expect(StatMemo.load(from: path).status == .loaded(entries: 1))
        }
    }

    @Test func oneHundredThousandEntriesRoundTrip() async throws {
        try await withTemporaryDirectory { dir in
            var memo = StatMemo()
            for index in 0..<100_000 {
                let stat = FileStat(
                    size: UInt64(index), modificationTime: 1, changeTime: 1, inode: UInt64(index), mode: 0o100644)
                memo.record(
                    "services/svc\(index % 97)/src/file\(index).py", stat: stat,
                    digest: Fingerprint(high: UInt64(index), low: 0), recordedAt: 2)
            }
            let path = dir.appending("stat")
            try memo.save(to: path)
            let (loaded, status) = StatMemo.load(from: path)
            #expect(status == .loaded(entries: 100_000))
            for index in stride(from: 0, to: 100_000, by: 997) {
                let stat = FileStat(
                    size: UInt64(index), modificationTime: 1, changeTime: 1, inode: UInt64(index), mode: 0o100644)
                #expect(
                    loaded.lookup("services/svc\(index % 97)/src/file\(index).py", stat: stat)?.digest
                        == Fingerprint(high: UInt64(index), low: 0))
            }
            #expect(loaded.entry(for: "services/svc0/src/file-missing.py") == nil)
        }
    }

    @Test func memoPathIsPerWorkspaceRoot() {
        let a = StatMemo.path(inCacheDirectory: "/cache", forRoot: "/work/a")
        let b = StatMemo.path(inCacheDirectory: "/cache", forRoot: "/work/b")
        #expect(a != b)
        #expect(a.hasPrefix("/cache/memo/stat-v1-"))
        #expect(a == StatMemo.path(inCacheDirectory: "/cache", forRoot: "/work/a"))
    }
}
