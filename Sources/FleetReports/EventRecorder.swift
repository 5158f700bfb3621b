public import FleetExecution
import Synchronization

/// Keeps every event it is given, for the reports written after a run (JUnit, Chrome trace) and for tests.
///
/// Thread-safe: `handle(_:)` and ``events`` may be called from any thread at once.
public final class EventRecorder: ExecutionObserver {
    private let recorded = Mutex<[ExecutionEvent]>([])

    public init() {}

    public func handle(_ event: ExecutionEvent) {
        recorded.withLock { $0.append(event) }
    }

    /// The events so far, in the order they were handled.
    public var events: [ExecutionEvent] { recorded.withLock { $0 } }
}
