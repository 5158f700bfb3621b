#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A fixed set of dedicated OS threads for blocking work: file I/O, hashing, compression.
///
/// Swift's cooperative pool has one thread per core and must never block; fleet's file-heavy work (hashing
/// thousands of files, restoring outputs) blocks in `read`/`write` all the time. Async callers hand that work to
/// this pool and suspend until it is done, so the cooperative threads stay free for the scheduler.
///
/// Jobs run in FIFO order. A job must not wait for another job of the same pool (that can deadlock when every
/// thread waits). The threads stop once the pool is released and its queued jobs have run.
public final class ThreadPool: Sendable {
    /// The process-wide pool: one thread per active processor (see ``ProcessorCount/active``).
    public static let shared = ThreadPool(threadCount: ProcessorCount.active)

    /// The number of threads; also the number of jobs that run at once.
    public let threadCount: Int
    private let queue: JobQueue

    /// Starts `threadCount` threads (at least one).
    public init(threadCount: Int) {
        queue = JobQueue()
        var started = 0
        for _ in 0..<max(1, threadCount) where queue.startThread() { started += 1 }
        // Out of threads (resource limits): run jobs on the caller rather than never.
        if started == 0 { queue.runInline() }
        self.threadCount = max(1, started)
    }

    deinit { queue.stop(threads: threadCount) }

    /// Runs `body` on a pool thread and returns its result; the calling task suspends meanwhile.
    public func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.push {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Queues `job` to run on a pool thread and returns at once, for synchronous callers that coordinate with
    /// their jobs themselves. The job may start late (behind other work, or after the caller stopped caring), so a
    /// caller that waits must wait only for jobs that have started, never for one to start.
    public func submit(_ job: @escaping @Sendable () -> Void) { queue.push(job) }

    /// Calls `body(i)` for every `i` in `0..<count`, spread over all threads (each thread takes the next index
    /// when it finishes one, so slow items do not hold up a fixed share). Returns when every call has returned.
    public func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        guard count > 0 else { return }
        let workers = min(threadCount, count)
        let progress = ForEachProgress(workers: workers)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            for _ in 0..<workers {
                queue.push {
                    while true {
                        let index = progress.next.wrappingAdd(1, ordering: .relaxed).oldValue
                        if index >= count { break }
                        body(index)
                    }
                    if progress.running.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                        continuation.resume()
                    }
                }
            }
        }
    }

    /// `(0..<count).map(body)` computed on the pool; the results keep the input order.
    public func map<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        let slots = ResultSlots<T>(count: count)
        await forEach(count) { index in slots.set(index, body(index)) }
        return slots.collect()
    }
}

/// Shared counters of one ``ThreadPool/forEach(_:_:)`` call.
private final class ForEachProgress: Sendable {
    let next = Atomic<Int>(0)
    let running: Atomic<Int>
    init(workers: Int) { running = Atomic(workers) }
}

/// One slot per index, each written by exactly one job.
private final class ResultSlots<T: Sendable>: Sendable {
    private let slots: Mutex<[T?]>
    init(count: Int) { slots = Mutex([T?](repeating: nil, count: count)) }
    func set(_ index: Int, _ value: T) { slots.withLock { $0[index] = value } }
    func collect() -> [T] { slots.withLock { $0.map { $0! } } }  // forEach returned: every slot is set
}

/// The job queue shared by a pool's threads: a mutex-protected FIFO and a counting semaphore.
///
/// Owns the `sem_t`; destroyed when the last thread exits (each running thread holds a strong reference).
private final class JobQueue: @unchecked Sendable {
    // @unchecked: `semaphore` is only touched through sem_post/sem_wait, which are thread-safe; `jobs` is a Mutex.
    typealias Job = @Sendable () -> Void
    private let jobs = Mutex<(items: [Job?], head: Int)>(([], 0))
    private let semaphore: UnsafeMutablePointer<sem_t>
    private let inline = Atomic<Bool>(false)

    init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    func push(_ job: @escaping Job) {
        if inline.load(ordering: .acquiring) { return job() }
        enqueue(job)
    }

    /// Makes ``push(_:)`` run each job at once on the calling thread (used when no thread could be started).
    func runInline() { inline.store(true, ordering: .releasing) }

    /// Queues one stop marker per thread: each thread exits when it takes one.
    func stop(threads: Int) {
        if inline.load(ordering: .acquiring) { return }
        for _ in 0..<threads { enqueue(nil) }
    }

    private func enqueue(_ job: Job?) {
        jobs.withLock { $0.items.append(job) }
        sem_post(semaphore)
    }

    private func take() -> Job? {
        while sem_wait(semaphore) != 0 {}  // EINTR: wait again
        return jobs.withLock { state in
            let job = state.items[state.head]
            state.items[state.head] = nil
            state.head += 1
            if state.head >= 1024, state.head * 2 >= state.items.count {
                state.items.removeFirst(state.head)
                state.head = 0
            }
            return job
        }
    }

    /// Starts one worker thread; false when the system refuses (thread limits).
    func startThread() -> Bool {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<JobQueue>.fromOpaque(raw).takeRetainedValue().runLoop()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<JobQueue>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    func runLoop() {
        while let job = take() { job() }
    }
}
