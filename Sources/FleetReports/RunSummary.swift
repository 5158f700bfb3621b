public import FleetBasics
public import FleetExecution

/// Counts, times and failures of a run, folded from its events: the numbers every renderer's summary shows.
///
/// While the run goes on, counts come from the `actionFinished` events seen so far; once `runFinished` arrives its
/// counts and saved time are taken as they are (the engine's word is final, even if some events were not seen).
public struct RunSummary: Sendable {
    /// How many actions the run considers (from `runStarted`; 0 before it).
    public private(set) var plannedCount = 0
    /// The engine's parallelism (from `runStarted`; 0 before it).
    public private(set) var jobs = 0
    /// Finished actions per status; every status is present.
    public private(set) var counts: [ActionStatus: Int] = Dictionary(
        uniqueKeysWithValues: ActionStatus.allCases.map { ($0, 0) })
    /// Seconds the cache saved: the sum of `savedSeconds` over cached actions.
    public private(set) var savedSeconds = 0.0
    /// Wall time of the whole run, once `runFinished` arrived.
    public private(set) var duration: Double?
    /// Whether the run was stopped by Ctrl-C or SIGTERM (from `runFinished`).
    public private(set) var interrupted = false
    /// Whether `runFinished` arrived.
    public private(set) var isComplete = false
    /// Failed actions, in the order they finished.
    public private(set) var failures: [ExecutionEvent.ActionFinished] = []
    /// Warnings, in order.
    public private(set) var warnings: [Diagnostic] = []
    /// Actions started and not finished yet.
    public private(set) var running: Set<ActionLabel> = []

    /// An empty summary, to ``record(_:)`` events into as they come.
    public init() {}

    /// The summary of a complete (or partial) event sequence.
    public init(events: some Sequence<ExecutionEvent>) {
        for event in events { record(event) }
    }

    /// Folds one more event in.
    public mutating func record(_ event: ExecutionEvent) {
        switch event {
        case .runStarted(let started):
            plannedCount = started.actions.count
            jobs = started.jobs
        case .actionStarted(let started):
            running.insert(started.label)
        case .actionFinished(let finished):
            running.remove(finished.label)
            guard !isComplete else { return }
            counts[finished.status, default: 0] += 1
            if finished.status == .cached, let saved = finished.savedSeconds, saved.isFinite, saved > 0 {
                savedSeconds += saved
            }
            if finished.status == .failed { failures.append(finished) }
        case .warning(let diagnostic):
            warnings.append(diagnostic)
        case .runFinished(let finished):
            for status in ActionStatus.allCases { counts[status] = max(0, finished.counts[status] ?? 0) }
            savedSeconds = finished.savedSeconds.isFinite ? max(0, finished.savedSeconds) : 0
            duration = finished.duration
            interrupted = finished.interrupted
            isComplete = true
            running.removeAll()
        }
    }

    /// Finished actions with `status`.
    public subscript(status: ActionStatus) -> Int { counts[status] ?? 0 }

    /// Actions that finished, whatever their status.
    public var finishedCount: Int { counts.values.reduce(0, +) }

    /// Actions neither finished nor running.
    public var remainingCount: Int { max(0, plannedCount - finishedCount - running.count) }

    /// The same rule as ``ExecutionEvent/RunFinished/succeeded``: nothing failed or skipped, not interrupted.
    public var succeeded: Bool { self[.failed] == 0 && self[.skipped] == 0 && !interrupted }
}

extension ExecutionEvent.ActionFinished {
    /// Why a failed action failed, in a few words: the engine's reason, else its exit code.
    var failureReason: String {
        if let reason, !reason.isEmpty { return reason }
        if let exitCode { return "exit code \(exitCode)" }
        return "failed"
    }
}
