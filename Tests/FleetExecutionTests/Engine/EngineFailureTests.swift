import FleetBasics
import FleetExecution
import FleetTestSupport
import Glibc
import Testing

/// `bad` fails; `after` needs it; `later` needs `after`; `other` is independent and ordered after `bad` by
/// priority (`bad` has the longest path), so with -j1 fail-fast never starts it.
let failingManifest = """
    version: 1
    libs:
      a:
        path: a
        actions:
          bad: {run: 'echo about to fail; echo broken >&2; exit 3'}
          after: {run: 'echo ran >> ../after', needs: [bad]}
          later: {run: 'echo ran >> ../later', needs: [after]}
          other: {run: 'echo ran >> ../other'}

    """

@Suite struct EngineFailureTests {
    @Test func failFastSkipsDependentsAndStartsNothingNew() async throws {
        let ws = try EngineWorkspace(failingManifest, files: ["a/x": "x"])
        defer { ws.remove() }
        let run = try await ws.run(["bad", "after", "later", "other"], jobs: 1)
        #expect(run.summary.exitCode == 1)
        #expect(run.summary.record.status == "failed")
        #expect(run.statuses == ["a:bad": .failed, "a:after": .skipped, "a:later": .skipped, "a:other": .skipped])
        #expect(run.log.reason(of: "a:bad") == "exit code 3")
        #expect(run.log.reason(of: "a:after") == "needs a:bad, which failed")
        #expect(run.log.reason(of: "a:later") == "needs a:after, which was skipped because a:bad failed")
        #expect(run.log.reason(of: "a:other")?.contains("a:bad failed") == true)
        #expect(!ws.exists("after") && !ws.exists("other"))
        let bad = try #require(run.log.finished.first { $0.label.description == "a:bad" })
        #expect(bad.exitCode == 3)
        #expect(try FileSystem.readText(try #require(bad.stderrPath)) == "broken\n")
        // A failure is never stored: it runs again.
        let again = try await ws.run(["bad"], jobs: 1)
        #expect(again.status("a:bad") == .failed)
        #expect(await ws.store.actionResult(for: again.plan.actions[0].fingerprint) == nil)
    }

    @Test func keepGoingRunsEverythingNotDependingOnTheFailure() async throws {
        let ws = try EngineWorkspace(failingManifest, files: ["a/x": "x"])
        defer { ws.remove() }
        let run = try await ws.run(["bad", "after", "later", "other"], jobs: 1, keepGoing: true)
        #expect(run.summary.exitCode == 1)
        #expect(run.statuses == ["a:bad": .failed, "a:after": .skipped, "a:later": .skipped, "a:other": .executed])
        #expect(ws.exists("other") && !ws.exists("after"))
    }

    @Test func runningActionsFinishAfterAFailureInFailFastMode() async throws {
        let manifest = """
            version: 1
            libs:
              a:
                path: a
                actions:
                  slow: {run: 'while [ ! -f ../failed ]; do sleep 0.02; done; sleep 0.2; echo done > ../slow-done'}
                  fail: {run: 'touch ../failed; exit 1'}
                  never: {run: 'touch ../never', needs: [fail]}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x": "x"])
        defer { ws.remove() }
        let run = try await ws.run(["slow", "fail", "never"], jobs: 2)
        #expect(run.statuses == ["a:slow": .executed, "a:fail": .failed, "a:never": .skipped])
        #expect(ws.exists("slow-done"))
    }

    @Test func aTimeoutFailsTheActionAndStopsItsProcessGroup() async throws {
        let manifest = """
            version: 1
            libs:
              a: {path: a, actions: {hang: {run: 'sleep 300 & echo $! > ../child; wait', timeout: 1s}}}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x": "x"])
        defer { ws.remove() }
        let run = try await ws.run(["hang"])
        #expect(run.status("a:hang") == .failed)
        #expect(run.log.reason(of: "a:hang") == "timed out after 1s")
        let child = try #require(Int32(try ws.read("child").trimmingWhitespace()))
        #expect(await eventually { kill(child, 0) != 0 })
    }

    @Test func aCommandThatCannotStartIsAFailureWithAReason() async throws {
        let manifest = """
            version: 1
            libs:
              a: {path: a, actions: {build: {run: 'exit 0'}}}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x": "x"])
        defer { ws.remove() }
        // The target directory disappears between planning and running.
        let run = try await ws.run(["build"], beforeRun: { try FileSystem.removeTree(ws.path("a")) })
        #expect(run.status("a:build") == .failed)
        #expect(run.log.reason(of: "a:build")?.hasPrefix("cannot start a process in '\(ws.path("a"))'") == true)
        #expect(run.summary.exitCode == 1)
    }

    @Test func anActionThatChangesItsOwnInputsIsNotStored() async throws {
        let manifest = """
            version: 1
            libs:
              a: {path: a, actions: {build: {run: 'echo more >> input.txt'}, test: {run: 'true', needs: [build]}}}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/input.txt": "x\n"])
        defer { ws.remove() }
        let run = try await ws.run(["test"])
        #expect(run.summary.exitCode == 0)
        #expect(run.log.warnings.contains { $0.message.contains("input 'a/input.txt' changed while the run was going on") })
        for action in run.plan.actions {
            #expect(await ws.store.actionResult(for: action.fingerprint) == nil, "\(action.label) was stored")
        }
    }
}
