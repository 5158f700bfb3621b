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

@Suite struct AffectedStructureChangeTests {
    @Test(arguments: [true, false]) func fileReplacedByADirectoryOfTheSameName(committed: Bool) async throws {
        let s = try Scenario(manifest: """
            version: 1
            libs:
              a: {path: a, srcs: ["util"], actions: {build: {run: make}}}
              b: {path: a, srcs: ["util/**"], actions: {build: {run: make}}}
              c: {path: c, actions: {build: {run: make}}}
            """, files: ["a/util": "a file\n", "c/c.c": "c\n"])
        try s.remove("a/util")
        try s.write("a/util/x.c", "now a directory\n")
        if committed { try s.commit() }
        let outcome = try await s.affected(base: committed ? "HEAD~1" : "HEAD", head: committed ? "HEAD" : nil)
        expectAffected(outcome, ["a": [.files(["a/util"])], "b": [.files(["a/util/x.c"])]])
        // And back.
        if committed {
            try s.remove("a/util")
            try s.write("a/util", "a file again\n")
            try s.commit()
            expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"),
                           ["a": [.files(["a/util"])], "b": [.files(["a/util/x.c"])]])
        }
    }

    @Test func submoduleBump() async throws {
        let library = try GitFixture.make(files: ["lib.c": "v1\n"], prefix: "fleet-submodule")
        defer { library.remove() }
        let s = try Scenario(manifest: """
            version: 1
            libs:
              vendored: {path: vendor, actions: {build: {run: make}}}
              other: {path: other, actions: {build: {run: make}}}
            """, files: ["other/o.c": "o\n", "vendor/README": "vendored code\n"])
        try s.git("-c", "protocol.file.allow=always", "submodule", "--quiet", "add", library.path, "vendor/lib")
        try s.commit("add the submodule")
        try library.commit(["lib.c": "v2\n"])
        try s.git("-C", "vendor/lib", "-c", "protocol.file.allow=always", "pull", "--quiet", "origin", "main")
        // Uncommitted bump, then committed.
        let worktree = try await s.affected(base: "HEAD")
        try s.commit("bump")
        let committed = try await s.affected(base: "HEAD~1", head: "HEAD")
        for outcome in [worktree, committed] {
            // A submodule's new commit is new code in the target that contains it.
            expectAffected(outcome, ["vendored": [.files(["vendor/lib"])]])
        }
        // Its contents changing without a new commit (a dirty submodule) is no change of the superproject.
        try s.write("vendor/lib/lib.c", "local edit\n")
        expectAffected(try await s.affected(base: "HEAD"), [:])
        #expect(flatten(try await worktreeKeys(s).keys) == flatten(try await commitKeys(s)))

        // A clone that did not initialise the submodule: an empty directory stands for the recorded commit.
        let clone = GitFixture(directory: try TemporaryDirectory(prefix: "fleet-no-submodules"))
        try s.git("clone", "--quiet", s.path, clone.path)
        let cloned = try Scenario(existing: clone)
        #expect(try cloned.git("submodule", "status").hasPrefix("-"), "not initialised")
        #expect(flatten(try await worktreeKeys(cloned).keys) == flatten(try await commitKeys(cloned)))
        expectAffected(try await cloned.affected(base: "HEAD"), [:])
        expectAffected(try await cloned.affected(base: "HEAD~1"), ["vendored": [.files(["vendor/lib"])]])
    }
}

@Suite struct AffectedUnusualPathTests {
    /// A target directory whose name contains glob metacharacters: its patterns must still mean its own files.
    @Test(arguments: ["svc/[x]", "svc/a*b", "svc/q?", "svc/back\\slash", "svc/sp ace", "svc/ünï"])
    func targetDirectoriesWithGlobCharacters(directory: String) async throws {
        let s = try Scenario(manifest: """
            version: 1
            services:
              odd: {path: "\(directory.replacingOccurrences("\\", "\\\\"))", actions: {build: {run: make}}}
              plain: {path: svc/x, actions: {build: {run: make}}}
              other: {path: svc/ab, actions: {build: {run: make}}}
            """, files: ["\(directory)/main.c": "m\n", "svc/x/main.c": "x\n", "svc/ab/main.c": "ab\n",
                         "svc/q1/main.c": "q\n", "svc/back/slash/main.c": "b\n"])
        try s.write("\(directory)/main.c", "m2\n")
        expectAffected(try await s.affected(base: "HEAD"), ["odd": [.files(["\(directory)/main.c"])]])
        try s.commit()
        for sibling in ["svc/x/main.c", "svc/ab/main.c", "svc/q1/main.c", "svc/back/slash/main.c"] {
            try s.write(sibling, "changed\n")
        }
        let outcome = try await s.affected(base: "HEAD")
        #expect(!outcome.names.contains("odd"), "\(directory) must not see its neighbours' files")
        expectAgreesWithBruteForce(outcome)
        let keys = try await worktreeKeys(s).keys
        #expect(keys.key(target: "odd", action: "build")?.inputs.map(\.path) == ["\(directory)/main.c"])
    }
}
