import FleetTestSupport
import Testing

@testable import FleetGit

/// One scenario: a change made on top of a base tree, compared through FleetGit and `git diff --name-status -M`.
struct DiffScenario: CustomTestStringConvertible, Sendable {
    var name: String
    var change: @Sendable (GitFixture) throws -> Void
    var testDescription: String { name }
}

private let baseFiles: [String: String] = [
    "README.md": "readme\n", "keep.txt": "keep\n",
    "services/api/main.py": (0..<40).map { "line \($0) of the api service\n" }.joined(),
    "services/api/config.json": "{\"port\": 8080}\n", "libs/common/util.py": "def util(): pass\n",
    "docs/guide.md": (0..<30).map { "guide paragraph \($0)\n" }.joined(), "deep/a/b/c/d.txt": "deep\n",
    "scripts/build.sh": "#!/bin/sh\necho build\n", "ünï/fïlé with space.txt": "unicode\n",
]

private let scenarios: [DiffScenario] = [
    DiffScenario(name: "add") { try $0.write("services/api/new.py", "new\n") },
    DiffScenario(name: "delete") { try $0.remove("libs/common/util.py") },
    DiffScenario(name: "modify") { try $0.write("README.md", "readme v2\n") },
    DiffScenario(name: "exact rename within a directory") {
        try $0.git("mv", "services/api/config.json", "services/api/settings.json")
    },
    DiffScenario(name: "similar rename across directories") {
        try $0.git("mv", "services/api/main.py", "libs/common/main.py")
        try $0.write("libs/common/main.py", (0..<40).map { "line \($0) of the api service\n" }.joined() + "more\n")
    },
    DiffScenario(name: "rename of a whole directory") { try $0.git("mv", "docs", "documentation") },
    DiffScenario(name: "chmod +x") { try $0.chmod("keep.txt", 0o755) },
    DiffScenario(name: "chmod -x") { try $0.chmod("scripts/build.sh", 0o644) },
    DiffScenario(name: "new symlink") { try $0.symlink("services/api/link", to: "main.py") },
    DiffScenario(name: "file becomes symlink") { try $0.symlink("keep.txt", to: "README.md") },
    DiffScenario(name: "nested directories") {
        try $0.write("deep/a/b/c/e/f/g.txt", "g\n")
        try $0.remove("deep/a/b/c/d.txt")
    },
    DiffScenario(name: "unicode and spaces") {
        try $0.write("ünï/fïlé with space.txt", "changed\n")
        try $0.write("new dir/ñ ü.txt", "x\n")
    },
    DiffScenario(name: "submodule added and moved") {
        try $0.git("update-index", "--add", "--cacheinfo", "160000,\(String(repeating: "1", count: 40)),vendor/lib")
    },
    DiffScenario(name: "directory replaced by a file") {
        try $0.remove("deep")
        try $0.write("deep", "now a file\n")
    },
    DiffScenario(name: "many changes at once") {
        try $0.write("README.md", "again\n")
        try $0.remove("keep.txt")
        try $0.git("mv", "docs/guide.md", "guide.md")
        try $0.write("libs/common/new.py", "n\n")
        try $0.chmod("services/api/config.json", 0o755)
    },
]

@Suite struct DiffTests {
    @Test(arguments: scenarios)
    func commitToCommitMatchesGitDiff(scenario: DiffScenario) throws {
        let fixture = try GitFixture.make(files: baseFiles)
        defer { fixture.remove() }
        try fixture.chmod("scripts/build.sh", 0o755)
        try fixture.commitAll("executable script")
        try fixture.git("add", "--all")
        try scenario.change(fixture)
        try fixture.git("add", "--all")
        // Re-applied after `add --all`, which drops gitlinks without a checked-out submodule.
        if scenario.name.hasPrefix("submodule") { try scenario.change(fixture) }
        try fixture.git("commit", "--quiet", "--no-gpg-sign", "-m", scenario.name)
        let repository = try fixture.repository()
        let base = try repository.resolveCommit("HEAD~1")
        let head = try repository.resolveCommit("HEAD")
        let changes = try repository.changes(from: base, to: head)
        let expected = try fixture.nameStatus(["HEAD~1", "HEAD"])
        #expect(!expected.isEmpty)
        #expect(nameStatus(changes) == expected)
        // Every change carries the modes and ids of the sides that exist.
        for change in changes {
            #expect(
                (change.oldPath == nil) == (change.oldID == nil) && (change.oldPath == nil) == (change.oldMode == nil))
            #expect(
                (change.newPath == nil) == (change.newID == nil) && (change.newPath == nil) == (change.newMode == nil))
        }
        // Reversed, every addition is a deletion and the other way round.
        let reversed = try repository.changes(from: head, to: base)
        #expect(nameStatus(reversed) == (try fixture.nameStatus(["HEAD", "HEAD~1"])))
    }

    @Test func renameDetails() throws {
        let fixture = try GitFixture.make(files: baseFiles)
        defer { fixture.remove() }
        try fixture.git("mv", "services/api/main.py", "libs/common/main.py")
        try fixture.write("libs/common/main.py", (0..<40).map { "line \($0) of the api service\n" }.joined() + "x\n")
        try fixture.git("mv", "keep.txt", "kept.txt")
        try fixture.commitAll("renames")
        let repository = try fixture.repository()
        let changes = try repository.changes(
            from: repository.resolveCommit("HEAD~1"), to: repository.resolveCommit("HEAD"))
        let exact = try #require(changes.first { $0.newPath == "kept.txt" })
        #expect(exact.status == .renamed && exact.similarity == 100 && exact.oldID == exact.newID)
        #expect(exact.paths == ["keep.txt", "kept.txt"])
        let similar = try #require(changes.first { $0.newPath == "libs/common/main.py" })
        #expect(similar.status == .renamed && similar.oldPath == "services/api/main.py")
        #expect((50..<100).contains(similar.similarity ?? 0))
        let withoutRenames = try repository.changes(
            from: repository.resolveCommit("HEAD~1"), to: repository.resolveCommit("HEAD"), detectRenames: false)
        #expect(
            withoutRenames.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.added, .added, .deleted, .deleted])
    }

    @Test func emptyTreeOnEitherSide() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n", "dir/b.txt": "b\n"])
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(nameStatus(try repository.changes(from: nil, to: head)) == ["A\ta.txt", "A\tdir/b.txt"])
        #expect(nameStatus(try repository.changes(from: head, to: nil)) == ["D\ta.txt", "D\tdir/b.txt"])
        #expect(try repository.changes(from: head, to: head).isEmpty)
        #expect(try repository.changes(from: nil, to: nil).isEmpty)
    }
}
