#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a mutex, with a condition variable to wait inside the lock until the value is ready: the
/// blocking hand-off between OS threads (``ThreadPool`` threads and their caller) that `Synchronization.Mutex`
/// lacks.
///
/// Owns one `pthread_mutex_t` and one `pthread_cond_t`, destroyed in `deinit`. Not for the cooperative pool's
/// threads (waiting blocks the thread).
public final class ConditionLock<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is read and written only while `mutex` is held (`withLock`, `withLock(when:_:)`), and
    // the pthread objects are only used through their thread-safe functions.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        precondition(pthread_cond_init(condition, nil) == 0, "pthread_cond_init failed")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Blocks until `ready` holds for the value, then runs `body` without releasing the lock in between.
    /// `ready` is checked again after each ``wakeAll()``.
    public func withLock<Result, E: Error>(
        when ready: (Value) -> Bool, _ body: (inout Value) throws(E) -> Result
    ) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(value) { pthread_cond_wait(condition, mutex) }
        return try body(&value)
    }

    /// Wakes every thread waiting in ``withLock(when:_:)``; call after a change that may make one ready.
    public func wakeAll() { pthread_cond_broadcast(condition) }
}
