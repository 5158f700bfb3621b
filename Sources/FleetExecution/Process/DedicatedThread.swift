import Glibc

/// An operating-system thread outside Swift's cooperative pool, for loops that block in the kernel (`poll`, `read`,
/// `waitid`). Blocking a cooperative thread would stall every task on a 2-core machine; these threads cost nothing
/// while they sleep.
struct DedicatedThread: Sendable {
    private let handle: pthread_t

    /// A failure to create the thread (`EAGAIN` at the process or user thread limit).
    struct StartError: Error {
        var errno: Int32
    }

    /// Starts `body` on a new thread.
    /// - Parameters:
    ///   - name: shown by `ps -L`, `top -H` and debuggers; truncated to 15 bytes.
    ///   - stackSize: bytes of stack; the loops here are shallow, so the 8 MiB default would only waste address space.
    ///   - detached: a detached thread cleans up after itself and cannot be joined.
    static func start(
        name: String, stackSize: Int = 512 * 1024, detached: Bool, _ body: @escaping @Sendable () -> Void
    ) throws(StartError) -> DedicatedThread {
        final class Box: Sendable {
            let name: String
            let body: @Sendable () -> Void
            init(name: String, body: @escaping @Sendable () -> Void) {
                self.name = name
                self.body = body
            }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        _ = pthread_attr_setstacksize(&attributes, max(stackSize, Int(PTHREAD_STACK_MIN)))
        if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
        let box = Unmanaged.passRetained(Box(name: name, body: body))
        var handle = pthread_t()
        let result = pthread_create(
            &handle, &attributes,
            { argument in
                guard let argument else { return nil }
                let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
                LinuxSystem.setCurrentThreadName(box.name)
                box.body()
                return nil
            }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw StartError(errno: result)
        }
        return DedicatedThread(handle: handle)
    }

    /// Waits for a joinable thread to finish. Must not be called from the thread itself.
    func join() {
        _ = pthread_join(handle, nil)
    }

    /// Lets a joinable thread clean up after itself when it ends (for when it cannot be joined, e.g. from itself).
    func detach() {
        _ = pthread_detach(handle)
    }

    /// Whether the caller is running on this thread.
    var isCurrent: Bool { pthread_equal(handle, pthread_self()) != 0 }
}
