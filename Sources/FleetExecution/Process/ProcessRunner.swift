/// Runs child processes. The engine depends on this protocol only, so tests can substitute a fake.
///
/// Contract for every implementation:
/// - `run` returns once the child has exited and has been reaped; its log files are complete.
/// - If the calling task is already cancelled, `run` throws `CancellationError` without starting anything. If it is
///   cancelled while the child runs, the child's process group is stopped (SIGTERM, then SIGKILL after the spec's
///   grace period) and `run` returns an outcome with ``ProcessOutcome/cancelled`` set.
/// - A child that cannot be started is a thrown ``ProcessError``; a child that fails is an outcome, not an error.
public protocol ProcessRunner: Sendable {
    /// Starts the process described by `spec` and waits for it to finish.
    /// - Throws: ``ProcessError`` when the process cannot be started, `CancellationError` when the task was
    ///   cancelled before it started.
    func run(_ spec: ProcessSpec) async throws -> ProcessOutcome
}
