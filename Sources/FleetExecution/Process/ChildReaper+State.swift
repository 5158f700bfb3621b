import Glibc

extension ChildReaper {
    typealias Waiter = CheckedContinuation<ProcessOutcome, any Error>

    /// One spawned child from spawn until the task has taken its result.
    struct Child {
        enum Phase: Equatable {
            /// Running normally; the timeout (if any) is armed.
            case running
            /// SIGTERM was sent to the group; SIGKILL follows at the deadline.
            case terminating(killAt: UInt64)
            /// SIGKILL was sent; only the exit remains.
            case killed
        }

        let pid: pid_t
        /// -1 when a fallback thread watches the child or once it was reaped.
        var pidfd: Int32
        let registry: ProcessGroupRegistry
        let startTime: UInt64
        let timeoutAt: UInt64?
        let grace: UInt64
        let terminatesGroupOnExit: Bool
        var phase = Phase.running
        var timedOut = false
        var cancelled = false
        /// The task awaiting the result, once it asked.
        var waiter: Waiter?
        /// The result, when the child was reaped before its task asked for it.
        var result: Result<ProcessOutcome, ProcessError>?

        init(
            pid: pid_t, pidfd: Int32, registry: ProcessGroupRegistry, startTime: UInt64, timeoutAt: UInt64?,
            grace: UInt64, terminatesGroupOnExit: Bool
        ) {
            self.pid = pid
            self.pidfd = pidfd
            self.registry = registry
            self.startTime = startTime
            self.timeoutAt = timeoutAt
            self.grace = grace
            self.terminatesGroupOnExit = terminatesGroupOnExit
        }

        /// SIGTERM to the whole group and a SIGKILL deadline. Only called while the leader is unreaped.
        mutating func terminate(now: UInt64) {
            _ = kill(-pid, SIGTERM)
            phase = .terminating(killAt: now &+ grace)
        }

        /// The next moment the loop must act for this child, if any.
        var deadline: UInt64? {
            guard result == nil else { return nil }
            switch phase {
            case .running: return timeoutAt
            case .terminating(let killAt): return killAt
            case .killed: return nil
            }
        }
    }

    struct State {
        var children: [UInt64: Child] = [:]
        var nextID: UInt64 = 1
        /// Children the fallback threads saw exit, for the loop to reap.
        var exitedByWaiterThreads: [UInt64] = []

        /// Milliseconds until the nearest deadline, rounded up so the loop never wakes early; -1 for none.
        func pollTimeout(now: UInt64) -> Int32 {
            var nearest: UInt64?
            for child in children.values {
                if let deadline = child.deadline { nearest = min(nearest ?? deadline, deadline) }
            }
            guard let nearest else { return -1 }
            if nearest <= now { return 0 }
            let milliseconds = (nearest - now + 999_999) / 1_000_000
            return Int32(min(milliseconds, UInt64(Int32.max)))
        }

        /// Reaps the children that exited, fires due deadlines, and returns the tasks to resume.
        mutating func advance(exited: [UInt64], now: UInt64) -> [(Waiter, Result<ProcessOutcome, ProcessError>)] {
            var ready: [(Waiter, Result<ProcessOutcome, ProcessError>)] = []
            for id in exited + exitedByWaiterThreads {
                if let finished = reapIfExited(id, now: now) { ready.append(finished) }
            }
            exitedByWaiterThreads.removeAll()
            for index in children.indices {
                guard let deadline = children.values[index].deadline, deadline <= now else { continue }
                switch children.values[index].phase {
                case .running:
                    children.values[index].timedOut = true
                    children.values[index].terminate(now: now)
                case .terminating:
                    _ = kill(-children.values[index].pid, SIGKILL)
                    children.values[index].phase = .killed
                case .killed:
                    break
                }
            }
            return ready
        }

        /// Reaps child `id` if it is a zombie. Returns its task and result when a task is already waiting.
        private mutating func reapIfExited(
            _ id: UInt64, now: UInt64
        ) -> (Waiter, Result<ProcessOutcome, ProcessError>)? {
            guard var child = children[id], child.result == nil else { return nil }
            // Confirm the exit without reaping (WNOWAIT) before touching the group: a readiness report alone is
            // not proof enough to SIGKILL anything.
            var info = siginfo_t()
            var checked: Int32
            repeat {
                checked = waitid(P_PID, id_t(child.pid), &info, WEXITED | WNOHANG | WNOWAIT)
            } while checked < 0 && errno == EINTR
            if checked == 0 && info._sifields._kill.si_pid == 0 { return nil }  // still running
            if checked == 0 && (child.terminatesGroupOnExit || child.phase != .running) {
                // The leader is dead but unreaped, so its pid still names this group: whatever it left in the
                // group dies with it.
                _ = kill(-child.pid, SIGKILL)
            }
            var status: Int32 = 0
            var usage = rusage()
            var waited: pid_t = 0
            let gone = child.registry.reap(child.pid) {
                repeat {
                    waited = wait4(child.pid, &status, WNOHANG, &usage)
                } while waited < 0 && errno == EINTR
                return waited != 0
            }
            guard gone else { return nil }  // unreachable after the waitid check; kept for safety
            LinuxSystem.closeQuietly(child.pidfd)
            child.pidfd = -1
            let result: Result<ProcessOutcome, ProcessError> =
                waited > 0
                ? .success(
                    ProcessOutcome(
                        processID: child.pid, termination: Self.termination(status), timedOut: child.timedOut,
                        cancelled: child.cancelled, duration: Duration(nanoseconds: now &- child.startTime),
                        resourceUsage: Self.resourceUsage(usage)))
                : .failure(.childLost(processID: child.pid))
            if let waiter = child.waiter {
                children[id] = nil
                return (waiter, result)
            }
            child.result = result
            children[id] = child
            return nil
        }

        /// Decodes a `wait` status (the WIFEXITED/WEXITSTATUS/WTERMSIG macros, which Swift does not import).
        static func termination(_ status: Int32) -> ProcessOutcome.Termination {
            let signal = status & 0x7f
            return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        }

        static func resourceUsage(_ usage: rusage) -> ResourceUsage {
            func duration(_ time: timeval) -> Duration {
                .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec))
            }
            return ResourceUsage(
                userTime: duration(usage.ru_utime), systemTime: duration(usage.ru_stime),
                maxResidentBytes: UInt64(max(usage.ru_maxrss, 0)) * 1024)  // Linux reports KiB
        }
    }
}
