public import FleetBasics
import Glibc
import Synchronization

/// Turns SIGINT and SIGTERM into an orderly stop: every running child process group is signalled at once, and the
/// engine is told so that it can cancel its work, leave the cache consistent, and exit with
/// ``interruptedExitCode``.
///
/// ```swift
/// let build = Task { try await engine.build(plan) }
/// let trap = try SignalTrap.install { _ in build.cancel() }
/// defer { trap.uninstall() }
/// let result = await build.result
/// if trap.firstSignal != nil { exit(SignalTrap.interruptedExitCode) }
/// ```
///
/// On the first signal the trap calls `onSignal`, then sends SIGTERM to every group in its ``ProcessGroupRegistry``
/// (and to every group registered afterwards); cancelling the runner's tasks then escalates to SIGKILL after each
/// spec's grace period. On a second signal it sends SIGKILL to every group and, by default, exits the process at
/// once with the same code: a second Ctrl-C always works.
///
/// **Signal safety.** The installed C handler does only async-signal-safe work: it loads the write end of a
/// self-pipe (a lock-free atomic) and `write`s the signal number into it, preserving `errno`. Everything else runs on
/// a dedicated thread that reads the pipe. `sigwait` or `signalfd` would need the signals blocked in every thread,
/// which cannot be arranged once Swift's cooperative pool is running.
///
/// Only one trap can be installed at a time (signal dispositions are process-wide). Keep the returned value alive:
/// releasing it uninstalls the trap.
public final class SignalTrap: Sendable {
    /// What a repeated signal does after the first one was handled.
    public enum RepeatPolicy: Sendable, Hashable {
        /// SIGKILL every group, then `_exit(code)` without further clean-up.
        case forceExit(code: Int32)
        /// SIGKILL every group and call `onSignal` again (for programs that exit on their own, and tests).
        case notify
    }

    /// The exit status of a command stopped by a signal: 128 + SIGINT, as shells report Ctrl-C.
    public static let interruptedExitCode: Int32 = 130
    /// SIGINT and SIGTERM.
    public static let defaultSignals: [Int32] = [SIGINT, SIGTERM]

    private let core: Core

    private init(core: Core) { self.core = core }

    deinit { core.uninstall() }

    /// Installs handlers for `signals`.
    /// - Parameters:
    ///   - signals: the signals to trap (not SIGKILL or SIGSTOP, which cannot be caught).
    ///   - registry: the process groups to stop, the same registry the runner records children in.
    ///   - onRepeat: what the second and later signals do.
    ///   - onSignal: called on the trap's own thread with each handled signal number; keep it short (cancel a
    ///     task, set a flag). On the first signal the groups are sent SIGTERM only after it returns, and the next
    ///     signal is read only then: it must never block or wait for the children.
    /// - Throws: ``SignalTrapError`` when a trap is already installed, a signal is invalid, or the system refuses.
    public static func install(
        signals: [Int32] = defaultSignals, registry: ProcessGroupRegistry = .shared,
        onRepeat: RepeatPolicy = .forceExit(code: interruptedExitCode),
        onSignal: @escaping @Sendable (Int32) -> Void
    ) throws(SignalTrapError) -> SignalTrap {
        for signal in signals where signal <= 0 || signal >= 65 || signal == SIGKILL || signal == SIGSTOP {
            throw .invalidSignal(signal)
        }
        let pipe = try TrapSlot.acquire()
        let core = Core(
            signals: Array(Set(signals)).sorted(), registry: registry, policy: onRepeat, onSignal: onSignal,
            readEnd: pipe.read, writeEnd: pipe.write)
        do {
            try core.start()
        } catch {
            TrapSlot.release()
            throw error
        }
        return SignalTrap(core: core)
    }

    /// The signals handled so far, in order.
    public var receivedSignals: [Int32] { core.state.withLock { $0.received } }

    /// The first signal handled, or nil when none arrived: whether the run was interrupted.
    public var firstSignal: Int32? { receivedSignals.first }

    /// Restores the previous handlers and stops the trap's thread. Idempotent. Safe to call from `onSignal`; a new
    /// trap can then be installed once the callback has returned.
    public func uninstall() { core.uninstall() }
}

/// Why a ``SignalTrap`` could not be installed.
public enum SignalTrapError: Error, Hashable, Sendable, CustomStringConvertible, DiagnosticConvertible {
    case alreadyInstalled
    case invalidSignal(Int32)
    case systemCallFailed(String, errno: Int32)

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    public var diagnostics: [Diagnostic] {
        switch self {
        case .alreadyInstalled:
            InternalError("a signal trap is already installed").diagnostics
        case .invalidSignal(let signal):
            InternalError("signal \(signal) cannot be trapped").diagnostics
        case .systemCallFailed(let call, let code):
            [.error("cannot install signal handlers: \(call) failed: \(ProcessError.reason(code))")]
        }
    }
}

// MARK: - Process-wide state

/// The write end of the self-pipe, or -1. The handler's only memory access: an atomic load.
private let signalPipeWriteEnd = Atomic<Int32>(-1)

/// The C signal handler: an atomic load and a `write` to a non-blocking pipe, both async-signal-safe.
private func writeSignalToPipe(_ signal: Int32) {
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    let fd = signalPipeWriteEnd.load(ordering: .relaxed)
    if fd >= 0 { _ = write(fd, &byte, 1) }
    errno = savedErrno
}

/// Which trap owns the process's handlers, and the self-pipe. The pipe is created once and never closed, so a
/// handler still running on another thread during `uninstall` can never write into an unrelated, reused fd.
private enum TrapSlot {
    private struct Slot {
        var installed = false
        var pipe: (read: Int32, write: Int32)?
    }

    private static let slot = Mutex(Slot())

    static func acquire() throws(SignalTrapError) -> (read: Int32, write: Int32) {
        try slot.withLock { (slot: inout Slot) throws(SignalTrapError) -> (read: Int32, write: Int32) in
            guard !slot.installed else { throw .alreadyInstalled }
            let pipe: (read: Int32, write: Int32)
            if let existing = slot.pipe {
                pipe = existing
            } else {
                guard let created = LinuxSystem.makePipe(nonBlockingRead: true, nonBlockingWrite: true) else {
                    throw .systemCallFailed("pipe2", errno: errno)
                }
                slot.pipe = created
                pipe = created
            }
            slot.installed = true
            // Earlier signals nobody handled (after a previous uninstall) must not reach this trap.
            var buffer = (UInt64(0), UInt64(0))
            while withUnsafeMutableBytes(of: &buffer, { read(pipe.read, $0.baseAddress, $0.count) }) > 0 {}
            return pipe
        }
    }

    static func release() {
        slot.withLock { $0.installed = false }
    }
}

// MARK: - The trap's machinery

extension SignalTrap {
    fileprivate final class Core: Sendable {
        struct State {
            var received: [Int32] = []
            var previous: [(Int32, sigaction)] = []
            var thread: DedicatedThread?
            var uninstalled = false
            /// `onSignal` uninstalled the trap, on the trap's own thread.
            var uninstalledFromTrapThread = false
        }

        let signals: [Int32]
        let registry: ProcessGroupRegistry
        let policy: RepeatPolicy
        let onSignal: @Sendable (Int32) -> Void
        let readEnd: Int32
        let writeEnd: Int32
        let state = Mutex(State())

        init(
            signals: [Int32], registry: ProcessGroupRegistry, policy: RepeatPolicy,
            onSignal: @escaping @Sendable (Int32) -> Void, readEnd: Int32, writeEnd: Int32
        ) {
            self.signals = signals
            self.registry = registry
            self.policy = policy
            self.onSignal = onSignal
            self.readEnd = readEnd
            self.writeEnd = writeEnd
        }

        /// Starts the reading thread, then installs the handlers (so no signal can arrive with nobody reading).
        func start() throws(SignalTrapError) {
            signalPipeWriteEnd.store(writeEnd, ordering: .releasing)
            let thread: DedicatedThread
            do {
                thread = try DedicatedThread.start(name: "fleet-signals", detached: false) { self.run() }
            } catch {
                signalPipeWriteEnd.store(-1, ordering: .releasing)
                throw .systemCallFailed("pthread_create", errno: error.errno)
            }
            state.withLock { $0.thread = thread }
            for signal in signals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = writeSignalToPipe
                sigemptyset(&action.sa_mask)
                action.sa_flags = SA_RESTART
                var previous = sigaction()
                guard sigaction(signal, &action, &previous) == 0 else {
                    let code = errno
                    _ = stop()
                    throw .systemCallFailed("sigaction(\(SignalName.of(signal)))", errno: code)
                }
                state.withLock { $0.previous.append((signal, previous)) }
            }
        }

        func uninstall() {
            if stop() { TrapSlot.release() }
        }

        /// Restores the handlers and ends the thread. Returns true when the caller must release the slot; false when
        /// already stopped, or when called from the trap's own thread (from `onSignal`): that thread then releases
        /// the slot itself as it ends, so no later trap ever shares the pipe with it.
        private func stop() -> Bool {
            let (thread, previous) = state.withLock { state -> (DedicatedThread?, [(Int32, sigaction)]) in
                guard !state.uninstalled else { return (nil, []) }
                state.uninstalled = true
                state.uninstalledFromTrapThread = state.thread?.isCurrent ?? false
                defer {
                    state.thread = nil
                    state.previous = []
                }
                return (state.thread, state.previous)
            }
            guard let thread else { return false }
            for (signal, action) in previous.reversed() {
                var action = action
                _ = sigaction(signal, &action, nil)
            }
            signalPipeWriteEnd.store(-1, ordering: .releasing)
            if thread.isCurrent {
                thread.detach()
                return false
            }
            var stopByte: UInt8 = 0  // not a signal number: tells the thread to end
            while write(writeEnd, &stopByte, 1) < 0 {
                guard errno == EINTR || errno == EAGAIN else { break }
                var writable = pollfd(fd: writeEnd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&writable, 1, 100)
            }
            thread.join()
            return true
        }

        /// The thread's body: reads signal numbers until the stop byte, or until `onSignal` uninstalled the trap.
        private func run() {
            // Threads inherit the mask of their creator, and libdispatch's worker threads (which run Swift's
            // cooperative pool on Linux) block signals. Unblocking the trapped signals here guarantees at least one
            // thread that can take a process-directed signal, so the handler runs even if every other thread blocks.
            var trapped = sigset_t()
            sigemptyset(&trapped)
            for signal in signals { sigaddset(&trapped, signal) }
            pthread_sigmask(SIG_UNBLOCK, &trapped, nil)
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                var readable = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                guard poll(&readable, 1, -1) >= 0 || errno == EINTR else { return }
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                guard count > 0 else { continue }
                for byte in buffer[..<count] {
                    if byte == 0 { return }  // uninstall() joins and releases the slot
                    handle(Int32(byte))
                    if state.withLock({ $0.uninstalledFromTrapThread }) {
                        TrapSlot.release()  // onSignal uninstalled the trap from this thread
                        return
                    }
                }
            }
        }

        private func handle(_ signal: Int32) {
            let count = state.withLock { state in
                state.received.append(signal)
                return state.received.count
            }
            if count == 1 {
                // The callback first, then the signals: once a child dies of the SIGTERM, whoever reaps it must
                // already see the interruption, or it reports an ordinary failure (exit 1, status `failed`) for
                // what was a Ctrl-C. Under load the reaper can run between the two steps.
                onSignal(signal)
                registry.stopAll(with: SIGTERM)
                return
            }
            registry.stopAll(with: SIGKILL)
            switch policy {
            case .forceExit(let code): _exit(code)
            case .notify: onSignal(signal)
            }
        }
    }
}
