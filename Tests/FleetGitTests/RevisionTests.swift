import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

/// A history with every kind of name git resolves: branches, lightweight and annotated tags, a remote-tracking
/// branch, and commits reachable only by id.
private func historyFixture() throws -> GitFixture {
    let fixture = try GitFixture.make(files: ["README.md": "one\n", "src/a.txt": "a\n"])
    try fixture.commit(["README.md": "two\n"])
    try fixture.git("tag", "v1")
    try fixture.git("branch", "feature")
    try fixture.commit(["src/b.txt": "b\n"])
    try fixture.git("tag", "-a", "v2", "-m", "release two")
    try fixture.git("checkout", "--quiet", "feature")
    try fixture.commit(["feature.txt": "f\n"])
    try fixture.git("checkout", "--quiet", "main")
    try fixture.git("update-ref", "refs/remotes/origin/main", "main~2")
    return fixture
}

@Suite struct RevisionTests {
    @Test func resolvesEveryRevisionFormLikeGitRevParse() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let full = try fixture.git("rev-parse", "main~1")
        let short = String(try fixture.git("rev-parse", "feature").prefix(7))
        let revisions = [
            "main", "HEAD", "HEAD~1", "HEAD~2", "HEAD^", "main^1", "feature", "feature~1", "refs/heads/feature",
            "v1", "v2", "v2^{}", "v2^{commit}", "origin/main", "refs/remotes/origin/main", full, short,
            "main@{1}", "HEAD^{commit}", "@",
        ]
        for revision in revisions {
            let expected = try fixture.git("rev-parse", "--verify", "--quiet", "\(revision)^{commit}")
            #expect(try repository.resolveCommit(revision).description == expected, "\(revision)")
        }
        // A commit message search, which takes no suffix.
        #expect(try repository.resolveCommit(":/initial").description == fixture.git("rev-parse", ":/initial"))
    }

    @Test func headAndCurrentBranch() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        #expect(try repository.headCommit()?.description == fixture.git("rev-parse", "HEAD"))
        #expect(try repository.currentBranch() == "main")
        try fixture.git("checkout", "--quiet", "--detach", "feature")
        #expect(try repository.currentBranch() == nil)
        #expect(try repository.headCommit()?.description == fixture.git("rev-parse", "feature"))
        #expect(try repository.branchNames() == ["feature", "main"])
        #expect(try repository.branchExists("feature"))
        #expect(try !repository.branchExists("nope"))
        #expect(try repository.referenceTarget("v1")?.description == fixture.git("rev-parse", "v1"))
        // An annotated tag's reference points at the tag object, not the commit.
        #expect(try repository.referenceTarget("refs/tags/v2")?.description == fixture.git("rev-parse", "v2"))
        #expect(try repository.referenceTarget("refs/heads/none") == nil)
    }

    @Test func unknownRevisionSuggestsABranch() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let error = try #require(throws: GitError.self) { try repository.resolveCommit("featrue") }
        #expect(error == .unknownRevision("featrue", suggestion: "feature", isShallow: false))
        let rendered = error.diagnostics[0].description
        #expect(rendered.contains("error: unknown revision 'featrue'"))
        #expect(rendered.contains("hint: did you mean 'feature'?"))
        #expect(
            try #require(throws: GitError.self) { try repository.resolveCommit("origin/mian~1") }
                == .unknownRevision("origin/mian~1", suggestion: "origin/main", isShallow: false))
        #expect(throws: GitError.self) { try repository.resolveCommit("") }
    }

    @Test func walkingPastTheRootIsAnUnknownRevisionNotAMissingObject() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let error = try #require(throws: GitError.self) { try repository.resolveCommit("HEAD~10") }
        guard case .unknownRevision("HEAD~10", _, false) = error else {
            Issue.record("unexpected \(error)")
            return
        }
    }

    @Test func missingFullIDIsAMissingObject() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let absent = String(repeating: "ab", count: 20)
        #expect(
            try #require(throws: GitError.self) { try repository.resolveCommit(absent) }
                == .missingObject(revision: absent, isShallow: false))
    }

    @Test func treesAndBlobsAreNotCommits() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        #expect(
            try #require(throws: GitError.self) { try repository.resolveCommit("HEAD^{tree}") }
                == .notACommit(revision: "HEAD^{tree}", kind: "tree"))
        #expect(
            try #require(throws: GitError.self) { try repository.resolveCommit("HEAD:README.md") }
                == .notACommit(revision: "HEAD:README.md", kind: "blob"))
    }

    @Test func ambiguousShortIDs() throws {
        // 1000 blobs make two ids that share their first four hex digits (the contents are fixed, so this is
        // deterministic).
        var files: [String: String] = [:]
        for number in 0..<1000 { files["f\(number)"] = "content \(number)\n" }
        let fixture = try GitFixture.make(files: files)
        defer { fixture.remove() }
        let ids = try fixture.lines("rev-list", "--objects", "--all").map { String($0.prefix(40)) }
        var seen: [Substring: String] = [:]
        var prefix: String?
        for id in ids {
            if seen[id.prefix(4)] != nil {
                prefix = String(id.prefix(4))
                break
            }
            seen[id.prefix(4)] = id
        }
        let ambiguous = try #require(prefix)
        let repository = try fixture.repository()
        #expect(
            try #require(throws: GitError.self) { try repository.resolveCommit(ambiguous) }
                == .ambiguousRevision(ambiguous))
    }

    @Test func unbornHead() throws {
        let fixture = try GitFixture.make()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        #expect(repository.isHeadUnborn)
        #expect(try repository.isEmpty)
        #expect(try repository.headCommit() == nil)
        #expect(try repository.currentBranch() == "main")
        for revision in ["HEAD", "HEAD~1", "@"] {
            #expect(
                try #require(throws: GitError.self) { try repository.resolveCommit(revision) }
                    == .unbornHead(branch: "main"), "\(revision)")
        }
        let error = try #require(throws: GitError.self) { try repository.resolveCommit("main") }
        guard case .unknownRevision = error else {
            Issue.record("unexpected \(error)")
            return
        }
    }

    @Test func mergeBaseMatchesGit() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let main = try repository.resolveCommit("main")
        let feature = try repository.resolveCommit("feature")
        #expect(try repository.mergeBase(main, feature)?.description == fixture.git("merge-base", "main", "feature"))
        #expect(try repository.mergeBase(main, main) == main)
        #expect(try repository.isAncestor(repository.resolveCommit("v1"), of: main))
        #expect(try !repository.isAncestor(feature, of: main))
        #expect(try repository.parents(of: main).map(\.description) == [fixture.git("rev-parse", "main~1")])
    }

    @Test func unrelatedHistoriesHaveNoMergeBase() throws {
        let fixture = try historyFixture()
        defer { fixture.remove() }
        try fixture.git("checkout", "--quiet", "--orphan", "island")
        try fixture.commit(["island.txt": "alone\n"])
        let repository = try fixture.repository()
        #expect(try repository.mergeBase(repository.resolveCommit("island"), repository.resolveCommit("main")) == nil)
        #expect(try repository.parents(of: repository.resolveCommit("island")).isEmpty)
    }
}
