import FleetBasics
import FleetExecution
import FleetTestSupport
import Glibc
import Testing

/// Timeouts, cancellation and left-over processes: the whole process group must go, and nothing may stay a zombie.
@Suite struct ProcessTerminationTests {
    /// Starts a background grandchild, records its pid, then waits in the foreground.
    static let treeCommand = "sleep 100 & echo $! > grandchild.pid; sleep 100"
    /// The same, but every process ignores SIGTERM, so only SIGKILL can stop it.
    static let stubbornTreeCommand = "trap '' TERM; sleep 100 & echo $! > grandchild.pid; sleep 100"

    @Test(arguments: waitStrategies)
    func timeoutKillsTheWholeGroup(strategy: PosixProcessRunner.WaitStrategy) async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry(), waitStrategy: strategy)
            // Long enough for the shell to start its grandchild even on a loaded machine.
            let outcome = try await runner.run(dir.shell(Self.treeCommand, timeout: .seconds(2)))
            #expect(outcome.timedOut)
            #expect(!outcome.cancelled)
            #expect(outcome.termination == .signalled(SIGTERM))
            #expect(!outcome.succeeded)
            #expect(outcome.description == "killed by SIGTERM after timing out")
            let grandchild = try await awaitPid(in: dir, "grandchild.pid")
            #expect(await eventually { ProcFS.isDead(grandchild) }, "grandchild \(grandchild) survived")
            #expect(!ProcFS.isZombieChildOfUs(outcome.processID))
        }
    }

    @Test(arguments: waitStrategies)
    func timeoutEscalatesToSigkill(strategy: PosixProcessRunner.WaitStrategy) async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry(), waitStrategy: strategy)
            let spec = dir.shell(Self.stubbornTreeCommand, timeout: .seconds(2), grace: .milliseconds(200))
            let outcome = try await runner.run(spec)
            #expect(outcome.timedOut)
            #expect(outcome.termination == .signalled(SIGKILL))
            let grandchild = try await awaitPid(in: dir, "grandchild.pid")
            #expect(await eventually { ProcFS.isDead(grandchild) }, "grandchild \(grandchild) survived")
        }
    }

    @Test func processFinishingBeforeItsTimeoutIsNotTimedOut() async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry())
            let outcome = try await runner.run(dir.shell("exit 4", timeout: .seconds(60)))
            #expect(outcome.termination == .exited(4))
            #expect(!outcome.timedOut)
        }
    }

    @Test(arguments: waitStrategies)
    func cancellationKillsTheWholeGroup(strategy: PosixProcessRunner.WaitStrategy) async throws {
        try await withTemporaryDirectory { dir in
            let registry = ProcessGroupRegistry()
            let runner = PosixProcessRunner(registry: registry, waitStrategy: strategy)
            let spec = dir.shell(Self.treeCommand)
            let task = Task { try await runner.run(spec) }
            let grandchild = try await awaitPid(in: dir, "grandchild.pid")
            try #require(!ProcFS.isDead(grandchild))
            task.cancel()
            let outcome = try #require(try await valueWithinLimit(task))
            #expect(outcome.cancelled)
            #expect(!outcome.timedOut)
            #expect(outcome.termination == .signalled(SIGTERM))
            #expect(outcome.description == "killed by SIGTERM after cancellation")
            #expect(await eventually { ProcFS.isDead(grandchild) }, "grandchild \(grandchild) survived")
            #expect(!ProcFS.isZombieChildOfUs(outcome.processID))
            #expect(registry.liveGroups.isEmpty)
        }
    }

    @Test func cancellationEscalatesToSigkill() async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry())
            let spec = dir.shell(Self.stubbornTreeCommand, grace: .milliseconds(200))
            let task = Task { try await runner.run(spec) }
            let grandchild = try await awaitPid(in: dir, "grandchild.pid")
            task.cancel()
            let outcome = try #require(try await valueWithinLimit(task))
            #expect(outcome.cancelled)
            #expect(outcome.termination == .signalled(SIGKILL))
            #expect(await eventually { ProcFS.isDead(grandchild) }, "grandchild \(grandchild) survived")
        }
    }

    @Test func cancellationAtAnyMomentLeavesNothingRunning() async throws {
        try await withTemporaryDirectory { dir in
            // Cancel after a growing delay, so that some cancellations land before the spawn, some between the spawn
            // and the wait, and some while the child runs. Every case must end stopped and reaped.
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry())
            var spawned = 0
            for attempt in 0..<40 {
                let marker = dir.appending("started-\(attempt)")
                let task = Task { try await runner.run(dir.shell("touch '\(marker)'; exec sleep 100")) }
                if attempt % 10 == 9 {
                    // Every tenth attempt cancels a child that has certainly started, whatever the machine's load,
                    // so the "while it runs" case is always covered.
                    #expect(await eventually { FileSystem.exists(marker) })
                } else {
                    usleep(UInt32(attempt * 150))
                }
                task.cancel()
                do {
                    let outcome = try #require(try await valueWithinLimit(task))
                    spawned += 1
                    #expect(outcome.cancelled)
                    #expect(outcome.termination == .signalled(SIGTERM))
                    #expect(!ProcFS.isZombieChildOfUs(outcome.processID))
                } catch is CancellationError {
                    // Cancelled before the spawn: nothing ran, which is also correct.
                }
            }
            #expect(spawned > 0, "no attempt got as far as spawning")
        }
    }

    @Test func alreadyCancelledTaskStartsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry())
            let spec = dir.shell("touch ran")
            let task = Task { () async throws -> ProcessOutcome in
                withUnsafeCurrentTask { $0?.cancel() }
                return try await runner.run(spec)
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(!FileSystem.exists(dir.appending("ran")))
        }
    }

    @Test func leftoverProcessesDieWithTheirLeader() async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry())
            let outcome = try await runner.run(dir.shell("sleep 100 & echo $! > grandchild.pid"))
            #expect(outcome.succeeded)
            let grandchild = try await awaitPid(in: dir, "grandchild.pid")
            #expect(await eventually { ProcFS.isDead(grandchild) }, "grandchild \(grandchild) survived")
        }
    }

    @Test func leftoverProcessesCanBeKeptOnRequest() async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry())
            var spec = dir.shell("sleep 100 & echo $! > grandchild.pid")
            spec.terminatesGroupOnExit = false
            let outcome = try await runner.run(spec)
            #expect(outcome.succeeded)
            let grandchild = try await awaitPid(in: dir, "grandchild.pid")
            defer { kill(grandchild, SIGKILL) }
            #expect(!ProcFS.isDead(grandchild))
            #expect(ProcFS.status(of: grandchild)?.group == outcome.processID)
        }
    }
}
