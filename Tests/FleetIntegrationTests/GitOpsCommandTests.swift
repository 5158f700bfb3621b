import FleetBasics
import FleetTestSupport
import Foundation
import Synchronization
import Testing

/// A code repository with two services and a GitOps directory laid out like examples/shop/gitops.
func makeGitOpsRepository() throws -> GitFixture {
    let manifest = """
        version: 1
        name: shop
        registry: ghcr.io/acme
        services:
          api: {path: services/api}
          worker: {path: services/worker}
        gitops:
          dir: gitops
          environments: [dev, staging, prod]
          tag: "sha-{commit}"
          registry: registry/versions.yaml
          files:
            - path: environments/{env}/{service}.yaml
              services: ["*", "!worker"]
              repository: image.repository
              tag: image.tag
              digest: image.digest
            - path: overlays/{env}/kustomization.yaml
              services: [worker]
              kustomize: true
          argocd:
            repoURL: https://example.com/gitops.git
            project: shop
            chart: {repoURL: https://charts.example.com, name: svc, version: 1.0.0}

        """
    var files = ["fleet.yaml": manifest, "services/api/README.md": "api\n", "services/worker/README.md": "w\n"]
    for (environment, tag) in [("dev", "sha-1111111"), ("staging", "sha-0000000"), ("prod", "sha-0000000")] {
        files["gitops/environments/\(environment)/api.yaml"] = """
            # api in \(environment)
            replicaCount: 1
            image:
              repository: ghcr.io/acme/api
              tag: "\(tag)"  # bumped by CI
              digest: ""

            """
        files["gitops/overlays/\(environment)/kustomization.yaml"] = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - ../../base
            images:
              - name: worker
                newName: ghcr.io/acme/worker
                newTag: \(tag)

            """
    }
    files["gitops/base/kustomization.yaml"] = "resources:\n  - deployment.yaml\n"
    files["gitops/base/deployment.yaml"] = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: worker}
        spec:
          selector: {matchLabels: {app: worker}}
          template:
            metadata: {labels: {app: worker}}
            spec:
              containers:
                - name: worker
                  image: worker

        """
    return try GitFixture.make(files: files, prefix: "fleet-gitops")
}

let fixedDate = ["SOURCE_DATE_EPOCH": "1700000000", "GIT_COMMITTER_NAME": "CI", "GIT_COMMITTER_EMAIL": "ci@x.invalid",
                 "GIT_AUTHOR_NAME": "CI", "GIT_AUTHOR_EMAIL": "ci@x.invalid"]

@Suite(.tags(.integration)) struct GitOpsCommandTests {
    @Test func bumpEditsOnlyTheImageAndIsIdempotent() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        let head = try repo.git("rev-parse", "HEAD")
        let short = String(head.prefix(7))
        let result = try TestProcess.fleet(["bump", "--env", "dev", "--json"], in: repo.path, environment: fixedDate)
        // The GitOps directory is in the code repository here, so committing the bump moves {commit}: the second
        // bump below names the tag.
        #expect(result.exitCode == 0, "\(result)")
        let api = try repo.directory.read("gitops/environments/dev/api.yaml")
        #expect(api.contains("  tag: \"sha-\(short)\"  # bumped by CI\n"))
        #expect(try repo.directory.read("gitops/overlays/dev/kustomization.yaml").contains("    newTag: sha-\(short)\n"))
        let registry = try repo.directory.read("gitops/registry/versions.yaml")
        #expect(registry.contains("api:\n  dev:\n    tag: sha-\(short)\n    digest: \"\"\n    commit: \(head)\n"))
        #expect(registry.contains("    at: \"2023-11-14T22:13:20Z\"\n    by: CI <ci@x.invalid>\n"))
        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.contains { $0["file"] as? String == "gitops/environments/dev/api.yaml"
                && $0["path"] as? String == "image.tag" && $0["old"] as? String == "sha-1111111" })
        // Only the tag line changed in the values file: git's own diff is the oracle.
        let diff = try repo.git("diff", "--numstat", "--", "gitops/environments/dev/api.yaml")
        #expect(diff == "1\t1\tgitops/environments/dev/api.yaml")

        try repo.git("add", "--all")
        try repo.git("commit", "--quiet", "-m", "bumped")
        let again = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "sha-\(short)"], in: repo.path,
                                          environment: fixedDate)
        #expect(again.exitCode == 0)
        #expect(again.stdout.hasPrefix("up to date"))
        #expect(try repo.git("status", "--porcelain") == "")
    }

    @Test func dryRunPrintsADiffGitCanApply() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(["bump", "--env", "staging", "--tag", "1.20", "api", "--dry-run"],
                                           in: repo.path, environment: fixedDate)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("--- a/gitops/environments/staging/api.yaml\n"))
        #expect(result.stdout.contains("-  tag: \"sha-0000000\"  # bumped by CI\n+  tag: \"1.20\"  # bumped by CI\n"))
        #expect(try repo.git("status", "--porcelain") == "")
        try repo.write("patch.diff", result.stdout)
        try repo.git("apply", "--check", "patch.diff")
    }

    @Test func refusesDirtyFilesUnlessAllowed() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        try repo.write("gitops/environments/dev/api.yaml",
                       try repo.directory.read("gitops/environments/dev/api.yaml") + "# local edit\n")
        let refused = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "v2", "api"], in: repo.path)
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("'gitops/environments/dev/api.yaml' has uncommitted changes"))
        let allowed = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "v2", "api", "--allow-dirty"],
                                            in: repo.path)
        #expect(allowed.exitCode == 0, "\(allowed)")
        #expect(try repo.directory.read("gitops/environments/dev/api.yaml").hasSuffix("# local edit\n"))
    }

    @Test func commitGoesToANewBranchAndLeavesTheWorkingTreeAlone() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        let head = try repo.git("rev-parse", "HEAD")
        let result = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "sha-abc1234", "--commit"],
                                           in: repo.path, environment: fixedDate)
        #expect(result.exitCode == 0, "\(result)")
        let branch = "fleet/bump-dev-\(head.prefix(7))"
        #expect(try repo.git("rev-parse", "HEAD") == head)
        #expect(try repo.git("status", "--porcelain") == "")
        #expect(try repo.git("rev-parse", "\(branch)^") == head)
        let message = try repo.git("log", "-1", "--format=%B", branch)
        #expect(message.hasPrefix("chore(gitops): bump api, worker in dev to sha-abc1234\n"))
        #expect(try repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", branch) == "CI <ci@x.invalid>|CI <ci@x.invalid>")
        #expect(message.contains("Source-Commit: \(head)"))
        let files = try repo.git("diff", "--name-only", head, branch)
        #expect(files == "gitops/environments/dev/api.yaml\ngitops/overlays/dev/kustomization.yaml\n"
            + "gitops/registry/versions.yaml")
        let shown = try repo.git("show", "\(branch):gitops/environments/dev/api.yaml")
        #expect(shown.contains("  tag: \"sha-abc1234\"  # bumped by CI"))
        let again = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "sha-abc1234", "--commit"],
                                          in: repo.path, environment: fixedDate)
        #expect(again.exitCode == 1)
        #expect(again.stderr.contains(branch))
    }

    /// No identity in the environment or in any config fleet can see (the child has GIT_CONFIG_GLOBAL=/dev/null and
    /// GIT_CONFIG_NOSYSTEM=1): commits use the fallback identity. Checked in a fresh process because libgit2's config
    /// search paths are process-wide.
    @Test func commitsWithoutAnIdentityUseTheFallback() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "sha-abc1234", "--commit", "--branch", "b"],
                                           in: repo.path, environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(try repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", "b")
            == "fleet <fleet@localhost>|fleet <fleet@localhost>")
    }

    @Test func promoteCopiesTagAndDigestAndGuardsTheOrder() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let bump = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "v7", "--digest", digest, "api"],
                                         in: repo.path, environment: fixedDate)
        #expect(bump.exitCode == 0, "\(bump)")
        try repo.commitAll("dev")
        let skip = try TestProcess.fleet(["promote", "--from", "dev", "--to", "prod", "api"], in: repo.path)
        #expect(skip.exitCode == 1)
        #expect(skip.stderr.contains("skips 'staging'"))
        let promote = try TestProcess.fleet(["promote", "--from", "dev", "--to", "staging", "api"], in: repo.path,
                                            environment: fixedDate)
        #expect(promote.exitCode == 0, "\(promote)")
        let staging = try repo.directory.read("gitops/environments/staging/api.yaml")
        #expect(staging.contains("  tag: \"v7\"  # bumped by CI\n  digest: \"\(digest)\"\n"))
        try repo.commitAll("staging")
        let forced = try TestProcess.fleet(["promote", "--from", "dev", "--to", "prod", "api", "--force"],
                                           in: repo.path, environment: fixedDate)
        #expect(forced.exitCode == 0)
        #expect(forced.stderr.contains("warning: promoting from dev to prod skips 'staging'"))
        let status = try TestProcess.fleet(["gitops", "status"], in: repo.path)
        #expect(status.stdout == """
            SERVICE  dev          staging        prod
            api      v7           v7             v7
            worker   sha-1111111  sha-0000000 *  sha-0000000
            * behind the previous environment

            """, "\(status)")
        try repo.write("gitops/environments/prod/api.yaml", "image: {repository: ghcr.io/acme/api}\n")
        try repo.commitAll("no prod tag")
        let nothing = try TestProcess.fleet(["promote", "--from", "prod", "--to", "staging", "api", "--force"],
                                            in: repo.path)
        #expect(nothing.exitCode == 1)
        #expect(nothing.stderr.contains("api has no image in prod: nothing to promote"))
    }

    @Test func scaffoldCreatesWhatIsMissingAndNeverOverwrites() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        try repo.write("services/new/README.md", "new\n")
        let manifest = try repo.directory.read("fleet.yaml")
        try repo.write("fleet.yaml", manifest.replacingOccurrences(
            of: "  worker: {path: services/worker}\n", with: "  worker: {path: services/worker}\n  new: {path: services/new}\n"))
        let before = try repo.directory.read("gitops/environments/dev/api.yaml")
        let result = try TestProcess.fleet(["gitops", "scaffold"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("created gitops/environments/dev/new.yaml"))
        #expect(result.stdout.contains("created gitops/apps/prod/new.yaml"))
        #expect(result.stdout.contains("created gitops/bootstrap/root-app.yaml"))
        #expect(try repo.directory.read("gitops/environments/dev/api.yaml") == before)
        let values = try repo.directory.read("gitops/environments/dev/new.yaml")
        #expect(values.hasSuffix("image:\n  repository: ghcr.io/acme/new\n  tag: \"\"\n  digest: \"\"\n"))
        let prod = try repo.directory.read("gitops/apps/prod/new.yaml")
        #expect(prod.contains("# prod is synced by hand"))
        #expect(!prod.contains("automated:"))
        #expect(try repo.directory.read("gitops/apps/dev/new.yaml").contains("    automated:\n      prune: true\n"))
        let again = try TestProcess.fleet(["gitops", "scaffold"], in: repo.path)
        #expect(again.stdout.hasSuffix("0 created, 20 already there (left as they are)\n"), "\(again)")
        // The new service is deployable: bump writes into the scaffolded file.
        let bump = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "v1", "new", "--allow-dirty"],
                                         in: repo.path)
        #expect(bump.exitCode == 0, "\(bump)")
        #expect(try repo.directory.read("gitops/environments/dev/new.yaml").contains("  tag: \"v1\"\n"))
    }

    @Test func concurrentBumpsNeverLoseAnUpdate() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        // Four processes at once, each bumping another service or environment; all touch the versions registry.
        let jobs = [("dev", "api"), ("dev", "worker"), ("staging", "api"), ("staging", "worker")]
        let group = DispatchGroup()
        let results = Mutex<[ProcessResult]>([])
        for (environment, service) in jobs {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                if let result = try? TestProcess.fleet(["bump", "--env", environment, "--tag", "t-\(service)",
                                                        service, "--allow-dirty"], in: repo.path) {
                    results.withLock { $0.append(result) }
                }
            }
        }
        group.wait()
        #expect(results.withLock { $0.count } == 4)
        #expect(results.withLock { $0.allSatisfy { $0.exitCode == 0 } }, "\(results.withLock { $0 })")
        let registry = try repo.directory.read("gitops/registry/versions.yaml")
        let status = try TestProcess.fleet(["gitops", "status", "--json"], in: repo.path)
        #expect(status.stdout.contains(#"{"env":"dev","tag":"t-api""#))
        #expect(status.stdout.contains(#"{"env":"staging","tag":"t-api""#))
        #expect(status.stdout.contains(#"{"env":"dev","tag":"t-worker""#))
        #expect(status.stdout.contains(#"{"env":"staging","tag":"t-worker""#))
        for (environment, service) in jobs {
            #expect(registry.contains("  \(environment):\n    tag: t-\(service)\n"), "\(registry)")
        }
    }

    @Test func bumpFromRunRecord() throws {
        let repo = try makeGitOpsRepository()
        defer { repo.remove() }
        let head = try repo.git("rev-parse", "HEAD")
        func record(commit: String, dirty: Bool) -> String {
            #"{"schema":1,"id":"r1","commit":""# + commit + #"","dirty":\#(dirty),"status":"succeeded","#
                + #""actions":[{"target":"api","action":"build","key":"0123456789abcdef0123456789abcdef","#
                + #""status":"cached","durationMs":3},{"target":"worker","action":"build","key":"ff","#
                + #""status":"failed","durationMs":1}]}"#
        }
        let missing = try TestProcess.fleet(["bump", "--env", "dev", "--from-run"], in: repo.path)
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("no run record at"))
        try repo.write("cache/runs/latest.json", record(commit: head, dirty: true))
        let dirty = try TestProcess.fleet(["bump", "--env", "dev", "--from-run"], in: repo.path)
        #expect(dirty.exitCode == 1)
        #expect(dirty.stderr.contains("built uncommitted changes"))
        try repo.write("cache/runs/latest.json", record(commit: head, dirty: false))
        let result = try TestProcess.fleet(["bump", "--env", "dev", "--from-run", "--json", "--allow-dirty"],
                                           in: repo.path, environment: fixedDate)
        #expect(result.exitCode == 0, "\(result)")
        let api = try repo.directory.read("gitops/environments/dev/api.yaml")
        #expect(api.contains("  tag: \"sha-\(head.prefix(7))\"  # bumped by CI\n"))
        // worker's build failed: it is not bumped.
        #expect(try repo.directory.read("gitops/overlays/dev/kustomization.yaml").contains("newTag: sha-1111111"))
    }
}
