import FleetBasics
import FleetExecution
import FleetTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// The trap's mechanics in this process: the signal is sent to the whole process for real, as a Ctrl-C or a `kill`
/// is, with the handler installed, and every test uninstalls, which restores the previous disposition. Each test
/// uses its own registry, so the SIGTERM the trap sends reaches only this test's children. Serialized: signal
/// dispositions are process-wide.
@Suite(.serialized) struct SignalTrapTests {
    /// The signals the trap reported, as a stream the test can await.
    final class Recorder: Sendable {
        let stream: AsyncStream<Int32>
        private let continuation: AsyncStream<Int32>.Continuation

        init() { (stream, continuation) = AsyncStream.makeStream(of: Int32.self) }

        func record(_ signal: Int32) { continuation.yield(signal) }

        /// The next reported signal, or nil if none arrives within the (hang-guarding) limit.
        func next() async throws -> Int32? {
            let stream = stream
            return try await withinLimit(.seconds(20)) {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            } ?? nil
        }
    }

    /// Starts `command` under `runner` and waits until it has written `started` (it is then running and registered).
    private func startChild(
        _ command: String, runner: PosixProcessRunner, in dir: TemporaryDirectory
    ) async throws -> Task<ProcessOutcome, any Error> {
        let spec = dir.shell("echo $$ > started; \(command)")
        let task = Task { try await runner.run(spec) }
        _ = try await awaitPid(in: dir, "started")
        return task
    }

    @Test func firstSignalStopsEveryGroupAndNotifies() async throws {
        try await withTemporaryDirectory { dir in
            let registry = ProcessGroupRegistry()
            let runner = PosixProcessRunner(registry: registry)
            let recorder = Recorder()
            // Whether the groups were already being stopped when the callback ran: they must not be, or a child
            // can die of the SIGTERM and be reaped before the program knows it was interrupted.
            let stoppingWhenNotified = Mutex<Bool?>(nil)
            let trap = try SignalTrap.install(registry: registry, onRepeat: .notify) { signal in
                stoppingWhenNotified.withLock { $0 = $0 ?? registry.isStopping }
                recorder.record(signal)
            }
            defer { trap.uninstall() }

            let child = try await startChild("exec sleep 100", runner: runner, in: dir)
            let leader = try await awaitPid(in: dir, "started")
            // The child may write its pid before the spawning thread has registered it: wait for that.
            #expect(await eventually { registry.liveGroups == [leader] })
            #expect(trap.firstSignal == nil)

            kill(getpid(), SIGTERM)
            #expect(try await recorder.next() == SIGTERM)
            #expect(trap.receivedSignals == [SIGTERM])
            #expect(stoppingWhenNotified.withLock { $0 } == false)
            #expect(await eventually { registry.isStopping })

            // The trap, not a timeout or a cancellation, stopped the child.
            let outcome = try #require(try await valueWithinLimit(child))
            #expect(outcome.termination == .signalled(SIGTERM))
            #expect(!outcome.cancelled && !outcome.timedOut)
            #expect(registry.liveGroups.isEmpty)

            // A child spawned after the interruption is stopped at once rather than run to completion.
            let late = try #require(try await withinLimit { try await runner.run(dir.shell("exec sleep 100")) })
            #expect(late.termination == .signalled(SIGTERM))
        }
    }

    @Test func secondSignalEscalatesToSigkill() async throws {
        try await withTemporaryDirectory { dir in
            let registry = ProcessGroupRegistry()
            let runner = PosixProcessRunner(registry: registry)
            let recorder = Recorder()
            let trap = try SignalTrap.install(registry: registry, onRepeat: .notify) { recorder.record($0) }
            defer { trap.uninstall() }

            let child = try await startChild("trap '' TERM; sleep 100", runner: runner, in: dir)
            let leader = try await awaitPid(in: dir, "started")

            kill(getpid(), SIGINT)
            #expect(try await recorder.next() == SIGINT)
            // SIGTERM was sent before the notification, and the child ignores it.
            #expect(!ProcFS.isDead(leader))

            kill(getpid(), SIGINT)
            #expect(try await recorder.next() == SIGINT)
            let outcome = try #require(try await valueWithinLimit(child))
            #expect(outcome.termination == .signalled(SIGKILL))
            #expect(trap.receivedSignals == [SIGINT, SIGINT])
        }
    }

    /// Set only in the copy of this test binary that ``secondSignalForcesExit()`` starts.
    static let forcedExitDirectory = ProcessInfo.processInfo.environment["FLEET_TEST_FORCED_EXIT_DIR"]

    @Test func secondSignalForcesExit() async throws {
        // The default policy ends the process, so it runs in a copy of this test binary that executes only
        // `forcedExitScenario` (enabled there by the environment variable).
        try await withTemporaryDirectory { dir in
            let binary = try #require(FileSystem.realPath("/proc/self/exe"))
            let result = try TestProcess.run(
                binary, ["--testing-library", "swift-testing", "--filter", "forcedExitScenario"],
                environment: [
                    "PATH": childPath, "HOME": dir.path, "LANG": "C.UTF-8", "TMPDIR": dir.path,
                    "FLEET_TEST_FORCED_EXIT_DIR": dir.path,
                ])
            #expect(result.exitCode == SignalTrap.interruptedExitCode, "\(result)")
            #expect(dir.readIfPresent("notified") == "2")  // SIGINT, notified once; the second one exited
            // The child ignored SIGTERM; the SIGKILL sent before exiting must have stopped it anyway.
            let child = try await awaitPid(in: dir, "child.pid")
            #expect(await eventually { ProcFS.isDead(child) }, "child \(child) survived the forced exit")
        }
    }

    @Test(.enabled(if: forcedExitDirectory != nil, "runs inside secondSignalForcesExit only"))
    func forcedExitScenario() async throws {
        let directory = try #require(Self.forcedExitDirectory)
        let registry = ProcessGroupRegistry()
        let runner = PosixProcessRunner(registry: registry)
        let recorder = Recorder()
        let trap = try SignalTrap.install(registry: registry) { signal in
            try? FileSystem.writeAtomically(text: "\(signal)", to: FileSystem.join(directory, "notified"))
            recorder.record(signal)
        }
        defer { trap.uninstall() }
        let spec = ProcessSpec.shell(
            "trap '' TERM; echo $$ > child.pid; sleep 100", workingDirectory: directory,
            environment: ["PATH": childPath], stdoutPath: "/dev/null", stderrPath: "/dev/null")
        let child = Task { try await runner.run(spec) }
        #expect(await eventually { FileSystem.exists(FileSystem.join(directory, "child.pid")) })
        kill(getpid(), SIGINT)
        #expect(try await recorder.next() == SIGINT)
        kill(getpid(), SIGINT)  // ends this process with status 130
        _ = try await valueWithinLimit(child, .seconds(20))
        Issue.record("the second signal did not end the process")
    }

    @Test func uninstallRestoresThePreviousDisposition() throws {
        func currentHandler(_ signal: Int32) -> UnsafeRawPointer? {
            var action = sigaction()
            sigaction(signal, nil, &action)
            return unsafeBitCast(action.__sigaction_handler.sa_handler, to: UnsafeRawPointer?.self)
        }
        let before = (currentHandler(SIGINT), currentHandler(SIGTERM))
        let trap = try SignalTrap.install(onRepeat: .notify) { _ in }
        #expect(currentHandler(SIGINT) != before.0)
        #expect(currentHandler(SIGTERM) != before.1)
        trap.uninstall()
        trap.uninstall()  // idempotent
        #expect(currentHandler(SIGINT) == before.0)
        #expect(currentHandler(SIGTERM) == before.1)
    }

    @Test func onlyOneTrapAtATime() throws {
        let first = try SignalTrap.install(onRepeat: .notify) { _ in }
        #expect(throws: SignalTrapError.alreadyInstalled) {
            _ = try SignalTrap.install(onRepeat: .notify) { _ in }
        }
        first.uninstall()
        let second = try SignalTrap.install(onRepeat: .notify) { _ in }
        second.uninstall()
    }

    @Test func releasingTheTrapUninstallsIt() throws {
        do {
            _ = try SignalTrap.install(signals: [SIGUSR2], onRepeat: .notify) { _ in }
        }
        // The discarded trap was released and uninstalled, so a new one can be installed.
        let again = try SignalTrap.install(signals: [SIGUSR2], onRepeat: .notify) { _ in }
        again.uninstall()
    }

    @Test func uninstallFromTheCallbackDoesNotDeadlock() async throws {
        let recorder = Recorder()
        let box = Mutex<SignalTrap?>(nil)
        // Its own registry: the trap's SIGTERM-to-every-group must not leave the shared registry "stopping" for
        // the other tests of this process (every child they start would be killed at once).
        let registry = ProcessGroupRegistry()
        let trap = try SignalTrap.install(signals: [SIGUSR1], registry: registry, onRepeat: .notify) {
            signal in
            box.withLock { $0?.uninstall() }
            recorder.record(signal)
        }
        box.withLock { $0 = trap }
        kill(getpid(), SIGUSR1)
        #expect(try await recorder.next() == SIGUSR1)
        // Uninstalling in the callback does not skip stopping the groups, which comes after it.
        #expect(await eventually { registry.isStopping })
        // Uninstalled from its own thread: the slot is free again once the callback has returned.
        var next: SignalTrap?
        #expect(
            await eventually {
                next = try? SignalTrap.install(signals: [SIGUSR1], onRepeat: .notify) { _ in }
                return next != nil
            })
        next?.uninstall()
        box.withLock { $0 = nil }
    }

    @Test(arguments: [SIGKILL, SIGSTOP, 0, 65])
    func uncatchableSignalsAreRejected(signal: Int32) {
        #expect(throws: SignalTrapError.invalidSignal(signal)) {
            _ = try SignalTrap.install(signals: [signal]) { _ in }
        }
    }
}
