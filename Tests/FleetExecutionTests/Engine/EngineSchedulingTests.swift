import FleetBasics
import FleetExecution
import FleetPlanning
import FleetTestSupport
import Glibc
import Testing

@Suite struct EngineSchedulingTests {
    /// Each action waits (up to 20 s) for a file the other creates: only a run with both at once finishes.
    let rendezvous = """
        version: 1
        libs:
          a: {path: a, actions: {meet: {run: 'touch ../a-here; i=0; while [ ! -f ../b-here ]; do i=$((i+1)); [ $i -gt 1000 ] && exit 9; sleep 0.02; done'}}}
          b: {path: b, actions: {meet: {run: 'touch ../b-here; i=0; while [ ! -f ../a-here ]; do i=$((i+1)); [ $i -gt 1000 ] && exit 9; sleep 0.02; done'}}}

        """

    @Test func twoJobsReallyRunAtOnce() async throws {
        let ws = try EngineWorkspace(rendezvous, files: ["a/x": "", "b/x": ""])
        defer { ws.remove() }
        let run = try await ws.run(["meet"], jobs: 2)
        #expect(run.statuses == ["a:meet": .executed, "b:meet": .executed])
        // Two slots were used.
        #expect(Set(run.log.started.map(\.slot)) == [0, 1])
    }

    @Test func oneJobRunsInDependencyOrderWithoutDeadlock() async throws {
        let manifest = """
            version: 1
            defaults:
              actions:
                build: {run: 'echo "$FLEET_TARGET" >> ../order', needs: ["^build"]}
            libs:
              l1: {path: l1}
              l2: {path: l2, deps: [l1]}
              l3: {path: l3, deps: [l1]}
            services:
              s1: {path: s1, deps: [l2, l3]}
              s2: {path: s2, deps: [l3]}

            """
        let ws = try EngineWorkspace(manifest, files: ["l1/x": "", "l2/x": "", "l3/x": "", "s1/x": "", "s2/x": ""])
        defer { ws.remove() }
        let run = try await ws.run(["build"], jobs: 1)
        #expect(run.summary.exitCode == 0)
        let order = try ws.read("order").split(separator: "\n").map(String.init)
        #expect(order.count == 5)
        func position(_ name: String) -> Int { order.firstIndex(of: name) ?? -1 }
        #expect(position("l1") < position("l2") && position("l1") < position("l3"))
        #expect(position("l2") < position("s1") && position("l3") < position("s1") && position("l3") < position("s2"))
        // One slot only, and never two actions at once.
        #expect(Set(run.log.started.map(\.slot)) == [0])
        var running = 0
        for event in run.log.events {
            if case .actionStarted = event { running += 1; #expect(running == 1) }
            if case .actionFinished(let f) = event, f.status != .skipped { running -= 1 }
        }
    }

    @Test func theReadyActionOnTheLongestPathStartsFirst() async throws {
        // With one job, `chain` (three actions deep) must start before the independent `single`, although
        // `single` sorts first.
        let manifest = """
            version: 1
            libs:
              a:
                path: a
                actions:
                  single: {run: 'echo single >> ../order'}
                  x1: {run: 'echo x1 >> ../order'}
                  x2: {run: 'echo x2 >> ../order', needs: [x1]}
                  x3: {run: 'echo x3 >> ../order', needs: [x2]}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x": ""])
        defer { ws.remove() }
        _ = try await ws.run(["single", "x3"], jobs: 1, useCache: false)
        // x1 (path of 3) before single (path of 1); then x2 (2) still before single (1); x3 and single tie.
        let order = try ws.read("order").split(separator: "\n")
        #expect(Array(order.prefix(2)) == ["x1", "x2"])
        #expect(Set(order.suffix(2)) == ["x3", "single"])
    }

    @Test func measuredDurationsSteerTheNextRun() async throws {
        // After a first run, `slow` is known to take longer than the chain of two quick actions: it goes first.
        let manifest = """
            version: 1
            libs:
              a:
                path: a
                actions:
                  slow: {run: 'sleep 0.5; echo slow >> ../order'}
                  q1: {run: 'echo q1 >> ../order'}
                  q2: {run: 'echo q2 >> ../order', needs: [q1]}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x": ""])
        defer { ws.remove() }
        _ = try await ws.run(["slow", "q2"], jobs: 1, useCache: false)
        #expect(try ws.read("order") == "q1\nq2\nslow\n")  // unknown durations: the longer chain first
        try FileSystem.removeTree(ws.path("order"))
        let second = try await ws.run(["slow", "q2"], jobs: 1, useCache: false)
        #expect(try ws.read("order") == "slow\nq1\nq2\n")
        #expect(second.plan.actions.first { $0.label.action == "slow" }!.priority >= 0.5)
    }

    @Test func cancellationStopsRunningActionsAndSkipsTheRest() async throws {
        let manifest = """
            version: 1
            libs:
              a:
                path: a
                actions:
                  hang: {run: 'sleep 300 & echo $! > ../grandchild; touch ../started; wait'}
                  after: {run: 'touch ../after', needs: [hang]}

            """
        let ws = try EngineWorkspace(manifest, files: ["a/x": ""])
        defer { ws.remove() }
        let started = ws.path("started")
        let run = try await ws.run(["after"], cancelAfter: { _ in
            _ = await eventually { FileSystem.exists(started) }
        })
        #expect(run.summary.interrupted)
        #expect(run.summary.exitCode == 130)
        #expect(run.summary.record.status == "interrupted")
        #expect(run.statuses == ["a:hang": .failed, "a:after": .skipped])
        #expect(run.log.reason(of: "a:hang") == "interrupted")
        #expect(run.log.reason(of: "a:after") == "interrupted")
        let grandchild = try #require(Int32(try ws.read("grandchild").trimmingWhitespace()))
        #expect(await eventually { kill(grandchild, 0) != 0 })
        #expect(await ws.store.actionResult(for: run.plan.actions[0].fingerprint) == nil)
    }
}
