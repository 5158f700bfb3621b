import Glibc
import Synchronization

/// The process groups of live children, so that a signal trap can stop all of them at once.
///
/// ``PosixProcessRunner`` adds each child's group right after spawning it and removes it at the moment it reaps the
/// child, under this registry's lock. ``signalAll(_:)`` signals under the same lock, so a signal can only reach a
/// group whose leader has not been reaped yet: the leader's pid (which is the group id) cannot have been reused by
/// an unrelated process.
///
/// Once ``stopAll(with:)`` was called the registry is *stopping*: every group registered afterwards is signalled at
/// once, which closes the window between a spawn and the engine noticing the interruption.
public final class ProcessGroupRegistry: Sendable {
    private struct State {
        var groups: Set<Int32> = []
        var stopSignal: Int32?
    }

    private let state = Mutex(State())

    /// The registry the runner and the signal trap use unless told otherwise.
    public static let shared = ProcessGroupRegistry()

    public init() {}

    /// Process group ids of the children that are registered and not yet reaped, in ascending order.
    public var liveGroups: [Int32] { state.withLock { $0.groups.sorted() } }

    /// Whether ``stopAll(with:)`` was called.
    public var isStopping: Bool { state.withLock { $0.stopSignal != nil } }

    /// Sends `signal` to every live process group.
    /// - Returns: how many groups were signalled.
    @discardableResult
    public func signalAll(_ signal: Int32) -> Int {
        state.withLock { state in
            for group in state.groups { _ = kill(-group, signal) }
            return state.groups.count
        }
    }

    /// Sends `signal` to every live process group and to every group registered from now on.
    /// - Returns: how many live groups were signalled.
    @discardableResult
    public func stopAll(with signal: Int32) -> Int {
        state.withLock { state in
            state.stopSignal = signal
            for group in state.groups { _ = kill(-group, signal) }
            return state.groups.count
        }
    }

    // MARK: - Runner side

    /// Registers a freshly spawned group; signals it at once when the registry is stopping.
    func insert(_ group: Int32) {
        state.withLock { state in
            state.groups.insert(group)
            if let signal = state.stopSignal { _ = kill(-group, signal) }
        }
    }

    /// Runs `reap` (which must call `wait4` on the group's leader) under the lock, and forgets the group when the
    /// leader was reaped or is gone (`reap` returns true).
    func reap(_ group: Int32, _ reap: () -> Bool) -> Bool {
        state.withLock { state in
            let reaped = reap()
            if reaped { state.groups.remove(group) }
            return reaped
        }
    }

    /// Forgets a group without reaping (used when the child is reaped synchronously after a failure).
    func remove(_ group: Int32) {
        state.withLock { _ = $0.groups.remove(group) }
    }
}
