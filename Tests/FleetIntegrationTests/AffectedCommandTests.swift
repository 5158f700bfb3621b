import FleetBasics
import FleetTestSupport
import FleetYAML
import Foundation
import Testing

/// The shop repository with one more commit that changes `path` (repository-relative); returns the two commits.
private func shopWithCommit(_ files: [String: String]) throws -> (repo: GitFixture, base: String, head: String) {
    let repo = try makeShopRepository()
    let base = try repo.git("rev-parse", "HEAD")
    let head = try repo.commit(files)
    return (repo, base, head)
}

private let authFile = "examples/shop/libs/auth/token.py"

/// What a GitHub Actions matrix consumer does with `fromJSON(needs.x.outputs.matrix)`: an object with a non-empty
/// `include` list of flat objects of strings (GitHub rejects an empty matrix, hence `any=false` to skip the job).
private func githubMatrixEntries(_ text: String) throws -> [[String: String]] {
    let object = try #require(try parseJSON(text) as? [String: Any])
    #expect(Set(object.keys) == ["include"])
    let include = try #require(object["include"] as? [[String: Any]])
    return try include.map { entry in
        var strings: [String: String] = [:]
        for (key, value) in entry { strings[key] = try #require(value as? String, "\(key) is not a string") }
        return strings
    }
}

@Suite(.tags(.integration)) struct AffectedCommandTests {
    // MARK: - Formats

    @Test func namesIsTheDefaultAndStdoutCarriesOnlyTheAnswer() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let result = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--head", "HEAD", "-v"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "api-gateway\nauth\nweb.app\n")
        #expect(result.stderr.contains("base:"), "verbose logs go to stderr")
        // Nothing affected: empty stdout, exit 0.
        let none = try TestProcess.fleet(["affected", "--base", "HEAD", "--head", "HEAD"], in: repo.path)
        #expect(none.exitCode == 0 && none.stdout.isEmpty && none.stderr.isEmpty, "\(none)")
        // The default head is the working tree, uncommitted and untracked work included.
        try repo.write("examples/shop/services/orders/new.py", "untracked\n")
        let worktree = try TestProcess.fleet(["affected", "--base", "HEAD"], in: repo.path)
        #expect(worktree.stdout == "orders\n", "\(worktree)")
    }

    @Test func jsonIsExactAndSorted() throws {
        let (repo, base, head) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let result = try TestProcess.fleet(["affected", "--base", base, "--head", "HEAD", "--format", "json"],
                                           in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        let expected = #"{"schema":1,"base":"\#(base)","head":"\#(head)","degraded":null,"affected":["#
            + #"{"name":"api-gateway","kind":"service","path":"examples/shop/services/api-gateway","reasons":"#
            + #"[{"type":"dependency","target":"auth"}]},"#
            + #"{"name":"auth","kind":"lib","path":"examples/shop/libs/auth","reasons":"#
            + #"[{"type":"files","paths":["examples/shop/libs/auth/token.py"]}]},"#
            + #"{"name":"web.app","kind":"service","path":"examples/shop/services/web.app","reasons":"#
            + #"[{"type":"dependency","target":"api-gateway"}]}],"removed":[]}"#
            + "\n"
        #expect(result.stdout == expected)
        #expect(result.stderr.isEmpty)
    }

    @Test func jsonReasonsOfEveryType() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let base = try repo.git("rev-parse", "HEAD")
        var manifest = shopManifest.replacingOccurrences(of: "  orders: {path: services/orders, deps: [contracts]}\n",
                                                         with: "  billing: {path: services/billing}\n")
        manifest = manifest.replacingOccurrences(
            of: "test: {run: ./test.sh, needs: [build]}", with: "test: {run: ./test.sh -x, needs: [build]}")
        manifest = manifest.replacingOccurrences(of: "name: shop\n", with: "name: shop\nglobals: [\"//go.work\"]\n")
        try repo.write("fleet.yaml", manifest)
        try repo.write("examples/shop/services/billing/main.py", "bill\n")
        try repo.write("examples/shop/go.work", "go\n")
        try repo.write("examples/shop/libs/common/common.py", "common\n")
        let result = try TestProcess.fleet(["affected", "--base", base, "--format", "json"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        #expect(object["head"] as? String == "worktree")
        #expect(object["removed"] as? [String] == ["orders"])
        let affected = try #require(object["affected"] as? [[String: Any]])
        #expect(affected.compactMap { $0["name"] as? String }
            == ["api-gateway", "auth", "billing", "common", "contracts", "web.app"])
        let common = try #require(affected.first { $0["name"] as? String == "common" })
        let reasons = try #require(common["reasons"] as? [[String: Any]])
        #expect(reasons.compactMap { $0["type"] as? String } == ["files", "manifest", "global"])
        #expect(reasons[0]["paths"] as? [String] == ["examples/shop/libs/common/common.py"])
        #expect(reasons[1]["fields"] as? [String] == ["actions.test.run", "globals"])
        #expect(reasons[2]["paths"] as? [String] == ["examples/shop/go.work"])
        let billing = try #require(affected.first { $0["name"] as? String == "billing" })
        #expect((billing["reasons"] as? [[String: Any]])?.compactMap { $0["type"] as? String } == ["added"])
    }

    @Test func githubMatrixIsAValidMatrixOfTheAffectedTargets() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let result = try TestProcess.fleet(
            ["affected", "--base", "HEAD~1", "--head", "HEAD", "--format", "github-matrix"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(!result.stdout.dropLast().contains("\n"), "one line")
        let entries = try githubMatrixEntries(result.stdout)
        #expect(entries == [
            ["name": "api-gateway", "kind": "service", "path": "examples/shop/services/api-gateway",
             "targets": "api-gateway"],
            ["name": "auth", "kind": "lib", "path": "examples/shop/libs/auth", "targets": "auth"],
            ["name": "web.app", "kind": "service", "path": "examples/shop/services/web.app", "targets": "web.app"],
        ])
    }

    @Test(arguments: [1, 2, 4, 5, 6, 7]) func maxJobsPacksIntoBalancedBatches(maxJobs: Int) throws {
        let (repo, _, _) = try shopWithCommit(["examples/shop/libs/common/c.py": "c\n"])
        defer { repo.remove() }
        let all = ["api-gateway", "auth", "common", "contracts", "orders", "web.app"]
        let result = try TestProcess.fleet(
            ["affected", "--base", "HEAD~1", "--head", "HEAD", "--format", "github-matrix", "--max-jobs",
             String(maxJobs)], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        let entries = try githubMatrixEntries(result.stdout)
        #expect(entries.count == min(maxJobs, all.count))
        let batches = entries.map { ($0["targets"] ?? "").split(separator: " ").map(String.init) }
        #expect(batches.allSatisfy { !$0.isEmpty })
        #expect(batches.flatMap { $0 }.sorted() == all, "the union is exactly the affected set, once each")
        let sizes = batches.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "balanced: \(sizes)")
        #expect(Set(entries.compactMap { $0["name"] }).count == entries.count, "job names are unique")
    }

    @Test func githubOutputAppendsMatrixCountAndAny() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let output = try repo.directory.write("github_output", "earlier=1\n")
        let arguments = ["affected", "--format", "github-matrix", "--github-output", "--head", "HEAD"]
        let result = try TestProcess.fleet(arguments + ["--base", "HEAD~1"], in: repo.path,
                                           environment: ["GITHUB_OUTPUT": output])
        #expect(result.exitCode == 0, "\(result)")
        let written = lines(try FileSystem.readText(output))
        #expect(written.count == 4)
        #expect(written[0] == "earlier=1")
        #expect(written[1] == "matrix=" + String(result.stdout.dropLast()))
        #expect(written[2] == "count=3")
        #expect(written[3] == "any=true")
        // Nothing affected: an empty matrix, any=false.
        let none = try TestProcess.fleet(arguments + ["--base", "HEAD"], in: repo.path,
                                         environment: ["GITHUB_OUTPUT": output])
        #expect(none.exitCode == 0, "\(none)")
        #expect(Array(lines(try FileSystem.readText(output)).suffix(3))
            == [#"matrix={"include":[]}"#, "count=0", "any=false"])
    }

    @Test func githubOutputWithoutTheVariableIsAUsageError() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(
            ["affected", "--base", "HEAD", "--format", "github-matrix", "--github-output"], in: repo.path)
        #expect(result.exitCode == 64, "\(result)")
        #expect(result.stderr.contains("GITHUB_OUTPUT"))
        #expect(result.stdout.isEmpty)
    }

    @Test func gitlabPipelineParsesWithOneJobPerTarget() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let result = try TestProcess.fleet(
            ["affected", "--base", "HEAD~1", "--head", "HEAD", "--format", "gitlab-ci", "--gitlab-image",
             "ghcr.io/acme/fleet:1"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        let root = try #require(try YAMLParser.parse(result.stdout).first).resolved()
        let jobs = (root.pairs ?? []).compactMap(\.key.scalar).filter { $0.hasPrefix("fleet:") }
        #expect(jobs == ["fleet:api-gateway", "fleet:auth", "fleet:web.app"])
        #expect(root["stages"]?.items?.compactMap(\.scalar) == ["fleet"])
        #expect(root["default"]?["image"]?.scalar == "ghcr.io/acme/fleet:1")
        let auth = try #require(root["fleet:auth"])
        #expect(auth["stage"]?.scalar == "fleet")
        #expect(auth["script"]?.items?.compactMap(\.scalar) == ["fleet run build test scan -t auth"])
        #expect(auth["variables"]?["FLEET_TARGETS"]?.scalar == "auth")
        try pythonYAMLAgrees(result.stdout, jobs: jobs)

        // Nothing affected: one no-op job, because GitLab rejects a pipeline without jobs.
        let none = try TestProcess.fleet(["affected", "--base", "HEAD", "--head", "HEAD", "--format", "gitlab-ci"],
                                         in: repo.path)
        #expect(none.exitCode == 0, "\(none)")
        let empty = try #require(try YAMLParser.parse(none.stdout).first).resolved()
        let noop = (empty.pairs ?? []).compactMap(\.key.scalar).filter { $0 != "stages" && $0 != "default" }
        #expect(noop.count == 1)
        #expect(empty[noop[0]]?["script"]?.items?.count == 1)
    }

    /// A second YAML parser as an independent check, where python3 with PyYAML is installed.
    private func pythonYAMLAgrees(_ text: String, jobs: [String]) throws {
        let probe = try? TestProcess.run("/usr/bin/env", ["python3", "-c", "import yaml"])
        guard probe?.exitCode == 0 else { return }
        let script = "import sys, yaml; d = yaml.safe_load(sys.stdin); "
            + "print('\\n'.join(sorted(k for k in d if k.startswith('fleet:'))))"
        let parsed = try TestProcess.run("/usr/bin/env", ["python3", "-c", script], stdin: text)
        #expect(parsed.exitCode == 0, "\(parsed)")
        #expect(lines(parsed.stdout) == jobs)
    }

    @Test func kindFilters() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let services = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--head", "HEAD", "--kind", "service"],
                                             in: repo.path)
        #expect(services.stdout == "api-gateway\nweb.app\n", "\(services)")
        let libs = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--head", "HEAD", "--kind", "lib",
                                          "--format", "github-matrix"], in: repo.path)
        #expect(try githubMatrixEntries(libs.stdout).compactMap { $0["name"] } == ["auth"])
        let bad = try TestProcess.fleet(["affected", "--kind", "app"], in: repo.path)
        #expect(bad.exitCode == 64)
    }

    @Test func explainFollowsTheChainToTheFiles() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let result = try TestProcess.fleet(
            ["affected", "--base", "HEAD~1", "--head", "HEAD", "--explain", "web.app"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == """
            web.app is affected because:
              - it depends on api-gateway, which is affected because:
                - it depends on auth, which is affected because:
                  - its input files changed: examples/shop/libs/auth/token.py

            """)
        let not = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--head", "HEAD", "--explain", "orders"],
                                        in: repo.path)
        #expect(not.exitCode == 0)
        #expect(not.stdout == "orders is not affected.\n")
        let unknown = try TestProcess.fleet(
            ["affected", "--base", "HEAD~1", "--head", "HEAD", "--explain", "nope"], in: repo.path)
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("unknown target 'nope'"))
        #expect(unknown.stdout.isEmpty)
    }

    @Test func explainSeesThroughKindAndKnowsRemovedTargets() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        // --kind filters the answer, not the chain of reasons: the lib in the middle is still explained.
        let result = try TestProcess.fleet(
            ["affected", "--base", "HEAD~1", "--head", "HEAD", "--kind", "service", "--explain", "api-gateway"],
            in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("it depends on auth, which is affected because:"), "\(result)")
        #expect(result.stdout.contains("examples/shop/libs/auth/token.py"))
        // A target that exists only at the base.
        try repo.write("fleet.yaml", shopManifest.replacingOccurrences(
            of: "  orders: {path: services/orders, deps: [contracts]}\n", with: ""))
        let removed = try TestProcess.fleet(["affected", "--base", "HEAD", "--explain", "orders"], in: repo.path)
        #expect(removed.exitCode == 0, "\(removed)")
        #expect(removed.stdout == "orders was removed: it exists at the base revision but not at the head.\n")
    }

    @Test func verifyAgreesWithBruteForce() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        try repo.write("examples/shop/services/orders/x.py", "x\n")
        let result = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--verify", "-v"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "api-gateway\nauth\norders\nweb.app\n")
        #expect(result.stderr.contains("brute-force answer agrees"))
    }

    // MARK: - The base

    @Test func baseFromFleetBase() throws {
        let (repo, _, _) = try shopWithCommit([authFile: "token\n"])
        defer { repo.remove() }
        let result = try TestProcess.fleet(["affected", "--head", "HEAD"], in: repo.path,
                                           environment: ["FLEET_BASE": "HEAD~1"])
        #expect(result.stdout == "api-gateway\nauth\nweb.app\n", "\(result)")
        // --base wins over $FLEET_BASE.
        let explicit = try TestProcess.fleet(["affected", "--head", "HEAD", "--base", "HEAD"], in: repo.path,
                                             environment: ["FLEET_BASE": "HEAD~1"])
        #expect(explicit.stdout.isEmpty, "\(explicit)")
    }

    @Test func baseIsTheMergeBaseWithMainOnABranch() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        try repo.git("checkout", "--quiet", "-b", "feature")
        try repo.commit([authFile: "token\n"])
        try repo.git("checkout", "--quiet", "main")
        try repo.commit(["examples/shop/services/orders/main.py": "main moved on\n"])
        try repo.git("checkout", "--quiet", "feature")
        // main's own change after the branch point is not this branch's.
        let result = try TestProcess.fleet(["affected", "-v"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "api-gateway\nauth\nweb.app\n")
        #expect(result.stderr.contains("merge-base of HEAD and main"))
    }

    @Test func baseOnAGitHubPullRequest() throws {
        let source = try makeShopRepository()
        defer { source.remove() }
        let clone = GitFixture(directory: try TemporaryDirectory(prefix: "fleet-pr"))
        defer { clone.remove() }
        try source.git("clone", "--quiet", "file://" + source.path, clone.path)
        try clone.git("checkout", "--quiet", "-b", "feature")
        try clone.commit([authFile: "token\n"])
        // The base branch moved on upstream and was fetched.
        try source.commit(["examples/shop/services/orders/main.py": "upstream\n"])
        try clone.git("fetch", "--quiet", "origin")
        let result = try TestProcess.fleet(["affected", "--head", "HEAD", "-v"], in: clone.path,
                                           environment: ["GITHUB_BASE_REF": "main"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "api-gateway\nauth\nweb.app\n")
        #expect(result.stderr.contains("origin/main"))
        // A base branch that was not fetched: what to fetch.
        let missing = try TestProcess.fleet(["affected", "--head", "HEAD"], in: clone.path,
                                            environment: ["GITHUB_BASE_REF": "release"])
        #expect(missing.exitCode == 1, "\(missing)")
        #expect(missing.stderr.contains("origin/release"))
        #expect(missing.stderr.contains("git fetch origin release"))
        #expect(missing.stderr.contains("fetch-depth: 0"))
        #expect(missing.stdout.isEmpty)
    }

    @Test func shallowCloneFailsWithWhatToFetchOrFallsBackToEverything() throws {
        let source = try makeShopRepository()
        defer { source.remove() }
        try source.commit([authFile: "token\n"])
        let clone = GitFixture(directory: try TemporaryDirectory(prefix: "fleet-shallow"))
        defer { clone.remove() }
        try source.git("clone", "--quiet", "--depth", "1", "file://" + source.path, clone.path)
        let result = try TestProcess.fleet(["affected", "--base", "HEAD~1"], in: clone.path)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("shallow"))
        #expect(result.stderr.contains("fetch-depth: 0"))
        #expect(result.stdout.isEmpty)

        let fallback = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--fallback", "all", "--format", "json"],
                                             in: clone.path)
        #expect(fallback.exitCode == 0, "\(fallback)")
        let object = try #require(try parseJSON(fallback.stdout) as? [String: Any])
        let degraded = try #require(object["degraded"] as? String)
        #expect(degraded.contains("HEAD~1"), "the reason says what was missing: \(degraded)")
        #expect((object["affected"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            == ["api-gateway", "auth", "common", "contracts", "orders", "web.app"])
        #expect(fallback.stderr.contains("warning"), "the fallback is never silent")
        // --fallback all does not hide other errors.
        try clone.write("fleet.yaml", "version: 1\nlibs: {a: {path: nowhere}}\n")
        let broken = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--fallback", "all"], in: clone.path)
        #expect(broken.exitCode == 1, "\(broken)")
        #expect(broken.stderr.contains("fleet.yaml:2:"))
    }

    // MARK: - Bad input

    @Test func unknownRevisionsAreErrorsWithSuggestions() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let base = try TestProcess.fleet(["affected", "--base", "mian"], in: repo.path)
        #expect(base.exitCode == 1, "\(base)")
        #expect(base.stderr.contains("mian"))
        #expect(base.stderr.contains("did you mean 'main'?"))
        #expect(base.stdout.isEmpty)
        let head = try TestProcess.fleet(["affected", "--base", "HEAD", "--head", "no-such-branch"], in: repo.path)
        #expect(head.exitCode == 1, "\(head)")
        #expect(head.stderr.contains("no-such-branch"))
        let format = try TestProcess.fleet(["affected", "--format", "xml"], in: repo.path)
        #expect(format.exitCode == 64)
    }

    @Test func outsideAGitRepositoryAndInABareOne() async throws {
        try await withTemporaryDirectory(prefix: "fleet-nogit") { dir in
            try dir.write(["fleet.yaml": "version: 1\nlibs: {a: {path: a}}\n", "a/x": "x\n"])
            let result = try TestProcess.fleet(["affected", "--base", "HEAD"], in: dir.path,
                                               environment: ["GIT_CEILING_DIRECTORIES": FileSystem.parent(of: dir.path)])
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stderr.contains("git repository"))
            #expect(result.stdout.isEmpty)
        }
        try await withTemporaryDirectory(prefix: "fleet-bare") { dir in
            let bare = GitFixture(directory: dir)
            try bare.git("init", "--quiet", "--bare")
            try dir.write(["fleet.yaml": "version: 1\n"])
            let result = try TestProcess.fleet(["affected", "--base", "HEAD"], in: dir.path)
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stderr.contains("bare"))
        }
    }

    @Test func invalidManifestAtHeadIsALocatedError() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        try repo.write("fleet.yaml", shopManifest.replacingOccurrences(of: "deps: [contracts, auth]",
                                                                       with: "deps: [contracts, auht]"))
        let result = try TestProcess.fleet(["affected", "--base", "HEAD"], in: repo.path)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("fleet.yaml:18:"))
        #expect(result.stderr.contains("did you mean 'auth'?"))
        #expect(result.stdout.isEmpty)
        // The same manifest committed, asked about as --head.
        try repo.commitAll("broken")
        let head = try TestProcess.fleet(["affected", "--base", "HEAD~1", "--head", "HEAD"], in: repo.path)
        #expect(head.exitCode == 1, "\(head)")
        #expect(head.stderr.contains(":fleet.yaml:18:"))
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
