import FleetBasics
import FleetTestSupport
import Foundation
import Testing

@testable import FleetGit

#if canImport(Glibc)
import Glibc
#endif

/// The index reader and the git-status-like comparison built on it, against git's CLI and libgit2's diff.
@Suite struct IndexFileTests {
    private func readIndex(_ fixture: GitFixture) throws -> IndexFile {
        try #require(try IndexFile.read(gitDirectory: fixture.path + "/.git"))
    }

    /// Every entry as `git ls-files --stage` prints it, in index format versions 2, 3 (extended flags: an
    /// intent-to-add entry) and 4 (prefix-compressed paths).
    @Test(arguments: [2, 3, 4])
    func entriesMatchLsFilesStage(version: Int) throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        if version >= 3 {
            try fixture.write("ita.txt", "intent\n")
            try fixture.git("add", "--intent-to-add", "ita.txt")
        }
        try fixture.git("update-index", "--index-version", "\(version)")
        let header = try FileSystem.readFile(fixture.path + "/.git/index", limit: 1 << 20)
        #expect(header[7] == UInt8(version))
        let index = try readIndex(fixture)
        let expected = try fixture.fields(["ls-files", "-z", "--stage"])
        #expect(index.entries.map { "\(String($0.mode, radix: 8)) \($0.id) \($0.stage)\t\($0.path)" } == expected)
        #expect(index.entries.first { $0.path == "ita.txt" }?.intentToAdd == (version >= 3 ? true : nil))
        #expect(index.entries.first { $0.path == "chmod.sh" }?.mode == 0o100644)  // chmod not staged
        // The tracked paths the walk uses come from this reader.
        var once: [String] = []
        for entry in expected {
            let path = String(entry.split(separator: "\t", maxSplits: 1)[1])
            if once.last != path { once.append(path) }
        }
        #expect(try fixture.repository().trackedPaths().paths == once)
    }

    /// The cache tree holds the committed tree ids, and `git add` invalidates the changed directory and its
    /// parents (entry count -1) but not its siblings.
    @Test func cacheTreeMatchesTheCommittedTrees() throws {
        let fixture = try GitFixture.make(files: [
            "a/b/c.txt": "c\n", "a/d.txt": "d\n", "x/y.txt": "y\n", "e.txt": "e\n",
        ])
        defer { fixture.remove() }
        let index = try readIndex(fixture)
        #expect(index.cacheTree?.node(for: "")?.id?.description == (try fixture.git("rev-parse", "HEAD^{tree}")))
        #expect(index.cacheTree?.node(for: "a/b")?.id?.description == (try fixture.git("rev-parse", "HEAD:a/b")))
        #expect(index.cacheTree?.node(for: "a")?.entryCount == 2)
        #expect(index.cacheTree?.node(for: "")?.entryCount == 4)
        try fixture.write("a/b/c.txt", "changed\n")
        try fixture.git("add", "a/b/c.txt")
        let after = try readIndex(fixture)
        #expect(after.cacheTree?.node(for: "a/b")?.entryCount == -1)
        #expect(after.cacheTree?.node(for: "a")?.entryCount == -1)
        #expect(after.cacheTree?.node(for: "")?.entryCount == -1)
        #expect(after.cacheTree?.node(for: "x")?.id?.description == (try fixture.git("rev-parse", "HEAD:x")))
    }

    /// Conflict stages are read as such, and the fast comparison leaves them to libgit2.
    @Test func conflictStagesAndTheirFallback() throws {
        let fixture = try GitFixture.make(files: ["f.txt": "base\n", "other.txt": "o\n"])
        defer { fixture.remove() }
        try fixture.git("checkout", "--quiet", "-b", "side")
        try fixture.commit(["f.txt": "side\n"])
        try fixture.git("checkout", "--quiet", "main")
        try fixture.commit(["f.txt": "main\n"])
        _ = try? fixture.git("merge", "--quiet", "--no-edit", "side")
        let index = try readIndex(fixture)
        #expect(index.entries.filter { $0.path == "f.txt" }.map(\.stage) == [1, 2, 3])
        #expect(index.entries.map { "\(String($0.mode, radix: 8)) \($0.id) \($0.stage)\t\($0.path)" }
            == (try fixture.fields(["ls-files", "-z", "--stage"])))
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(try repository.fastWorkingTreeChangedPaths(from: head) == nil)
        #expect(
            try repository.workingTreeChangedPaths(from: head)
                == (try repository.slowWorkingTreeChangedPaths(from: head)))
        #expect(try repository.workingTreeChangedPaths(from: head).contains("f.txt"))
    }

    /// A split index is not read (libgit2 is asked, and refuses it too).
    @Test func splitIndexFallsBack() throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        try fixture.git("update-index", "--split-index")
        #expect(throws: IndexFile.Unsupported.self) { try IndexFile.read(gitDirectory: fixture.path + "/.git") }
        // libgit2 1.5 cannot read a split index either: an error, not a wrong answer or a crash.
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(throws: GitError.self) { try repository.workingTreeChangedPaths(from: head) }
        #expect(throws: GitError.self) { try repository.workingTreeFiles() }
    }

    /// Truncated or foreign bytes are refused, never misread.
    @Test func damagedIndexesAreRefused() throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        let path = fixture.path + "/.git/index"
        let bytes = try FileSystem.readFile(path, limit: 1 << 24)
        for length in [0, 5, 12, 40, bytes.count / 2, bytes.count - 21] {
            try FileSystem.writeAtomically(Array(bytes.prefix(length)), to: path, sync: false)
            #expect(throws: IndexFile.Unsupported.self) { try IndexFile.read(gitDirectory: fixture.path + "/.git") }
        }
        var foreign = bytes
        foreign[3] = UInt8(ascii: "X")
        try FileSystem.writeAtomically(foreign, to: path, sync: false)
        #expect(throws: IndexFile.Unsupported.self) { try IndexFile.read(gitDirectory: fixture.path + "/.git") }
    }
}

/// `workingTreeChangedPaths` (the git-status-like fast path) against libgit2's diff and git's CLI.
@Suite struct WorkingTreeChangedPathsTests {
    /// What git says differs between `base` and the working tree: the diff's old and new paths, plus untracked.
    private func gitAnswer(_ fixture: GitFixture, base: String) throws -> [String] {
        let diffed = try fixture.fields(["diff", "-z", "--name-only", "--no-renames", base])
        let untracked = try fixture.fields(["ls-files", "-z", "--others", "--exclude-standard"])
        return Set(diffed + untracked).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func check(
        _ fixture: GitFixture, bases: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let repository = try fixture.repository()
        for base in bases {
            let id = try repository.resolveCommit(base)
            let fast = try #require(
                try repository.fastWorkingTreeChangedPaths(from: id), sourceLocation: sourceLocation)
            let slow = try repository.slowWorkingTreeChangedPaths(from: id)
            #expect(fast == slow, "\(base)", sourceLocation: sourceLocation)
            #expect(fast == (try gitAnswer(fixture, base: base)), "\(base)", sourceLocation: sourceLocation)
        }
        let everything = try #require(try repository.fastWorkingTreeChangedPaths(from: nil))
        let slowEverything = try repository.slowWorkingTreeChangedPaths(from: nil)
        let fastOnly = Set(everything).subtracting(slowEverything)
        let slowOnly = Set(slowEverything).subtracting(everything)
        #expect(
            everything == slowEverything, "fast only: \(fastOnly), slow only: \(slowOnly)",
            sourceLocation: sourceLocation)
    }

    @Test func everyKindOfWorkingTreeStateAgainstHeadAndAnOlderCommit() throws {
        let fixture = try dirtyFixture { try $0.commit(["later.txt": "later\n", "docs/a.md": "later\n"]) }
        defer { fixture.remove() }
        try check(fixture, bases: ["HEAD", "HEAD~1"])
    }

    @Test func cleanTreeAndStagedChangesOnly() throws {
        let fixture = try GitFixture.make(files: ["a/b/c.txt": "c\n", "a/d.txt": "d\n", "x/y.txt": "y\n"])
        defer { fixture.remove() }
        try fixture.commit(["x/y.txt": "y2\n"])
        try check(fixture, bases: ["HEAD", "HEAD~1"])
        try fixture.write("a/b/c.txt", "staged\n")
        try fixture.git("add", "a/b/c.txt")  // invalidates a/b, a and the root in the cache tree
        try check(fixture, bases: ["HEAD", "HEAD~1"])
    }

    /// A directory that became a file, a file that became a directory, a deleted directory, a chmod, symlink
    /// retargeting, and the same changes staged.
    @Test func typeChangesBetweenFilesAndDirectories() throws {
        let fixture = try GitFixture.make(files: [
            "dir/one.txt": "1\n", "dir/sub/two.txt": "2\n", "file": "f\n", "gone/a.txt": "a\n", "gone/b/c.txt": "c\n",
            "run.sh": "#!/bin/sh\n", "keep.txt": "k\n",
        ])
        defer { fixture.remove() }
        try fixture.symlink("link", to: "keep.txt")
        try fixture.commitAll("link")
        try fixture.remove("dir")
        try fixture.write("dir", "now a file\n")
        try fixture.remove("file")
        try fixture.write("file/inside.txt", "now a directory\n")
        try fixture.remove("gone")
        try fixture.chmod("run.sh", 0o755)
        try fixture.remove("link")
        try fixture.symlink("link", to: "run.sh")
        try check(fixture, bases: ["HEAD", "HEAD~1"])
        try fixture.git("add", "--all")
        try check(fixture, bases: ["HEAD", "HEAD~1"])
    }

    /// Entries recorded in the same tick as the index (or later) are hashed, not trusted: an unchanged file is
    /// still unchanged, a changed one still changed.
    @Test func racyEntriesAreHashed() throws {
        let fixture = try GitFixture.make(files: ["same.txt": "same\n", "edit.txt": "edit\n", "other.txt": "o\n"])
        defer { fixture.remove() }
        // Dated in the future, so the index written now is older than the entries it records.
        var future = [timespec(tv_sec: 4_000_000_000, tv_nsec: 0), timespec(tv_sec: 4_000_000_000, tv_nsec: 0)]
        for name in ["same.txt", "edit.txt"] {
            #expect(utimensat(AT_FDCWD, fixture.path + "/" + name, &future, 0) == 0)
        }
        _ = try? fixture.git("update-index", "--refresh")
        let index = try #require(try IndexFile.read(gitDirectory: fixture.path + "/.git"))
        let racy = index.entries.filter {
            Int64($0.modificationSeconds) * 1_000_000_000 >= index.fileModificationTime
        }
        #expect(Set(racy.map(\.path)).isSuperset(of: ["same.txt", "edit.txt"]))
        try check(fixture, bases: ["HEAD"])
        try fixture.write("edit.txt", "EDIT\n")  // same size, same (future) mtime
        #expect(utimensat(AT_FDCWD, fixture.path + "/edit.txt", &future, 0) == 0)
        try check(fixture, bases: ["HEAD"])
        let repository = try fixture.repository()
        #expect(try repository.workingTreeChangedPaths(from: repository.resolveCommit("HEAD")) == ["edit.txt"])
    }

    /// A path staged and then changed back, or untracked with `git rm --cached` and left as it was, differs from
    /// the index on both sides but not from the base: the content comparison drops it, and only it.
    @Test func contentEqualToTheBaseIsNoContentChange() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "d.txt": "d\n"])
        defer { fixture.remove() }
        try fixture.write("a.txt", "staged\n")
        try fixture.git("add", "a.txt")
        try fixture.write("a.txt", "a\n")
        try fixture.git("rm", "--cached", "--quiet", "b.txt")
        try fixture.write("c.txt", "staged\n")
        try fixture.git("add", "c.txt")
        try fixture.write("c.txt", "edited again\n")
        try fixture.write("d.txt", "unstaged\n")
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(try repository.workingTreeChangedPaths(from: head) == ["a.txt", "b.txt", "c.txt", "d.txt"])
        #expect(try repository.workingTreeContentChangedPaths(from: head) == ["c.txt", "d.txt"])
        // libgit2's route (taken for submodules, conflicts, unusual settings) gives the same answer.
        #expect(try repository.slowWorkingTreeContentChangedPaths(from: head) == ["c.txt", "d.txt"])
        // Against the empty tree every file is new, whatever the index says.
        #expect(try repository.workingTreeContentChangedPaths(from: nil) == ["a.txt", "b.txt", "c.txt", "d.txt"])
    }

    /// Settings the fast path does not model send it to libgit2, whose answer honours them.
    @Test(arguments: ["core.filemode", "core.ignorecase"])
    func unusualSettingsFallBack(setting: String) throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        try fixture.git("config", setting, setting == "core.filemode" ? "false" : "true")
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(try repository.fastWorkingTreeChangedPaths(from: head) == nil)
        #expect(
            try repository.workingTreeChangedPaths(from: head)
                == (try repository.slowWorkingTreeChangedPaths(from: head)))
    }
}
