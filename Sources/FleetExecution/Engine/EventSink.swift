import Synchronization

/// Delivers events to the observer one at a time, in order, from whichever task produces them (the scheduler
/// loop, action tasks, cache threads reporting damaged files), and keeps the run's clock.
final class EventSink: Sendable {
    private let observer: any ExecutionObserver
    private let lock = Mutex(())
    private let start: ContinuousClock.Instant

    init(observer: any ExecutionObserver, start: ContinuousClock.Instant = .now) {
        self.observer = observer
        self.start = start
    }

    func emit(_ event: ExecutionEvent) {
        lock.withLock { _ in observer.handle(event) }
    }

    /// Seconds since the run started.
    func now() -> Double {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// An observer that drops every event.
public struct DiscardingObserver: ExecutionObserver {
    public init() {}
    public func handle(_ event: ExecutionEvent) {}
}
