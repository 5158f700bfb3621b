public import FleetBasics

/// How one action of a run ended.
public enum ActionStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Its command ran (or, for a group action without `run`, its needs succeeded) and succeeded.
    case executed
    /// Answered from the cache: outputs restored and logs replayed, no process started.
    case cached
    /// Its command failed, timed out or could not start.
    case failed
    /// Not run because something it needs failed, or because the run stopped (fail-fast or interrupt).
    case skipped
}

/// An action as events name it.
public struct ActionLabel: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var target: String
    public var action: String

    public init(target: String, action: String) {
        self.target = target
        self.action = action
    }

    /// `target:action`.
    public var description: String { "\(target):\(action)" }

    public static func < (lhs: ActionLabel, rhs: ActionLabel) -> Bool {
        (lhs.target, lhs.action) < (rhs.target, rhs.action)
    }
}

/// What the engine reports while it runs. Renderers (terminal, NDJSON, JUnit, Chrome trace) consume these and hold
/// no logic of their own; the engine never prints.
///
/// Times are wall-clock offsets from the start of the run, so renderers need no clock.
public enum ExecutionEvent: Sendable {
    case runStarted(RunStarted)
    case actionStarted(ActionStarted)
    case actionFinished(ActionFinished)
    /// Something the user should know that does not fail the run (a corrupt cache entry dropped, an unreadable
    /// input).
    case warning(Diagnostic)
    case runFinished(RunFinished)

    public struct RunStarted: Sendable {
        /// Every action the run will consider, in plan order.
        public var actions: [ActionLabel]
        public var jobs: Int
        public var cacheEnabled: Bool
        public var cacheDirectory: String?

        public init(actions: [ActionLabel], jobs: Int, cacheEnabled: Bool, cacheDirectory: String?) {
            self.actions = actions
            self.jobs = jobs
            self.cacheEnabled = cacheEnabled
            self.cacheDirectory = cacheDirectory
        }
    }

    public struct ActionStarted: Sendable {
        public var label: ActionLabel
        /// The action key, 32 hex digits.
        public var key: String
        /// The command, or nil for a group action.
        public var command: String?
        /// Seconds since the run started.
        public var at: Double
        /// Which of the `jobs` slots runs it (0-based), for traces.
        public var slot: Int

        public init(label: ActionLabel, key: String, command: String?, at: Double, slot: Int) {
            self.label = label
            self.key = key
            self.command = command
            self.at = at
            self.slot = slot
        }
    }

    public struct ActionFinished: Sendable {
        public var label: ActionLabel
        public var key: String
        public var status: ActionStatus
        /// Seconds since the run started when it began (equal to `at` for skipped actions).
        public var startedAt: Double
        /// Seconds since the run started.
        public var at: Double
        /// The process's exit code, when one ran and exited.
        public var exitCode: Int32?
        /// Why it failed or was skipped, in a few words (`exit code 2`, `timed out after 30s`,
        /// `needs api-gateway:build, which failed`).
        public var reason: String?
        /// For cached actions: how long the action took when it ran (the time the cache saved).
        public var savedSeconds: Double?
        /// Paths of the captured logs (absolute), when there are any.
        public var stdoutPath: String?
        public var stderrPath: String?
        public var slot: Int

        public init(label: ActionLabel, key: String, status: ActionStatus, startedAt: Double, at: Double,
                    exitCode: Int32? = nil, reason: String? = nil, savedSeconds: Double? = nil,
                    stdoutPath: String? = nil, stderrPath: String? = nil, slot: Int) {
            self.label = label
            self.key = key
            self.status = status
            self.startedAt = startedAt
            self.at = at
            self.exitCode = exitCode
            self.reason = reason
            self.savedSeconds = savedSeconds
            self.stdoutPath = stdoutPath
            self.stderrPath = stderrPath
            self.slot = slot
        }

        /// Wall time of the action itself.
        public var duration: Double { at - startedAt }
    }

    public struct RunFinished: Sendable {
        public var counts: [ActionStatus: Int]
        /// Seconds since the run started.
        public var duration: Double
        /// Sum of `savedSeconds` over cached actions.
        public var savedSeconds: Double
        public var interrupted: Bool

        public init(counts: [ActionStatus: Int], duration: Double, savedSeconds: Double, interrupted: Bool) {
            self.counts = counts
            self.duration = duration
            self.savedSeconds = savedSeconds
            self.interrupted = interrupted
        }

        public var succeeded: Bool { (counts[.failed] ?? 0) == 0 && (counts[.skipped] ?? 0) == 0 && !interrupted }
    }
}

/// Receives events. Called from the engine's tasks, one event at a time and in order (the engine serialises
/// calls), so implementations need no locking of their own for ordering; they must be quick.
public protocol ExecutionObserver: Sendable {
    func handle(_ event: ExecutionEvent)
}
