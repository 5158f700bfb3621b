import FleetBasics
import FleetHashing
import FleetInputs

/// Tells whether an action's input files changed after the keys were computed: an action that ran on other
/// content than its key describes must not be stored under that key (editing a file during a build would
/// otherwise poison the cache for the day the edit is undone).
///
/// Checks every input and global file's `lstat` against the time the keys were computed: a file that is gone,
/// or whose mtime or ctime is not older than that moment, counts as changed. Files added meanwhile are not
/// seen (the inputs are not listed again).
struct InputGuard: Sendable {
    let root: String
    /// ``FileStat/fileClockNow()`` before hashing; nil disables the check.
    let hashedAt: Int64?

    /// The first changed input (root-relative), or nil when none changed.
    func changedInput(of key: ActionKey) async -> String? {
        guard let hashedAt else { return nil }
        let root = self.root
        let paths = key.inputs.map(\.path) + key.globals.map(\.path)
        return await ThreadPool.shared.run { () -> String? in
            for path in paths {
                guard let stat = try? FileStat.of(FileSystem.join(root, path)),
                    stat.modificationTime < hashedAt, stat.changeTime < hashedAt
                else { return path }
            }
            return nil
        }
    }
}
