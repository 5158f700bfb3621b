/// How a child process ended, with what it cost.
public struct ProcessOutcome: Sendable, Hashable, CustomStringConvertible {
    /// How the process itself terminated, as `wait4` reported it.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// The process called `exit` with this status (0...255).
        case exited(Int32)
        /// A signal killed the process.
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exited with code \(code)"
            case .signalled(let signal): "killed by \(SignalName.of(signal))"
            }
        }
    }

    /// The child's process id, which was also its process group id. Already reaped: only for logs and tests.
    public var processID: Int32
    public var termination: Termination
    /// The timeout expired and fleet stopped the process group.
    public var timedOut: Bool
    /// The calling task was cancelled and fleet stopped the process group.
    public var cancelled: Bool
    /// Wall-clock time from just before the spawn to the moment the exit was seen.
    public var duration: Duration
    public var resourceUsage: ResourceUsage

    public init(
        processID: Int32, termination: Termination, timedOut: Bool = false, cancelled: Bool = false,
        duration: Duration, resourceUsage: ResourceUsage = ResourceUsage()
    ) {
        self.processID = processID
        self.termination = termination
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.duration = duration
        self.resourceUsage = resourceUsage
    }

    /// Exit code 0, neither timed out nor cancelled.
    public var succeeded: Bool { termination == .exited(0) && !timedOut && !cancelled }

    /// `exited with code 2`, `killed by SIGTERM after timing out`, `killed by SIGKILL after cancellation`.
    public var description: String {
        var text = termination.description
        if timedOut { text += " after timing out" }
        if cancelled { text += timedOut ? " and cancellation" : " after cancellation" }
        return text
    }
}

/// CPU time and peak memory of a child and of the descendants it waited for, from `wait4`.
public struct ResourceUsage: Sendable, Hashable {
    public var userTime: Duration
    public var systemTime: Duration
    /// Peak resident set size in bytes (the largest of the child and its waited-for descendants).
    public var maxResidentBytes: UInt64

    public init(userTime: Duration = .zero, systemTime: Duration = .zero, maxResidentBytes: UInt64 = 0) {
        self.userTime = userTime
        self.systemTime = systemTime
        self.maxResidentBytes = maxResidentBytes
    }
}

/// Names of the signals a build tool meets, for messages.
public enum SignalName {
    /// `SIGTERM` for 15; `signal 42` for numbers without a common name.
    public static func of(_ signal: Int32) -> String {
        // Linux numbering (x86-64 and AArch64 agree on all of these).
        let names: [Int32: String] = [
            1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
            8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM",
            15: "SIGTERM", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN",
            22: "SIGTTOU", 24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}
