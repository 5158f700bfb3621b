import FleetBasics
import FleetExecution
import FleetTestSupport
import Foundation
import Glibc
import Testing

/// Many children in a row and at once: every one reaped, every descriptor closed, every result routed to its task.
///
/// The test process runs other suites in parallel, so a global descriptor count would be noise; instead the checks
/// look for exactly what this runner could leak: zombies among the pids it spawned, descriptors on this test's log
/// files, and pidfds for those pids.
@Suite struct ProcessScaleTests {
    @Test(arguments: waitStrategies)
    func manySequentialSpawnsLeaveNothingBehind(strategy: PosixProcessRunner.WaitStrategy) async throws {
        try await withTemporaryDirectory { dir in
            let registry = ProcessGroupRegistry()
            let runner = PosixProcessRunner(registry: registry, waitStrategy: strategy)
            var pids: Set<Int32> = []
            for _ in 0..<500 {
                let outcome = try await runner.run(dir.command("/bin/true"))
                #expect(outcome.termination == .exited(0))
                pids.insert(outcome.processID)
            }
            Self.expectNothingLeaked(pids: pids, directory: dir, registry: registry)
        }
    }

    @Test(arguments: waitStrategies)
    func concurrentSpawnsEachGetTheirOwnResult(strategy: PosixProcessRunner.WaitStrategy) async throws {
        try await withTemporaryDirectory { dir in
            let registry = ProcessGroupRegistry()
            let runner = PosixProcessRunner(registry: registry, waitStrategy: strategy)
            let results = try await withThrowingTaskGroup(of: (Int, ProcessOutcome).self) { group in
                for index in 0..<50 {
                    var spec = dir.shell("echo task \(index); sleep 0.\(index % 3); exit \(index + 1)")
                    spec.stdoutPath = dir.appending("out-\(index).log")
                    spec.stderrPath = dir.appending("out-\(index).log")
                    group.addTask { (index, try await runner.run(spec)) }
                }
                var results: [Int: ProcessOutcome] = [:]
                for try await (index, outcome) in group { results[index] = outcome }
                return results
            }
            #expect(results.count == 50)
            for (index, outcome) in results {
                #expect(outcome.termination == .exited(Int32(index + 1)))
                #expect(try dir.read("out-\(index).log") == "task \(index)\n")
            }
            #expect(Set(results.values.map(\.processID)).count == 50)
            Self.expectNothingLeaked(pids: Set(results.values.map(\.processID)), directory: dir, registry: registry)
        }
    }

    @Test(arguments: waitStrategies)
    func waitingDoesNotOccupyTheCooperativePool(strategy: PosixProcessRunner.WaitStrategy) async throws {
        try await withTemporaryDirectory { dir in
            // The pool has as many threads as cores. If waiting blocked a thread, only that many children could
            // start before `go` exists; every child must start before it. A watchdog outside the pool writes `go`
            // after a generous limit, so a regression fails (children start late) instead of hanging the suite.
            let count = 4 * max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 2)
            let go = dir.appending("go")
            let watchdog = Thread {
                for _ in 0..<3000 where !FileSystem.exists(go) { usleep(10_000) }
                _ = try? FileSystem.writeAtomically([], to: go, sync: false)
            }
            watchdog.start()
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry(), waitStrategy: strategy)
            let tasks = (0..<count).map { index in
                let command = """
                    if [ -e go ]; then touch late-\(index); fi; touch started-\(index)
                    while [ ! -e go ]; do sleep 0.01; done
                    """
                var spec = dir.shell(command)
                spec.stdoutPath = dir.appending("out-\(index).log")
                spec.stderrPath = spec.stdoutPath
                return Task { try await runner.run(spec) }
            }
            _ = await eventually { (0..<count).allSatisfy { FileSystem.exists(dir.appending("started-\($0)")) } }
            try FileSystem.writeAtomically([], to: go, sync: false)
            for task in tasks {
                let outcome = try await valueWithinLimit(task, .seconds(60))
                #expect(outcome?.succeeded == true)
            }
            let late = (0..<count).filter { FileSystem.exists(dir.appending("late-\($0)")) }
            #expect(late.isEmpty, "children \(late) could only start after others had finished")
        }
    }

    @Test func concurrentTimeoutsAndExitsDoNotDisturbEachOther() async throws {
        try await withTemporaryDirectory { dir in
            let registry = ProcessGroupRegistry()
            let runner = PosixProcessRunner(registry: registry)
            let results = try await withThrowingTaskGroup(of: (Int, ProcessOutcome).self) { group in
                for index in 0..<20 {
                    let slow = index.isMultiple(of: 2)
                    var spec = dir.shell(slow ? "exec sleep 100" : "exit 7", timeout: .milliseconds(300 + 20 * index))
                    spec.stdoutPath = dir.appending("out-\(index).log")
                    spec.stderrPath = spec.stdoutPath
                    group.addTask { (index, try await runner.run(spec)) }
                }
                var results: [Int: ProcessOutcome] = [:]
                for try await (index, outcome) in group { results[index] = outcome }
                return results
            }
            for (index, outcome) in results {
                if index.isMultiple(of: 2) {
                    #expect(outcome.timedOut && outcome.termination == .signalled(SIGTERM), "task \(index)")
                } else {
                    #expect(!outcome.timedOut && outcome.termination == .exited(7), "task \(index)")
                }
            }
            Self.expectNothingLeaked(pids: Set(results.values.map(\.processID)), directory: dir, registry: registry)
        }
    }

    static func expectNothingLeaked(
        pids: Set<Int32>, directory: TemporaryDirectory, registry: ProcessGroupRegistry,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let zombies = pids.filter { ProcFS.isZombieChildOfUs($0) }
        #expect(zombies.isEmpty, "unreaped children: \(zombies.sorted())", sourceLocation: sourceLocation)
        let openLogs = ProcFS.openDescriptors().filter { $0.target.hasPrefix(directory.path + "/") }
        #expect(openLogs.isEmpty, "descriptors left open: \(openLogs)", sourceLocation: sourceLocation)
        let pidfds = ProcFS.pidfdTargets().intersection(pids)
        #expect(pidfds.isEmpty, "pidfds left open for \(pidfds.sorted())", sourceLocation: sourceLocation)
        #expect(registry.liveGroups.isEmpty, sourceLocation: sourceLocation)
        // Like waitpid(-1, WNOHANG), but WNOWAIT reaps nothing: other suites' children in this process stay theirs.
        var info = siginfo_t()
        if waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
            let zombie = info._sifields._kill.si_pid
            #expect(!pids.contains(zombie), "child \(zombie) is an unreaped zombie", sourceLocation: sourceLocation)
        } else {
            #expect(errno == ECHILD, sourceLocation: sourceLocation)
        }
    }
}
