import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

private func gitopsFixture() throws -> GitFixture {
    try GitFixture.make(files: [
        "README.md": "gitops\n", "apps/api/values.yaml": "image: api:1.0\n", "apps/web/values.yaml": "image: web:1.0\n",
        "apps/web/extra/only.yaml": "x: 1\n",
    ])
}

@Suite struct CommitTests {
    @Test func commitsOntoANewBranchWithoutTouchingTheCheckout() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        try fixture.write("README.md", "uncommitted local edit\n")
        let statusBefore = try fixture.git("status", "--porcelain")
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let commit = try repository.commit(
            files: [
                "apps/api/values.yaml": .text("image: api:1.1\n"), "apps/new/values.yaml": .text("image: new:0.1\n"),
                "apps/web/extra/only.yaml": .delete, "bin/deploy.sh": .text("#!/bin/sh\n", mode: .executable),
                "apps/api/current": .write(Array("values.yaml".utf8), mode: .symlink),
                "ünï cödé/ñ.yaml": .text("a: b\n"),
            ],
            onto: head, message: "Bump api to 1.1\n\nBy fleet.", branch: "fleet/bump-api")

        #expect(try fixture.git("rev-parse", "fleet/bump-api") == commit.description)
        #expect(try fixture.git("rev-parse", "HEAD") == head.description)
        #expect(try fixture.git("status", "--porcelain") == statusBefore)
        #expect(try fixture.directory.read("apps/api/values.yaml") == "image: api:1.0\n")
        #expect(
            try fixture.git("log", "--format=%P|%an <%ae>|%at %ai|%cn|%s|%b", "-1", "fleet/bump-api")
                == "\(head)|Fleet Bot <bot@fleet.invalid>|1700000000 2023-11-14 22:13:20 +0000|Fleet Bot|"
                + "Bump api to 1.1|By fleet."
        )
        #expect(
            try fixture.lines("-c", "core.quotepath=off", "show", "--name-status", "--format=", "fleet/bump-api")
                .sorted() == [
                    "A\tapps/api/current", "A\tapps/new/values.yaml", "A\tbin/deploy.sh", "A\tünï cödé/ñ.yaml",
                    "D\tapps/web/extra/only.yaml", "M\tapps/api/values.yaml",
                ])
        #expect(try fixture.git("show", "fleet/bump-api:apps/api/values.yaml") == "image: api:1.1")
        let tree = try fixture.lines("ls-tree", "-r", "fleet/bump-api")
        #expect(tree.contains { $0.hasPrefix("100755 blob") && $0.hasSuffix("\tbin/deploy.sh") })
        #expect(tree.contains { $0.hasPrefix("120000 blob") && $0.hasSuffix("\tapps/api/current") })
        // The emptied directory is gone, and the objects are well-formed.
        #expect(try fixture.git("ls-tree", "fleet/bump-api", "apps/web/").split(separator: "\n").count == 1)
        try fixture.git("fsck", "--strict", "--no-progress")
        // The reflog records the commit like git does.
        #expect(try fixture.git("reflog", "show", "--format=%gs", "fleet/bump-api") == "commit: Bump api to 1.1")
        // FleetGit reads back what it wrote.
        #expect(try repository.blob(at: "apps/api/current", in: commit) == Array("values.yaml".utf8))
        #expect(
            nameStatus(try repository.changes(from: head, to: commit))
                == (try fixture.nameStatus([head.description, commit.description])))
    }

    @Test func branchPolicies() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let first = try repository.commit(
            files: ["a.txt": .text("1\n")], onto: head, message: "one", branch: "bot")
        #expect(
            try #require(throws: GitError.self) {
                try repository.commit(files: ["a.txt": .text("2\n")], onto: first, message: "two", branch: "bot")
            } == .branchExists("bot"))
        let second = try repository.commit(
            files: ["a.txt": .text("2\n")], onto: first, message: "two", branch: "bot", update: .fastForward)
        #expect(try fixture.git("rev-parse", "bot") == second.description)
        // Building on the old base again is not a fast-forward.
        let error = try #require(throws: GitError.self) {
            try repository.commit(
                files: ["b.txt": .text("b\n")], onto: head, message: "again", branch: "bot",
                update: .fastForward)
        }
        guard case .branchMoved(branch: "bot", expected: head, actual: second, reason: _) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(try fixture.git("rev-parse", "bot") == second.description)
        let forced = try repository.commit(
            files: ["b.txt": .text("b\n")], onto: head, message: "again", branch: "bot", update: .force)
        #expect(try fixture.git("rev-parse", "bot") == forced.description)
        #expect(try fixture.git("rev-parse", "bot~1") == head.description)
        // The ref moves only if it still points where it did when the commit started (compare-and-swap).
        #expect(throws: GitError.self) {
            try repository.updateReference("refs/heads/bot", to: head, expecting: first, message: "stale")
        }
        #expect(try fixture.git("rev-parse", "bot") == forced.description)
        #expect(throws: GitError.invalidBranchName("bad..name")) {
            try repository.commit(files: ["c": .text("c")], onto: head, message: "m", branch: "bad..name")
        }
    }

    @Test func createsBranchesAndReadsCommits() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        try fixture.commit(["README.md": "second\n"], message: "Second commit\n\nWith a body.")
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let first = try repository.resolveCommit("HEAD~1")
        try repository.createBranch("release/1.0", at: first)
        #expect(try fixture.git("rev-parse", "release/1.0") == first.description)
        #expect(throws: GitError.branchExists("release/1.0")) { try repository.createBranch("release/1.0", at: head) }
        try repository.createBranch("refs/heads/release/1.0", at: head, force: true)
        #expect(try fixture.git("rev-parse", "release/1.0") == head.description)
        #expect(throws: GitError.invalidBranchName("a b")) { try repository.createBranch("a b", at: head) }
        #expect(throws: GitError.invalidBranchName("-x")) { try repository.createBranch("-x", at: head) }
        #expect(throws: GitError.self) {
            try repository.createBranch("ghost", at: #require(ObjectID(hex: String(repeating: "cd", count: 20))))
        }
        #expect(try repository.branchNames() == ["main", "release/1.0"])

        let info = try repository.commitInfo(head)
        let expected = try fixture.git("log", "-1", "--format=%T|%P|%an|%ae|%at|%cn|%ct", head.description)
        #expect(
            "\(info.tree)|\(info.parents.map(\.description).joined(separator: " "))|\(info.author.name)|"
                + "\(info.author.email)|\(info.author.time)|\(info.committer.name)|\(info.committer.time)" == expected)
        #expect(info.summary == "Second commit")
        #expect(info.message == "Second commit\n\nWith a body.\n")
        #expect(try repository.commitInfo(first).parents.isEmpty)
    }

    @Test func refusesToMoveTheCheckedOutBranch() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(throws: GitError.branchCheckedOut("main")) {
            try repository.commit(
                files: ["a.txt": .text("a\n")], onto: head, message: "m", branch: "main",
                update: .fastForward)
        }
        #expect(try fixture.git("rev-parse", "main") == head.description)
        let moved = try repository.commit(
            files: ["a.txt": .text("a\n")], onto: head, message: "m", branch: "main", update: .fastForward,
            allowCheckedOutBranch: true)
        #expect(try fixture.git("rev-parse", "HEAD") == moved.description)
        // A branch checked out in another worktree is protected too.
        try fixture.git("branch", "other", head.description)
        let worktree = try TemporaryDirectory(prefix: "fleet-worktree")
        defer { worktree.remove() }
        try FileSystem.removeTree(worktree.path)
        try fixture.git("worktree", "add", "--quiet", worktree.path, "other")
        #expect(throws: GitError.branchCheckedOut("other")) {
            try repository.commit(
                files: ["a.txt": .text("b\n")], onto: head, message: "m", branch: "other",
                update: .force)
        }
        #expect(throws: GitError.branchCheckedOut("other")) {
            try repository.createBranch("other", at: moved, force: true)
        }
    }

    @Test func rootCommitInAnEmptyRepository() throws {
        let fixture = try GitFixture.make()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        // HEAD names the unborn main: committing there would move the checkout's branch.
        #expect(throws: GitError.branchCheckedOut("main")) {
            try repository.commit(files: ["a.txt": .text("a\n")], onto: nil, message: "root", branch: "main")
        }
        let root = try repository.commit(
            files: ["a.txt": .text("a\n"), "d/b.txt": .text("b\n")], onto: nil, message: "root", branch: "gitops")
        #expect(try fixture.git("rev-list", "--parents", "gitops") == root.description)
        #expect(try fixture.lines("ls-tree", "-r", "--name-only", "gitops") == ["a.txt", "d/b.txt"])
        #expect(try fixture.git("reflog", "show", "--format=%gs", "gitops") == "commit (initial): root")
        #expect(repository.isHeadUnborn)
        #expect(try !repository.isEmpty)
    }

    @Test func pathConflictsAndInvalidPaths() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        func attempt(_ files: [String: FileUpdate]) -> GitError? {
            do {
                try repository.commit(files: files, onto: head, message: "m", branch: "x")
                return nil
            } catch { return error }
        }
        #expect(
            attempt(["README.md/inner": .text("x")]).map { if case .pathConflict = $0 { true } else { false } } == true)
        #expect(attempt(["apps": .text("x")]).map { if case .pathConflict = $0 { true } else { false } } == true)
        #expect(
            attempt(["n/a": .text("x"), "n": .text("y")]).map { if case .pathConflict = $0 { true } else { false } }
                == true)
        for bad in ["../x", "/abs", ".git/config", "a/.GIT/x", "", ".", "a/../../b"] {
            #expect(
                attempt([bad: .text("x")]).map { if case .invalidPath = $0 { true } else { false } } == true, "\(bad)")
        }
        #expect(
            attempt(["a//b": .text("x"), "a/b": .text("y")]).map { if case .invalidPath = $0 { true } else { false } }
                == true)
        #expect(attempt(["sub": .write(Array(String(repeating: "1", count: 40).utf8), mode: .gitlink)]) != nil)
        #expect(try !repository.branchExists("x"))  // nothing was written to the ref
        // Replacing a file by a directory works when the file is deleted in the same commit.
        let replaced = try repository.commit(
            files: ["README.md": .delete, "README.md/inner.txt": .text("x\n")], onto: head, message: "m", branch: "y")
        #expect(try repository.blob(at: "README.md/inner.txt", in: replaced) == Array("x\n".utf8))
        // Deleting a directory path removes everything below it; deleting a missing path is not an error.
        let pruned = try repository.commit(
            files: ["apps/web": .delete, "nothing/here": .delete], onto: head, message: "m", branch: "z")
        #expect(
            try fixture.lines("ls-tree", "-r", "--name-only", pruned.description) == [
                "README.md", "apps/api/values.yaml",
            ])
    }

    @Test func nothingToCommitUnlessAllowed() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        #expect(throws: GitError.nothingToCommit(branch: "same")) {
            try repository.commit(files: ["README.md": .text("gitops\n")], onto: head, message: "m", branch: "same")
        }
        #expect(try !repository.branchExists("same"))
        let empty = try repository.commit(
            files: [:], onto: head, message: "m", branch: "same", allowEmpty: true)
        #expect(try fixture.git("rev-parse", "\(empty)^{tree}") == fixture.git("rev-parse", "HEAD^{tree}"))
        let detached = try repository.commit(files: ["n.txt": .text("n\n")], onto: head, message: "m", branch: nil)
        #expect(try fixture.git("cat-file", "-t", detached.description) == "commit")

        // Deleting every file leaves the empty tree; committing it again changes nothing.
        let emptied = try repository.commit(
            files: ["README.md": .delete, "apps": .delete], onto: head, message: "m", branch: "emptied")
        #expect(try fixture.git("rev-parse", "emptied^{tree}") == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
        #expect(throws: GitError.nothingToCommit(branch: nil)) {
            try repository.commit(files: ["gone": .delete], onto: emptied, message: "m", branch: nil)
        }
        #expect(throws: GitError.nothingToCommit(branch: nil)) {
            try repository.commit(files: [:], onto: nil, message: "m", branch: nil)
        }
        let emptyRoot = try repository.commit(files: [:], onto: nil, message: "m", branch: nil, allowEmpty: true)
        #expect(try fixture.git("rev-parse", "\(emptyRoot)^{tree}") == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
        try fixture.git("fsck", "--strict", "--no-progress")
    }

    @Test func messagesAreCleanedUpLikeGitCommit() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        let repository = try fixture.repository()
        let head = try repository.resolveCommit("HEAD")
        let message = "\n\n  Subject line   \n\n\n\nBody line  \n# kept, not a comment here\n\n\n"
        let commit = try repository.commit(files: ["a": .text("a")], onto: head, message: message, branch: nil)
        let raw = try fixture.git("cat-file", "commit", commit.description)
        let body = raw.split(separator: "\n\n", maxSplits: 1).last.map(String.init) ?? ""
        #expect(body == "  Subject line\n\nBody line\n# kept, not a comment here")
        #expect(throws: GitError.emptyCommitMessage) {
            try repository.commit(files: ["a": .text("b")], onto: head, message: " \n\t\n", branch: nil)
        }
    }

    @Test func signaturesFromEnvironmentConfigAndFallback() throws {
        let fixture = try gitopsFixture()
        defer { fixture.remove() }
        let head = try fixture.repository().resolveCommit("HEAD")
        let isolated = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]

        // The fallback identity (no author anywhere) is checked in a fresh fleet process by GitOpsCommandTests:
        // libgit2's config search paths are process-wide and set by whichever test opens a repository first, so in
        // this process the user's global config may be visible.
        _ = try fixture.repository(environment: isolated).commit(
            files: ["a": .text("1")], onto: head, message: "m", branch: nil)

        try fixture.git("config", "user.name", "Config Person")
        try fixture.git("config", "user.email", "config@example.com")
        var environment = isolated
        environment["GIT_COMMITTER_NAME"] = "Env Committer"
        environment["GIT_AUTHOR_DATE"] = "2024-05-01T12:00:00+02:00"
        let configured = try fixture.repository(environment: environment).commit(
            files: ["a": .text("2")], onto: head, message: "m", branch: nil)
        #expect(
            try fixture.git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%ad", "--date=raw", configured.description)
                == "Config Person <config@example.com>|Env Committer <config@example.com>|1714557600 +0200")

        let explicit = Signature(name: "Given", email: "given@example.com", time: 1_600_000_000, offsetMinutes: -330)
        let given = try fixture.repository(environment: environment).commit(
            files: ["a": .text("3")], onto: head, message: "m", author: explicit, committer: explicit, branch: nil)
        #expect(
            try fixture.git("log", "-1", "--format=%an <%ae> %ad|%cn", "--date=raw", given.description)
                == "Given <given@example.com> 1600000000 -0530|Given")

        environment["GIT_AUTHOR_DATE"] = "next tuesday"
        #expect(throws: GitError.self) {
            try fixture.repository(environment: environment).commit(
                files: ["a": .text("4")], onto: head, message: "m", branch: nil)
        }
        let bad = Signature(name: "A <b>", email: "x@y", time: 0)
        #expect(throws: GitError.self) {
            try fixture.repository().commit(
                files: ["a": .text("5")], onto: head, message: "m", author: bad, branch: nil)
        }
    }

    @Test(arguments: [
        "@1700000000 +0000", "1700000000 +0130", "@1700000000 -0800", "2024-05-01T12:00:00+02:00",
        "2024-05-01 12:00:00 +0200", "2024-05-01T12:00:00Z", "2024-02-29T23:59:59.123-05:30",
        "Wed, 01 May 2024 12:00:00 -0700", "01 May 2024 12:00:00 +0000", "Thu, 1 Jan 1970 00:00:00 +0000",
    ])
    func datesParseLikeGit(date: String) throws {
        let fixture = try GitFixture.make()
        defer { fixture.remove() }
        var environment = fixture.environment()
        environment["GIT_AUTHOR_DATE"] = date
        let result = try TestProcess.run(
            "/usr/bin/git", ["-C", fixture.path, "var", "GIT_AUTHOR_IDENT"],
            environment: environment)
        let expected = result.stdout.split(separator: " ").suffix(2).joined(separator: " ")
            .filter { $0 != "\n" }
        let parsed = try #require(GitDate.parse(date))
        #expect("\(parsed.time) \(GitDate.formatOffset(parsed.offsetMinutes))" == expected)
    }
}
