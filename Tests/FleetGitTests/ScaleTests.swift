import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

extension Tag {
    @Tag static var integration: Self
}

/// Behaviour at a size where shortcuts matter (a few thousand files); checks what is read, not how long it takes.
@Suite(.tags(.integration)) struct ScaleTests {
    private static func bigFixture() throws -> GitFixture {
        var files: [String: String] = [:]
        for service in 0..<40 {
            for file in 0..<50 { files["services/s\(service)/src/f\(file).py"] = "service \(service) file \(file)\n" }
        }
        for file in 0..<200 { files["libs/common/m\(file).py"] = "lib \(file)\n" }
        return try GitFixture.make(files: files)
    }

    @Test func treesAndDiffsNeverReadTheWorkingTreeOrUnrelatedSubtrees() throws {
        let fixture = try Self.bigFixture()
        defer { fixture.remove() }
        try fixture.commit(["services/s7/src/f3.py": "changed\n"])
        let repository = try fixture.repository()
        let base = try repository.resolveCommit("HEAD~1")
        let head = try repository.resolveCommit("HEAD")
        #expect(try repository.files(at: head).count == 2200)
        #expect(try repository.files(at: head, under: ["services/s7", "libs"]).count == 250)

        // Delete the whole working tree: commit-to-commit reading does not care.
        for name in try FileSystem.listDirectory(fixture.path) where name != ".git" {
            try FileSystem.removeTree(fixture.directory.appending(name))
        }
        #expect(nameStatus(try repository.changes(from: base, to: head)) == ["M\tservices/s7/src/f3.py"])

        // Remove an unrelated subtree object: reading under other prefixes never touches it, a full read fails.
        let unrelated = try fixture.git("rev-parse", "HEAD:services/s30")
        try FileSystem.removeTree(fixture.path + "/.git/objects/" + unrelated.prefix(2) + "/" + unrelated.dropFirst(2))
        let fresh = try fixture.repository()
        #expect(try fresh.files(at: head, under: ["services/s7"]).count == 50)
        #expect(try fresh.changes(from: base, to: head).count == 1)  // identical subtrees are compared by id
        #expect(throws: GitError.self) { try fresh.files(at: head) }
    }

    @Test func workingTreeListingAtScale() throws {
        let fixture = try Self.bigFixture()
        defer { fixture.remove() }
        try fixture.write(".gitignore", "*.pyc\n")
        try fixture.write("services/s1/src/f1.pyc", "compiled\n")
        try fixture.write("services/s1/src/new.py", "new\n")
        try fixture.remove("services/s2/src/f2.py")
        let repository = try fixture.repository()
        let files = try repository.workingTreeFiles()
        #expect(files.count == 2200 + 2 - 1)
        #expect(files.filter { !$0.isTracked }.map(\.path) == [".gitignore", "services/s1/src/new.py"])
        let changes = try repository.workingTreeChanges(from: repository.resolveCommit("HEAD"))
        #expect(nameStatus(changes) == ["A\t.gitignore", "A\tservices/s1/src/new.py", "D\tservices/s2/src/f2.py"])
    }
}
