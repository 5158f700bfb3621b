internal import CGit2
import FleetBasics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The working tree

extension GitRepository {
    /// Every file git considers part of the working tree: tracked files that exist (with their mode from `lstat`,
    /// checked-out submodules as ``GitFileMode/gitlink``) and untracked files that are not ignored. Sorted by the
    /// byte order of the paths, like `git ls-files`.
    ///
    /// Agrees with `git ls-files --cached --others --exclude-standard` minus files deleted from the working tree;
    /// nested repositories that are not submodules are skipped with their contents. Symlinks are never followed.
    ///
    /// - Complexity: one directory walk with one `lstat` per entry; ignore rules are evaluated (by libgit2) only
    ///   for paths the index does not track, and ignored directories are not entered. File contents are never read.
    public func workingTreeFiles() throws(GitError) -> [WorkingTreeFile] {
        try workingTreeFiles(tracked: trackedPaths())
    }

    /// ``workingTreeFiles()`` given the index's paths.
    func workingTreeFiles(tracked index: TrackedPaths) throws(GitError) -> [WorkingTreeFile] {
        let root = try requireWorkingDirectory(for: "list the working tree")
        var walker = WorkingTreeWalker(repository: self, index: index)
        let fd = openDirectory(root)
        guard fd >= 0 else {
            throw GitError.fileSystem(FileSystemError(path: root, operation: "list", errno: errno))
        }
        try walker.walk(directoryFD: fd, relative: "")
        // The walk orders a directory as `name/`, which is git's order for everything but a submodule: its path
        // sorts as `name` (before `name.txt`). Rare enough to fix with one sort.
        if walker.hasGitlinks { walker.files.sort { PathOrder.precedes($0.path, $1.path) } }
        return walker.files
    }

    /// Whether git's ignore rules (`.gitignore` files, `.git/info/exclude`, `core.excludesFile`) exclude `path`,
    /// which need not exist. Like `git check-ignore`, a tracked file is never ignored.
    public func isIgnored(_ path: String) throws(GitError) -> Bool {
        _ = try requireWorkingDirectory(for: "check ignore rules")
        let relative = try Self.normalizedPath(path)
        let index = try loadIndex()
        if git_index_get_bypath(index.pointer, relative, 0) != nil { return false }
        return try isIgnoredUntracked(relative)
    }

    /// The state of one file relative to `HEAD` and the index, e.g. to refuse editing a file with uncommitted
    /// changes.
    /// - Throws: ``GitError/invalidPath(_:reason:)`` for a directory or an invalid path.
    public func status(ofPath path: String) throws(GitError) -> PathStatus {
        let root = try requireWorkingDirectory(for: "read the status of a file")
        let relative = try Self.normalizedPath(path)
        if FileSystem.kind(of: FileSystem.join(root, relative)) == .directory {
            throw GitError.invalidPath(path, reason: "is a directory, not a file")
        }
        var flags: UInt32 = 0
        let result = git_status_file(&flags, handle, relative)
        if result == GIT_ENOTFOUND.rawValue { return .absent }
        try LibGit2.check(result, "git_status_file")
        if flags == GIT_STATUS_CURRENT.rawValue { return .clean }
        if flags & GIT_STATUS_IGNORED.rawValue != 0 { return .ignored }
        let worktreeChanges =
            GIT_STATUS_WT_MODIFIED.rawValue | GIT_STATUS_WT_DELETED.rawValue
            | GIT_STATUS_WT_TYPECHANGE.rawValue | GIT_STATUS_WT_RENAMED.rawValue | GIT_STATUS_WT_UNREADABLE.rawValue
            | GIT_STATUS_CONFLICTED.rawValue
        let indexChanges =
            GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue
            | GIT_STATUS_INDEX_DELETED.rawValue | GIT_STATUS_INDEX_RENAMED.rawValue
            | GIT_STATUS_INDEX_TYPECHANGE.rawValue
        if flags & worktreeChanges != 0 { return .modified }
        if flags & indexChanges != 0 {
            // Staged for deletion and absent from the working tree: the path is gone as far as the user knows,
            // but the commit still has it, so it is dirty.
            return .staged
        }
        if flags & GIT_STATUS_WT_NEW.rawValue != 0 { return .untracked }
        return .modified
    }

    // MARK: - Internals

    /// The repository's index, re-read from disk if another process changed it since the last call.
    func loadIndex() throws(GitError) -> GitHandle {
        let index = try LibGit2.make("git_repository_index", free: git_index_free) {
            git_repository_index(&$0, handle)
        }
        try LibGit2.check(git_index_read(index.pointer, 0), "git_index_read")
        return index
    }

    /// The index's paths in byte order, once each (conflicted paths have several stages).
    func trackedPaths() throws(GitError) -> TrackedPaths {
        // Read the index file directly when it is in a form ``IndexFile`` handles (it skips libgit2's checksum).
        do {
            var paths = TrackedPaths()
            if let file = try IndexFile.read(gitDirectory: gitDirectory) {
                paths.paths.reserveCapacity(file.entries.count)
                paths.isGitlink.reserveCapacity(file.entries.count)
                for entry in file.entries where paths.paths.last != entry.path {
                    paths.paths.append(entry.path)
                    paths.isGitlink.append(entry.mode & 0o170000 == 0o160000)
                }
            }
            paths.sortIfNeeded()
            return paths
        } catch {
            // Fall through to libgit2.
        }
        let index = try loadIndex()
        var paths = TrackedPaths()
        let count = git_index_entrycount(index.pointer)
        paths.paths.reserveCapacity(count)
        paths.isGitlink.reserveCapacity(count)
        for position in 0..<count {
            guard let entry = git_index_get_byindex(index.pointer, position) else { continue }
            let path = String(gitString: entry.pointee.path)
            if paths.paths.last == path { continue }
            paths.paths.append(path)
            paths.isGitlink.append(entry.pointee.mode & 0o170000 == 0o160000)
        }
        paths.sortIfNeeded()
        return paths
    }

    fileprivate func isIgnoredUntracked(_ relative: String) throws(GitError) -> Bool {
        var ignored: Int32 = 0
        try LibGit2.check(git_ignore_path_is_ignored(&ignored, handle, relative), "git_ignore_path_is_ignored")
        return ignored == 1
    }
}

private func openDirectory(_ path: String) -> Int32 { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }

/// What the index tracks, sorted for binary search (cheaper than hashing 100k paths into a dictionary and a set
/// of their directories).
struct TrackedPaths {
    var paths: [String] = []
    var isGitlink: [Bool] = []

    /// libgit2 keeps the index sorted by path; a case-insensitive index (`core.ignorecase`) may not be in byte order.
    mutating func sortIfNeeded() {
        guard zip(paths, paths.dropFirst()).contains(where: { !PathOrder.precedes($0, $1) }) else { return }
        let order = paths.indices.sorted { PathOrder.precedes(paths[$0], paths[$1]) }
        paths = order.map { paths[$0] }
        isGitlink = order.map { isGitlink[$0] }
    }

    /// The first position whose path is not before `path`.
    private func lowerBound(_ path: String) -> Int {
        var low = 0
        var high = paths.count
        while low < high {
            let middle = (low + high) / 2
            if PathOrder.precedes(paths[middle], path) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether `path` is tracked, and whether as a submodule; nil when it is not tracked.
    func lookup(_ path: String) -> (isGitlink: Bool, position: Int)? {
        let position = lowerBound(path)
        guard position < paths.count, PathOrder.equal(paths[position], path) else { return nil }
        return (isGitlink[position], position)
    }

    /// Whether some tracked path lies inside `directory`.
    func containsEntries(under directory: String) -> Bool {
        let prefix = directory + "/"
        let position = lowerBound(prefix)
        return position < paths.count && paths[position].utf8HasPrefix(prefix)
    }

    /// The first position whose path is not before `path`, searching forward from `cursor`, which it advances.
    ///
    /// A walk in git's order asks about ever larger paths, so the cursor moves a step or two per file instead of
    /// a binary search of the whole index each time (17 string comparisons per file at 100k files). A query
    /// smaller than the cursor's predecessor falls back to the binary search, so any order gives right answers.
    func lowerBound(_ path: String, cursor: inout Int) -> Int {
        if cursor > paths.count || (cursor > 0 && !PathOrder.precedes(paths[cursor - 1], path)) {
            cursor = lowerBound(path)
            return cursor
        }
        // Usually the cursor's entry is the answer, or the one after it. Otherwise gallop (a deleted directory or
        // a stretch of ignored files can leave many entries behind at once), then binary-search the last step.
        guard cursor < paths.count, PathOrder.precedes(paths[cursor], path) else { return cursor }
        var low = cursor + 1  // every position before `low` precedes `path`
        var step = 1
        var high = paths.count
        while low < paths.count {
            let probe = min(low + step - 1, paths.count - 1)
            if !PathOrder.precedes(paths[probe], path) {
                high = probe
                break
            }
            low = probe + 1
            step *= 2
        }
        while low < high {
            let middle = (low + high) / 2
            if PathOrder.precedes(paths[middle], path) { low = middle + 1 } else { high = middle }
        }
        cursor = low
        return low
    }

    /// ``lookup(_:)`` through a cursor (see ``lowerBound(_:cursor:)``).
    func lookup(_ path: String, cursor: inout Int) -> (isGitlink: Bool, position: Int)? {
        let position = lowerBound(path, cursor: &cursor)
        guard position < paths.count, PathOrder.equal(paths[position], path) else { return nil }
        return (isGitlink[position], position)
    }

    /// ``containsEntries(under:)`` through a cursor (see ``lowerBound(_:cursor:)``).
    func containsEntries(under directory: String, cursor: inout Int) -> Bool {
        let prefix = directory + "/"
        let position = lowerBound(prefix, cursor: &cursor)
        return position < paths.count && paths[position].utf8HasPrefix(prefix)
    }

    /// Whether any tracked path is a submodule.
    var hasGitlinks: Bool { isGitlink.contains(true) }
}

/// One walk of the working tree, relative to directory descriptors so that each entry costs one `fstatat`.
private struct WorkingTreeWalker {
    let repository: GitRepository
    let index: TrackedPaths
    let hasGitlinks: Bool
    var files: [WorkingTreeFile] = []
    /// Where the walk is in the index: see ``TrackedPaths/lowerBound(_:cursor:)``.
    private var cursor = 0

    init(repository: GitRepository, index: TrackedPaths) {
        self.repository = repository
        self.index = index
        self.hasGitlinks = index.hasGitlinks
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
        guard let directory = fdopendir(directoryFD) else {
            let code = errno
            close(directoryFD)
            throw GitError.fileSystem(
                FileSystemError(
                    path: relative.isEmpty ? "." : relative, operation: "list",
                    errno: code))
        }
        defer { closedir(directory) }
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
                } else if try !repository.isIgnoredUntracked(path) {
                    files.append(WorkingTreeFile(path: path, mode: mode, isTracked: false, metadata: entry.metadata))
                }
                continue
            }
            // A submodule's index entry is the directory's own path, which sorts before the files next to it
            // (`a/c` < `a/c.txt` < `a/c/…`): ask the whole index, not the cursor, and only when there are any.
            if hasGitlinks, index.lookup(path)?.isGitlink == true {
                files.append(WorkingTreeFile(path: path, mode: .gitlink, isTracked: true))
                continue
            }
            let rawName = entry.rawName ?? Array(entry.name.utf8CString)
            if !index.containsEntries(under: path, cursor: &cursor) {
                if isNestedRepository(directoryFD, rawName) { continue }
                if try repository.isIgnoredUntracked(path) { continue }
            }
            let child = openat(directoryFD, rawName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else {
                if errno == ENOENT { continue }
                throw GitError.fileSystem(FileSystemError(path: path, operation: "list", errno: errno))
            }
            try walk(directoryFD: child, relative: path)
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

extension WorkingTreeFile.Metadata {
    init(_ info: stat) {
        #if canImport(Darwin)
        let mtime = info.st_mtimespec, ctime = info.st_ctimespec
        #else
        let mtime = info.st_mtim, ctime = info.st_ctim
        #endif
        self.init(
            size: Int64(info.st_size), modificationSeconds: Int64(mtime.tv_sec),
            modificationNanoseconds: Int64(mtime.tv_nsec), changeSeconds: Int64(ctime.tv_sec),
            changeNanoseconds: Int64(ctime.tv_nsec), inode: UInt64(info.st_ino), mode: UInt32(info.st_mode))
    }
}
