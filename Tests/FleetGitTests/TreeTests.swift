import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

/// A tree with nested directories, an executable, a symlink, a submodule, and names git must not mangle.
private func treeFixture() throws -> GitFixture {
    let fixture = try GitFixture.make(files: [
        "README.md": "top\n", "a.txt": "a\n", "a-b/x.txt": "x\n", "a/b/c/deep.txt": "deep\n", "a/z.txt": "z\n",
        "services/api/main.py": "print(1)\n", "services/api/tests/t.py": "t\n", "services/web/index.html": "<p>\n",
        "libs/common/lib.py": "lib\n", "with space/file name.txt": "space\n", "ünïcödé/日本.txt": "utf8\n",
    ])
    try fixture.write("tools/run.sh", "#!/bin/sh\n", executable: true)
    try fixture.symlink("link-to-readme", to: "README.md")
    try fixture.symlink("services/api/current", to: "../web")
    try fixture.git("add", "--all")
    // A gitlink, written straight into the index (no submodule clone needed).
    try fixture.git("update-index", "--add", "--cacheinfo", "160000,\(String(repeating: "1", count: 40)),vendor/sub")
    try fixture.git("commit", "--quiet", "--no-gpg-sign", "-m", "second")
    return fixture
}

/// `git ls-tree -r -z` as `TreeEntry.description` lines.
private func lsTree(_ fixture: GitFixture, _ arguments: [String] = []) throws -> [String] {
    try fixture.fields(["ls-tree", "-r", "-z", "HEAD"] + arguments).map { line in
        // "<mode> <type> <id>\t<path>"
        let parts = line.split(separator: "\t", maxSplits: 1)
        let meta = parts[0].split(separator: " ")
        return "\(meta[0]) \(meta[2])\t\(parts[1])"
    }
}

@Suite struct TreeTests {
    @Test func filesMatchLsTree() throws {
        let fixture = try treeFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let entries = try repository.files(at: head)
        #expect(entries.map(\.description) == (try lsTree(fixture)))
        #expect(entries.first { $0.path == "tools/run.sh" }?.mode == .executable)
        #expect(entries.first { $0.path == "link-to-readme" }?.mode == .symlink)
        #expect(entries.first { $0.path == "vendor/sub" }?.mode == .gitlink)
        #expect(entries.contains { $0.path == "ünïcödé/日本.txt" })
        #expect(entries.contains { $0.path == "with space/file name.txt" })
    }

    @Test(arguments: [
        ["services/api"], ["services"], ["a"], ["a/b"], ["README.md"], ["services/api", "libs/common/"],
        ["./services//web"], ["nothing/here"], ["a.txt", "a/z.txt"], ["ünïcödé"],
    ])
    func prefixesMatchLsTreeWithPathspecs(prefixes: [String]) throws {
        let fixture = try treeFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let expected = try lsTree(fixture, ["--"] + prefixes.map { RelativePath.normalize($0) ?? $0 })
        #expect(try repository.files(at: head, under: prefixes).map(\.description) == expected)
    }

    @Test func rootPrefixAndEmptyPrefixList() throws {
        let fixture = try treeFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(try repository.files(at: head, under: [""]).count == repository.files(at: head).count)
        #expect(try repository.files(at: head, under: []).isEmpty)
        #expect(throws: GitError.self) { try repository.files(at: head, under: ["../x"]) }
        #expect(throws: GitError.self) { try repository.files(at: head, under: ["/abs"]) }
    }

    @Test func filesOfAnOlderCommitIgnoreTheCheckout() throws {
        let fixture = try treeFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let first = try repository.resolveCommit("HEAD~1")
        try fixture.write("README.md", "changed in the worktree\n")
        try fixture.remove("a.txt")
        #expect(
            try repository.files(at: first).map(\.description)
                == lsTree(fixture).filter { entry in
                    !["tools/run.sh", "link-to-readme", "services/api/current", "vendor/sub"].contains {
                        entry.hasSuffix("\t" + $0)
                    }
                })
        #expect(try repository.blob(at: "README.md", in: first) == Array("top\n".utf8))
    }

    @Test func blobsAndSymlinkTargets() throws {
        let fixture = try treeFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(try repository.blob(at: "ünïcödé/日本.txt", in: head) == Array("utf8\n".utf8))
        #expect(try repository.blob(at: "with space/file name.txt", in: head) == Array("space\n".utf8))
        #expect(try repository.blob(at: "services/api/current", in: head) == Array("../web".utf8))
        #expect(try repository.blob(at: "missing.txt", in: head) == nil)
        #expect(try repository.blob(at: "services", in: head) == nil)  // a directory
        #expect(try repository.blob(at: "vendor/sub", in: head) == nil)  // a submodule
        #expect(try repository.blob(at: "a.txt/below", in: head) == nil)
        let entry = try #require(try repository.entry(at: "./services/api/main.py", in: head))
        #expect(entry.path == "services/api/main.py")
        #expect(entry.id.description == (try fixture.git("rev-parse", "HEAD:services/api/main.py")))
        #expect(try repository.blobContent(entry.id) == Array("print(1)\n".utf8))
        let absent = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        #expect(
            try #require(throws: GitError.self) { try repository.blobContent(absent) }
                == .missingObject(revision: absent.description, isShallow: false))
        #expect(throws: GitError.self) { try repository.files(at: absent) }
    }
}
