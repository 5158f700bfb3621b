import FleetBasics
import FleetGit
import FleetInputs
import FleetTestSupport
import Testing

/// A small fleet with per-action inputs (build excludes tests and docs), a source-only lib without actions used
/// through `^build`, a target with a root-relative input, and a global input.
let shopManifest = """
    version: 1
    # The shop.
    globals: ["//go.work"]
    inputs:
      prod: ["**", "!tests/**", "!**/*.md"]
    defaults:
      actions:
        build: {run: ./build.sh, inputs: [prod], outputs: ["dist/**"], needs: ["^build"]}
        test: {run: ./test.sh, needs: [build]}
    libs:
      common: {path: libs/common}
      contracts: {path: libs/contracts, deps: [common]}
      protos: {path: libs/protos, actions: null}
    services:
      api: {path: services/api, deps: [contracts, protos], srcs: ["**", "//config/api/*.json"]}
      orders: {path: services/orders, deps: [common]}
      web: {path: services/web, srcs: ["**", "!**/*.md"], actions: {test: null}}

    """

let shopFiles: [String: String] = [
    "go.work": "go 1.22\n",
    "README.md": "# shop\n",
    "docs/guide.md": "guide\n",
    ".gitignore": "*.log\nignored/\n",
    "config/api/routes.json": "{}\n",
    "config/other.json": "{}\n",
    "libs/common/common.py": "def f(): pass\n",
    "libs/common/tests/test_common.py": "def test(): pass\n",
    "libs/common/README.md": "common\n",
    "libs/contracts/api.json": "{}\n",
    "libs/protos/orders.proto": "message Order {}\n",
    "services/api/main.py": "print('api')\n",
    "services/api/tests/test_main.py": "def test(): pass\n",
    "services/orders/main.py": "print('orders')\n",
    "services/web/index.html": "<html></html>\n",
    "services/web/NOTES.md": "notes\n",
]

let allShopTargets = ["api", "common", "contracts", "orders", "protos", "web"]

func shop() throws -> Scenario { try Scenario(manifest: shopManifest, files: shopFiles) }

@Suite struct AffectedFileScenarioTests {
    @Test(arguments: [true, false]) func editInAService(committed: Bool) async throws {
        let s = try shop()
        try s.write("services/api/main.py", "print('api v2')\n")
        if committed { try s.commit() }
        let outcome = try await s.affected(base: committed ? "HEAD~1" : "HEAD", head: committed ? "HEAD" : nil)
        expectAffected(outcome, ["api": [.files(["services/api/main.py"])]], method: "fast")
    }

    @Test func editInALibAffectsItsDependentsWithTheChain() async throws {
        let s = try shop()
        try s.write("libs/common/common.py", "def f(): return 1\n")
        try s.commit()
        let outcome = try await s.affected(base: "HEAD~1", head: "HEAD")
        expectAffected(outcome, [
            "common": [.files(["libs/common/common.py"])],
            "contracts": [.dependency("common")],
            "orders": [.dependency("common")],
            "api": [.dependency("contracts")],
        ])
    }

    @Test func testOnlyEditOfALibAffectsOnlyTheLib() async throws {
        let s = try shop()
        try s.write("libs/common/tests/test_common.py", "def test(): assert True\n")
        try s.commit()
        let outcome = try await s.affected(base: "HEAD~1", head: "HEAD")
        expectAffected(outcome, ["common": [.files(["libs/common/tests/test_common.py"])]])
        // The lib's build key is unchanged, its test key changed.
        let report = outcome.report
        #expect(report.changedPaths == ["libs/common/tests/test_common.py"])
    }

    @Test func addedFileInATarget() async throws {
        let s = try shop()
        try s.write("services/orders/db.py", "db\n")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"),
                       ["orders": [.files(["services/orders/db.py"])]])
    }

    @Test func deletedFileAffectsItsTargetAndDependents() async throws {
        let s = try shop()
        try s.remove("libs/contracts/api.json")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [
            "contracts": [.files(["libs/contracts/api.json"])],
            "api": [.dependency("contracts")],
        ])
    }

    @Test func renameWithinATarget() async throws {
        let s = try shop()
        try s.move("services/orders/main.py", "services/orders/app.py")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"),
                       ["orders": [.files(["services/orders/app.py", "services/orders/main.py"])]])
    }

    @Test(arguments: [true, false]) func renameAcrossTargets(committed: Bool) async throws {
        let s = try shop()
        try s.git("mv", "services/orders/main.py", "services/web/main.py")
        if committed { try s.commit() }
        let outcome = try await s.affected(base: committed ? "HEAD~1" : "HEAD", head: committed ? "HEAD" : nil)
        expectAffected(outcome, [
            "orders": [.files(["services/orders/main.py"])],
            "web": [.files(["services/web/main.py"])],
        ])
    }

    @Test(arguments: [true, false]) func chmodPlusX(committed: Bool) async throws {
        let s = try shop()
        try s.chmod("services/web/index.html", 0o755)
        if committed { try s.commit() }
        let outcome = try await s.affected(base: committed ? "HEAD~1" : "HEAD", head: committed ? "HEAD" : nil)
        expectAffected(outcome, ["web": [.files(["services/web/index.html"])]])
    }

    @Test(arguments: [true, false]) func symlinkAddedRetargetedAndReplacingAFile(committed: Bool) async throws {
        let s = try shop()
        let base = committed ? "HEAD~1" : "HEAD"
        let head: String? = committed ? "HEAD" : nil
        func step() async throws -> Outcome {
            if committed { try s.commit() }
            let outcome = try await s.affected(base: base, head: head)
            if !committed { try s.commit() }
            return outcome
        }
        // Added.
        try s.symlink("services/orders/link", to: "main.py")
        expectAffected(try await step(), ["orders": [.files(["services/orders/link"])]])
        // Retargeted: same path, new target text.
        try s.symlink("services/orders/link", to: "../api/main.py")
        expectAffected(try await step(), ["orders": [.files(["services/orders/link"])]])
        // A file replaced by a symlink to identical text.
        try s.write("services/web/index.html", "main.py")
        try s.commit()
        try s.symlink("services/web/index.html", to: "main.py")
        expectAffected(try await step(), ["web": [.files(["services/web/index.html"])]])
        // And back.
        try s.remove("services/web/index.html")
        try s.write("services/web/index.html", "main.py")
        expectAffected(try await step(), ["web": [.files(["services/web/index.html"])]])
    }

    @Test func fileMatchedOnlyByAnExcludeAffectsNothing() async throws {
        let s = try shop()
        try s.write("services/web/NOTES.md", "more notes\n")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [:])
    }

    @Test func docsOnlyChangeAffectsNothing() async throws {
        let s = try shop()
        try s.write(["docs/guide.md": "new guide\n", "README.md": "# the shop\n", "docs/new.md": "x\n"])
        try s.commit()
        let outcome = try await s.affected(base: "HEAD~1", head: "HEAD")
        expectAffected(outcome, [:])
        #expect(outcome.report.changedPaths == ["README.md", "docs/guide.md", "docs/new.md"])
    }

    @Test func globalChangeAffectsEverything() async throws {
        let s = try shop()
        try s.write("go.work", "go 1.23\n")
        try s.commit()
        // Every target through the global; those whose needed keys include a dependency's also through it.
        var expected = allShopTargets.each([.global(["go.work"])])
        expected["api"] = [.dependency("contracts"), .global(["go.work"])]
        expected["contracts"] = [.dependency("common"), .global(["go.work"])]
        expected["orders"] = [.dependency("common"), .global(["go.work"])]
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), expected)
    }

    @Test func rootRelativeInput() async throws {
        let s = try shop()
        try s.write("config/api/routes.json", "{\"a\": 1}\n")
        try s.write("config/other.json", "{\"b\": 1}\n")  // matched by nothing
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"),
                       ["api": [.files(["config/api/routes.json"])]])
    }

    @Test func sourceOnlyLibWithoutBuildAffectsDependentsThroughCaretBuild() async throws {
        let s = try shop()
        try s.write("libs/protos/orders.proto", "message Order { int32 id = 1; }\n")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [
            "protos": [.files(["libs/protos/orders.proto"])],
            "api": [.dependency("protos")],
        ])
    }

    @Test func declaredOutputsAreNeverInputs() async throws {
        let s = try shop()
        // dist/** is every build's output: committed or not, it is no input of anything.
        try s.write("libs/common/dist/common.whl", "binary\n")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [:])
        try s.write("libs/common/dist/common.whl", "binary 2\n")
        try s.write("services/api/dist/api.tar", "tar\n")
        expectAffected(try await s.affected(base: "HEAD"), [:])
    }

    @Test func ignoredFilesNeverAffect() async throws {
        let s = try shop()
        try s.write("services/api/debug.log", "log\n")
        try s.write("ignored/services/api/x.py", "x\n")
        try s.write("libs/common/ignored/y.py", "y\n")
        expectAffected(try await s.affected(base: "HEAD"), [:])
        // Force-added, an ignored-looking file is tracked and counts like any other.
        try s.git("add", "-f", "services/api/debug.log")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"),
                       ["api": [.files(["services/api/debug.log"])]])
    }

    @Test func stagedUnstagedAndUntrackedChangesCountInWorktreeMode() async throws {
        let s = try shop()
        try s.write("services/api/main.py", "staged\n")
        try s.git("add", "services/api/main.py")
        try s.write("services/orders/main.py", "unstaged\n")
        try s.write("libs/contracts/new.json", "untracked\n")
        let outcome = try await s.affected(base: "HEAD")
        expectAffected(outcome, [
            "api": [.files(["services/api/main.py"]), .dependency("contracts")],
            "orders": [.files(["services/orders/main.py"])],
            "contracts": [.files(["libs/contracts/new.json"])],
        ])
        #expect(outcome.report.head == nil)
        // The committed state alone: nothing.
        expectAffected(try await s.affected(base: "HEAD", head: "HEAD"), [:])
    }

    @Test func worktreeDeletionsAndStagedDeletions() async throws {
        let s = try shop()
        try s.remove("services/orders/main.py")
        try s.git("rm", "--quiet", "services/api/tests/test_main.py")
        expectAffected(try await s.affected(base: "HEAD"), [
            "orders": [.files(["services/orders/main.py"])],
            "api": [.files(["services/api/tests/test_main.py"])],
        ])
    }

    @Test func twoTargetsSharingAPath() async throws {
        let s = try Scenario(manifest: """
            version: 1
            libs:
              lib-a: {path: shared, srcs: ["a/**"], actions: {build: {run: make a}}}
              lib-b: {path: shared, actions: {build: {run: make b}}}
            services:
              svc: {path: svc, deps: [lib-a], actions: {build: {run: make, needs: ["^build"]}}}
            """, files: ["shared/a/x.c": "x\n", "shared/b/y.c": "y\n", "svc/main.c": "m\n"])
        try s.write("shared/a/x.c", "x2\n")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [
            "lib-a": [.files(["shared/a/x.c"])],
            "lib-b": [.files(["shared/a/x.c"])],
            "svc": [.dependency("lib-a")],
        ])
        try s.write("shared/b/y.c", "y2\n")
        expectAffected(try await s.affected(base: "HEAD"), ["lib-b": [.files(["shared/b/y.c"])]])
    }

    @Test func targetWithNoActions() async throws {
        let s = try Scenario(manifest: """
            version: 1
            libs:
              schema: {path: schema, actions: null}
              bundle: {path: bundle, deps: [schema], actions: null}
            services:
              svc: {path: svc, deps: [bundle], actions: {build: {run: make, needs: ["^build"]}}}
              other: {path: other, actions: {build: {run: make, needs: ["^build"]}}}
            """, files: ["schema/s.json": "{}\n", "bundle/b.txt": "b\n", "svc/main.c": "m\n", "other/o.c": "o\n"])
        try s.write("schema/s.json", "{\"v\": 2}\n")
        try s.commit()
        // The no-action bundle stands for its sources and its dependencies; svc's ^build falls back through it.
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [
            "schema": [.files(["schema/s.json"])],
            "bundle": [.dependency("schema")],
            "svc": [.dependency("bundle")],
        ])
    }

    @Test func nestedTargetsShareFilesWithoutImplicitExclusion() async throws {
        let s = try Scenario(manifest: """
            version: 1
            services:
              outer: {path: app, actions: {build: {run: make}}}
              inner: {path: app/plugin, actions: {build: {run: make}}}
            """, files: ["app/main.c": "m\n", "app/plugin/p.c": "p\n"])
        try s.write("app/plugin/p.c", "p2\n")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [
            "inner": [.files(["app/plugin/p.c"])],
            "outer": [.files(["app/plugin/p.c"])],
        ])
    }
}
