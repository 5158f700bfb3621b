import FleetBasics
import FleetGraph
import FleetManifest
import Testing

@Suite struct TargetGraphTests {
    /// common ← contracts ← api, web; common ← auth ← api; tools is alone.
    static let yaml = """
        version: 1
        defaults:
          actions:
            build: {run: b, needs: ["^build"]}
            test: {run: t, needs: [build]}
            package: {needs: [test, build]}
        libs:
          common: {path: x, actions: {build: null, package: null, test: {needs: []}, gen: {run: g}}}
          contracts: {path: x, deps: [common]}
          auth: {path: x, deps: [common]}
          tools: {path: x}
        services:
          web: {path: x, deps: [contracts]}
          api: {path: x, deps: [auth, contracts, common]}

        """

    func graph() throws -> TargetGraph {
        try TargetGraph(manifest: loadValid(Self.yaml, directories: ["x"]))
    }

    @Test func topologicalOrderPutsDepsFirstAndBreaksTiesByName() throws {
        let graph = try graph()
        #expect(graph.topologicalOrder == ["common", "auth", "contracts", "api", "tools", "web"])
        #expect(graph.names == ["api", "auth", "common", "contracts", "tools", "web"])
    }

    @Test func directEdges() throws {
        let graph = try graph()
        #expect(graph.dependencies(of: "api") == ["auth", "common", "contracts"])
        #expect(graph.dependents(of: "common") == ["api", "auth", "contracts"])
        #expect(graph.dependents(of: "tools").isEmpty)
        #expect(graph.dependencies(of: "nope").isEmpty)
    }

    @Test func closures() throws {
        let graph = try graph()
        #expect(graph.transitiveDependencies(of: ["web"]) == ["common", "contracts"])
        #expect(graph.transitiveDependents(of: ["common"]) == ["api", "auth", "contracts", "web"])
        #expect(graph.transitiveDependents(of: ["auth", "unknown"]) == ["api"])
        #expect(graph.closure(of: ["contracts"], dependencies: true, dependents: false) == ["common", "contracts"])
        #expect(graph.closure(of: ["contracts"], dependencies: false, dependents: true) == ["api", "contracts", "web"])
        #expect(graph.closure(of: ["contracts"], dependencies: true, dependents: true)
                == ["api", "common", "contracts", "web"])
    }

    @Test func subgraphKeepsOnlyInternalEdges() throws {
        let sub = try graph().subgraph(["api", "auth", "tools", "missing"])
        #expect(sub.names == ["api", "auth", "tools"])
        #expect(sub.contains("api") && !sub.contains("common"))
        #expect(sub.dependencies(of: "api") == ["auth"])
        #expect(sub.dependents(of: "auth") == ["api"])
        #expect(sub.topologicalOrder == ["auth", "api", "tools"])
        #expect(sub.transitiveDependencies(of: ["api"]) == ["auth"])
        #expect(sub.target(named: "common") == nil)
    }

    @Test func actionNeedsExpandCaretToDependencies() throws {
        let graph = try graph()
        let build = graph.needs(target: "api", action: "build")
        #expect(build.actions.map(\.description) == ["auth:build", "contracts:build"])
        // common removed its build: listed separately, its sources may still matter.
        #expect(build.dependenciesWithoutAction.map(\.description) == ["common:build"])
        let package = graph.needs(target: "api", action: "package")
        #expect(package.actions.map(\.description) == ["api:build", "api:test"])
        #expect(graph.needs(target: "common", action: "test").actions.isEmpty)  // its build is gone
        #expect(graph.needs(target: "nope", action: "build") == ActionNeeds())
    }

    @Test func actionOrderWithinATarget() throws {
        let graph = try graph()
        #expect(graph.actionOrder(of: "api") == ["build", "test", "package"])
        #expect(graph.actionOrder(of: "common") == ["gen", "test"])
    }

    @Test func unknownTargetSuggestions() throws {
        let graph = try graph()
        #expect(graph.unknownTargetError(for: "api") == nil)
        let error = try #require(graph.unknownTargetError(for: "contract"))
        #expect(error.diagnostics.first?.description
                == "error: unknown target 'contract'\n  hint: did you mean 'contracts'?")
    }

    @Test func cyclesAreReportedWithTheirPathAndEveryEdge() throws {
        let yaml = """
            version: 1
            libs:
              a: {path: x, deps: [b]}
              b: {path: x, deps: [c, a]}
              c: {path: x, deps: [a]}
              ok: {path: x, deps: [a]}

            """
        let manifest = try loadValid(yaml, directories: ["x"])
        let error = try #require(throws: DiagnosticsError.self) { try TargetGraph(manifest: manifest) }
        #expect(error.diagnostics.count == 1)
        let diagnostic = try #require(error.diagnostics.first)
        #expect(diagnostic.message == "dependency cycle: a → b → a")
        #expect(diagnostic.location?.description == "fleet.yaml:3:23")
        #expect(diagnostic.notes.map(\.message) == ["'a' depends on 'b'", "'b' depends on 'a'",
                                                    "also in this cycle: 'c'"])
        #expect(diagnostic.notes.map { $0.location?.description } == ["fleet.yaml:3:23", "fleet.yaml:4:26", nil])
        // Unchecked, the graph still orders what it can.
        let graph = TargetGraph(uncheckedManifest: manifest)
        #expect(graph.topologicalOrder == ["a", "b", "c", "ok"])
    }

    @Test func deepChainsDoNotRecurse() throws {
        var yaml = "version: 1\nlibs:\n  t0: {path: x}\n"
        for i in 1..<3000 { yaml += "  t\(i): {path: x, deps: [t\(i - 1)]}\n" }
        let graph = try TargetGraph(manifest: loadValid(yaml, directories: ["x"]))
        #expect(graph.transitiveDependencies(of: ["t2999"]).count == 2999)
        #expect(graph.topologicalOrder.first == "t0")
        #expect(graph.topologicalOrder.last == "t2999")
        // A cycle through all of them.
        let cyclic = yaml.replacingOccurrences(of: "t0: {path: x}", with: "t0: {path: x, deps: [t2999]}")
        let lines = try errors(cyclic, directories: ["x"])
        #expect(lines.count == 1)
        #expect(lines.first?.contains("dependency cycle: t0 → t2999 → t2998") == true)
    }
}

@Suite struct DefaultsValidationTests {
    @Test func unusedDefaultsAndSetsAreStillChecked() throws {
        let yaml = """
            version: 1
            inputs:
              unused: ["src/[x"]
            defaults:
              env: [1BAD]
              actions:
                build: {run: b, needs: ["^nope"], outputs: ["a**"]}
            libs:
              a: {path: x, env: [OK], actions: null}

            """
        let lines = try errors(yaml, directories: ["x"])
        #expect(lines == [
            "fleet.yaml:3:12: error: invalid pattern 'src/[x': unclosed '[' character class; escape it as '\\[' to "
                + "match it",
            "fleet.yaml:5:9: error: invalid environment variable name '1BAD'",
            "fleet.yaml:7:29: error: '^nope' needs action 'nope' of the dependencies, but no target defines 'nope'",
            "fleet.yaml:7:49: error: invalid pattern 'a**': '**' must be a whole path segment, as in 'src/**/*.py'; "
                + "use '*' inside a segment",
        ])
    }
}
