import FleetBasics
import FleetTestSupport
import Foundation
import Testing

/// The example fleet's GitOps repository (examples/shop/gitops) with the repository's own fleet.yaml.
@Suite(.tags(.integration)) struct GitOpsExampleTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A copy of fleet.yaml and examples/shop in a fresh git repository.
    func makeCopy() throws -> GitFixture {
        let fixture = try GitFixture.make(prefix: "fleet-example")
        let copy = try TestProcess.run("/bin/cp", ["-R", Self.repositoryRoot + "/examples", Self.repositoryRoot
                                                    + "/fleet.yaml", fixture.path])
        guard copy.exitCode == 0 else { throw FixtureError("cp failed: \(copy)") }
        try fixture.commitAll("example")
        return fixture
    }

    @Test func scaffoldReproducesTheHandWrittenApplications() throws {
        let repo = try makeCopy()
        defer { repo.remove() }
        try FileSystem.removeTree(repo.directory.appending("examples/shop/gitops/apps"))
        try FileSystem.removeTree(repo.directory.appending("examples/shop/gitops/bootstrap"))
        let result = try TestProcess.fleet(["gitops", "scaffold"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.hasSuffix("26 created, 24 already there (left as they are)\n"))
        // git is the oracle: the scaffolded files are byte for byte the committed ones.
        #expect(try repo.git("status", "--porcelain") == "")
    }

    @Test func bumpedOverlayRendersWithKubectl() throws {
        guard FileSystem.exists("/usr/bin/kubectl") else { return }  // Debian's kubernetes-client; optional
        let repo = try makeCopy()
        defer { repo.remove() }
        let digest = "sha256:" + String(repeating: "5", count: 64)
        let bump = try TestProcess.fleet(["bump", "--env", "dev", "--tag", "sha-9999999", "--digest", digest,
                                          "queue-worker"], in: repo.path)
        #expect(bump.exitCode == 0, "\(bump)")
        let overlay = repo.directory.appending("examples/shop/gitops/kustomize/queue-worker/overlays/dev")
        let rendered = try TestProcess.run("/usr/bin/kubectl", ["kustomize", overlay])
        #expect(rendered.exitCode == 0, "\(rendered)")
        #expect(rendered.stdout.contains("image: ghcr.io/acme/queue-worker:sha-9999999@\(digest)"), "\(rendered.stdout)")
        try repo.commitAll("dev bumped")
        let tagOnly = try TestProcess.fleet(["bump", "--env", "staging", "--tag", "sha-8888888", "queue-worker"],
                                            in: repo.path)
        #expect(tagOnly.exitCode == 0, "\(tagOnly)")
        let staging = try TestProcess.run("/usr/bin/kubectl", ["kustomize", repo.directory.appending(
            "examples/shop/gitops/kustomize/queue-worker/overlays/staging")])
        #expect(staging.stdout.contains("image: ghcr.io/acme/queue-worker:sha-8888888"), "\(staging)")
        // Only the image lines changed.
        let diff = try repo.git("diff", "--numstat")
        #expect(diff.contains("1\t1\texamples/shop/gitops/kustomize/queue-worker/overlays/staging/kustomization.yaml"))
    }

    @Test func setWorksWithoutManifestOrRepository() async throws {
        try await withTemporaryDirectory { directory in
            let path = try directory.write("values.yaml", "image:\n  tag: 'v1'  # keep\n")
            let result = try TestProcess.fleet(["gitops", "set", "values.yaml", "image.tag=1.20", "image.pull=a=b"],
                                               in: directory.path)
            #expect(result.exitCode == 0, "\(result)")
            #expect(try FileSystem.readText(path) == "image:\n  tag: '1.20'  # keep\n  pull: a=b\n")
            let refused = try TestProcess.fleet(["gitops", "set", "values.yaml", "image=x", "image.tag=v3"],
                                                in: directory.path)
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("'image' is a mapping, not a single value"))
            #expect(try FileSystem.readText(path) == "image:\n  tag: '1.20'  # keep\n  pull: a=b\n")
            let dry = try TestProcess.fleet(["gitops", "set", "values.yaml", "image.tag=v4", "--dry-run"],
                                            in: directory.path)
            #expect(dry.stdout == "--- a/values.yaml\n+++ b/values.yaml\n@@ -1,3 +1,3 @@\n image:\n"
                + "-  tag: '1.20'  # keep\n+  tag: 'v4'  # keep\n   pull: a=b\n")
            let json = try TestProcess.fleet(["gitops", "set", "values.yaml", "image.tag=v5", "--json"],
                                             in: directory.path)
            #expect(json.stdout == #"{"schema":1,"file":"values.yaml","upToDate":false,"dryRun":false,"changes":[{"#
                + #""document":0,"path":"image.tag","old":"1.20","new":"v5","line":2}]}"# + "\n")
            let bad = try TestProcess.fleet(["gitops", "set", "values.yaml", "a: [b"], in: directory.path)
            #expect(bad.exitCode == 1)
        }
    }
}
