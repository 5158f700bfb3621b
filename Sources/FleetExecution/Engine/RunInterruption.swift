import Synchronization

/// The user's request to stop a run (Ctrl-C, SIGTERM), as the engine sees it.
///
/// The signal trap's callback calls ``trigger()``. The trap has already sent SIGTERM to every running process group
/// by then, so an action can end (killed) before the run's task is cancelled; the engine checks this flag too,
/// so such an action is reported as interrupted, not as failed, and the run as interrupted.
public final class RunInterruption: Sendable {
    private struct State {
        var triggered = false
        var cancel: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the run was asked to stop.
    public var isTriggered: Bool { state.withLock { $0.triggered } }

    /// Marks the run as interrupted and calls the attached cancellation (once).
    public func trigger() {
        let cancel = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.triggered else { return nil }
            state.triggered = true
            return state.cancel
        }
        cancel?()
    }

    /// What ``trigger()`` calls (usually `task.cancel()` of the run's task); called at once when already triggered.
    public func attach(_ cancel: @escaping @Sendable () -> Void) {
        let triggered = state.withLock { state -> Bool in
            state.cancel = cancel
            return state.triggered
        }
        if triggered { cancel() }
    }
}
