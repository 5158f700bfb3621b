import FleetBasics
import FleetExecution
import FleetTestSupport

/// One run with every status, real log files and a warning: the common input of the renderer tests.
struct SampleRun {
    let directory: TemporaryDirectory
    let events: [ExecutionEvent]

    /// The labels in plan order.
    static let plan = ["common:build", "api:build", "api:test", "order:build", "order:scan"]

    init(in directory: TemporaryDirectory) throws {
        self.directory = directory
        let logs = "cache/runs/r1/logs"
        let commonOut = try directory.write("\(logs)/common/build.stdout", "replayed from the cache\n")
        let apiBuildOut = try directory.write("\(logs)/api/build.stdout", "compiled 12 files")
        let apiBuildErr = try directory.write("\(logs)/api/build.stderr", "")
        let testOut = try directory.write("\(logs)/api/test.stdout", "running 3 tests\nok 1\nok 2\n")
        let testErr = try directory.write("\(logs)/api/test.stderr", "FAIL: test_login\nexpected 200, got 500\n")
        let orderOut = try directory.write("\(logs)/order/build.stdout", "")
        let orderErr = try directory.write("\(logs)/order/build.stderr", "")
        events = [
            Events.runStarted(Self.plan, jobs: 2, cache: directory.appending("cache")),
            Events.started("common:build", at: 0.01, slot: 0),
            Events.finished("common:build", .cached, from: 0.01, to: 0.02, slot: 0, saved: 3.4, stdout: commonOut),
            Events.started("api:build", at: 0.1, slot: 0),
            Events.started("order:build", at: 0.1, slot: 1),
            Events.finished(
                "api:build", .executed, from: 0.1, to: 1.3, slot: 0, exitCode: 0, stdout: apiBuildOut,
                stderr: apiBuildErr),
            .warning(.warning("cache entry of common:test was damaged; it was dropped",
                              hint: "`fleet cache verify` checks the whole cache")),
            Events.started("api:test", at: 1.3, slot: 0),
            Events.finished(
                "api:test", .failed, from: 1.3, to: 2.5, slot: 0, exitCode: 1, reason: "exit code 1", stdout: testOut,
                stderr: testErr),
            Events.finished(
                "order:build", .failed, from: 0.1, to: 30.1, slot: 1, reason: "timed out after 30s", stdout: orderOut,
                stderr: orderErr),
            Events.finished(
                "order:scan", .skipped, from: 30.1, to: 30.1, reason: "needs order:build, which failed"),
            Events.runFinished(executed: 1, cached: 1, failed: 2, skipped: 1, duration: 31.5, saved: 3.4),
        ]
    }

    /// What the plain (non-interactive, uncoloured, not verbose) renderer prints for this run.
    var plainOutput: String {
        """
        Running 5 actions (2 jobs, cache: \(directory.appending("cache")))
        ↺ common:build (cached, saved 3.4s)
        ✓ api:build 1.2s
        warning: cache entry of common:test was damaged; it was dropped
          hint: `fleet cache verify` checks the whole cache
        ✗ api:test exit code 1
        ✗ order:build timed out after 30s
        - order:scan skipped: needs order:build, which failed
        Run failed in 31.5s: 1 executed, 1 cached, 2 failed, 1 skipped; the cache saved 3.4s

        ━━━ api:test failed: exit code 1
        --- stdout ---
        running 3 tests
        ok 1
        ok 2
        --- stderr ---
        FAIL: test_login
        expected 200, got 500

        ━━━ order:build failed: timed out after 30s
        (no output)

        Failed: api:test (exit code 1), order:build (timed out after 30s)

        """
    }
}
