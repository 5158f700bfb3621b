import Glibc
import Synchronization

/// Waits for fleet's children on one dedicated thread and resumes the tasks awaiting them; also enforces timeouts
/// and carries out cancellation.
///
/// **Why a pidfd poll loop.** Each child gets a pidfd (`pidfd_open`, Linux 5.3+), which polls readable once the child
/// has exited. One thread sleeps in `poll` on all pidfds plus a wake-up pipe, with the nearest timeout or
/// SIGTERM→SIGKILL deadline as the poll timeout, so nothing is polled on a timer and a quiet build costs no CPU.
/// When a pidfd fires the thread reaps exactly that pid with `wait4(pid, WNOHANG)`, which also yields the rusage.
/// The alternatives were worse here: a thread blocked in `wait4` per child costs a thread creation per action
/// (thousands per build); `waitpid(-1)` or a SIGCHLD handler would steal the children of other code in the process
/// (Foundation's `Process`, libraries, tests); and `signalfd` needs SIGCHLD blocked in every thread, which a library
/// cannot arrange once the cooperative pool exists. `poll` rebuilds its set every turn, which is O(running children)
/// — a few dozen — and keeps the code free of epoll, which Swift's Glibc module does not expose.
///
/// **Fallback.** Where `pidfd_open` fails (kernels before 5.3, old seccomp profiles, or a transient EMFILE), that
/// child gets a small detached thread blocked in `waitid(P_PID, pid, WEXITED | WNOWAIT)`. `WNOWAIT` leaves the
/// zombie in place, so reaping and every signal still happen on the loop thread.
///
/// **Invariant that makes group signals safe.** A group is signalled only while its leader is unreaped: the loop
/// thread reaps under the state lock (which cancellation also takes to signal) and under the registry's lock (which
/// the signal trap takes), and a zombie leader keeps its pid, hence the group id, from being reused.
final class ChildReaper: Sendable {
    enum Strategy: Sendable, Equatable {
        /// pidfds in one poll loop, with a thread per child only where `pidfd_open` fails.
        case pidfd
        /// A waiting thread for every child (the fallback, forced in tests).
        case threadPerChild
    }

    /// The reaper every ``PosixProcessRunner`` shares: one thread for the life of the process.
    static let shared: Result<ChildReaper, ProcessError> = make(strategy: supportsPidfd ? .pidfd : .threadPerChild)
    /// A reaper that never uses pidfds, so tests can exercise the fallback on a modern kernel.
    static let threadPerChild: Result<ChildReaper, ProcessError> = make(strategy: .threadPerChild)

    let strategy: Strategy
    private let state = Mutex(State())
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private init(strategy: Strategy, wakeRead: Int32, wakeWrite: Int32) {
        self.strategy = strategy
        self.wakeRead = wakeRead
        self.wakeWrite = wakeWrite
    }

    private static func make(strategy: Strategy) -> Result<ChildReaper, ProcessError> {
        guard let pipe = LinuxSystem.makePipe(nonBlockingRead: true, nonBlockingWrite: true) else {
            return .failure(.unsupportedSystem("cannot create a pipe: \(ProcessError.reason(errno))"))
        }
        let reaper = ChildReaper(strategy: strategy, wakeRead: pipe.read, wakeWrite: pipe.write)
        do {
            _ = try DedicatedThread.start(name: "fleet-reaper", detached: true) { reaper.runLoop() }
        } catch {
            return .failure(.spawnFailed("the reaper thread", errno: error.errno))
        }
        return .success(reaper)
    }

    private static var supportsPidfd: Bool {
        let fd = LinuxSystem.pidfdOpen(getpid())
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    // MARK: - Task side

    /// Spawns the child described by `spec`, registers its process group with `registry`, and starts watching it.
    /// - Returns: the id to pass to ``outcome(of:)`` and ``cancel(_:)``.
    func start(_ spec: ProcessSpec, registry: ProcessGroupRegistry) throws(ProcessError) -> UInt64 {
        let startTime = LinuxSystem.monotonicNanoseconds()
        let pid = try PosixSpawn.spawn(spec)
        registry.insert(pid)
        let pidfd = strategy == .pidfd ? LinuxSystem.pidfdOpen(pid) : -1
        let grace = spec.terminationGracePeriod.clampedNanoseconds
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.children[id] = Child(
                pid: pid, pidfd: pidfd, registry: registry, startTime: startTime,
                timeoutAt: spec.timeout.map { startTime + $0.clampedNanoseconds }, grace: grace,
                terminatesGroupOnExit: spec.terminatesGroupOnExit)
            return id
        }
        if pidfd < 0 {
            do {
                try watchWithThread(pid: pid, id: id)
            } catch {
                // Nothing can watch this child: stop it and reap it here rather than leave a zombie behind. It
                // leaves the loop's view first, so the loop can never signal its group after the reap.
                _ = state.withLock { $0.children.removeValue(forKey: id) }
                _ = kill(-pid, SIGKILL)
                _ = registry.reap(pid) {
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    return true
                }
                throw .spawnFailed(spec.executable, errno: error.errno)
            }
        }
        wake()
        return id
    }

    /// Waits until the child `id` has exited and been reaped.
    func outcome(of id: UInt64) async throws -> ProcessOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<ProcessOutcome, ProcessError>? = state.withLock { state in
                guard var child = state.children[id] else {
                    return .failure(.childLost(processID: 0))  // unreachable: ids are awaited once
                }
                if let result = child.result {
                    state.children[id] = nil
                    return result
                }
                child.waiter = continuation
                state.children[id] = child
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// Stops the child `id`'s process group: SIGTERM now, SIGKILL after its grace period. Marks it cancelled unless
    /// it has already been reaped.
    func cancel(_ id: UInt64) {
        let now = LinuxSystem.monotonicNanoseconds()
        let signalled = state.withLock { state -> Bool in
            guard var child = state.children[id], child.result == nil else { return false }
            child.cancelled = true
            if case .running = child.phase { child.terminate(now: now) }
            state.children[id] = child
            return true
        }
        if signalled { wake() }
    }

    // MARK: - Loop thread

    private func runLoop() {
        var pollSet: [pollfd] = []
        var pollIDs: [UInt64] = []
        while true {
            let timeout = state.withLock { state in
                pollSet.removeAll(keepingCapacity: true)
                pollIDs.removeAll(keepingCapacity: true)
                pollSet.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
                pollIDs.append(0)
                for (id, child) in state.children where child.pidfd >= 0 && child.result == nil {
                    pollSet.append(pollfd(fd: child.pidfd, events: Int16(POLLIN), revents: 0))
                    pollIDs.append(id)
                }
                return state.pollTimeout(now: LinuxSystem.monotonicNanoseconds())
            }
            let count = poll(&pollSet, nfds_t(pollSet.count), timeout)
            var exited: [UInt64] = []
            var unwatched: [UInt64] = []
            if count > 0 {
                for index in pollSet.indices where pollSet[index].revents != 0 {
                    if pollIDs[index] == 0 {
                        drainWakePipe()
                    } else if pollSet[index].revents & Int16(POLLNVAL) != 0 {
                        unwatched.append(pollIDs[index])
                    } else {
                        exited.append(pollIDs[index])
                    }
                }
                if !unwatched.isEmpty { rewatch(unwatched) }
            } else if count < 0, errno != EINTR {
                // Only a bug (EFAULT, EINVAL) or ENOMEM gets here; back off instead of spinning, then retry.
                var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
                nanosleep(&pause, nil)
            }
            let ready = state.withLock { $0.advance(exited: exited, now: LinuxSystem.monotonicNanoseconds()) }
            for (waiter, result) in ready { waiter.resume(with: result) }
        }
    }

    /// Starts a fallback thread that watches `pid`.
    private func watchWithThread(pid: pid_t, id: UInt64) throws(DedicatedThread.StartError) {
        _ = try DedicatedThread.start(name: "fleet-wait", stackSize: 128 * 1024, detached: true) {
            self.waitForExit(of: pid, id: id)
        }
    }

    /// Hands children whose pidfd was closed behind fleet's back (POLLNVAL: a bug elsewhere in the process) to
    /// fallback threads, instead of polling a dead descriptor in a tight loop. The number is not closed: it may
    /// already belong to someone else.
    private func rewatch(_ ids: [UInt64]) {
        let lost = state.withLock { state in
            ids.compactMap { id -> (UInt64, pid_t)? in
                guard state.children[id]?.result == nil, let pid = state.children[id]?.pid else { return nil }
                state.children[id]?.pidfd = -1
                return (id, pid)
            }
        }
        for (id, pid) in lost { try? watchWithThread(pid: pid, id: id) }
    }

    /// Fallback waiting: block until `pid` is a zombie (without reaping it), then hand it to the loop thread.
    private func waitForExit(of pid: pid_t, id: UInt64) {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        state.withLock { $0.exitedByWaiterThreads.append(id) }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // EAGAIN means a wake-up is already pending
    }

    private func drainWakePipe() {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &buffer, { read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
    }
}
