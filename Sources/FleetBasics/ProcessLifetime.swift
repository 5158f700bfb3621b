import Synchronization

/// Values a command keeps until the process exits. A run ends holding hundreds of thousands of small objects
/// (keys, input lists, the plan); freeing them one by one just before the kernel reclaims the whole address space
/// took tens of milliseconds of a no-op run. ninja and clang (`-disable-free`) skip that work the same way.
public enum ProcessLifetime {
    private static let kept = Mutex<[any Sendable]>([])

    /// Keeps `value` alive until the process exits.
    public static func keepUntilExit(_ value: some Sendable) {
        kept.withLock { $0.append(value) }
    }
}
