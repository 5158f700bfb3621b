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
        let root = try requireWorkingDirectory(for: "list the working tree")
        let index = try trackedPaths()
        var walker = WorkingTreeWalker(repository: self, index: index)
        let fd = openDirectory(root)
        guard fd >= 0 else {
            throw GitError.fileSystem(FileSystemError(path: root, operation: "list", errno: errno))
        }
        try walker.walk(directoryFD: fd, relative: "")
        return walker.files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
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
        let worktreeChanges = GIT_STATUS_WT_MODIFIED.rawValue | GIT_STATUS_WT_DELETED.rawValue
            | GIT_STATUS_WT_TYPECHANGE.rawValue | GIT_STATUS_WT_RENAMED.rawValue | GIT_STATUS_WT_UNREADABLE.rawValue
            | GIT_STATUS_CONFLICTED.rawValue
        let indexChanges = GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue
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

    /// Stage-0 (or, for conflicts, any-stage) paths of the index, and the directories that contain them.
    fileprivate func trackedPaths() throws(GitError) -> TrackedPaths {
        let index = try loadIndex()
        var paths = TrackedPaths()
        let count = git_index_entrycount(index.pointer)
        paths.files.reserveCapacity(count)
        for position in 0..<count {
            guard let entry = git_index_get_byindex(index.pointer, position) else { continue }
            let path = String(gitString: entry.pointee.path)
            paths.files[path] = entry.pointee.mode & 0o170000 == 0o160000
            var directory = path
            while let slash = directory.utf8.lastIndex(of: UInt8(ascii: "/")) {
                directory = String(directory[..<slash])
                if !paths.directories.insert(directory).inserted { break }
            }
        }
        return paths
    }

    fileprivate func isIgnoredUntracked(_ relative: String) throws(GitError) -> Bool {
        var ignored: Int32 = 0
        try LibGit2.check(git_ignore_path_is_ignored(&ignored, handle, relative), "git_ignore_path_is_ignored")
        return ignored == 1
    }
}

private func openDirectory(_ path: String) -> Int32 { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }

/// What the index tracks: file path → whether it is a submodule (gitlink); every directory above a tracked path.
private struct TrackedPaths {
    var files: [String: Bool] = [:]
    var directories: Set<String> = []
}

/// One walk of the working tree, relative to directory descriptors so that each entry costs one `fstatat`.
private struct WorkingTreeWalker {
    let repository: GitRepository
    let index: TrackedPaths
    var files: [WorkingTreeFile] = []

    init(repository: GitRepository, index: TrackedPaths) {
        self.repository = repository
        self.index = index
    }

    /// Walks the directory open at `directoryFD` (takes ownership of the descriptor and closes it).
    mutating func walk(directoryFD: Int32, relative: String) throws(GitError) {
        guard let directory = fdopendir(directoryFD) else {
            let code = errno
            close(directoryFD)
            throw GitError.fileSystem(FileSystemError(path: relative.isEmpty ? "." : relative, operation: "list",
                                                      errno: code))
        }
        defer { closedir(directory) }
        var subdirectories: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || name == ".git" { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard fstatat(directoryFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }  // removed while we were walking
                throw GitError.fileSystem(FileSystemError(path: path, operation: "inspect", errno: errno))
            }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR {
                if index.files[path] == true {
                    files.append(WorkingTreeFile(path: path, mode: .gitlink, isTracked: true))
                } else if index.directories.contains(path) {
                    subdirectories.append(name)
                } else if !isNestedRepository(directoryFD, name), try !repository.isIgnoredUntracked(path) {
                    subdirectories.append(name)
                }
            } else if kind == S_IFREG || kind == S_IFLNK {
                guard let mode = GitFileMode(normalizing: UInt32(info.st_mode)) else { continue }
                if index.files[path] != nil {
                    files.append(WorkingTreeFile(path: path, mode: mode, isTracked: true))
                } else if try !repository.isIgnoredUntracked(path) {
                    files.append(WorkingTreeFile(path: path, mode: mode, isTracked: false))
                }
            }
        }
        for name in subdirectories {
            let path = relative.isEmpty ? name : relative + "/" + name
            let child = openat(directoryFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else {
                if errno == ENOENT { continue }
                throw GitError.fileSystem(FileSystemError(path: path, operation: "list", errno: errno))
            }
            try walk(directoryFD: child, relative: path)
        }
    }

    /// Whether an untracked directory holds its own repository (git shows it as one `dir/` entry and never looks
    /// inside).
    private func isNestedRepository(_ parentFD: Int32, _ name: String) -> Bool {
        var info = stat()
        return fstatat(parentFD, name + "/.git", &info, AT_SYMLINK_NOFOLLOW) == 0
    }
}
