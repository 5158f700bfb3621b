import FleetBasics
import FleetExecution
import FleetGraph
import FleetHashing
import FleetInputs
import FleetManifest
import FleetPlanning
import FleetTestSupport
import Testing

@Suite struct PlannerTests {
    func plan(_ manifest: String, files: [String: String], _ request: PlanRequest,
              environment: [String: String] = [:]) async throws -> ActionPlan {
        let ws = try EngineWorkspace(manifest, files: files)
        defer { ws.remove() }
        let fleet = try ws.load()
        let keys = try await WorkspaceKeys.compute(
            fleet: fleet, targets: nil, cacheDirectory: nil, environment: environment)
        return try Planner.plan(request, fleet: fleet, keys: keys.keys, environment: environment)
    }

    func planningError(_ manifest: String, files: [String: String], _ request: PlanRequest) async throws -> String {
        do {
            _ = try await plan(manifest, files: files, request)
            return "no error"
        } catch let error as PlanningError {
            return error.diagnostics.map(\.description).joined(separator: "\n")
        }
    }

    @Test func thePlanHoldsPlainValues() async throws {
        let plan = try await plan(chainManifest + """
              svc:
                path: services/svc
                env: [TOKEN, MISSING]
                actions:
                  build: {run: make, outputs: ["bin/**", "!bin/tmp/**", "//services/svc/gen/*.h"], timeout: 90s}

            """, files: chainFiles.merging(["services/svc/x": ""]) { $1 },
            PlanRequest(actions: ["build"], targets: ["svc", "api"]), environment: ["TOKEN": "t", "OTHER": "o"])
        let svc = try #require(plan.actions.first { $0.label.target == "svc" })
        #expect(svc.command == "make")
        #expect(svc.workingDirectory.hasSuffix("/services/svc"))
        #expect(svc.targetPath == "services/svc")
        #expect(svc.outputs == ["bin/**", "!bin/tmp/**", "gen/*.h"])
        #expect(svc.outputGlobs.matches("bin/app") && !svc.outputGlobs.matches("bin/tmp/x") && svc.outputGlobs.matches("gen/a.h"))
        #expect(svc.environment == ["TOKEN": "t"])
        #expect(svc.timeout == .seconds(90))
        #expect(svc.cacheable)
        #expect(svc.image == "svc")
        #expect(svc.requested)
        // api:build needs util:build needs base:build, pulled in although not selected.
        let labels = plan.actions.map(\.label.description)
        #expect(Set(labels) == ["base:build", "util:build", "api:build", "svc:build"])
        func index(_ label: String) -> Int { labels.firstIndex(of: label) ?? -1 }
        #expect(plan.actions[index("api:build")].needs == [index("util:build")])
        #expect(plan.actions[index("util:build")].needs == [index("base:build")])
        #expect(plan.actions.allSatisfy { action in action.needs.allSatisfy { $0 < index(action.label.description) } })
        #expect(!plan.actions[index("base:build")].requested && plan.actions[index("api:build")].requested)
        #expect(plan.selectedTargets == ["api", "svc"])
        #expect(plan.actions[index("base:build")].image == nil)
    }

    @Test func prioritiesAreTheLongestRemainingPath() async throws {
        let plan = try await plan(chainManifest, files: chainFiles, PlanRequest(actions: ["build", "test"]))
        var priority: [String: Double] = [:]
        for action in plan.actions { priority[action.label.description] = action.priority }
        #expect(priority == ["base:build": 4, "util:build": 3, "api:build": 2, "api:test": 1, "web:build": 1])
    }

    @Test func unknownActionsAndTargetsAreErrorsWithSuggestions() async throws {
        #expect(try await planningError(chainManifest, files: chainFiles, PlanRequest(actions: ["biuld"])) == """
            error: no action 'biuld' in any of the 4 selected targets
              hint: did you mean 'build'?
            """)
        #expect(try await planningError(chainManifest, files: chainFiles,
                                        PlanRequest(actions: ["test"], targets: ["web"])) == """
            error: no action 'test' in the selected target
              hint: actions defined there: build
            """)
        #expect(try await planningError(chainManifest, files: chainFiles,
                                        PlanRequest(actions: ["build"], targets: ["apii", "nope"])).hasPrefix("""
            error: unknown target 'apii'
              hint: did you mean 'api'?
            error: unknown target 'nope'
            """))
    }

    @Test func anActionMissingFromTheAffectedTargetsIsNotAnError() async throws {
        let plan = try await plan(chainManifest, files: chainFiles,
                                  PlanRequest(actions: ["test"], restrictTo: ["web"]))
        #expect(plan.isEmpty)
    }

    @Test func anOutputOutsideTheTargetDirectoryIsALocatedError() async throws {
        let manifest = """
            version: 1
            libs:
              a: {path: a, actions: {build: {run: x, outputs: ["dist/**", "//shared/out/**"]}}}

            """
        let text = try await planningError(manifest, files: ["a/x": "", "shared/y": ""], PlanRequest(actions: ["build"]))
        #expect(text.hasPrefix("""
            fleet.yaml:3:63: error: output 'shared/out/**' of a:build is outside its target directory 'a'
            """))
    }

    @Test func theRootTargetKeepsItsPatterns() async throws {
        let manifest = """
            version: 1
            libs:
              top: {path: ., actions: {build: {run: x, outputs: ["dist/**"]}}}

            """
        let plan = try await plan(manifest, files: ["x": ""], PlanRequest(actions: ["build"]))
        #expect(plan.actions[0].outputs == ["dist/**"])
        #expect(plan.actions[0].targetPath == "")
    }
}

@Suite struct KeyComparisonTests {
    func record(inputs: [(String, UInt64)], env: [(String, UInt64?)] = [], needs: [(String, UInt64)] = [],
                definition: [DefinitionField] = [DefinitionField("actions.build.run", ["make"])]) -> KeyRecord {
        let files = inputs.map { InputRecord(path: $0.0, mode: .regular, digest: Fingerprint(high: 0, low: $0.1)) }
        let envs = env.map { EnvRecord(name: $0.0, value: $0.1.map { Fingerprint(high: 1, low: $0) }) }
        let needed = needs.map { NeededKey(label: $0.0, key: Fingerprint(high: 2, low: $0.1)) }
        func fp(_ text: String) -> Fingerprint { ContentHash.of(text) }
        let components = KeyComponents(
            manifest: KeyDefinition.fingerprint(definition), sources: fp("\(inputs)"), globals: fp("g"),
            env: fp("\(env)"), deps: fp("\(needs)"))
        let key = fp("\(components)")
        return KeyRecord(
            key: ActionKey(target: "t", action: "build", key: key, components: components, inputs: files, globals: [],
                           needs: needed, env: envs),
            definition: definition)
    }

    @Test func namesEveryKindOfChange() {
        let old = record(inputs: [("a", 1), ("b", 2), ("c", 3)], env: [("X", 1), ("Y", nil), ("Z", 5)],
                         needs: [("d:build", 1), ("e:build", 1)])
        let new = record(inputs: [("a", 1), ("b", 9), ("d", 4)], env: [("X", 2), ("Y", 3), ("W", nil)],
                         needs: [("d:build", 2), ("f:build", 1)],
                         definition: [DefinitionField("actions.build.run", ["make all"])])
        #expect(KeyComparison.changes(from: old, to: new) == [
            .definition(field: "actions.build.run", old: ["make"], new: ["make all"]),
            .file(path: "b", kind: .modified, global: false),
            .file(path: "c", kind: .removed, global: false),
            .file(path: "d", kind: .added, global: false),
            .env(name: "W", kind: .declared), .env(name: "X", kind: .changed), .env(name: "Y", kind: .set),
            .env(name: "Z", kind: .undeclared),
            .need(label: "d:build", kind: .changed), .need(label: "e:build", kind: .removed),
            .need(label: "f:build", kind: .added),
        ])
        #expect(KeyComparison.changes(from: old, to: old).isEmpty)
    }

    @Test func aRecordSurvivesItsJSONForm() throws {
        let original = KeyRecord(
            key: record(inputs: [("dir/ü \"q\".txt", 7)], env: [("A", nil), ("B", 2)], needs: [("x:y", 3)])
                .asActionKey,
            definition: [DefinitionField("path", ["p"]), DefinitionField("deps", [])], status: "executed",
            runID: "20250101-000000.000-abcdef", recordedAt: "2025-01-01T00:00:00.000Z", outputs: ["dist/a"])
        let decoded = try #require(KeyRecord.decode(Array(original.json().utf8)))
        #expect(decoded == original)
        #expect(KeyRecord.decode(Array("{\"schema\":2}".utf8)) == nil)
        #expect(KeyRecord.decode(Array("not json".utf8)) == nil)
    }
}

extension KeyRecord {
    var asActionKey: ActionKey {
        ActionKey(target: target, action: action, key: key, components: components, inputs: inputs, globals: globals,
                  needs: needs, env: env)
    }
}
