import FleetBasics
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The walk, on several threads

/// One walk of the working tree (see ``GitRepository/workingTreeFiles()``), spread over threads by directory.
///
/// A worker walks a directory depth-first, as the single-threaded walk does, but while the queue of pending
/// directories is short it hands a subdirectory to the queue instead of entering it, and records where that
/// subdirectory's files go among its own (a splice). Idle workers take directories from the queue. Each directory
/// is walked by one worker with its own descriptors and index cursor, so the listing of every task is in git's
/// order; the result is the tasks' listings spliced together, the same list the single-threaded walk makes.
///
/// The queue is bounded, so at most a few descriptors wait in it. The calling thread is one of the workers and
/// the others are ``ThreadPool/shared`` jobs: when the pool is busy the caller walks alone, and a helper that
/// starts after the walk ended finds nothing to do. Ignore checks use the repository, which libgit2 does not let
/// two threads use at once: they take a lock (they are rare: only for paths the index does not track).
final class WorkingTreeWalk: Sendable {
    /// Below this many tracked paths the walk stays on the calling thread. Measured per walk (release build,
    /// 2 cores, warm pool): 29 paths 0.25 ms on one thread or two, 81 paths 0.65 → 0.39 ms, 725 paths
    /// 5.5 → 3.3 ms, 6k paths 53 → 30 ms, 105k paths 0.69 → 0.38 s. Two threads win from about a hundred paths on,
    /// where the first parallel walk's thread start-up (tens of µs) no longer matters.
    static let parallelThreshold = 100

    /// The worker count for a working tree whose index has `trackedCount` paths.
    static func defaultWorkers(trackedCount: Int) -> Int {
        trackedCount < parallelThreshold ? 1 : min(ProcessorCount.active, 8)
    }

    /// Lists the working tree from `rootFD` (the walk takes ownership of the descriptor) with `workers` threads
    /// (the caller's included). With one worker, nothing is queued and no thread is involved.
    /// - Throws: the first failure any worker met (with several workers, not necessarily the first in path order).
    static func run(
        repository: GitRepository, index: TrackedPaths, rootFD: Int32, workers: Int
    ) throws(GitError) -> WorkingTreeListing {
        let ignores = IgnoreRules(repository)
        defer { ignores.release() }
        let walk = WorkingTreeWalk(index: index, ignores: ignores, workers: max(1, workers))
        walk.state.withLock { $0.pending.append(PendingDirectory(id: 0, fd: rootFD, relative: "", cursor: 0)) }
        for _ in 1..<walk.workers { ThreadPool.shared.submit { walk.work() } }
        walk.work()
        return try walk.finish()
    }

    /// A directory waiting for a worker: its descriptor (owned by the task), path and a starting index cursor.
    private struct PendingDirectory: Sendable {
        var id: Int
        var fd: Int32
        var relative: String
        var cursor: Int
    }

    /// Where a queued subdirectory's files go: before `files[position]` of the task that queued it.
    struct Splice: Sendable {
        var position: Int
        var child: Int
    }

    /// What one task found: its files in git's order, the subdirectories it queued instead of walking, and the
    /// directories it listed.
    private struct Output: Sendable {
        var files: [WorkingTreeFile]
        var splices: [Splice]
        var directories: [WorkingTreeDirectory]
    }

    private struct State: Sendable {
        var pending: [PendingDirectory] = []
        /// Tasks taken and not finished.
        var running = 0
        /// By task id; nil until the task finishes.
        var outputs: [Output?] = [nil]
        var failure: GitError?
        /// Set by the caller when it returns: late helpers must not start anything.
        var isFinished = false

        /// Whether a worker has something to do, or nothing will ever come.
        var isReady: Bool { !pending.isEmpty || running == 0 || failure != nil || isFinished }
    }

    let index: TrackedPaths
    let hasGitlinks: Bool
    let ignores: IgnoreRules
    let workers: Int
    /// Queue no more directories than this: enough that an idle worker finds one, few open descriptors.
    private let queueLimit: Int
    private let state = ConditionLock(State())
    /// Set on the first failure so that running workers stop entering directories.
    private let isCancelled = Atomic<Bool>(false)

    private init(index: TrackedPaths, ignores: IgnoreRules, workers: Int) {
        self.index = index
        self.hasGitlinks = index.hasGitlinks
        self.ignores = ignores
        self.workers = workers
        self.queueLimit = 2 * workers
    }

    /// Takes tasks until there are none left and no running task can queue more.
    private func work() {
        while let task = take() {
            var walker = DirectoryWalker(shared: self, cursor: task.cursor)
            var failure: GitError?
            do throws(GitError) {
                try walker.walk(directoryFD: task.fd, relative: task.relative)
            } catch {
                failure = error
                isCancelled.store(true, ordering: .relaxed)
            }
            let output = Output(files: walker.files, splices: walker.splices, directories: walker.directories)
            state.withLock { state in
                state.outputs[task.id] = output
                state.running -= 1
                if state.failure == nil { state.failure = failure }
            }
            state.wakeAll()
        }
    }

    private func take() -> PendingDirectory? {
        state.withLock(when: { $0.isReady }) { state in
            guard state.failure == nil, !state.isFinished, !state.pending.isEmpty else { return nil }
            state.running += 1
            return state.pending.removeFirst()
        }
    }

    /// Queues the directory open at `fd` (taking ownership) if the queue is short; its task id, or nil when the
    /// caller must walk it itself.
    func offer(fd: Int32, relative: String, cursor: Int) -> Int? {
        guard workers > 1 else { return nil }
        let id: Int? = state.withLock { state in
            guard state.pending.count < queueLimit, state.failure == nil else { return nil }
            let id = state.outputs.count
            state.outputs.append(nil)
            state.pending.append(PendingDirectory(id: id, fd: fd, relative: relative, cursor: cursor))
            return id
        }
        if id != nil { state.wakeAll() }
        return id
    }

    var shouldStop: Bool { isCancelled.load(ordering: .relaxed) }

    /// Waits for the other workers, then closes what is left in the queue (after a failure) and splices the
    /// listings together.
    private func finish() throws(GitError) -> WorkingTreeListing {
        let (outputs, failure) = state.withLock(when: { $0.running == 0 }) { state in
            state.isFinished = true
            for task in state.pending { close(task.fd) }
            state.pending = []
            return (state.outputs, state.failure)
        }
        if let failure { throw failure }
        let directories = outputs.flatMap { $0?.directories ?? [] }
        if outputs.count == 1, let only = outputs[0] {
            return WorkingTreeListing(files: only.files, directories: directories)
        }
        var files: [WorkingTreeFile] = []
        files.reserveCapacity(outputs.reduce(0) { $0 + ($1?.files.count ?? 0) })
        func append(_ id: Int) {
            guard let output = outputs[id] else { return }  // every queued task ran: no failure
            var start = 0
            for splice in output.splices {
                files.append(contentsOf: output.files[start..<splice.position])
                append(splice.child)
                start = splice.position
            }
            files.append(contentsOf: output.files[start...])
        }
        append(0)
        return WorkingTreeListing(files: files, directories: directories)
    }
}

/// The repository's ignore rules for the walk's workers: every use of the repository holds the lock, since
/// libgit2 repositories must not be used from two threads at once.
final class IgnoreRules: @unchecked Sendable {
    // @unchecked: `repository` is only touched while `lock` is held. Its owner, the caller of the walk, does not
    // use it until the walk returns, and ``release()`` drops it then, so a helper thread that outlives the walk
    // neither uses nor frees it.
    private var repository: GitRepository?
    private let lock = Mutex<Void>(())

    init(_ repository: GitRepository) { self.repository = repository }

    /// Whether git ignores the untracked `path`; false once released.
    func isIgnored(_ path: String) throws(GitError) -> Bool {
        try lock.withLock { _ throws(GitError) -> Bool in
            guard let repository else { return false }
            return try repository.isIgnoredUntracked(path)
        }
    }

    func release() { lock.withLock { _ in repository = nil } }
}

// MARK: - One directory

/// Walks one task's directory depth-first, relative to directory descriptors so that each entry costs one
/// `fstatat`, handing subdirectories to the ``WorkingTreeWalk`` queue when it is short.
private struct DirectoryWalker {
    let shared: WorkingTreeWalk
    let index: TrackedPaths
    var files: [WorkingTreeFile] = []
    var splices: [WorkingTreeWalk.Splice] = []
    var directories: [WorkingTreeDirectory] = []
    /// Where the walk is in the index: see ``TrackedPaths/lowerBound(_:cursor:)``.
    private var cursor: Int

    init(shared: WorkingTreeWalk, cursor: Int) {
        self.shared = shared
        self.index = shared.index
        self.cursor = cursor
    }

    /// One directory entry, before the index and the ignore rules have been consulted.
    private struct Entry {
        /// The name, with a `/` appended for directories: sorting by it gives git's order.
        var key: String
        var name: String
        /// nil for a directory.
        var mode: GitFileMode?
        /// The name's bytes with a NUL, kept only when they are not valid UTF-8 (``name`` is then repaired with
        /// U+FFFD and cannot be used to open the entry).
        var rawName: [CChar]?
        /// The `lstat` of a regular file.
        var metadata: WorkingTreeFile.Metadata? = nil
    }

    /// Walks the directory open at `directoryFD` (takes ownership of the descriptor and closes it), appending
    /// files in git's path order: each directory's entries sorted by name, a subdirectory as if its name ended in
    /// `/`, which is the byte order of the full paths, so no global sort is needed.
    mutating func walk(directoryFD: Int32, relative: String) throws(GitError) {
        guard !shared.shouldStop else {
            close(directoryFD)
            return
        }
        guard let directory = fdopendir(directoryFD) else {
            let code = errno
            close(directoryFD)
            throw GitError.fileSystem(
                FileSystemError(
                    path: relative.isEmpty ? "." : relative, operation: "list",
                    errno: code))
        }
        defer { closedir(directory) }
        // The directory's own stat, taken before its entries are read: an entry added or removed after this reading
        // changes the directory's mtime, which is how a saved listing is known to be stale (``KeySnapshot``).
        var own = stat()
        guard fstat(directoryFD, &own) == 0 else {
            throw GitError.fileSystem(
                FileSystemError(path: relative.isEmpty ? "." : relative, operation: "inspect", errno: errno))
        }
        directories.append(WorkingTreeDirectory(path: relative, metadata: WorkingTreeFile.Metadata(own)))
        var entries: [Entry] = []
        while let dirent = readdir(directory) {
            var rawName: [CChar]?
            let name = withUnsafeBytes(of: &dirent.pointee.d_name) { raw in
                var length = 0
                var ascii = true
                while length < raw.count, raw[length] != 0 {
                    if raw[length] >= 0x80 { ascii = false }
                    length += 1
                }
                let bytes = UnsafeRawBufferPointer(rebasing: raw[..<length])
                if ascii { return String(decoding: bytes, as: UTF8.self) }
                if let valid = String(validating: bytes, as: UTF8.self) { return valid }
                rawName = bytes.map { CChar(bitPattern: $0) } + [0]
                return String(decoding: bytes, as: UTF8.self)
            }
            if name == "." || name == ".." || name == ".git" { continue }
            // d_type spares an lstat for directories and symlinks; regular files need one for the executable bit.
            switch Int32(dirent.pointee.d_type) {
            case Int32(DT_DIR): entries.append(Entry(key: name + "/", name: name, mode: nil, rawName: rawName))
            case Int32(DT_LNK): entries.append(Entry(key: name, name: name, mode: .symlink, rawName: rawName))
            case Int32(DT_REG), Int32(DT_UNKNOWN):
                var info = stat()
                let result =
                    if let rawName {
                        fstatat(directoryFD, rawName, &info, AT_SYMLINK_NOFOLLOW)
                    } else {
                        name.withCString { fstatat(directoryFD, $0, &info, AT_SYMLINK_NOFOLLOW) }
                    }
                guard result == 0 else {
                    if errno == ENOENT { continue }  // removed while we were walking
                    let path = relative.isEmpty ? name : relative + "/" + name
                    throw GitError.fileSystem(FileSystemError(path: path, operation: "inspect", errno: errno))
                }
                if info.st_mode & S_IFMT == S_IFDIR {
                    entries.append(Entry(key: name + "/", name: name, mode: nil, rawName: rawName))
                } else if let mode = GitFileMode(normalizing: UInt32(info.st_mode)) {
                    let metadata = info.st_mode & S_IFMT == S_IFREG ? WorkingTreeFile.Metadata(info) : nil
                    entries.append(Entry(key: name, name: name, mode: mode, rawName: rawName, metadata: metadata))
                }
            default:
                continue  // sockets, devices, fifos: git cannot track them
            }
        }
        // Sort positions, not the entries (moving ~100-byte values through a generic stable sort cost more than
        // the comparisons).
        let keys = entries.map(\.key)
        let order = keys.indices.sorted { PathOrder.precedes(keys[$0], keys[$1]) }
        for position in order {
            let entry = entries[position]
            let path = relative.isEmpty ? entry.name : Self.join(relative, entry.name)
            if let mode = entry.mode {
                if index.lookup(path, cursor: &cursor) != nil {
                    files.append(WorkingTreeFile(path: path, mode: mode, isTracked: true, metadata: entry.metadata))
                } else if try !shared.ignores.isIgnored(path) {
                    files.append(WorkingTreeFile(path: path, mode: mode, isTracked: false, metadata: entry.metadata))
                }
                continue
            }
            // A submodule's index entry is the directory's own path, which sorts before the files next to it
            // (`a/c` < `a/c.txt` < `a/c/…`): ask the whole index, not the cursor, and only when there are any.
            if shared.hasGitlinks, index.lookup(path)?.isGitlink == true {
                files.append(WorkingTreeFile(path: path, mode: .gitlink, isTracked: true))
                continue
            }
            let rawName = entry.rawName ?? Array(entry.name.utf8CString)
            if !index.containsEntries(under: path, cursor: &cursor) {
                if isNestedRepository(directoryFD, rawName) { continue }
                if try shared.ignores.isIgnored(path) { continue }
            }
            let child = openat(directoryFD, rawName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else {
                if errno == ENOENT { continue }
                throw GitError.fileSystem(FileSystemError(path: path, operation: "list", errno: errno))
            }
            // The cursor now stands at the directory's first index entry: where the other worker starts.
            if let id = shared.offer(fd: child, relative: path, cursor: cursor) {
                splices.append(WorkingTreeWalk.Splice(position: files.count, child: id))
            } else {
                try walk(directoryFD: child, relative: path)
            }
        }
    }

    /// `directory/name`, built in one allocation (appending to a String costs several).
    private static func join(_ directory: String, _ name: String) -> String {
        var directory = directory
        var name = name
        return directory.withUTF8 { head in
            name.withUTF8 { tail in
                String(unsafeUninitializedCapacity: head.count + 1 + tail.count) { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    if let source = head.baseAddress { memcpy(base, source, head.count) }
                    base[head.count] = UInt8(ascii: "/")
                    if let source = tail.baseAddress { memcpy(base + head.count + 1, source, tail.count) }
                    return head.count + 1 + tail.count
                }
            }
        }
    }

    /// Whether an untracked directory holds its own repository (git shows it as one `dir/` entry and never looks
    /// inside).
    private func isNestedRepository(_ parentFD: Int32, _ name: [CChar]) -> Bool {
        var info = stat()
        return fstatat(parentFD, Array(name.dropLast()) + Array("/.git".utf8CString), &info, AT_SYMLINK_NOFOLLOW) == 0
    }
}
