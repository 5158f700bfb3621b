public import FleetGraph

/// How one action of a run ended: what the run record, the exit code and `fleet explain` need.
public struct ActionOutcome: Sendable, Hashable {
    public var label: ActionReference
    /// The action key, 32 hex digits.
    public var key: String
    public var status: ActionStatus
    /// The process's exit code, when one ran and exited.
    public var exitCode: Int32?
    /// Why it failed or was skipped (`exit code 2`, `timed out after 30s`, `needs a:build, which failed`).
    public var reason: String?
    /// Seconds since the run started.
    public var startedAt: Double
    public var finishedAt: Double
    /// For cached actions, how long the action took when it ran.
    public var savedSeconds: Double?
    /// The captured logs, when there are any.
    public var stdoutPath: String?
    public var stderrPath: String?
    /// Input files changed while the run was going on: the result was not stored, and nothing that needs this
    /// action is stored either.
    public var inputsChanged: Bool

    public init(
        label: ActionReference, key: String, status: ActionStatus, exitCode: Int32? = nil, reason: String? = nil,
        startedAt: Double, finishedAt: Double, savedSeconds: Double? = nil, stdoutPath: String? = nil,
        stderrPath: String? = nil, inputsChanged: Bool = false
    ) {
        self.label = label
        self.key = key
        self.status = status
        self.exitCode = exitCode
        self.reason = reason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.savedSeconds = savedSeconds
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.inputsChanged = inputsChanged
    }

    /// Wall time of the action itself, in seconds.
    public var duration: Double { max(0, finishedAt - startedAt) }
}
