import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

#if canImport(Glibc)
import Glibc
#endif

/// A committed tree plus every kind of working-tree state: staged, unstaged, untracked (also in new
/// directories), ignored (files, directories, negated patterns), deleted, renamed, chmod, symlinks.
func dirtyFixture(before: (GitFixture) throws -> Void = { _ in }) throws -> GitFixture {
    let fixture = try GitFixture.make(files: [
        ".gitignore": "*.log\nbuild/\n/secret.txt\n!keep.log\ncache/**/*.tmp\n",
        "README.md": "readme\n", "src/main.py": (0..<30).map { "print(\($0))\n" }.joined(), "src/util.py": "u\n",
        "docs/a.md": "a\n", "docs/b.md": "b\n", "staged.txt": "s\n", "both.txt": "b\n", "gone.txt": "g\n",
        "chmod.sh": "#!/bin/sh\n",
        "services/api/.gitignore": "local-only/\n", "services/api/app.py": "app\n", "typechange.txt": "t\n",
    ])
    try fixture.write("tracked-ignored.log", "tracked although ignored\n")
    try fixture.git("add", "--force", "tracked-ignored.log")
    try fixture.commitAll("track an ignored file")
    try before(fixture)
    try fixture.write("staged.txt", "staged change\n")
    try fixture.git("add", "staged.txt")
    try fixture.write("both.txt", "staged\n")
    try fixture.git("add", "both.txt")
    try fixture.write("both.txt", "staged then changed again\n")
    try fixture.write("README.md", "unstaged change\n")
    try fixture.remove("gone.txt")
    try fixture.git("mv", "src/main.py", "src/entry.py")
    try fixture.git("rm", "--quiet", "--cached", "docs/b.md")  // deleted from the index, still on disk: untracked
    try fixture.chmod("chmod.sh", 0o755)
    try fixture.symlink("link", to: "README.md")
    try fixture.symlink("typechange.txt", to: "README.md")  // a file becomes a symlink, unstaged
    try fixture.write("new.txt", "new\n")
    try fixture.write("newdir/sub/deeper.txt", "deeper\n")
    try fixture.write("newdir/top.txt", "top\n")
    try fixture.write("ünï dir/fïlé ü.txt", "unicode\n")
    try fixture.write("debug.log", "ignored\n")
    try fixture.write("keep.log", "negated: not ignored\n")
    try fixture.write("build/out.bin", "ignored dir\n")
    try fixture.write("build/nested/more.bin", "ignored dir\n")
    try fixture.write("secret.txt", "anchored ignore\n")
    try fixture.write("sub/secret.txt", "not anchored: kept\n")
    try fixture.write("cache/x/y.tmp", "ignored by **\n")
    try fixture.write("cache/x/y.txt", "kept\n")
    try fixture.write("services/api/local-only/x.txt", "ignored by a nested .gitignore\n")
    try fixture.write("onlyignored/a.log", "a directory holding only ignored files\n")
    try FileSystem.createDirectory(fixture.directory.appending("emptydir"))
    return fixture
}

@Suite struct WorkingTreeTests {
    @Test func workingTreeChangesMatchGitDiffPlusUntracked() throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let changes = try repository.workingTreeChanges(from: head)
        let tracked = try fixture.nameStatus(["HEAD"])
        let untracked = try fixture.fields(["ls-files", "-z", "--others", "--exclude-standard"]).map { "A\t\($0)" }
        #expect(nameStatus(changes) == (tracked + untracked).sorted())
        // Spot checks on what the comparison covers.
        let paths = Set(changes.flatMap(\.paths))
        #expect(
            paths.isSuperset(of: [
                "staged.txt", "both.txt", "README.md", "gone.txt", "src/entry.py", "chmod.sh",
                "link", "new.txt", "newdir/sub/deeper.txt", "ünï dir/fïlé ü.txt", "keep.log",
                "sub/secret.txt", "cache/x/y.txt", "docs/b.md",
            ]))
        #expect(
            paths.isDisjoint(with: [
                "debug.log", "build/out.bin", "secret.txt", "cache/x/y.tmp",
                "services/api/local-only/x.txt", "onlyignored/a.log", "emptydir",
            ]))
        #expect(changes.first { $0.newPath == "src/entry.py" }?.status == .renamed)
        #expect(changes.first { $0.path == "gone.txt" }?.status == .deleted)
        #expect(changes.first { $0.path == "chmod.sh" }?.newMode == .executable)
        #expect(changes.first { $0.path == "link" }?.newMode == .symlink)
        #expect(changes.first { $0.path == "typechange.txt" }?.status == .typeChanged)
    }

    @Test func workingTreeChangesAgainstAnOlderCommitAndTheEmptyTree() throws {
        let fixture = try dirtyFixture { try $0.commit(["later.txt": "later\n", "README.md": "later\n"]) }
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let untracked = try fixture.fields(["ls-files", "-z", "--others", "--exclude-standard"]).map { "A\t\($0)" }
        let older = try repository.resolveCommit("HEAD~1")
        #expect(
            nameStatus(try repository.workingTreeChanges(from: older))
                == (try fixture.nameStatus(["HEAD~1"]) + untracked).sorted())
        let everything = try repository.workingTreeChanges(from: nil)
        #expect(everything.allSatisfy { $0.status == .added })
        let present = try fixture.fields(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        let deleted = Set(try fixture.fields(["ls-files", "-z", "--deleted"]))
        #expect(everything.map(\.path).sorted() == present.filter { !deleted.contains($0) }.sorted())
    }

    @Test func cleanWorkingTreeHasNoChanges() throws {
        let fixture = try GitFixture.make(files: [".gitignore": "*.o\n", "a.c": "int a;\n"])
        defer { fixture.remove() }
        try fixture.write("a.o", "object\n")
        let repository = try fixture.repository()
        #expect(try repository.workingTreeChanges(from: repository.resolveCommit("HEAD")).isEmpty)
    }

    @Test func workingTreeFilesMatchLsFiles() throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let files = try repository.workingTreeFiles()
        // `git ls-files -co` prints the untracked files first; each list on its own is in git's (byte) order.
        let deleted = Set(try fixture.fields(["ls-files", "-z", "--deleted"]))
        let tracked = try fixture.fields(["ls-files", "-z", "--cached"]).filter { !deleted.contains($0) }
        let untracked = try fixture.fields(["ls-files", "-z", "--others", "--exclude-standard"])
        let expected = (tracked + untracked).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(files.map(\.path) == expected)
        let others = Set(try fixture.fields(["ls-files", "-z", "--others", "--exclude-standard"]))
        for file in files { #expect(file.isTracked == !others.contains(file.path), "\(file.path)") }
        #expect(files.first { $0.path == "tracked-ignored.log" }?.isTracked == true)
        #expect(files.first { $0.path == "chmod.sh" }?.mode == .executable)
        #expect(files.first { $0.path == "link" }?.mode == .symlink)
        #expect(files.first { $0.path == "README.md" }?.mode == .regular)
    }

    @Test func workingTreeFilesSkipNestedRepositoriesAndListSubmodules() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n"])
        defer { fixture.remove() }
        try fixture.write("nested/inner.txt", "inner\n")
        try fixture.git("-C", "nested", "init", "--quiet")
        try fixture.git("update-index", "--add", "--cacheinfo", "160000,\(String(repeating: "1", count: 40)),sub")
        try FileSystem.createDirectory(fixture.directory.appending("sub"))
        try fixture.write("sub/inside.txt", "belongs to the submodule\n")
        let files = try fixture.repository().workingTreeFiles()
        #expect(files.map(\.path) == ["a.txt", "sub"])
        #expect(files.last?.mode == .gitlink)
    }

    /// The walk looks paths up through a forward cursor: deleted directories make it jump (gallop), names that sort
    /// around a directory (`c.txt` < `c/` < `c0`) and a submodule whose index path sorts before its neighbours must
    /// still be found. git ls-files is the oracle.
    @Test func workingTreeFilesAroundDeletedDirectoriesAndSubmodules() throws {
        var files: [String: String] = ["a/c.txt": "1\n", "a/c/x.txt": "2\n", "a/c0": "3\n", "a/c-d/y": "4\n",
                                       "sub.txt": "5\n", "sub-dir/z": "6\n", "z.txt": "7\n"]
        for i in 0..<300 { files["gone/\(i / 10)/f\(i).txt"] = "\(i)\n" }
        for i in 0..<40 { files["m/gone-\(i)/f.txt"] = "\(i)\n" }
        files["m/kept/f.txt"] = "kept\n"
        let fixture = try GitFixture.make(files: files)
        defer { fixture.remove() }
        try fixture.git("update-index", "--add", "--cacheinfo", "160000,\(String(repeating: "1", count: 40)),sub")
        try FileSystem.createDirectory(fixture.directory.appending("sub"))
        try FileSystem.removeTree(fixture.directory.appending("gone"))
        for i in 0..<40 where i % 3 != 0 { try FileSystem.removeTree(fixture.directory.appending("m/gone-\(i)")) }
        try fixture.write("a/c/untracked.txt", "u\n")
        let listed = try fixture.repository().workingTreeFiles()
        let deleted = Set(try fixture.fields(["ls-files", "-z", "--deleted"]))
        let tracked = try fixture.fields(["ls-files", "-z", "--cached"]).filter { !deleted.contains($0) }
        let untracked = try fixture.fields(["ls-files", "-z", "--others", "--exclude-standard"])
        #expect(untracked == ["a/c/untracked.txt"])
        let expected = (tracked + untracked).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(listed.map(\.path) == expected)
        #expect(listed.filter { !$0.isTracked }.map(\.path) == untracked)
        #expect(listed.first { $0.path == "sub" }?.mode == .gitlink)
        #expect(listed.first { $0.path == "sub" }?.metadata == nil)
    }

    /// Regular files carry the walk's lstat (so hashing can skip its own); symlinks do not.
    @Test func workingTreeFilesCarryTheirLstat() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "twelve bytes", "run.sh": "#!/bin/sh\n"])
        defer { fixture.remove() }
        try fixture.chmod("run.sh", 0o755)
        try fixture.symlink("link", to: "a.txt")
        let listed = try fixture.repository().workingTreeFiles()
        for file in listed where file.mode != .symlink {
            var info = stat()
            #expect(lstat(fixture.directory.appending(file.path), &info) == 0)
            let metadata = try #require(file.metadata)
            #expect(metadata.size == Int64(info.st_size))
            #expect(metadata.inode == UInt64(info.st_ino))
            #expect(metadata.mode == UInt32(info.st_mode))
            #expect(metadata.modificationSeconds == Int64(info.st_mtim.tv_sec))
            #expect(metadata.modificationNanoseconds == Int64(info.st_mtim.tv_nsec))
            #expect(metadata.changeNanoseconds == Int64(info.st_ctim.tv_nsec))
        }
        #expect(listed.first { $0.path == "a.txt" }?.metadata?.size == 12)
        #expect(listed.first { $0.path == "run.sh" }.map { $0.metadata!.mode & 0o111 != 0 } == true)
        #expect(listed.first { $0.path == "link" }?.metadata == nil)
    }

    @Test func oddFileNamesSurviveTheRoundTrip() throws {
        let names = [
            "tab\there.txt", "quote\"d.txt", "back\\slash.txt", " leading space.txt", "new\nline.txt",
            "emoji 🚀.txt", "décomposé.txt",
        ]
        var files: [String: String] = [:]
        for name in names { files["odd/\(name)"] = "\(name)\n" }
        let fixture = try GitFixture.make(files: files)
        defer { fixture.remove() }
        try fixture.write("odd/untracked \t.txt", "u\n")
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let tracked = try fixture.fields(["ls-files", "-z"])
        #expect(try repository.files(at: head).map(\.path) == tracked)
        #expect(
            try repository.workingTreeFiles().map(\.path).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                == (tracked + ["odd/untracked \t.txt"]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for name in names {
            #expect(try repository.blob(at: "odd/\(name)", in: head) == Array("\(name)\n".utf8), "\(name)")
        }
        try fixture.remove("odd/new\nline.txt")
        #expect(
            nameStatus(try repository.workingTreeChanges(from: head)) == [
                "A\todd/untracked \t.txt", "D\todd/new\nline.txt",
            ])
    }

    @Test func namesThatAreNotUTF8DoNotCrash() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n"])
        defer { fixture.remove() }
        let invalid: [UInt8] =
            Array(fixture.path.utf8) + Array("/bad-\u{1}".utf8) + [0xFF, 0xFE, 0x2E, 0x74, 0x78, 0x74, 0]
        let fd = invalid.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        try #require(fd >= 0)
        close(fd)
        let files = try fixture.repository().workingTreeFiles()
        #expect(files.count == 2)
        #expect(files.contains { $0.path.contains("\u{FFFD}") && !$0.isTracked })
    }

    @Test func isIgnoredMatchesCheckIgnore() throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let paths = [
            "debug.log", "keep.log", "build/out.bin", "build", "secret.txt", "sub/secret.txt",
            "cache/x/y.tmp", "cache/x/y.txt", "services/api/local-only/x.txt", "tracked-ignored.log",
            "README.md", "not-there.log", "not-there.txt", "deep/new/build/x",
        ]
        for path in paths {
            let result = try TestProcess.run(
                "/usr/bin/git", ["-C", fixture.path, "check-ignore", "--quiet", path],
                environment: fixture.environment())
            #expect(try repository.isIgnored(path) == (result.exitCode == 0), "\(path)")
        }
    }

    @Test func statusOfSinglePaths() throws {
        let fixture = try dirtyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let expected: [String: PathStatus] = [
            "src/util.py": .clean, "README.md": .modified, "staged.txt": .staged, "both.txt": .modified,
            "gone.txt": .modified, "new.txt": .untracked, "debug.log": .ignored, "absent.txt": .absent,
            "build/out.bin": .ignored, "tracked-ignored.log": .clean, "chmod.sh": .modified, "src/entry.py": .staged,
            "src/main.py": .staged,
        ]
        for (path, status) in expected {
            #expect(try repository.status(ofPath: path) == status, "\(path)")
        }
        #expect(throws: GitError.self) { try repository.status(ofPath: "src") }
        #expect(throws: GitError.self) { try repository.status(ofPath: "../outside") }
        #expect(!PathStatus.clean.isDirty && PathStatus.staged.isDirty && !PathStatus.ignored.isDirty)
    }
}
