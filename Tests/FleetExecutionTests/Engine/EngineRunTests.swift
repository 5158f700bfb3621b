import FleetBasics
import FleetCache
import FleetExecution
import FleetGraph
import FleetHashing
import FleetPlanning
import FleetTestSupport
import Glibc
import Testing

/// Two libs and two services; every action appends a line to `runs/<target>-<action>` in the root (outside
/// every target and ignored by nothing, but not an input: `runs/` is no target's srcs), so tests can count how
/// often each ran.
let chainManifest = """
    version: 1
    defaults:
      srcs: ["**"]
      actions:
        build:
          run: mkdir -p dist && cat src/*.txt > dist/out.txt && echo "$FLEET_TARGET" >> ../../runs/$FLEET_TARGET-build
          outputs: ["dist/**"]
          needs: ["^build"]
    libs:
      base: {path: libs/base}
      util: {path: libs/util, deps: [base]}
    services:
      api:
        path: services/api
        deps: [util]
        actions:
          test: {run: 'test -f dist/out.txt && echo tested >> ../../runs/api-test', needs: [build]}
      web: {path: services/web}

    """

let chainFiles = [
    "libs/base/src/a.txt": "base\n", "libs/util/src/a.txt": "util\n", "services/api/src/a.txt": "api\n",
    "services/web/src/a.txt": "web\n", "runs/.keep": "",
]

@Suite struct EngineRunTests {
    @Test func aFullRunThenAFullHitStartsNoProcess() async throws {
        let ws = try EngineWorkspace(chainManifest, files: chainFiles)
        defer { ws.remove() }
        let first = try await ws.run(["build", "test"])
        #expect(first.summary.exitCode == 0)
        #expect(first.log.finished.allSatisfy { $0.status == .executed })
        #expect(first.log.finished.count == 5)
        #expect(lineCount(ws.path("runs/api-build")) == 1)

        let runner = CountingRunner()
        let second = try await ws.run(["build", "test"], runner: runner)
        #expect(second.summary.exitCode == 0)
        #expect(runner.count == 0)
        #expect(second.log.finished.allSatisfy { $0.status == .cached })
        #expect(second.log.warnings.isEmpty)
        for name in ["base", "util", "api", "web"] { #expect(lineCount(ws.path("runs/\(name)-build")) == 1) }
        #expect(lineCount(ws.path("runs/api-test")) == 1)
        // Saved time is reported for every cached action.
        #expect(second.log.finished.allSatisfy { ($0.savedSeconds ?? -1) >= 0 })
    }

    @Test func oneLibFileChangedRerunsExactlyItsDependents() async throws {
        let ws = try EngineWorkspace(chainManifest, files: chainFiles)
        defer { ws.remove() }
        _ = try await ws.run(["build", "test"])
        try ws.write("libs/util/src/a.txt", "util v2\n")
        let run = try await ws.run(["build", "test"])
        #expect(run.statuses == [
            "base:build": .cached, "util:build": .executed, "api:build": .executed, "api:test": .executed,
            "web:build": .cached,
        ], "\(run.log.finished.map { "\($0.label) \($0.reason ?? "")" }) \(run.log.warnings)")
        // A change back restores the first result: same key as the first run.
        try ws.write("libs/util/src/a.txt", "util\n")
        let back = try await ws.run(["build", "test"])
        #expect(back.log.finished.allSatisfy { $0.status == .cached })
        #expect(try ws.read("libs/util/dist/out.txt") == "util\n")
    }

    @Test func outputsAreRestoredByteForByteWithModes() async throws {
        let manifest = """
            version: 1
            libs:
              gen:
                path: gen
                actions:
                  build:
                    run: |
                      mkdir -p out/deep/er && printf 'exec\\n' > out/tool && chmod 755 out/tool
                      head -c 70000 /dev/urandom > out/deep/er/blob.bin && printf '' > out/empty
                      ln -s deep/er/blob.bin out/link && printf 'not an output' > scratch.txt
                    outputs: ["out/**"]

            """
        let ws = try EngineWorkspace(manifest, files: ["gen/in.txt": "x"])
        defer { ws.remove() }
        let first = try await ws.run(["build"])
        #expect(first.log.warnings.isEmpty, "\(first.log.warnings)")
        let original = try FileSystem.readFile(ws.path("gen/out/deep/er/blob.bin"))
        try FileSystem.removeTree(ws.path("gen/out"))
        try FileSystem.removeTree(ws.path("gen/scratch.txt"))

        let run = try await ws.run(["build"])
        #expect(run.status("gen:build") == .cached)
        #expect(try FileSystem.readFile(ws.path("gen/out/deep/er/blob.bin")) == original)
        #expect(try ws.read("gen/out/tool") == "exec\n")
        #expect(try FileStat.of(ws.path("gen/out/tool")).mode & 0o777 == 0o755)
        #expect(try FileStat.of(ws.path("gen/out/deep/er/blob.bin")).mode & 0o777 == 0o644)
        #expect(try ws.read("gen/out/empty") == "")
        #expect(String(decoding: try ContentHash.readLink(ws.path("gen/out/link")), as: UTF8.self) == "deep/er/blob.bin")
        #expect(!ws.exists("gen/scratch.txt"))  // not a declared output: not restored

        // Outputs modified after the run are put back too (content and mode).
        try ws.write("gen/out/tool", "tampered\n")
        chmod(ws.path("gen/out/deep/er/blob.bin"), 0o600)
        let again = try await ws.run(["build"])
        #expect(again.status("gen:build") == .cached)
        #expect(try ws.read("gen/out/tool") == "exec\n")
        #expect(try FileStat.of(ws.path("gen/out/deep/er/blob.bin")).mode & 0o777 == 0o644)
    }

    @Test func aRestoreRemovesOutputsThePreviousVersionLeftBehind() async throws {
        let manifest = """
            version: 1
            libs:
              a: {path: a, actions: {build: {run: 'rm -rf dist/gen && mkdir -p dist/gen && cp version dist/gen/$(cat version).txt', outputs: ["dist/**"]}}}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/version": "v1"])
        defer { ws.remove() }
        _ = try await ws.run(["build"])
        try ws.write("a/version", "v2")
        _ = try await ws.run(["build"])
        #expect(ws.exists("a/dist/gen/v2.txt") && !ws.exists("a/dist/gen/v1.txt"))
        try ws.write("a/dist/mine.txt", "not produced by the action")
        try ws.write("a/version", "v1")
        let back = try await ws.run(["build"])
        #expect(back.status("a:build") == .cached)
        #expect(ws.exists("a/dist/gen/v1.txt"))
        #expect(!ws.exists("a/dist/gen/v2.txt"))  // what the other version produced is gone
        #expect(ws.exists("a/dist/mine.txt"))  // a file fleet never recorded as an output is left alone
    }

    @Test func logsAreReplayedOnAHit() async throws {
        let manifest = """
            version: 1
            libs:
              a: {path: a, actions: {build: {run: 'echo out-line; echo err-line >&2'}}}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x.txt": "x"])
        defer { ws.remove() }
        let first = try await ws.run(["build"])
        let executed = try #require(first.log.finished.first)
        #expect(try FileSystem.readText(try #require(executed.stdoutPath)) == "out-line\n")
        let second = try await ws.run(["build"])
        let cached = try #require(second.log.finished.first)
        #expect(cached.status == .cached)
        let out = try #require(cached.stdoutPath)
        let err = try #require(cached.stderrPath)
        #expect(out != executed.stdoutPath)
        #expect(try FileSystem.readText(out) == "out-line\n")
        #expect(try FileSystem.readText(err) == "err-line\n")
    }

    @Test func theChildEnvironmentIsCleanAndComplete() async throws {
        let manifest = """
            version: 1
            libs:
              a:
                path: a
                env: [DECLARED]
                actions: {build: {run: 'mkdir -p dist && env | sort > dist/env && pwd > dist/pwd', outputs: ["dist/**"], env: [ALSO]}}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x.txt": "x"])
        defer { ws.remove() }
        setenv("FLEET_TEST_LEAK", "leak", 1)
        defer { unsetenv("FLEET_TEST_LEAK") }
        _ = try await ws.run(["build"], environment: ["DECLARED": "d1", "UNDECLARED": "u"])
        let names = try ws.read("a/dist/env").split(separator: "\n").map { String($0.split(separator: "=")[0]) }
        // The shell itself adds PWD (and possibly SHLVL, OLDPWD, _).
        #expect(Set(names).subtracting(["PWD", "SHLVL", "OLDPWD", "_"]) == [
            "PATH", "HOME", "LANG", "TMPDIR", "DECLARED", "FLEET_TARGET", "FLEET_ACTION", "FLEET_ROOT",
        ])
        let env = try ws.read("a/dist/env")
        #expect(env.contains("DECLARED=d1\n"))
        #expect(env.contains("FLEET_TARGET=a\n"))
        #expect(env.contains("FLEET_ACTION=build\n"))
        #expect(env.contains("FLEET_ROOT=\(ws.root)\n"))
        #expect(try ws.read("a/dist/pwd") == ws.path("a") + "\n")

        // A declared variable is part of the key: a new value runs again, the old value hits again.
        let changed = try await ws.run(["build"], environment: ["DECLARED": "d2"])
        #expect(changed.status("a:build") == .executed)
        let unset = try await ws.run(["build"], environment: ["UNDECLARED": "other"])
        #expect(unset.status("a:build") == .executed)
        let back = try await ws.run(["build"], environment: ["DECLARED": "d1", "UNDECLARED": "changed"])
        #expect(back.status("a:build") == .cached)
    }

    @Test func neededActionsOutsideTheSelectionRunAndGroupsFinishWithTheirNeeds() async throws {
        let manifest = chainManifest + """
              checked:
                path: services/checked
                deps: [base]
                actions: {check: {needs: [build]}}

            """
        var files = chainFiles
        files["services/checked/src/a.txt"] = "c"
        let ws = try EngineWorkspace(manifest, files: files)
        defer { ws.remove() }
        let run = try await ws.run(["check"], targets: ["checked"])
        #expect(run.statuses == ["base:build": .executed, "checked:build": .executed, "checked:check": .executed])
        #expect(run.plan.actions.map { "\($0.label):\($0.requested)" } == [
            "base:build:false", "checked:build:false", "checked:check:true",
        ])
        #expect(run.log.finished.first { $0.label.description == "checked:check" }?.stdoutPath == nil)
    }

    @Test func noCacheNeitherLooksUpNorStores() async throws {
        let ws = try EngineWorkspace(chainManifest, files: chainFiles)
        defer { ws.remove() }
        let first = try await ws.run(["build"], targets: ["base"], useCache: false)
        #expect(first.status("base:build") == .executed)
        #expect(await ws.store.actionResult(for: first.plan.actions[0].fingerprint) == nil)
        _ = try await ws.run(["build"], targets: ["base"])
        let second = try await ws.run(["build"], targets: ["base"], useCache: false)
        #expect(second.status("base:build") == .executed)
        #expect(lineCount(ws.path("runs/base-build")) == 3)
    }

    @Test func cacheFalseActionsAreNeverStoredOrRestored() async throws {
        let manifest = """
            version: 1
            libs:
              a: {path: a, actions: {smoke: {run: 'echo x >> ../count', cache: false}}}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x.txt": "x"])
        defer { ws.remove() }
        let first = try await ws.run(["smoke"])
        #expect(await ws.store.actionResult(for: first.plan.actions[0].fingerprint) == nil)
        let second = try await ws.run(["smoke"])
        #expect(second.status("a:smoke") == .executed)
        #expect(lineCount(ws.path("count")) == 2)
    }

    @Test func theCacheIsTrimmedToItsCapAfterARun() async throws {
        let ws = try EngineWorkspace(chainManifest, files: chainFiles)
        defer { ws.remove() }
        _ = try await ws.run(["build"], maxCacheSize: 1)
        // Every entry was evicted right after the run (blobs stay for their grace period).
        #expect(try await ws.store.stats().actionEntries == 0)
        #expect(FileSystem.exists(ws.path("cache/runs/last-gc")))
        let again = try await ws.run(["build"])
        #expect(again.log.finished.allSatisfy { $0.status == .executed },
                "\(again.log.finished.map { "\($0.label) \($0.status) \($0.reason ?? "")" }) \(again.log.warnings)")
    }
}
