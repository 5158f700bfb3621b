import FleetBasics
import FleetGraph
import Synchronization

/// Where one run's action logs go: `<runs>/<run id>/logs/<target>/<action>.stdout` and `.stderr`. Directories
/// are created on first use, once per target.
final class RunLogs: Sendable {
    let directory: String
    private let created = Mutex(Set<String>())

    init(directory: String) { self.directory = directory }

    func paths(for label: ActionReference) -> (stdout: String, stderr: String) {
        let base = FileSystem.join(FileSystem.join(directory, label.target), label.action)
        return (base + ".stdout", base + ".stderr")
    }

    /// Creates the target's log directory if this run has not yet.
    func prepare(_ label: ActionReference) throws(FileSystemError) {
        if created.withLock({ $0.contains(label.target) }) { return }
        try FileSystem.createDirectory(FileSystem.join(directory, label.target))
        created.withLock { _ = $0.insert(label.target) }
    }
}
