import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

/// A source repository with three commits and a `git clone --depth <depth> file://…` of it.
private func shallowClone(depth: Int) throws -> (source: GitFixture, clone: GitFixture) {
    let source = try GitFixture.make(files: ["a.txt": "1\n", "dir/b.txt": "b\n"])
    try source.commit(["a.txt": "2\n"])
    try source.commit(["a.txt": "3\n", "dir/c.txt": "c\n"])
    let clone = GitFixture(directory: try TemporaryDirectory(prefix: "fleet-shallow"))
    try source.git("clone", "--quiet", "--depth", String(depth), "file://" + source.path, clone.path)
    return (source, clone)
}

@Suite struct ShallowCloneTests {
    @Test func detectsShallowClonesAndExplainsMissingHistory() throws {
        let (source, clone) = try shallowClone(depth: 1)
        defer {
            source.remove()
            clone.remove()
        }
        let repository = try clone.repository()
        #expect(repository.isShallow)
        #expect(try !source.repository().isShallow)
        let head = try repository.resolveCommit("HEAD")
        #expect(head.description == (try source.git("rev-parse", "HEAD")))
        #expect(try repository.resolveCommit("origin/main") == head)

        for revision in ["HEAD~1", "origin/main^", "main~2"] {
            let error = try #require(throws: GitError.self) { try repository.resolveCommit(revision) }
            #expect(error == .missingObject(revision: revision, isShallow: true), "\(revision)")
            #expect(
                error.diagnostics[0].description.contains(
                    "hint: this is a shallow clone: fetch full history (actions/checkout: fetch-depth: 0) or "
                        + "git fetch --unshallow"))
        }
        // A base given by id that the clone never fetched.
        let first = try source.git("rev-parse", "HEAD~2")
        #expect(
            try #require(throws: GitError.self) { try repository.resolveCommit(first) }
                == .missingObject(revision: first, isShallow: true))
        let short = String(first.prefix(10))
        let unknown = try #require(throws: GitError.self) { try repository.resolveCommit(short) }
        #expect(unknown == .unknownRevision(short, suggestion: nil, isShallow: true))
        #expect(unknown.hints.contains(GitError.shallowHint))

        // What is there still works without the history.
        #expect(try repository.files(at: head).map(\.path) == ["a.txt", "dir/b.txt", "dir/c.txt"])
        #expect(try repository.changes(from: nil, to: head).count == 3)
        #expect(try repository.parents(of: head).count == 1)  // recorded in the commit, absent from the clone
        let parent = try #require(try repository.parents(of: head).first)
        #expect(throws: GitError.self) { try repository.files(at: parent) }
    }

    @Test func deeperCloneResolvesUpToItsBoundary() throws {
        let (source, clone) = try shallowClone(depth: 2)
        defer {
            source.remove()
            clone.remove()
        }
        let repository = try clone.repository()
        #expect(repository.isShallow)
        #expect(try repository.resolveCommit("HEAD~1").description == (try source.git("rev-parse", "HEAD~1")))
        #expect(
            try #require(throws: GitError.self) { try repository.resolveCommit("HEAD~2") }
                == .missingObject(revision: "HEAD~2", isShallow: true))
        let changes = try repository.changes(
            from: repository.resolveCommit("HEAD~1"), to: repository.resolveCommit("HEAD"))
        #expect(nameStatus(changes) == ["A\tdir/c.txt", "M\ta.txt"])
    }
}
