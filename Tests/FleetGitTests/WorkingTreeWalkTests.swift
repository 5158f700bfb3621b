import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

/// The working-tree walk on several threads must list exactly what one thread lists, and what git lists.
@Suite(.tags(.integration)) struct WorkingTreeWalkTests {
    /// Hundreds of directories and a few thousand files, with everything that changes what the walk enters or
    /// lists: ignored directories and files, untracked files and directories, a deleted directory, a symlink, an
    /// executable, a nested repository, a submodule, names that sort around a directory (`c.txt` < `c/` < `c0`).
    private static func manyDirectoriesFixture() throws -> GitFixture {
        var files: [String: String] = [".gitignore": "build/\n*.log\n/p0/m0/private/\n"]
        for package in 0..<12 {
            for module in 0..<25 {
                let directory = "p\(package)/m\(module)"
                for file in 0..<8 { files["\(directory)/f\(file).txt"] = "\(directory) \(file)\n" }
                files["\(directory)/src/main.py"] = "print('\(directory)')\n"
            }
        }
        for i in 0..<60 { files["gone/d\(i % 20)/f\(i).txt"] = "\(i)\n" }
        files["p3/c.txt"] = "c\n"
        files["p3/c/x.txt"] = "x\n"
        files["p3/c0"] = "c0\n"
        files["p3/c-d/y"] = "y\n"
        let fixture = try GitFixture.make(files: files)
        try fixture.write("p5/m5/kept.log", "tracked although ignored\n")
        try fixture.git("add", "--force", "p5/m5/kept.log")
        try fixture.commitAll("track an ignored file")
        try fixture.git("update-index", "--add", "--cacheinfo", "160000,\(String(repeating: "1", count: 40)),p2/sub")
        try fixture.git("commit", "--quiet", "--no-gpg-sign", "-m", "add a submodule")

        try FileSystem.createDirectory(fixture.directory.appending("p2/sub"))
        try fixture.write("p2/sub/inside.txt", "belongs to the submodule\n")
        try FileSystem.removeTree(fixture.directory.appending("gone"))
        for package in 0..<12 {
            try fixture.write("p\(package)/build/out.o", "ignored\n")
            try fixture.write("p\(package)/m3/build/deep/out.o", "ignored\n")
            try fixture.write("p\(package)/m7/debug.log", "ignored\n")
            try fixture.write("p\(package)/m9/untracked.txt", "untracked\n")
        }
        try fixture.write("p0/m0/private/secret.txt", "ignored\n")
        for i in 0..<30 { try fixture.write("fresh/a\(i % 5)/b\(i).txt", "untracked directory \(i)\n") }
        try fixture.write("p4/m1/nested/inner.txt", "inside a nested repository\n")
        try fixture.git("-C", "p4/m1/nested", "init", "--quiet")
        try fixture.symlink("p6/m2/link", to: "f0.txt")
        try fixture.write("p7/m4/run.sh", "#!/bin/sh\n", executable: true)
        try fixture.chmod("p8/m8/f1.txt", 0o755)
        try fixture.write("p9/m9/f2.txt", "changed\n")
        try fixture.remove("p10/m10/f3.txt")
        return fixture
    }

    @Test func parallelWalkEqualsSingleThreadedWalkAndGit() throws {
        let fixture = try Self.manyDirectoriesFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()

        let deleted = Set(try fixture.fields(["ls-files", "-z", "--deleted"]))
        let tracked = try fixture.fields(["ls-files", "-z", "--cached"]).filter { !deleted.contains($0) }
        // git lists a nested repository as `dir/`; the walk skips it.
        let untracked = try fixture.fields(["ls-files", "-z", "--others", "--exclude-standard"])
            .filter { !$0.hasSuffix("/") }
        let expected = (tracked + untracked).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(expected.count > 2700)
        #expect(untracked.count == 12 + 30 + 2)  // m9/untracked.txt, fresh/…, the symlink and run.sh

        let single = try repository.workingTreeFiles(workers: 1)
        #expect(single.map(\.path) == expected)
        #expect(single.filter { !$0.isTracked }.map(\.path) == untracked)
        for workers in [2, 3, 8] {
            let parallel = try repository.workingTreeFiles(workers: workers)
            #expect(parallel.map(\.path) == expected, "\(workers) workers")
            #expect(parallel == single, "\(workers) workers")  // modes, tracked flags and lstat data too
        }
        #expect(try repository.workingTreeFiles() == single)

        #expect(single.first { $0.path == "p2/sub" }?.mode == .gitlink)
        #expect(single.first { $0.path == "p6/m2/link" }?.mode == .symlink)
        #expect(single.first { $0.path == "p7/m4/run.sh" }?.mode == .executable)
        #expect(single.first { $0.path == "p8/m8/f1.txt" }?.mode == .executable)
        #expect(single.first { $0.path == "p5/m5/kept.log" }?.isTracked == true)
        #expect(!single.contains { $0.path.hasPrefix("p4/m1/nested") || $0.path.contains("/build/") })
    }

    /// The git-status-like fast path walks with the default worker count; libgit2's diff is the reference.
    @Test func fastChangedPathsAgreeWithLibgit2OnManyDirectories() throws {
        let fixture = try Self.manyDirectoriesFixture()
        defer { fixture.remove() }
        try fixture.git("update-index", "--force-remove", "p2/sub")  // the fast path declines submodules
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let fast = try #require(try repository.fastWorkingTreeChangedPaths(from: head))
        #expect(fast == (try repository.slowWorkingTreeChangedPaths(from: head)))
        #expect(fast.contains("p9/m9/f2.txt") && fast.contains("p10/m10/f3.txt") && fast.contains("fresh/a0/b0.txt"))
    }
}
