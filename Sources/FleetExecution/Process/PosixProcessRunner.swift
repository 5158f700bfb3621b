/// The real ``ProcessRunner``: `posix_spawn` on the calling task, waiting on fleet's reaper thread.
///
/// Spawning happens on the caller's thread (glibc's `posix_spawn` is a `vfork`-style clone, so it costs about as
/// much as the `exec` itself); waiting never blocks a cooperative thread. Log files are written by the child
/// directly, so no pipe and no copying is involved. See ``ChildReaper`` for how exits, timeouts and cancellation are
/// handled, and ``PosixSpawn`` for exactly what the child inherits.
///
/// A value type with no state of its own: create one per engine or share it; all instances use one reaper thread.
public struct PosixProcessRunner: ProcessRunner {
    /// How the runner learns that a child exited; exposed for tests.
    package enum WaitStrategy: Sendable, Equatable {
        /// A pidfd per child in one poll loop (Linux 5.3+), the default where it works.
        case pidfd
        /// A waiting thread per child: the fallback for older kernels and restrictive seccomp profiles.
        case threadPerChild
    }

    private let registry: ProcessGroupRegistry
    private let reaper: Result<ChildReaper, ProcessError>

    /// - Parameter registry: where the process group of every running child is recorded, for ``SignalTrap``.
    public init(registry: ProcessGroupRegistry = .shared) {
        self.registry = registry
        self.reaper = ChildReaper.shared
    }

    /// A runner that uses the given waiting strategy (tests use it to exercise the fallback).
    package init(registry: ProcessGroupRegistry = .shared, waitStrategy: WaitStrategy) {
        self.registry = registry
        self.reaper = waitStrategy == .pidfd ? ChildReaper.shared : ChildReaper.threadPerChild
    }

    /// The strategy this runner's reaper uses (the shared one picks pidfds when the kernel allows them).
    package var waitStrategy: WaitStrategy? {
        guard case .success(let reaper) = reaper else { return nil }
        return reaper.strategy == .pidfd ? .pidfd : .threadPerChild
    }

    public func run(_ spec: ProcessSpec) async throws -> ProcessOutcome {
        try Task.checkCancellation()
        let reaper = try self.reaper.get()
        let id = try reaper.start(spec, registry: registry)
        return try await withTaskCancellationHandler {
            try await reaper.outcome(of: id)
        } onCancel: {
            reaper.cancel(id)
        }
    }
}
