import FleetBasics
import FleetTestSupport
import Testing

@testable import FleetGit

#if canImport(Glibc)
import Glibc
#endif

@Suite struct RepositoryTests {
    @Test func discoversFromASubdirectoryAndReportsPaths() async throws {
        let fixture = try GitFixture.make(files: ["a/b/c.txt": "c\n"])
        defer { fixture.remove() }
        let repository = try GitRepository.discover(
            startingAt: fixture.directory.appending("a/b"), environment: pinnedEnvironment)
        #expect(repository.workingDirectory == fixture.path)
        #expect(repository.gitDirectory == fixture.path + "/.git")
        #expect(!repository.isBare && !repository.isShallow && !repository.isHeadUnborn)
        #expect(try !repository.isEmpty)
        let service = try GitService(discoveringFrom: fixture.directory.appending("a"), environment: pinnedEnvironment)
        #expect(
            try await service.withRepository { try $0.headCommit()?.description }
                == (try fixture.git("rev-parse", "HEAD")))
        #expect(await service.workingDirectory == fixture.path)
    }

    @Test func serviceSerialisesConcurrentUse() async throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n", "b/c.txt": "c\n"])
        defer { fixture.remove() }
        let service = try GitService(openingAt: fixture.path, environment: pinnedEnvironment)
        let expected = try fixture.lines("ls-files")
        let listings = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await service.withRepository { repository throws(GitError) in
                        try repository.files(at: repository.resolveCommit("HEAD")).map(\.path)
                    }
                }
            }
            var all: [[String]] = []
            for try await listing in group { all.append(listing) }
            return all
        }
        #expect(listings.count == 8 && listings.allSatisfy { $0 == expected })
    }

    @Test func openDoesNotSearchUpwards() throws {
        let fixture = try GitFixture.make(files: ["a/b/c.txt": "c\n"])
        defer { fixture.remove() }
        let subdirectory = fixture.directory.appending("a")
        #expect(throws: GitError.notARepository(path: subdirectory)) {
            try GitRepository.open(at: subdirectory, environment: pinnedEnvironment)
        }
        #expect(
            try GitRepository.open(at: fixture.path + "/.git", environment: pinnedEnvironment).workingDirectory
                == fixture.path)
    }

    @Test func notARepositoryExplainsItself() throws {
        let directory = try TemporaryDirectory(prefix: "fleet-norepo")
        defer { directory.remove() }
        try FileSystem.createDirectory(directory.appending("x/y"))
        var environment = pinnedEnvironment
        environment["GIT_CEILING_DIRECTORIES"] = directory.path
        let error = try #require(throws: GitError.self) {
            try GitRepository.discover(startingAt: directory.appending("x/y"), environment: environment)
        }
        #expect(error == .notARepository(path: directory.appending("x/y")))
        #expect(
            error.diagnostics[0].description == """
                error: not a git repository (or any of the parent directories): \(directory.appending("x/y"))
                  hint: run fleet inside a git checkout, or create one with 'git init'
                """)
        let missing = try #require(throws: GitError.self) {
            try GitRepository.discover(startingAt: directory.appending("nope"), environment: environment)
        }
        guard case .fileSystem(let underlying) = missing, underlying.isNotFound else {
            Issue.record("unexpected \(missing)")
            return
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to hand the repository to another user"))
    func repositoriesOwnedBySomeoneElseAreRefusedLikeGitDoes() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n"])
        defer { fixture.remove() }
        try TestProcess.run("/bin/chown", ["-R", "nobody", fixture.path])
        let gitStatus = try TestProcess.run(
            "/usr/bin/git", ["-C", fixture.path, "status"],
            environment: fixture.environment())
        #expect(gitStatus.exitCode != 0 && gitStatus.stderr.contains("dubious ownership"))
        let error = try #require(throws: GitError.self) { try fixture.repository() }
        #expect(error == .unsafeRepository(path: fixture.path))
        #expect(error.description.contains("git config --global --add safe.directory '\(fixture.path)'"))
    }

    @Test func linkedWorktrees() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n"])
        defer { fixture.remove() }
        let worktree = try TemporaryDirectory(prefix: "fleet-linked")
        defer { worktree.remove() }
        try FileSystem.removeTree(worktree.path)
        try fixture.git("worktree", "add", "--quiet", "-b", "side", worktree.path)
        try worktree.write("side.txt", "only here\n")
        let repository = try GitRepository.discover(startingAt: worktree.path, environment: pinnedEnvironment)
        #expect(repository.workingDirectory == worktree.path)
        #expect(try repository.currentBranch() == "side")
        #expect(try repository.workingTreeFiles().map(\.path) == ["a.txt", "side.txt"])
        #expect(try repository.status(ofPath: "side.txt") == .untracked)
        #expect(try repository.branchNames() == ["main", "side"])
    }

    @Test func bareRepositories() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n"])
        defer { fixture.remove() }
        let bare = try TemporaryDirectory(prefix: "fleet-bare")
        defer { bare.remove() }
        try fixture.git("clone", "--quiet", "--bare", fixture.path, bare.path)
        let repository = try GitRepository.open(at: bare.path, environment: pinnedEnvironment)
        #expect(repository.isBare)
        #expect(repository.workingDirectory == nil)
        let head = try repository.resolveCommit("main")
        #expect(try repository.files(at: head).map(\.path) == ["a.txt"])
        #expect(throws: GitError.bareRepository(path: bare.path, operation: "list the working tree")) {
            try repository.workingTreeFiles()
        }
        #expect(throws: GitError.self) { try repository.workingTreeChanges(from: head) }
        #expect(throws: GitError.self) { try repository.status(ofPath: "a.txt") }
        // Bare repositories have no checkout, so even HEAD's branch may be moved.
        let commit = try repository.commit(
            files: ["b.txt": .text("b\n")], onto: head, message: "m", branch: "main",
            update: .fastForward)
        #expect(try repository.resolveCommit("main") == commit)
    }

    @Test func globalConfigFileFromTheEnvironment() throws {
        let fixture = try GitFixture.make(files: ["a.txt": "a\n"])
        defer { fixture.remove() }
        try fixture.write("global.gitconfig", "[user]\n\tname = From Global File\n\temail = global@example.com\n")
        var environment = ["GIT_CONFIG_NOSYSTEM": "1"]
        environment["GIT_CONFIG_GLOBAL"] = fixture.directory.appending("global.gitconfig")
        let repository = try fixture.repository(environment: environment)
        let signature = try repository.defaultSignature()
        #expect(signature.name == "From Global File" && signature.email == "global@example.com")
    }

    @Test func errorsRenderAsDiagnosticsWithHints() {
        let cases: [(GitError, String)] = [
            (.unsafeRepository(path: "/r"), "safe.directory"),
            (.ambiguousRevision("abcd"), "more hex digits"),
            (.unbornHead(branch: "main"), "first commit"),
            (.missingObject(revision: "HEAD~3", isShallow: false), "git fetch"),
            (.branchExists("b"), "another branch name"),
        ]
        for (error, hint) in cases {
            let text = error.description
            #expect(text.hasPrefix("error: "), "\(text)")
            #expect(text.contains("hint:") && text.contains(hint), "\(text)")
        }
    }
}
