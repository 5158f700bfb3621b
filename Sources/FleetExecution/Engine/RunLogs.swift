import FleetBasics
import FleetGraph
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one run's action logs go: `<runs>/<run id>/logs/<target>/<action>.stdout` and `.stderr`, for the logs
/// that are not empty.
///
/// A running action writes into a pair of scratch files (`logs/.scratch-N.stdout`, `.stderr`), one pair per
/// action running at once, reused from action to action. When the action ends, a scratch file with something in
/// it is renamed to its log path and an empty one stays for the next action. Most actions print nothing: they
/// then cost no new file and no directory, where a file per stream and a directory per target used to cost three
/// inode allocations each, which on ext4 under churn (runs created and pruned) was most of the overhead of a
/// run of thousands of trivial actions.
final class RunLogs: Sendable {
    let directory: String
    private let created = Mutex(Set<String>())
    private let scratch = Mutex(ScratchPool())

    /// The scratch pairs not in use, and how many were handed out.
    private struct ScratchPool {
        var free: [Int] = []
        var count = 0
        var directoryMade = false
    }

    /// The scratch files one running action writes to.
    struct Scratch: Sendable {
        let index: Int
        let stdout: String
        let stderr: String
    }

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

    /// A scratch pair no running action uses (creating the log directory on first use).
    func takeScratch() throws(FileSystemError) -> Scratch {
        // The directory is made under the lock, so that no other taker can use a pair before it exists.
        let index = try scratch.withLock { pool throws(FileSystemError) -> Int in
            if !pool.directoryMade {
                try FileSystem.createDirectory(directory)
                pool.directoryMade = true
            }
            if let index = pool.free.popLast() { return index }
            pool.count += 1
            return pool.count - 1
        }
        let base = FileSystem.join(directory, ".scratch-\(index)")
        return Scratch(index: index, stdout: base + ".stdout", stderr: base + ".stderr")
    }

    /// Moves what `scratch` holds to the logs of `label` (only the streams that are not empty) and gives the pair
    /// back. Returns the log paths, nil for an empty stream. A log that cannot be moved stays unnamed: nil.
    ///
    /// - Parameter processGroup: the action's process group. While anything is left in it (a background job the
    ///   command started), it may still write to the scratch files, so they are retired rather than handed to the
    ///   next action. nil when it is unknown (the spawn failed or was interrupted): retired too, unless nothing was
    ///   ever started (`spawned: false`).
    func keep(_ scratch: Scratch, for label: ActionReference, processGroup: Int32?, spawned: Bool = true)
        -> (stdout: String?, stderr: String?)
    {
        let paths = paths(for: label)
        func move(_ from: String, to path: String) -> String? {
            var info = stat()
            guard lstat(from, &info) == 0, info.st_size > 0 else { return nil }
            guard (try? prepare(label)) != nil, rename(from, path) == 0 else { return nil }
            return path
        }
        let kept = (move(scratch.stdout, to: paths.stdout), move(scratch.stderr, to: paths.stderr))
        let reusable = spawned ? processGroup.map { kill(-$0, 0) != 0 && errno == ESRCH } ?? false : true
        if reusable { self.scratch.withLock { $0.free.append(scratch.index) } }
        return kept
    }

    /// Removes the scratch files (after the run; retired ones included).
    func removeScratch() {
        let count = scratch.withLock { $0.count }
        for index in 0..<count {
            let base = FileSystem.join(directory, ".scratch-\(index)")
            unlink(base + ".stdout")
            unlink(base + ".stderr")
        }
    }
}
