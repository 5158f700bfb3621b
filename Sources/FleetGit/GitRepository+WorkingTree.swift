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
    /// - Complexity: one directory walk with one `lstat` per entry, spread by directory over the active
    ///   processors (one thread for a small index); ignore rules are evaluated (by libgit2, one path at a time)
    ///   only for paths the index does not track, and ignored directories are not entered. File contents are never
    ///   read.
    public func workingTreeFiles() throws(GitError) -> [WorkingTreeFile] {
        try workingTreeListing(tracked: trackedPaths()).files
    }

    /// ``workingTreeFiles()`` with the directories the walk listed, each with its `fstat`.
    public func workingTreeListing() throws(GitError) -> WorkingTreeListing {
        try workingTreeListing(tracked: trackedPaths())
    }

    /// ``workingTreeFiles()`` walked by exactly `workers` threads (for tests: the result must not depend on it).
    func workingTreeFiles(workers: Int) throws(GitError) -> [WorkingTreeFile] {
        try workingTreeListing(tracked: trackedPaths(), workers: workers).files
    }

    /// ``workingTreeFiles()`` given the index's paths.
    /// - Parameter workers: threads to walk with (see ``WorkingTreeWalk``); nil for one per active processor,
    ///   or one for a small index. The result is the same for any count.
    func workingTreeFiles(tracked index: TrackedPaths, workers: Int? = nil) throws(GitError) -> [WorkingTreeFile] {
        try workingTreeListing(tracked: index, workers: workers).files
    }

    /// ``workingTreeListing()`` given the index's paths.
    func workingTreeListing(tracked index: TrackedPaths, workers: Int? = nil) throws(GitError) -> WorkingTreeListing {
        let root = try requireWorkingDirectory(for: "list the working tree")
        let fd = openDirectory(root)
        guard fd >= 0 else {
            throw GitError.fileSystem(FileSystemError(path: root, operation: "list", errno: errno))
        }
        var listing = try WorkingTreeWalk.run(
            repository: self, index: index, rootFD: fd,
            workers: workers ?? WorkingTreeWalk.defaultWorkers(trackedCount: index.paths.count))
        // The walk orders a directory as `name/`, which is git's order for everything but a submodule: its path
        // sorts as `name` (before `name.txt`). Rare enough to fix with one sort.
        if index.hasGitlinks { listing.files.sort { PathOrder.precedes($0.path, $1.path) } }
        return listing
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

    /// Whether git ignores `relative`, which the index does not track. Uses the repository handle.
    func isIgnoredUntracked(_ relative: String) throws(GitError) -> Bool {
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

extension GitRepository {
    /// The files outside the working tree whose content decides what ``workingTreeListing()`` returns: the index
    /// (which paths are tracked), `info/exclude`, every config file git reads (`core.excludesFile`,
    /// `core.ignoreCase`…, present or not, since creating one matters too) and the global excludes file. A caller
    /// that saved a listing can tell it is still right when these and the listed directories and files have the
    /// same `stat`.
    ///
    /// nil when that cannot be known: a config file includes others (`include.path`, `includeIf`), whose paths
    /// this does not follow.
    public func listingInputs() -> [String]? {
        let home = environment["HOME"] ?? ""
        let xdg = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        let common = git_repository_commondir(handle).map { Self.trimmingSlash(String(cString: $0)) } ?? gitDirectory
        var configs = [common + "/config", home + "/.gitconfig", xdg + "/git/config", "/etc/gitconfig"]
        for name in ["GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"] {
            if let path = environment[name], !path.isEmpty { configs.append(path) }
        }
        if common != gitDirectory { configs.append(gitDirectory + "/config.worktree") }
        for path in configs {
            guard let bytes = try? FileSystem.readFile(path, limit: 1 << 20) else { continue }
            if String(decoding: bytes, as: UTF8.self).lowercased().contains("include") { return nil }
        }
        var excludes = xdg + "/git/ignore"
        var snapshot: OpaquePointer?
        if git_repository_config_snapshot(&snapshot, handle) >= 0, let snapshot {
            let config = GitHandle(snapshot, free: git_config_free)
            var buffer = git_buf()
            if git_config_get_path(&buffer, config.pointer, "core.excludesFile") >= 0 {
                let path = buffer.takeString()
                if !path.isEmpty { excludes = FileSystem.absolute(path, relativeTo: workingDirectory ?? common) }
            }
        }
        return [gitDirectory + "/index", common + "/info/exclude", excludes] + configs
    }
}
