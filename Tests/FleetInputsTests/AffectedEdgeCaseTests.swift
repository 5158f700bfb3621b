import FleetBasics
import FleetGit
import FleetInputs
import FleetTestSupport
import Testing

/// Cases where the changed paths git reports and the keys disagree, or where the exhaustive path's cheap
/// identities could drift from content.
@Suite struct AffectedEdgeCaseTests {
    @Test func stagedChangeRevertedInTheWorktreeAffectsNothing() async throws {
        let s = try shop()
        try s.write("services/api/main.py", "staged, then reverted\n")
        try s.git("add", "services/api/main.py")
        try s.write("services/api/main.py", shopFiles["services/api/main.py"] ?? "")
        // git itself sees no difference between HEAD and the working tree.
        #expect(try s.git("diff", "HEAD", "--name-only") == "")
        expectAffected(try await s.affected(base: "HEAD"), [:])
    }

    @Test func stagedChmodRevertedInTheWorktreeAffectsNothing() async throws {
        let s = try shop()
        try s.chmod("services/orders/main.py", 0o755)
        try s.git("add", "services/orders/main.py")
        try s.chmod("services/orders/main.py", 0o644)
        #expect(try s.git("diff", "HEAD", "--name-only") == "")
        expectAffected(try await s.affected(base: "HEAD"), [:])
    }

    @Test func untrackingAFileThatStaysOnDiskAffectsNothing() async throws {
        let s = try shop()
        // `git rm --cached`: deleted from the index, still on disk as an untracked (not ignored) file with the
        // same content, so it is still an input with the same content.
        try s.git("rm", "--quiet", "--cached", "services/orders/main.py")
        expectAffected(try await s.affected(base: "HEAD"), [:])
        // Changing it then counts.
        try s.write("services/orders/main.py", "changed\n")
        expectAffected(try await s.affected(base: "HEAD"), ["orders": [.files(["services/orders/main.py"])]])
    }

    @Test func rootMovedInTheWorktreeComparesContentNotIdentities() async throws {
        let manifest = { (root: String) in
            "version: 1\nroot: \(root)\nlibs:\n  x: {path: x, actions: {build: {run: make}}}\n"
                + "  y: {path: y, actions: {build: {run: make}}}\n"
        }
        let s = try Scenario(manifest: manifest("a"), files: ["a/x/x.c": "x\n", "a/y/y.c": "y\n"])
        // Uncommitted: a copy of the tree under b/, y's file changed.
        try s.write(["b/x/x.c": "x\n", "b/y/y.c": "y2\n", "fleet.yaml": manifest("b")])
        expectAffected(try await s.affected(base: "HEAD"), ["y": [.files(["b/y/y.c"])]], method: "exhaustive")
        // Staged, then the same.
        try s.git("add", "--all")
        expectAffected(try await s.affected(base: "HEAD"), ["y": [.files(["b/y/y.c"])]], method: "exhaustive")
    }

    @Test func outputsChangeInTheWorktreeWithAStagedRevert() async throws {
        let s = try Scenario(manifest: """
            version: 1
            libs:
              a: {path: a, actions: {build: {run: make, outputs: ["dist/**"]}}}
              b: {path: b, actions: {build: {run: make}}}
            """, files: ["a/a.c": "a\n", "b/b.c": "b\n"])
        try s.write("fleet.yaml", """
            version: 1
            libs:
              a: {path: a, actions: {build: {run: make, outputs: ["out/**"]}}}
              b: {path: b, actions: {build: {run: make}}}
            """)
        try s.write("b/b.c", "staged\n")
        try s.git("add", "b/b.c")
        try s.write("b/b.c", "b\n")
        expectAffected(try await s.affected(base: "HEAD"), ["a": [.manifest(["actions.build.outputs"])]],
                       method: "exhaustive")
    }

    @Test func caseOnlyPathDifferencesAreDifferentFiles() async throws {
        let s = try Scenario(manifest: """
            version: 1
            libs:
              a: {path: a, srcs: ["*.C"], actions: {build: {run: make}}}
              b: {path: b, srcs: ["*.c"], actions: {build: {run: make}}}
            """, files: ["a/x.c": "x\n", "b/y.C": "y\n"])
        try s.write(["a/x.c": "x2\n", "b/y.C": "y2\n"])
        expectAffected(try await s.affected(base: "HEAD"), [:])
    }

    @Test func unusualFileNames() async throws {
        let names = ["sp ace.txt", "ünïcødé.txt", "quote\"d.txt", "star*.txt", "[bracket].txt", "-dash.txt",
                     "tab\there.txt", "new\nline.txt", ".hidden"]
        var files: [String: String] = [:]
        for name in names { files["svc/\(name)"] = "1\n" }
        let s = try Scenario(manifest: """
            version: 1
            services:
              svc: {path: svc, actions: {build: {run: make}}}
              lit: {path: svc, srcs: ["star\\\\*.txt"], actions: {build: {run: make}}}
            """, files: files)
        for name in names {
            try s.write("svc/\(name)", "2 \(name)\n")
            let outcome = try await s.affected(base: "HEAD")
            var expected: [String: [AffectedReason]] = ["svc": [.files(["svc/\(name)"])]]
            if name == "star*.txt" { expected["lit"] = [.files(["svc/star*.txt"])] }
            expectAffected(outcome, expected)
            try s.commit()
        }
    }

    @Test func deepDependencyChainThroughSourceOnlyLibs() async throws {
        // d ← c (no actions) ← b (only test) ← a (build needs ^build): a's ^build falls back through b and c to
        // d's build.
        let s = try Scenario(manifest: """
            version: 1
            libs:
              d: {path: d, actions: {build: {run: make}}}
              c: {path: c, deps: [d], actions: null}
              b: {path: b, deps: [c], actions: {test: {run: test}}}
            services:
              a: {path: a, deps: [b], actions: {build: {run: make, needs: ["^build"]}}}
            """, files: ["d/d.c": "d\n", "c/c.c": "c\n", "b/b.c": "b\n", "a/a.c": "a\n"])
        try s.write("d/d.c", "d2\n")
        // b's only action, test, needs nothing: b's keys do not change, but a's fallback through b does.
        expectAffected(try await s.affected(base: "HEAD"), [
            "d": [.files(["d/d.c"])],
            "c": [.dependency("d")],
            "a": [.dependency("b")],
        ])
        try s.commit()
        // b's own test is not part of a's ^build: a test-only lib change does not reach a.
        try s.write("fleet.yaml", try s.read("fleet.yaml").replacingOccurrences("{test: {run: test}}",
                                                                               "{test: {run: test -v}}"))
        expectAffected(try await s.affected(base: "HEAD"), ["b": [.manifest(["actions.test.run"])]])
        // b gains a build: a now needs b's build key instead of its sources.
        try s.write("fleet.yaml", try s.read("fleet.yaml").replacingOccurrences(
            "{test: {run: test -v}}", "{test: {run: test -v}, build: {run: make}}"))
        let outcome = try await s.affected(base: "HEAD")
        expectAffected(outcome, [
            "b": [.manifest(["actions.build", "actions.test.run"])],
            "a": [.dependency("b")],
        ])
    }

    @Test func dependencyLosingTheNeededActionIsADependencyReason() async throws {
        let s = try Scenario(manifest: """
            version: 1
            libs:
              l: {path: l, actions: {build: {run: make}}}
            services:
              s: {path: s, deps: [l], actions: {build: {run: make, needs: ["^build"]}}}
            """, files: ["l/l.c": "l\n", "s/s.c": "s\n"])
        try s.write("fleet.yaml", try s.read("fleet.yaml").replacingOccurrences("{build: {run: make}}", "null"))
        expectAffected(try await s.affected(base: "HEAD"), [
            "l": [.manifest(["actions.build"])],
            "s": [.dependency("l")],
        ])
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
