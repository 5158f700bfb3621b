import Glibc

/// The Linux calls the process layer needs that Swift's `Glibc` module does not declare.
///
/// `pidfd_open`, `pipe2` and the `posix_spawn_file_actions_add*_np` extensions are GNU/Linux additions hidden from
/// the module map (it is built without `_GNU_SOURCE`), and fleet has no C target of its own for shims. They are
/// looked up once with `dlsym` in the already-loaded C library; each is optional, so the callers can degrade or
/// report an unsupported system instead of failing to load.
enum LinuxSystem {
    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    typealias Syscall2 = @convention(c) (Int, Int, Int) -> Int
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?)
        -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias SetThreadName = @convention(c) (pthread_t, UnsafePointer<CChar>?) -> Int32

    // C function pointers are immutable addresses, resolved once (and Sendable).
    static let pidfdOpenFunction: PidfdOpen? = symbol("pidfd_open")
    /// glibc before 2.36 has no `pidfd_open` wrapper although the kernel (5.3+) has the call: use `syscall(434, …)`.
    /// `syscall` is variadic; calling it through a fixed two-argument prototype is what the variadic ABI does on
    /// x86-64 and AArch64 Linux for integer arguments.
    static let syscallFunction: Syscall2? = symbol("syscall")
    static let pipe2Function: Pipe2? = symbol("pipe2")
    /// glibc 2.29+.
    static let addChdirFunction: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    /// glibc 2.34+.
    static let addClosefromFunction: AddClosefrom? =
        symbol("posix_spawn_file_actions_addclosefrom_np")
    static let setThreadNameFunction: SetThreadName? = symbol("pthread_setname_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(nil, name) else { return nil }  // nil is RTLD_DEFAULT
        return unsafeBitCast(address, to: T.self)
    }

    /// `pidfd_open(pid, 0)`: a file descriptor that polls readable once the process has exited (it stays a zombie
    /// until waited for), or -1 with `errno` set (ENOSYS before Linux 5.3, EPERM under old seccomp profiles, EMFILE).
    static func pidfdOpen(_ pid: pid_t) -> Int32 {
        var fd: Int32
        if let open = pidfdOpenFunction {
            fd = open(pid, 0)
        } else if let syscall = syscallFunction {
            fd = Int32(truncatingIfNeeded: syscall(434, Int(pid), 0))  // SYS_pidfd_open on every architecture
        } else {
            errno = ENOSYS
            return -1
        }
        if fd >= 0 {
            // pidfd_open sets O_CLOEXEC itself; the check keeps a foreign fd number out of 0...2 (see raiseAbove2).
            fd = raiseAbove2(fd)
        }
        return fd
    }

    /// A pipe with both ends close-on-exec, or nil with `errno` set. `nonBlockingWrite` makes only the write end
    /// non-blocking (a signal handler or a waker must never block on a full pipe).
    static func makePipe(nonBlockingRead: Bool, nonBlockingWrite: Bool) -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [-1, -1]
        if let pipe2 = pipe2Function {
            guard pipe2(&ends, O_CLOEXEC) == 0 else { return nil }
        } else {
            guard pipe(&ends) == 0 else { return nil }
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        }
        let read = raiseAbove2(ends[0])
        let write = raiseAbove2(ends[1])
        if nonBlockingRead { _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK) }
        if nonBlockingWrite { _ = fcntl(write, F_SETFL, fcntl(write, F_GETFL) | O_NONBLOCK) }
        return (read, write)
    }

    /// Moves a descriptor that landed on 0, 1 or 2 (possible when fleet itself was started with a standard stream
    /// closed) to a number ≥ 3, close-on-exec, so that `dup2` onto the child's standard streams never aliases it.
    static func raiseAbove2(_ fd: Int32) -> Int32 {
        guard fd >= 0, fd < 3 else { return fd }
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, 3)
        guard moved >= 0 else { return fd }
        close(fd)
        return moved
    }

    /// `close` that keeps the caller's `errno`.
    static func closeQuietly(_ fd: Int32) {
        guard fd >= 0 else { return }
        let saved = errno
        close(fd)
        errno = saved
    }

    /// CLOCK_MONOTONIC in nanoseconds: the clock `poll` timeouts are measured against.
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    static func setCurrentThreadName(_ name: String) {
        // Linux limits thread names to 15 bytes plus NUL; longer names make the call fail, so truncate.
        _ = setThreadNameFunction?(pthread_self(), String(name.utf8.prefix(15)) ?? "fleet")
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `0...UInt64.max / 2` so that adding it to a monotonic timestamp cannot overflow.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let limit = UInt64.max / 2
        let wholeSeconds = UInt64(seconds)
        if wholeSeconds >= limit / 1_000_000_000 { return limit }
        return wholeSeconds * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    init(nanoseconds: UInt64) {
        self = .nanoseconds(Int64(clamping: nanoseconds))
    }
}
