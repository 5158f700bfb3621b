import FleetBasics
import FleetManifest
import Testing

@Suite struct ManifestModelTests {
    static let shop = """
        version: 1
        name: shop
        root: examples/shop
        registry: ghcr.io/acme
        globals: ["//.tool-versions", ci]
        inputs:
          prod: ["**", "!tests/**", "!**/*_test.py", "!**/*.md"]
          ci: ["//ci/*.sh"]
        defaults:
          srcs: ["**"]
          env: [CI]
          actions:
            build: { run: ./build.sh, inputs: [prod], outputs: ["dist/**"], needs: ["^build"] }
            test:  { run: ./test.sh, needs: [build], timeout: 10m }
            scan:  { run: ./scan.sh, needs: [build] }
        libs:
          common:    { path: libs/common }
          contracts: { path: libs/contracts, srcs: ["**/*.json"], deps: [common] }
        services:
          api-gateway:
            path: services/api-gateway
            description: Public HTTP entry point
            srcs: ["**", "//config/gateway/*.json"]
            deps: [contracts, common]
            env: [FEATURE_FLAGS]
            image: { name: gateway }
            actions:
              build: { run: make build, outputs: ["bin/**"] }
              e2e:   { run: ./e2e.sh, needs: [build], cache: false, env: [E2E_URL, CI], timeout: 90 }
              scan:  null
          payments:
            path: services/payments
            image: { registry: registry.example.com, repository: quay.io/pay/payments }
            actions:
              test: { inputs: [srcs, "//shared/fixtures/**", "!**/*.snap"] }

        """
    static let directories = ["examples/shop/libs/common", "examples/shop/libs/contracts",
                              "examples/shop/services/api-gateway", "examples/shop/services/payments"]

    @Test func topLevelFields() throws {
        let manifest = try loadValid(Self.shop, directories: Self.directories)
        #expect(manifest.version == 1)
        #expect(manifest.name == "shop")
        #expect(manifest.root == "examples/shop")
        #expect(manifest.workspace.rootDirectory.hasSuffix("/examples/shop"))
        #expect(manifest.registry == "ghcr.io/acme")
        #expect(manifest.globals.patterns == [".tool-versions", "ci/*.sh"])
        #expect(manifest.globals.matches("ci/lint.sh"))
        #expect(manifest.inputSets.map(\.name) == ["ci", "prod"])
        #expect(manifest.targetNames == ["api-gateway", "common", "contracts", "payments"])
        #expect(manifest.libs.map(\.name) == ["common", "contracts"])
        #expect(manifest.actionCount == 3 + 3 + 3 + 3)
        #expect(manifest.defaults.srcs == ["**"])
        #expect(manifest.defaults.actions.map(\.name) == ["build", "scan", "test"])
        #expect(manifest.defaults.actions.last?.timeout == 600)
    }

    @Test func targetsGetDefaultsAndResolvedPatterns() throws {
        let manifest = try loadValid(Self.shop, directories: Self.directories)
        let common = try #require(manifest.target(named: "common"))
        #expect(common.kind == .lib)
        #expect(common.path == "libs/common")
        #expect(common.srcs.patterns == ["libs/common/**"])
        #expect(common.env == ["CI"])
        #expect(common.image == nil)
        #expect(common.actionNames == ["build", "scan", "test"])
        let build = try #require(common.action(named: "build"))
        // The named set is expanded relative to the target's directory, order kept.
        #expect(build.inputs.patterns == ["libs/common/**", "!libs/common/tests/**", "!libs/common/**/*_test.py",
                                          "!libs/common/**/*.md"])
        #expect(build.inputs.matches("libs/common/src/a.py"))
        #expect(!build.inputs.matches("libs/common/tests/a.py"))
        #expect(build.outputs.patterns == ["libs/common/dist/**"])
        #expect(build.needs == [.dependencies("build")])
        #expect(build.needs.first?.location?.line == 13)
        #expect(build.env == ["CI"])
        #expect(build.cache)
        #expect(build.location?.line == 13)

        let contracts = try #require(manifest.target(named: "contracts"))
        #expect(contracts.srcs.patterns == ["libs/contracts/**/*.json"])
        #expect(contracts.action(named: "test")?.inputs == contracts.srcs)
        #expect(contracts.dependencyNames == ["common"])
    }

    @Test func actionsMergeFieldByFieldAndNullRemoves() throws {
        let manifest = try loadValid(Self.shop, directories: Self.directories)
        let gateway = try #require(manifest.target(named: "api-gateway"))
        #expect(gateway.description == "Public HTTP entry point")
        #expect(gateway.srcs.patterns == ["services/api-gateway/**", "config/gateway/*.json"])
        #expect(gateway.dependencyNames == ["common", "contracts"])  // sorted
        #expect(gateway.deps.map { $0.location?.line } == [24, 24])
        #expect(gateway.env == ["FEATURE_FLAGS"])  // replaces defaults.env
        #expect(gateway.actionNames == ["build", "e2e", "test"])  // scan removed
        let build = try #require(gateway.action(named: "build"))
        #expect(build.run == "make build")  // target's field
        #expect(build.outputs.patterns == ["services/api-gateway/bin/**"])
        #expect(build.inputs.patterns.first == "services/api-gateway/**")  // inputs inherited: prod
        #expect(build.inputs.patterns.count == 4)
        #expect(build.needs == [.dependencies("build")])  // inherited
        #expect(build.location?.line == 28)  // the target's entry
        let e2e = try #require(gateway.action(named: "e2e"))
        #expect(!e2e.cache)
        #expect(e2e.timeout == 90)
        #expect(e2e.env == ["CI", "E2E_URL", "FEATURE_FLAGS"])
        #expect(e2e.needs == [.own("build")])
        #expect(e2e.inputs == gateway.srcs)
        let test = try #require(gateway.action(named: "test"))
        #expect(test.timeout == 600)
        #expect(test.run == "./test.sh")
    }

    @Test func imageDefaults() throws {
        let manifest = try loadValid(Self.shop, directories: Self.directories)
        let gateway = try #require(manifest.target(named: "api-gateway")?.image)
        #expect(gateway == Target.Image(name: "gateway", registry: "ghcr.io/acme"))
        #expect(gateway.repository == "ghcr.io/acme/gateway")
        let payments = try #require(manifest.target(named: "payments")?.image)
        #expect(payments.name == "payments")
        #expect(payments.registry == "registry.example.com")
        #expect(payments.repository == "quay.io/pay/payments")
    }

    @Test func srcsExpandsInsideInputs() throws {
        let manifest = try loadValid(Self.shop, directories: Self.directories)
        let test = try #require(manifest.target(named: "payments")?.action(named: "test"))
        #expect(test.inputs.patterns == ["services/payments/**", "shared/fixtures/**", "!services/payments/**/*.snap"])
        #expect(test.run == "./test.sh")
        #expect(test.needs == [.own("build")])
    }

    @Test func locationsAreProvenanceNotIdentity() throws {
        let a = try loadValid("version: 1\nlibs:\n  a: {path: x, srcs: [\"**\"], deps: [b]}\n  b: {path: x}\n",
                              directories: ["x"])
        let b = try loadValid(
            "version: 1\n\n\nlibs:\n  b: {path: x}\n  a:\n    path: x\n    deps: [b]\n    srcs: [\"**\"]\n",
            directories: ["x"])
        let first = try #require(a.target(named: "a"))
        let second = try #require(b.target(named: "a"))
        #expect(first.srcs == second.srcs)
        #expect(first.srcs.locations != second.srcs.locations)
        #expect(first.deps == second.deps)
        #expect(first.deps.first?.location != second.deps.first?.location)
    }

    @Test func minimalManifestDefaults() throws {
        let manifest = try loadValid("version: 1\nservices:\n  app: {path: .}\n")
        #expect(manifest.root == "")
        #expect(manifest.registry == nil)
        let app = try #require(manifest.target(named: "app"))
        #expect(app.path == "")
        #expect(app.srcs.patterns == ["**"])
        #expect(app.actions.isEmpty)
        #expect(app.image == Target.Image(name: "app", registry: nil))
        #expect(app.image?.repository == "app")
        // The name defaults to the manifest's directory.
        #expect(manifest.name.hasPrefix("fleet-manifest-"))
    }

    @Test func nullMeansBuiltInDefault() throws {
        let yaml = """
            version: 1
            defaults:
              srcs: ["src/**"]
              env: [CI]
              actions:
                build: {run: make, cache: false}
            libs:
              a: {path: a, srcs: null, env: null}
              b: {path: b, actions: null}
              c: {path: c, actions: {build: {cache: null, run: null}}}

            """
        let manifest = try loadValid(yaml, directories: ["a", "b", "c"])
        let a = try #require(manifest.target(named: "a"))
        #expect(a.srcs.patterns == ["a/**"])
        #expect(a.env.isEmpty)
        #expect(a.action(named: "build")?.cache == false)
        #expect(manifest.target(named: "b")?.actions.isEmpty == true)
        let c = try #require(manifest.target(named: "c")?.action(named: "build"))
        #expect(c.cache)
        #expect(c.isGroup)
    }

    @Test func scalarsAreAcceptedAsStrings() throws {
        let manifest = try loadValid("version: 1\nname: 123\nlibs:\n  '2024': {path: '2024', description: 1.5}\n",
                                     directories: ["2024"])
        #expect(manifest.name == "123")
        #expect(manifest.target(named: "2024")?.description == "1.5")
    }

    @Test func anchorsAndMergeKeysWork() throws {
        let yaml = """
            version: 1
            libs:
              a: &lib {path: a, env: [CI]}
              b:
                <<: *lib
                path: b

            """
        let manifest = try loadValid(yaml, directories: ["a", "b"])
        #expect(manifest.target(named: "b")?.path == "b")
        #expect(manifest.target(named: "b")?.env == ["CI"])
    }

    @Test func nestedInputSetsAndOutputsKeepOrder() throws {
        let yaml = """
            version: 1
            inputs:
              code: ["**/*.py", docs]
              docs: ["!**/*.md", "README.md"]
            libs:
              a:
                path: a
                srcs: [code, "!gen/**"]
                actions:
                  build: {run: x, outputs: ["out/", "//dist/a/**"]}

            """
        let manifest = try loadValid(yaml, directories: ["a"])
        let a = try #require(manifest.target(named: "a"))
        #expect(a.srcs.patterns == ["a/**/*.py", "!a/**/*.md", "a/README.md", "!a/gen/**"])
        #expect(a.srcs.matches("a/README.md"))
        #expect(!a.srcs.matches("a/x.md"))
        #expect(a.srcs.locations.map { $0?.line } == [3, 4, 4, 8])
        let outputs = try #require(a.action(named: "build")?.outputs)
        #expect(outputs.patterns == ["a/out/", "dist/a/**"])
        #expect(outputs.matches("a/out/x/y.o"))
        #expect(manifest.allOutputs.matches("dist/a/app"))
    }

    @Test func loadsFromBytesWithoutDiskChecks() throws {
        let workspace = Workspace(manifestPath: "/nonexistent/fleet.yaml", displayPath: "HEAD~1:fleet.yaml",
                                  currentDirectory: "/", repositoryRoot: "/nonexistent")
        let bytes = Array("version: 1\nroot: gone\nlibs:\n  a: {path: missing}\n".utf8)
        let manifest = try ManifestLoader.load(bytes: bytes, workspace: workspace, checkPathsOnDisk: false)
        #expect(manifest.target(named: "a")?.path == "missing")
        #expect(manifest.workspace.rootDirectory == "/nonexistent/gone")
        let error = try #require(throws: DiagnosticsError.self) {
            try ManifestLoader.load(bytes: bytes, workspace: workspace, checkPathsOnDisk: true)
        }
        #expect(error.diagnostics.first?.description.hasPrefix("HEAD~1:fleet.yaml:2:7: error: root directory 'gone'")
                == true)
    }
}
