import FleetBasics
import FleetGit
import FleetGraph
import FleetHashing
@testable import FleetInputs
import FleetManifest
import FleetTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The saved keys (``KeySnapshot``) are the no-op path of `fleet run` and `fleet hash`: a wrong reuse would run
/// nothing after a change. Each step changes the working tree in one way and checks that the next computation
/// does not reuse the snapshot and equals a computation without any cache, and that the one after it reuses it.
@Suite struct KeySnapshotTests {
    /// Waits until the clock the kernel stamps files with is in a later second than every change made so far:
    /// snapshots are only saved when no recorded time is in the second the computation started.
    private func settle() async throws {
        let now = FileStat.fileClockNow()
        let next = now - now % 1_000_000_000 + 1_000_000_000
        try await Task.sleep(nanoseconds: UInt64(next - now) + 20_000_000)
    }

    private func keys(
        _ s: Scenario, cache: String, environment: [String: String] = [:], state: Bool = false
    ) async throws -> WorkspaceKeys.Result {
        let fleet = try FleetLoader.load(workspace: s.workspace())
        return try await WorkspaceKeys.compute(
            fleet: fleet, cacheDirectory: cache, environment: environment, repositoryState: state)
    }

    /// Computes twice after a change: the first must compute (and agree with a computation without a cache), the
    /// second must reuse, with the same keys.
    private func expectRecomputedThenReused(
        _ s: Scenario, cache: String, environment: [String: String] = [:], _ change: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws {
        try await settle()
        let first = try await keys(s, cache: cache, environment: environment)
        #expect(!first.reused, "reused the snapshot after: \(change)", sourceLocation: sourceLocation)
        let fleet = try FleetLoader.load(workspace: s.workspace())
        let fresh = try await WorkspaceKeys.compute(fleet: fleet, cacheDirectory: nil, environment: environment)
        #expect(flatten(first.keys) == flatten(fresh.keys), "after: \(change)", sourceLocation: sourceLocation)
        let second = try await keys(s, cache: cache, environment: environment)
        #expect(second.reused, "did not reuse an unchanged tree after: \(change)", sourceLocation: sourceLocation)
        #expect(flatten(second.keys) == flatten(first.keys), "after: \(change)", sourceLocation: sourceLocation)
        #expect(second.keys.targets["app"]?.actions.first?.inputs == first.keys.targets["app"]?.actions.first?.inputs,
                sourceLocation: sourceLocation)
    }

    /// A cache directory inside the repository, made before the first computation, as an earlier run would have
    /// (creating it changes the root directory's mtime, which the first snapshot would then see as a change).
    private static func cacheDirectory(in s: Scenario) throws -> String {
        let cache = s.path + "/.fleet-cache"
        try FileSystem.createDirectory(cache)
        return cache
    }

    /// Rewrites a file through the same inode (`>` in a shell), so that its directory does not change.
    private static func overwriteInPlace(_ s: Scenario, _ relative: String, _ content: String) throws {
        let fd = open(s.path + "/" + relative, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw FixtureError("cannot open \(relative)") }
        defer { close(fd) }
        let bytes = Array(content.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw FixtureError("cannot write \(relative)") }
    }

    @Test func everyKindOfChangeIsSeenAndAnUnchangedTreeIsReused() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles.merging([".gitignore": "*.log\n"]) { $1 })
        let cache = try Self.cacheDirectory(in: s)
        try await expectRecomputedThenReused(s, cache: cache, "the first computation")

        try Self.overwriteInPlace(s, "base/b.c", "c\n")  // same size, same inode: only the file's stat says so
        try await expectRecomputedThenReused(s, cache: cache, "an in-place edit of the same size")

        try s.write("app/new.c", "n\n")
        try await expectRecomputedThenReused(s, cache: cache, "an untracked file added")

        try s.remove("app/new.c")
        try await expectRecomputedThenReused(s, cache: cache, "a file deleted")

        try s.chmod("app/main.c", 0o755)
        try await expectRecomputedThenReused(s, cache: cache, "chmod +x")

        try s.write("app/debug.log", "ignored\n")
        try await settle()
        _ = try await keys(s, cache: cache)  // the directory changed: recompute once
        try Self.overwriteInPlace(s, ".gitignore", "*.txt\n")  // in place: the ignored file becomes an input
        try await expectRecomputedThenReused(s, cache: cache, "a .gitignore edited in place")

        try s.write(".gitignore", "*.log\n")
        try await expectRecomputedThenReused(s, cache: cache, "the .gitignore restored")
        _ = try s.git("add", "-f", "app/debug.log")  // only the index changes
        try await expectRecomputedThenReused(s, cache: cache, "an ignored file force-added to the index")

        try s.write(".git/info/exclude", "app/main.c\n*.c\n")  // untracked .c files now ignored
        try s.write("base/extra.c", "e\n")
        try await settle()
        _ = try await keys(s, cache: cache)
        try Self.overwriteInPlace(s, ".git/info/exclude", "\n")
        try await expectRecomputedThenReused(s, cache: cache, "info/exclude edited")

        try await expectRecomputedThenReused(s, cache: cache, environment: ["REGION": "eu"], "a declared env var")

        try s.write("fleet.yaml", keyManifest + "# a comment\n")
        try await expectRecomputedThenReused(s, cache: cache, "the manifest edited")
    }

    @Test func theRepositoryStateIsReusedOnlyForTheSameHead() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let cache = try Self.cacheDirectory(in: s)
        try await settle()
        let first = try await keys(s, cache: cache, state: true)
        #expect(!first.reused)
        #expect(first.repositoryState?.dirty == false)
        let second = try await keys(s, cache: cache, state: true)
        #expect(second.reused)
        #expect(second.repositoryState == first.repositoryState)

        _ = try s.git("commit", "--allow-empty", "-m", "empty")
        let head = try s.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try await settle()
        let third = try await keys(s, cache: cache, state: true)
        #expect(third.repositoryState?.commit == head)
        #expect(third.repositoryState?.dirty == false)
    }

    @Test func aDamagedSnapshotIsIgnored() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let cache = try Self.cacheDirectory(in: s)
        try await settle()
        let first = try await keys(s, cache: cache)
        let path = KeySnapshot.path(inCacheDirectory: cache, forRoot: s.path)
        var bytes = try FileSystem.readFile(path)
        bytes[bytes.count / 2] ^= 0xFF
        try FileSystem.writeAtomically(bytes, to: path)
        let second = try await keys(s, cache: cache)
        #expect(!second.reused)
        #expect(flatten(second.keys) == flatten(first.keys))
        try FileSystem.writeAtomically(Array(bytes.prefix(20)), to: path)
        #expect(try await !keys(s, cache: cache).reused)
    }

    /// Damage the checksum does not catch (a bug, or a file written by something else) must still fail as
    /// "malformed", never crash or reserve gigabytes: every 4-byte window of the body set to 0xFF in turn, with the
    /// checksum recomputed, then loaded and decoded.
    @Test func aMalformedBodyBehindAValidChecksumIsRejectedNotACrash() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let cache = try Self.cacheDirectory(in: s)
        try await settle()
        _ = try await keys(s, cache: cache)
        let path = KeySnapshot.path(inCacheDirectory: cache, forRoot: s.path)
        let original = try FileSystem.readFile(path)
        func u64(at offset: Int) -> UInt64 {
            original[offset..<(offset + 8)].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        let magic = KeySnapshot.magic.count
        let context = Fingerprint(high: u64(at: magic), low: u64(at: magic + 8))
        #expect(KeySnapshot.load(from: path, context: context)?.contents() != nil, "the undamaged file decodes")
        var rejected = 0
        for offset in stride(from: magic + 16, to: original.count - 16 - 4, by: 1) {
            var bytes = original
            for i in offset..<(offset + 4) { bytes[i] = 0xFF }
            let checksum = ContentHash.of(Array(bytes[..<(bytes.count - 16)]))
            for (i, byte) in (0..<8).map({ UInt8(truncatingIfNeeded: checksum.high >> (8 * $0)) })
                .enumerated() { bytes[bytes.count - 16 + i] = byte }
            for (i, byte) in (0..<8).map({ UInt8(truncatingIfNeeded: checksum.low >> (8 * $0)) })
                .enumerated() { bytes[bytes.count - 8 + i] = byte }
            try FileSystem.writeAtomically(bytes, to: path)
            if KeySnapshot.load(from: path, context: context)?.contents() == nil { rejected += 1 }
        }
        #expect(rejected > 0, "some windows hit a count, a length or an index")
    }

    @Test func recentTimesAreNotSaved() throws {
        let startedAt: Int64 = 1_700_000_000_500_000_000
        func contents(modifiedAt: Int64) -> KeySnapshot.Contents {
            KeySnapshot.Contents(
                context: Fingerprint(high: 1, low: 2), startedAt: startedAt, listingInputs: [],
                directories: [("", FileStat(size: 1, modificationTime: 1, changeTime: 1, inode: 1, mode: 0o040755))],
                files: [("a", FileStat(size: 1, modificationTime: modifiedAt, changeTime: 1, inode: 2, mode: 0o100644))],
                keys: KeySet(), repositoryState: nil)
        }
        // In the same second as the start (before it, by the clock), or later: a change could hide in that tick.
        #expect(KeySnapshot.encode(contents(modifiedAt: startedAt - 400_000_000), root: "/") == nil)
        #expect(KeySnapshot.encode(contents(modifiedAt: startedAt + 1), root: "/") == nil)
        #expect(KeySnapshot.encode(contents(modifiedAt: startedAt - 600_000_000), root: "/") != nil)
    }
}
