public import FleetBasics
import Synchronization

/// Digests of workspace files through the ``StatMemo``: files whose stat is unchanged are not read; the others
/// are hashed in parallel on dedicated threads and recorded.
///
/// One per fleet run and workspace. Thread-safe; ``hash(_:)`` may be called concurrently. The memo is written
/// only by ``saveMemo()``, which the caller invokes once, after the run has hashed what it needs.
public final class WorkspaceHasher: Sendable {
    /// Counters for `--verbose`.
    public struct Statistics: Hashable, Sendable {
        /// Files whose digest came from the memo.
        public var memoHits = 0
        /// Files that were read and hashed (not in the memo, changed, or racy).
        public var memoMisses = 0
        /// Bytes read to hash the misses.
        public var hashedBytes: UInt64 = 0
        /// Files that could not be hashed.
        public var failures = 0

        public init(memoHits: Int = 0, memoMisses: Int = 0, hashedBytes: UInt64 = 0, failures: Int = 0) {
            self.memoHits = memoHits
            self.memoMisses = memoMisses
            self.hashedBytes = hashedBytes
            self.failures = failures
        }
    }

    /// The absolute workspace root the relative paths are resolved against.
    public let root: String
    /// The memo file, or nil to run without persistence.
    public let memoPath: String?
    /// What loading the memo found.
    public let memoLoadStatus: StatMemo.LoadStatus
    private let pool: ThreadPool
    private let state: Mutex<(memo: StatMemo, statistics: Statistics)>

    /// Loads the memo (one read; an unusable memo is ignored, see ``StatMemo``).
    /// - Parameters:
    ///   - root: the absolute workspace root.
    ///   - memoPath: where the memo lives (usually ``StatMemo/path(inCacheDirectory:forRoot:)``); nil for none.
    public init(root: String, memoPath: String?, pool: ThreadPool = .shared) {
        self.root = root
        self.memoPath = memoPath
        self.pool = pool
        let (memo, status) = memoPath.map { StatMemo.load(from: $0) } ?? (StatMemo(), .missing)
        memoLoadStatus = status
        state = Mutex((memo, Statistics()))
    }

    /// A hasher whose memo lives in `cacheDirectory` (one memo file per workspace root).
    public convenience init(root: String, cacheDirectory: String, pool: ThreadPool = .shared) {
        self.init(root: root, memoPath: StatMemo.path(inCacheDirectory: cacheDirectory, forRoot: root), pool: pool)
    }

    /// Counters accumulated over every ``hash(_:)`` call so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Digests of workspace files.
    /// - Parameter relativePaths: normalised paths relative to ``root`` (`src/main.swift`); anything else fails
    ///   with ``HashingError/invalidPath(path:)`` in its slot.
    /// - Returns: one result per path, in input order. A vanished file is also dropped from the memo.
    public func hash(_ relativePaths: [String]) async -> [Result<FileDigest, HashingError>] {
        await hash(relativePaths, knownStats: nil)
    }

    /// ``hash(_:)`` for paths whose `lstat` the caller already has (the git working-tree walk makes one per regular
    /// file): an unchanged file then costs no system call at all, and a changed one no extra `stat`.
    /// - Parameter knownStats: aligned with `relativePaths`; nil entries (or a nil array) are `lstat`ed here. A
    ///   stale stat costs a re-hash, never a wrong digest: content is only accepted when the open file's `fstat`
    ///   after reading equals the stat it is recorded with.
    public func hash(_ relativePaths: [String], knownStats: [FileStat?]?) async -> [Result<FileDigest, HashingError>] {
        precondition(knownStats == nil || knownStats?.count == relativePaths.count, "knownStats must align")
        let snapshot = state.withLock { $0.memo }
        // Taken before any file is examined: see StatMemo's racy rule.
        let recordedAt = FileStat.fileClockNow()
        let root = self.root
        let outcomes = await pool.map(relativePaths.count) { index -> Outcome in
            let relative = relativePaths[index]
            guard WorkspaceHasher.isNormalized(relative) else { return .failed(.invalidPath(path: relative)) }
            let absolute = FileSystem.join(root, relative)
            do throws(HashingError) {
                let stat: FileStat
                if let known = knownStats?[index] { stat = known } else { stat = try FileStat.of(absolute) }
                if let known = snapshot.lookup(relative, stat: stat) { return .hit(known) }
                return .hashed(try ContentHash.ofFile(at: absolute, knownStat: stat))
            } catch {
                return .failed(error)
            }
        }
        return state.withLock { state in
            var results: [Result<FileDigest, HashingError>] = []
            results.reserveCapacity(outcomes.count)
            for (relative, outcome) in zip(relativePaths, outcomes) {
                switch outcome {
                case let .hit(digest):
                    state.statistics.memoHits += 1
                    results.append(.success(digest))
                case let .hashed(file):
                    state.statistics.memoMisses += 1
                    state.statistics.hashedBytes += file.digest.mode == .symlink ? 0 : file.digest.size
                    state.memo.record(relative, stat: file.stat, digest: file.digest.digest, recordedAt: recordedAt)
                    results.append(.success(file.digest))
                case let .failed(error):
                    state.statistics.failures += 1
                    if case .vanished = error { state.memo.remove(relative) }
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// How long an entry stays in the memo without being re-recorded: entries of deleted or renamed files
    /// that nobody asks about again leave after this; an unchanged file's entry is just re-hashed once.
    public static let memoEntryLifetime: Duration = .seconds(30 * 86_400)

    /// Writes the memo when it changed (atomically; see ``StatMemo/save(to:droppingEntriesRecordedBefore:)``),
    /// dropping entries older than ``memoEntryLifetime``. Holds the lock while writing, so a concurrent
    /// ``hash(_:)`` waits for a few milliseconds before recording its results.
    public func saveMemo() throws(FileSystemError) {
        guard let memoPath else { return }
        let cutoff = FileStat.fileClockNow() - Self.memoEntryLifetime.components.seconds * 1_000_000_000
        try state.withLock { (state) throws(FileSystemError) in
            guard state.memo.hasChanges else { return }
            try state.memo.save(to: memoPath, droppingEntriesRecordedBefore: cutoff)
        }
    }

    /// Whether `path` is non-empty and `RelativePath.normalize(path) == path`, without building the normalised copy
    /// for the usual case: one pass over the bytes accepts a path with no leading `/`, no empty, `.` or `..`
    /// component; anything else gets the exact (Character-based) answer.
    static func isNormalized(_ path: String) -> Bool {
        var path = path
        let clean = path.withUTF8 { bytes -> Bool in
            guard let first = bytes.first, first != UInt8(ascii: "/") else { return false }
            var componentLength = 0
            var dots = 0
            for byte in bytes {
                if byte == UInt8(ascii: "/") {
                    if componentLength == 0 || componentLength == dots && dots <= 2 { return false }
                    componentLength = 0
                    dots = 0
                } else {
                    componentLength += 1
                    if byte == UInt8(ascii: ".") { dots += 1 }
                }
            }
            return componentLength > 0 && !(componentLength == dots && dots <= 2)
        }
        return clean || (!path.isEmpty && RelativePath.normalize(path) == path)
    }

    private enum Outcome: Sendable {
        case hit(FileDigest)
        case hashed(HashedFile)
        case failed(HashingError)
    }
}
