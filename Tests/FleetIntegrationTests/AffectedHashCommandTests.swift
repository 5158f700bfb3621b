import FleetBasics
import FleetTestSupport
import Foundation
import Testing

/// `fleet hash`: keys are the same in every checkout of the same content and in every run.
@Suite(.tags(.integration)) struct AffectedHashCommandTests {
    static let manifest = """
        version: 1
        globals: ["//go.work"]
        libs:
          lib: {path: lib, actions: {build: {run: make}}}
        services:
          everything: {path: ., actions: {build: {run: make, needs: ["^build"]}}, deps: [lib]}

        """

    @Test func hashJSONIsTheSameInEveryCloneAndEveryRun() throws {
        let source = try GitFixture.make(files: ["fleet.yaml": Self.manifest, "lib/a.c": "a\n", "go.work": "go\n",
                                                 "main.c": "m\n"])
        defer { source.remove() }
        let short = GitFixture(directory: try TemporaryDirectory(prefix: "h"))
        let long = GitFixture(directory: try TemporaryDirectory(prefix: "fleet-hash-clone-with-a-much-longer-path"))
        defer {
            short.remove()
            long.remove()
        }
        for clone in [short, long] { try source.git("clone", "--quiet", source.path, clone.path) }
        let first = try TestProcess.fleet(["hash", "--json"], in: short.path)
        #expect(first.exitCode == 0, "\(first)")
        #expect(first.stdout.hasPrefix(#"{"schema":1,"targets":[{"name":"everything","key":""#))
        #expect(!first.stdout.contains(short.path))
        let other = try TestProcess.fleet(["hash", "--json"], in: long.path)
        #expect(other.stdout == first.stdout)
        // Runs leave the file-hash memo in the cache directory (cache/ next to fleet.yaml, which git does not
        // ignore here): it must never become an input.
        for _ in 0..<2 {
            let again = try TestProcess.fleet(["hash", "--json"], in: short.path)
            #expect(again.stdout == first.stdout)
        }
        // Nor does `fleet affected` see it as a change.
        let affected = try TestProcess.fleet(["affected", "--base", "HEAD"], in: short.path)
        #expect(affected.exitCode == 0 && affected.stdout.isEmpty, "\(affected)")
    }

    /// The cache directory gets its `.gitignore` whoever creates it first. Here nothing is hashed, so the memo has
    /// nothing to save and only the key snapshot writes there (once the tree is a second old, as the snapshot's
    /// racy rule wants): the directory must still never show up as untracked.
    @Test func theCacheDirectoryIsIgnoredEvenWhenNothingWasHashed() throws {
        let repo = try GitFixture.make(files: [
            "fleet.yaml": "version: 1\nlibs:\n  top: {path: ., srcs: ['none/**'], actions: {build: {run: make}}}\n",
        ])
        defer { repo.remove() }
        for fresh in [true, false] {
            if fresh { try FileSystem.removeTree(repo.directory.appending("cache")) }
            Thread.sleep(forTimeInterval: 1.1)  // not a timing assertion: lets the tree's mtimes settle
            let hash = try TestProcess.fleet(["hash"], in: repo.path)
            #expect(hash.exitCode == 0, "\(hash)")
            #expect(try repo.git("status", "--porcelain") == "")
            #expect(FileSystem.exists(repo.directory.appending("cache/.gitignore")))
        }
        #expect(FileSystem.exists(repo.directory.appending("cache/memo")), "the snapshot was saved")
    }

    @Test func hashTextAndSelection() throws {
        let repo = try GitFixture.make(files: ["fleet.yaml": Self.manifest, "lib/a.c": "a\n", "go.work": "go\n"])
        defer { repo.remove() }
        let result = try TestProcess.fleet(["hash", "lib", "--files"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        let output = lines(result.stdout)
        #expect(output.first?.hasPrefix("lib  ") == true)
        #expect(output.contains { $0.hasPrefix("  build  ") })
        #expect(output.contains { $0.contains("manifest ") && $0.contains("sources ") && $0.contains("(1 files)") })
        #expect(output.contains { $0.hasSuffix(" 100644 lib/a.c") })
        #expect(!result.stdout.contains("everything"))
        let unknown = try TestProcess.fleet(["hash", "lbi"], in: repo.path)
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("did you mean 'lib'?"))
    }
}
