import FleetBasics
import FleetGit
import FleetInputs
import FleetTestSupport
import Testing

/// Replaces `old` (which must occur exactly once) with `new` in the shop manifest.
func shopManifest(replacing old: String, with new: String, in manifest: String = shopManifest) throws -> String {
    let parts = manifest.components(separatedBy: old)
    guard parts.count == 2 else { throw FixtureError("'\(old)' occurs \(parts.count - 1) times in the manifest") }
    return parts.joined(separator: new)
}

extension String {
    fileprivate func components(separatedBy separator: String) -> [String] {
        split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}

@Suite struct AffectedManifestScenarioTests {
    /// Edits fleet.yaml, then compares HEAD~1..HEAD (committed) or HEAD..worktree.
    func edit(_ s: Scenario, _ manifest: String, committed: Bool) async throws -> Outcome {
        try s.write("fleet.yaml", manifest)
        if committed { try s.commit() }
        return try await s.affected(base: committed ? "HEAD~1" : "HEAD", head: committed ? "HEAD" : nil)
    }

    @Test(arguments: [true, false]) func commentOnlyAffectsNothing(committed: Bool) async throws {
        let s = try shop()
        let manifest = "# a new header\n" + (try shopManifest(replacing: "# The shop.", with: "# The shop, v2."))
            + "# trailing comment\n"
        let outcome = try await edit(s, manifest, committed: committed)
        expectAffected(outcome, [:])
        #expect(outcome.report.changedPaths == ["fleet.yaml"])
    }

    @Test(arguments: [true, false]) func reformattingAndReorderingAffectNothing(committed: Bool) async throws {
        let s = try shop()
        // Block style instead of flow style, keys and targets in another order, deps reversed; same meaning.
        let manifest = """
            services:
              web:
                actions:
                  test: ~
                srcs:
                  - "**"
                  - "!**/*.md"
                path: services/web
              orders: {deps: [common], path: services/orders}
              api:
                srcs: ["**", "//config/api/*.json"]
                deps:
                  - protos
                  - contracts
                path: ./services/api/
            libs:
              protos: {actions: ~, path: libs/protos}
              contracts: {deps: [common], path: libs/contracts}
              common: {path: "libs/common"}
            defaults:
              actions:
                test: {needs: [build], run: ./test.sh}
                build:
                  needs: ["^build"]
                  outputs: ["dist/**"]
                  inputs: [prod]
                  run: './build.sh'
            inputs:
              prod: ["**", "!tests/**", "!**/*.md"]
            globals:
              - //go.work
            version: 1

            """
        expectAffected(try await edit(s, manifest, committed: committed), [:])
    }

    @Test(arguments: [true, false]) func oneTargetsCommandAffectsItAndItsDependents(committed: Bool) async throws {
        let s = try shop()
        let manifest = try shopManifest(
            replacing: "common: {path: libs/common}",
            with: "common: {path: libs/common, actions: {build: {run: ./build.sh --release}}}")
        expectAffected(try await edit(s, manifest, committed: committed), [
            "common": [.manifest(["actions.build.run"])],
            "contracts": [.dependency("common")],
            "orders": [.dependency("common")],
            "api": [.dependency("contracts")],
        ])
    }

    @Test(arguments: [true, false]) func removedDependencyAffectsThatTargetAndItsDependentsOnly(committed: Bool)
        async throws
    {
        let s = try shop()
        let manifest = try shopManifest(
            replacing: "contracts: {path: libs/contracts, deps: [common]}", with: "contracts: {path: libs/contracts}")
        expectAffected(try await edit(s, manifest, committed: committed), [
            "contracts": [.manifest(["deps"])],
            "api": [.dependency("contracts")],
        ])
    }

    @Test func addedDependencyIsAManifestReasonNotAChangedDependency() async throws {
        let s = try shop()
        let manifest = try shopManifest(
            replacing: "orders: {path: services/orders, deps: [common]}",
            with: "orders: {path: services/orders, deps: [common, protos]}")
        expectAffected(try await edit(s, manifest, committed: true), ["orders": [.manifest(["deps"])]])
    }

    @Test func addedTarget() async throws {
        let s = try shop()
        try s.write("services/billing/main.py", "bill\n")
        let manifest = shopManifest + "  billing: {path: services/billing, deps: [common]}\n"
        expectAffected(try await edit(s, manifest, committed: true), ["billing": [.added]])
    }

    @Test func removedTarget() async throws {
        let s = try shop()
        let manifest = try shopManifest(
            replacing: "  web: {path: services/web, srcs: [\"**\", \"!**/*.md\"], actions: {test: null}}\n", with: "")
        expectAffected(try await edit(s, manifest, committed: true), [:], removed: ["web"])
    }

    @Test func renamedTarget() async throws {
        let s = try shop()
        var manifest = try shopManifest(replacing: "common: {path: libs/common}", with: "core: {path: libs/common}")
        manifest = try shopManifest(replacing: "libs/contracts, deps: [common]", with: "libs/contracts, deps: [core]",
                                    in: manifest)
        manifest = try shopManifest(replacing: "services/orders, deps: [common]", with: "services/orders, deps: [core]",
                                    in: manifest)
        // Dependents are affected through their changed deps and the new target they now depend on; the old name
        // is no dependency of anything at head.
        expectAffected(try await edit(s, manifest, committed: true), [
            "core": [.added],
            "contracts": [.dependency("core"), .manifest(["deps"])],
            "orders": [.dependency("core"), .manifest(["deps"])],
            "api": [.dependency("contracts")],
        ], removed: ["common"])
    }

    @Test func changeInDefaultsAffectsEveryTargetInheritingIt() async throws {
        let s = try shop()
        let manifest = try shopManifest(
            replacing: "test: {run: ./test.sh, needs: [build]}", with: "test: {run: ./test.sh -v, needs: [build]}")
        // web removed its test, protos has no actions; nothing needs `test`, so no dependents.
        expectAffected(try await edit(s, manifest, committed: true),
                       ["api", "common", "contracts", "orders"].each([.manifest(["actions.test.run"])]))
    }

    @Test func namedInputSetChange() async throws {
        let s = try shop()
        let manifest = try shopManifest(
            replacing: "prod: [\"**\", \"!tests/**\", \"!**/*.md\"]",
            with: "prod: [\"**\", \"!tests/**\", \"!**/*.md\", \"!**/*.txt\"]")
        expectAffected(try await edit(s, manifest, committed: true), [
            "common": [.manifest(["actions.build.inputs"])],
            "contracts": [.dependency("common"), .manifest(["actions.build.inputs"])],
            "orders": [.dependency("common"), .manifest(["actions.build.inputs"])],
            "api": [.dependency("contracts"), .manifest(["actions.build.inputs"])],
            "web": [.manifest(["actions.build.inputs"])],
        ])
    }

    @Test func globalsDefinitionChangeAffectsEverything() async throws {
        let s = try shop()
        let manifest = try shopManifest(replacing: "globals: [\"//go.work\"]", with: "globals: [\"//go.work\", \"//go.sum\"]")
        let outcome = try await edit(s, manifest, committed: true)
        #expect(outcome.names == allShopTargets)
        for target in outcome.report.affected {
            #expect(target.reasons.contains(.manifest(["globals"])), "\(target.name)")
        }
        expectAgreesWithBruteForce(outcome)
    }

    @Test func envDeclarationChange() async throws {
        let s = try shop()
        let manifest = try shopManifest(
            replacing: "orders: {path: services/orders, deps: [common]}",
            with: "orders: {path: services/orders, deps: [common], env: [REGION]}")
        expectAffected(try await edit(s, manifest, committed: true),
                       ["orders": [.manifest(["actions.build.env", "actions.test.env"])]])
    }

    @Test func fieldsOutsideTheKeyAffectNothing() async throws {
        let s = try shop()
        var manifest = try shopManifest(
            replacing: "web: {path: services/web,",
            with: "web: {path: services/web, description: The web app, image: {name: webapp},")
        manifest = try shopManifest(
            replacing: "test: {run: ./test.sh, needs: [build]}",
            with: "test: {run: ./test.sh, needs: [build], timeout: 10m, cache: false}", in: manifest)
        manifest = "name: another-name\nregistry: ghcr.io/acme\n" + manifest
        expectAffected(try await edit(s, manifest, committed: true), [:])
    }

    // MARK: - The exhaustive path

    @Test(arguments: [true, false]) func outputsChangeRunsTheExhaustivePath(committed: Bool) async throws {
        let s = try Scenario(manifest: """
            version: 1
            libs:
              common: {path: libs/common, actions: {build: {run: make, outputs: ["dist/**"]}}}
            services:
              packager: {path: pkg, srcs: ["**", "//libs/common/dist/**"], actions: {build: {run: make}}}
              other: {path: other, actions: {build: {run: make}}}
            """, files: ["libs/common/c.c": "c\n", "libs/common/dist/lib.a": "a\n", "pkg/p.sh": "p\n",
                         "other/o.c": "o\n"])
        // common's outputs no longer cover dist/: lib.a becomes an input of packager, whose definition and files
        // did not change.
        try s.write("fleet.yaml", """
            version: 1
            libs:
              common: {path: libs/common, actions: {build: {run: make, outputs: ["out/**"]}}}
            services:
              packager: {path: pkg, srcs: ["**", "//libs/common/dist/**"], actions: {build: {run: make}}}
              other: {path: other, actions: {build: {run: make}}}
            """)
        if committed { try s.commit() }
        let outcome = try await s.affected(base: committed ? "HEAD~1" : "HEAD", head: committed ? "HEAD" : nil)
        expectAffected(outcome, [
            "common": [.manifest(["actions.build.outputs"])],
            "packager": [.manifest(["outputs"])],
        ], method: "exhaustive")
    }

    @Test func rootMovedRunsTheExhaustivePath() async throws {
        let files = ["a/x/main.c": "m\n", "a/y/main.c": "y\n", "a/z/z.c": "z\n"]
        let manifest = { (root: String) in
            """
            version: 1
            root: \(root)
            libs:
              x: {path: x, actions: {build: {run: make}}}
              y: {path: y, actions: {build: {run: make}}}
              z: {path: z, actions: null}
            """
        }
        let s = try Scenario(manifest: manifest("a"), files: files)
        // The same tree under b/, except y's file: keys are root-relative, so only y differs.
        try s.write(["b/x/main.c": "m\n", "b/y/main.c": "y changed\n", "b/z/z.c": "z\n", "fleet.yaml": manifest("b")])
        try s.commit()
        let outcome = try await s.affected(base: "HEAD~1", head: "HEAD")
        expectAffected(outcome, ["y": [.files(["b/y/main.c"])]], method: "exhaustive")
        #expect(outcome.report.target(named: "y")?.path == "b/y")
        try s.write("b/z/z.c", "z changed\n")
        expectAffected(try await s.affected(base: "HEAD~1"), [
            "y": [.files(["b/y/main.c"])],
            "z": [.files(["b/z/z.c"])],
        ], method: "exhaustive")
    }

    // MARK: - Special bases

    @Test func baseWithoutAManifestMakesEverythingNew() async throws {
        let s = try Scenario(manifest: "version: 1\n", files: ["services/api/main.py": "x\n"])
        try s.remove("fleet.yaml")
        try s.commit("no manifest")
        try s.write("fleet.yaml", "version: 1\nservices:\n  api: {path: services/api, actions: {build: {run: make}}}\n")
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), ["api": [.added]])
        expectAffected(try await s.affected(base: "HEAD~1"), ["api": [.added]])
    }

    @Test func baseWithAnInvalidManifestIsDegraded() async throws {
        let s = try shop()
        try s.write("fleet.yaml", "version: 1\nlibs: [oops\n")
        try s.commit("broken")
        try s.write("fleet.yaml", shopManifest)
        try s.commit("fixed")
        let outcome = try await s.affected(base: "HEAD~1", head: "HEAD")
        #expect(outcome.names == allShopTargets)
        let degraded = try #require(outcome.report.degraded)
        #expect(degraded.contains("does not load"))
        #expect(outcome.truth.affected == Set(allShopTargets))
    }

    @Test func emptyRepositoryAndUnbornHeadCountEverythingAsAdded() async throws {
        let s = try Scenario(emptyWithManifestAt: "fleet.yaml")
        try s.write(["fleet.yaml": shopManifest])
        try s.write(shopFiles)
        let repository = try s.repository()
        let choice = try BaseResolver.resolve(explicit: nil, repository: repository, environment: [:])
        #expect(choice.commit == nil)
        expectAffected(try await s.affected(base: nil), allShopTargets.each([.added]))
        // An orphan branch in a repository with history: HEAD is unborn again.
        try s.commit()
        try s.git("checkout", "--quiet", "--orphan", "fresh")
        #expect(try BaseResolver.resolve(explicit: nil, repository: s.repository(), environment: [:]).commit == nil)
        expectAffected(try await s.affected(base: nil), allShopTargets.each([.added]))
    }

    @Test func manifestInASubdirectoryWithItsOwnRoot() async throws {
        let manifest = """
            version: 1
            root: shop
            globals: [go.work]
            libs:
              common: {path: libs/common, actions: {build: {run: make}}}
            services:
              api: {path: services/api, deps: [common], actions: {build: {run: make, needs: ["^build"]}}}
            """
        let s = try Scenario(manifest: manifest, files: [
            "tools/fleet/shop/libs/common/c.py": "c\n", "tools/fleet/shop/services/api/a.py": "a\n",
            "tools/fleet/shop/go.work": "go\n", "go.work": "outside the root\n",
            "libs/common/c.py": "outside the root\n",
        ], manifestPath: "tools/fleet/fleet.yaml")
        // Outside the root: nothing.
        try s.write(["go.work": "changed\n", "libs/common/c.py": "changed\n", "tools/fleet/README.md": "r\n"])
        try s.commit()
        expectAffected(try await s.affected(base: "HEAD~1", head: "HEAD"), [:])
        // Inside: repository-relative paths in reasons and targets.
        try s.write("tools/fleet/shop/libs/common/c.py", "c2\n")
        let outcome = try await s.affected(base: "HEAD")
        expectAffected(outcome, [
            "common": [.files(["tools/fleet/shop/libs/common/c.py"])],
            "api": [.dependency("common")],
        ])
        #expect(outcome.report.target(named: "api")?.path == "tools/fleet/shop/services/api")
        try s.write("tools/fleet/shop/go.work", "go 2\n")
        expectAffected(try await s.affected(base: "HEAD"), [
            "common": [.files(["tools/fleet/shop/libs/common/c.py"]), .global(["tools/fleet/shop/go.work"])],
            "api": [.dependency("common"), .global(["tools/fleet/shop/go.work"])],
        ])
    }
}
