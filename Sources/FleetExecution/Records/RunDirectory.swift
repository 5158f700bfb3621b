import FleetBasics
import FleetHashing

/// The layout of `<cache>/runs/`, where fleet keeps what it knows about past runs:
///
///     runs/latest.json                          the record of the last finished run (read by `fleet bump --from-run`)
///     runs/<run id>/record.json                 each run's record
///     runs/<run id>/logs/<target>/<action>.stdout, .stderr
///     runs/history-<16 hex>/index               per workspace root: last key, status and duration of each action
///     runs/history-<16 hex>/<target>/<action>.json   the key details of each action's last run (`fleet explain`)
///
/// Run directories are named by their id, which sorts in time order; only the newest ones are kept.
public struct RunDirectory: Sendable {
    /// `<cache>/runs`.
    public let path: String

    public init(cacheDirectory: String) {
        path = FileSystem.join(cacheDirectory, "runs")
    }

    /// `runs/latest.json`.
    public var latestRecordPath: String { FileSystem.join(path, "latest.json") }

    /// `runs/<id>`.
    public func runPath(_ id: String) -> String { FileSystem.join(path, id) }

    /// `runs/<id>/record.json`.
    public func recordPath(_ id: String) -> String { FileSystem.join(runPath(id), "record.json") }

    /// `runs/<id>/logs`.
    public func logsPath(_ id: String) -> String { FileSystem.join(runPath(id), "logs") }

    /// The history of the workspace whose root is `root` (one per root, so checkouts sharing a cache do not mix
    /// their histories).
    public func historyPath(forRoot root: String) -> String {
        let canonical = FileSystem.realPath(root) ?? FileSystem.absolute(root)
        return FileSystem.join(path, "history-\(ContentHash.of(canonical).hex.prefix(16))")
    }

    /// The ids of the run directories present, oldest first.
    public func runIDs() -> [String] {
        ((try? FileSystem.listDirectory(path)) ?? []).filter(Timestamp.isRunID).sorted()
    }

    /// Deletes all but the newest `count` run directories (never `keeping`, the current one). Errors are ignored:
    /// another process may be pruning too.
    public func pruneRuns(keepingNewest count: Int, keeping current: String? = nil) {
        let ids = runIDs()
        guard ids.count > count else { return }
        for id in ids.prefix(ids.count - count) where id != current {
            try? FileSystem.removeTree(runPath(id))
        }
    }
}
