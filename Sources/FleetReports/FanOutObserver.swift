public import FleetExecution

/// Hands each event to several observers, in the order given (e.g. the terminal, a recorder for `--report`, and
/// `--profile`). Each observer sees the events in the engine's order.
public struct FanOutObserver: ExecutionObserver {
    /// The observers, called in this order for every event.
    public let observers: [any ExecutionObserver]

    public init(_ observers: [any ExecutionObserver]) { self.observers = observers }

    public func handle(_ event: ExecutionEvent) {
        for observer in observers { observer.handle(event) }
    }
}
