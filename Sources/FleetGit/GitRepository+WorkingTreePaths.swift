internal import CGit2
import FleetBasics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Changed paths between a commit and the working tree, fast

extension GitRepository {
    /// The paths that differ between `base` and the working tree — staged, unstaged, deleted and untracked (not
    /// ignored) — sorted in git's order: exactly the old and new paths of
    /// ``workingTreeChanges(from:detectRenames:)`` with `detectRenames: false`, which is what affected detection
    /// needs (a rename is its old path and its new path either way).
    ///
    /// Computed the way `git status` does, not the way libgit2's diff does: the index is read without verifying
    /// its checksum (see ``IndexFile``); the commit is compared with the index through the index's cache tree, so
    /// only directories whose tree id differs are read (libgit2 reads every tree of the commit); and the working
    /// tree is compared with the index by one walk (``workingTreeFiles()``'s), whose `lstat` is compared with the
    /// stat data in the index, a file's content being hashed (with its gitattributes filters, as git does) only
    /// when its stat differs or is racy. Falls back to libgit2 for what this does not model: conflicts,
    /// intent-to-add and skip-worktree entries, submodules, split or sparse indexes, `core.filemode`,
    /// `core.symlinks` or `core.ignorecase` set away from their defaults.
    ///
    /// - Parameter base: the commit, or nil for the empty tree.
    public func workingTreeChangedPaths(from base: ObjectID?) throws(GitError) -> [String] {
        _ = try requireWorkingDirectory(for: "compare with the working tree")
        if let fast = try fastWorkingTreeChangedPaths(from: base) { return fast }
        return try slowWorkingTreeChangedPaths(from: base)
    }

    /// The reference answer: libgit2's diff (for the fallback and for tests).
    func slowWorkingTreeChangedPaths(from base: ObjectID?) throws(GitError) -> [String] {
        var paths = Set<String>()
        for change in try workingTreeChanges(from: base, detectRenames: false) { paths.formUnion(change.paths) }
        return paths.sorted(by: PathOrder.precedes)
    }

    /// nil when the repository needs the libgit2 path (see ``workingTreeChangedPaths(from:)``).
    func fastWorkingTreeChangedPaths(from base: ObjectID?, droppingContentEqualToBase: Bool = false)
        throws(GitError) -> [String]?
    {
        let index: IndexFile
        do {
            guard let file = try IndexFile.read(gitDirectory: gitDirectory) else { return nil }
            index = file
        } catch {
            return nil
        }
        let entries = index.entries
        for entry in entries {
            if entry.stage != 0 || entry.intentToAdd || entry.skipWorktree || entry.mode & 0o170000 == 0o160000 {
                return nil
            }
        }
        if zip(entries, entries.dropFirst()).contains(where: { !PathOrder.precedes($0.path, $1.path) }) { return nil }
        guard usesDefaultWorkingTreeSettings() else { return nil }

        var changed: [String] = []
        var added = Set<String>()  // in the index, not in the base
        try compareCommit(base, withIndexEntries: entries, cacheTree: index.cacheTree, into: &changed, added: &added)
        // Added to the index, then deleted from the working tree: the base and the working tree agree (libgit2's
        // merged diff drops the path too, as git does).
        var unchanged = Set<String>()
        // Paths where the index differs from the base, when the working tree's differences from the index must be
        // checked against the base too.
        let indexSide: Set<String> = droppingContentEqualToBase && base != nil ? Set(changed) : []
        var bothSides: [WorkingTreeFile] = []

        // The working tree against the index: one walk, entries and files merged in path order.
        var tracked = TrackedPaths()
        tracked.paths = entries.map(\.path)
        tracked.isGitlink = Array(repeating: false, count: entries.count)
        let files = try workingTreeFiles(tracked: tracked)
        var next = 0
        for file in files {
            while next < entries.count, PathOrder.precedes(entries[next].path, file.path) {
                deleted(entries[next].path)
                next += 1
            }
            if next < entries.count, PathOrder.equal(entries[next].path, file.path) {
                if try differs(file, from: entries[next], indexTime: index.fileModificationTime) {
                    changed.append(file.path)
                    if indexSide.contains(file.path) { bothSides.append(file) }
                }
                next += 1
            } else {
                changed.append(file.path)  // untracked, not ignored
                if indexSide.contains(file.path) { bothSides.append(file) }
            }
        }
        for entry in entries[next...] { deleted(entry.path) }

        /// A tracked path with no file in the working tree.
        func deleted(_ path: String) {
            if added.contains(path) { unchanged.insert(path) } else { changed.append(path) }
        }

        if let base {
            for file in bothSides where try sameContent(file, in: base) { unchanged.insert(file.path) }
        }

        changed.sort(by: PathOrder.precedes)
        var unique: [String] = []
        unique.reserveCapacity(changed.count)
        for path in changed where unique.last != path && !unchanged.contains(path) { unique.append(path) }
        return unique
    }

    /// Whether a present, tracked file differs from its index entry, as git decides it: a different mode does;
    /// the same stat data as recorded (and not racy) does not; otherwise the content is hashed as git would store
    /// it and compared with the entry's blob id.
    private func differs(_ file: WorkingTreeFile, from entry: IndexFile.Entry, indexTime: Int64) throws(GitError)
        -> Bool
    {
        guard GitFileMode(normalizing: entry.mode) == file.mode else { return true }
        if file.mode == .symlink {
            return try blobID(ofSymlink: file.path) != entry.id
        }
        if let stat = file.metadata,
            UInt32(truncatingIfNeeded: stat.size) == entry.size,
            UInt32(truncatingIfNeeded: stat.modificationSeconds) == entry.modificationSeconds,
            UInt32(truncatingIfNeeded: stat.modificationNanoseconds) == entry.modificationNanoseconds,
            UInt32(truncatingIfNeeded: stat.changeSeconds) == entry.changeSeconds,
            UInt32(truncatingIfNeeded: stat.changeNanoseconds) == entry.changeNanoseconds,
            UInt32(truncatingIfNeeded: stat.inode) == entry.inode
        {
            // Racily clean: recorded in the same tick as (or after) the index was written, the file may have
            // changed again without its stat showing it.
            let recorded = Int64(entry.modificationSeconds) * 1_000_000_000 + Int64(entry.modificationNanoseconds)
            if recorded < indexTime { return false }
        }
        var oid = git_oid()
        // A file that cannot be read (gone since the walk, no permission) differs, as libgit2's diff reports it.
        guard git_repository_hashfile(&oid, handle, file.path, GIT_OBJECT_BLOB, nil) >= 0 else { return true }
        return ObjectID(oid) != entry.id
    }

    /// Whether the working-tree `file` has the mode and the bytes of its path in `commit`.
    private func sameContent(_ file: WorkingTreeFile, in commit: ObjectID) throws(GitError) -> Bool {
        guard let entry = try entry(at: file.path, in: commit), entry.mode == file.mode else { return false }
        return hasContent(of: entry.id, mode: entry.mode, at: file.path)
    }

    /// The blob id git gives a symlink: the hash of its target text.
    private func blobID(ofSymlink path: String) throws(GitError) -> ObjectID? {
        let absolute = FileSystem.join(try requireWorkingDirectory(for: "read a symlink"), path)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(absolute, &buffer, buffer.count)
        guard count >= 0 else { return nil }  // gone or no longer a link: differs from any id
        var oid = git_oid()
        try LibGit2.check(git_odb_hash(&oid, buffer, count, GIT_OBJECT_BLOB), "git_odb_hash")
        return ObjectID(oid)
    }

    /// Whether the config keeps the defaults this comparison models (file modes and symlinks recorded as on disk,
    /// case-sensitive paths).
    private func usesDefaultWorkingTreeSettings() -> Bool {
        var snapshot: OpaquePointer?
        guard git_repository_config_snapshot(&snapshot, handle) >= 0, let snapshot else { return false }
        let config = GitHandle(snapshot, free: git_config_free)
        func bool(_ name: String, default value: Bool) -> Bool? {
            var result: Int32 = 0
            let status = git_config_get_bool(&result, config.pointer, name)
            if status == GIT_ENOTFOUND.rawValue { return value }
            return status < 0 ? nil : result != 0
        }
        return bool("core.filemode", default: true) == true && bool("core.symlinks", default: true) == true
            && bool("core.ignorecase", default: false) == false
    }

    // MARK: - The commit against the index

    /// Appends the paths where the index differs from `base`'s tree (mode or blob id, presence), reading only the
    /// trees of directories whose id differs from the index's cache tree.
    /// - Parameter added: receives the index paths the base does not have.
    private func compareCommit(
        _ base: ObjectID?, withIndexEntries entries: [IndexFile.Entry], cacheTree: IndexFile.CacheTree?,
        into changed: inout [String], added: inout Set<String>
    ) throws(GitError) {
        guard let base else {
            changed.append(contentsOf: entries.map(\.path))
            added.formUnion(entries.map(\.path))
            return
        }
        let root = try tree(of: base)
        try compare(
            tree: root.pointer, directory: "", entries: entries, range: 0..<entries.count, cacheTree: cacheTree,
            node: cacheTree?.nodes.isEmpty == false ? 0 : nil, into: &changed, added: &added)
    }

    private func compare(
        tree: OpaquePointer, directory: String, entries: [IndexFile.Entry], range: Range<Int>,
        cacheTree: IndexFile.CacheTree?, node: Int?, into changed: inout [String], added: inout Set<String>
    ) throws(GitError) {
        if let cacheTree, let node, cacheTree.nodes[node].entryCount == range.count, let id = cacheTree.nodes[node].id,
            let treeID = ObjectID(git_tree_id(tree)), id == treeID
        {
            return  // git computed this directory's tree from these very entries, and it is the commit's
        }
        let childNodes = node.flatMap { cacheTree?.children(of: $0) } ?? [:]
        let prefixLength = directory.utf8.count

        // The commit's side of this directory, by name.
        struct Item {
            var isTree: Bool
            var mode: GitFileMode?
            var id: ObjectID?
            var position: Int
        }
        var items: [String: Item] = [:]
        let count = git_tree_entrycount(tree)
        items.reserveCapacity(count)
        for position in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, position) else { continue }
            items[String(gitString: git_tree_entry_name(entry))] = Item(
                isTree: git_tree_entry_type(entry) == GIT_OBJECT_TREE,
                mode: GitFileMode(normalizing: git_tree_entry_filemode_raw(entry).rawValue),
                id: ObjectID(git_tree_entry_id(entry)), position: position)
        }
        var seen = Set<String>()

        // The index's side: a run of entries per name (a file, or everything under a directory).
        var position = range.lowerBound
        while position < range.upperBound {
            let path = entries[position].path
            let rest = path.utf8.dropFirst(prefixLength)
            let slash = rest.firstIndex(of: UInt8(ascii: "/"))
            let name = String(decoding: path.utf8[rest.startIndex..<(slash ?? rest.endIndex)], as: UTF8.self)
            var end = position + 1
            if slash != nil {
                let childPrefix = directory + name + "/"
                // A valid cache-tree node says how many entries the directory has: jump, then confirm the boundary
                // (a stale count only costs the scan below).
                if let child = childNodes[name], let count = cacheTree?.nodes[child].entryCount, count > 0,
                    position + count <= range.upperBound,
                    entries[position + count - 1].path.utf8HasPrefix(childPrefix),
                    position + count == range.upperBound || !entries[position + count].path.utf8HasPrefix(childPrefix)
                {
                    end = position + count
                } else {
                    while end < range.upperBound, entries[end].path.utf8HasPrefix(childPrefix) { end += 1 }
                }
            }
            let run = position..<end
            position = end
            let item = seen.insert(name).inserted ? items[name] : nil
            let fullPath = directory + name
            switch (slash != nil, item) {
            case (true, let item?) where item.isTree:
                guard let subtree = try subtree(of: tree, at: item.position) else { continue }
                try compare(
                    tree: subtree.pointer, directory: fullPath + "/", entries: entries, range: run,
                    cacheTree: cacheTree, node: childNodes[name], into: &changed, added: &added)
            case (false, let item?) where !item.isTree:
                if item.mode != GitFileMode(normalizing: entries[run.lowerBound].mode)
                    || item.id != entries[run.lowerBound].id
                {
                    changed.append(fullPath)
                }
            default:
                // Present on one side only, or a file on one side and a directory on the other: the base has
                // none of these index paths.
                changed.append(contentsOf: entries[run].map(\.path))
                added.formUnion(entries[run].map(\.path))
                if let item {
                    try appendPaths(of: item.isTree, at: item.position, in: tree, path: fullPath, into: &changed)
                }
            }
        }
        for (name, item) in items where !seen.contains(name) {
            try appendPaths(of: item.isTree, at: item.position, in: tree, path: directory + name, into: &changed)
        }
    }

    /// The subtree at `position` of `tree`.
    private func subtree(of tree: OpaquePointer, at position: Int) throws(GitError) -> GitHandle? {
        guard let entry = git_tree_entry_byindex(tree, position) else { return nil }
        return try LibGit2.make("git_tree_lookup", free: git_tree_free) {
            git_tree_lookup(&$0, handle, git_tree_entry_id(entry))
        }
    }

    /// Appends `path` (a file of the commit) or every file below it (a directory of the commit).
    private func appendPaths(
        of isTree: Bool, at position: Int, in tree: OpaquePointer, path: String, into changed: inout [String]
    ) throws(GitError) {
        guard isTree else {
            changed.append(path)
            return
        }
        guard let subtree = try subtree(of: tree, at: position) else { return }
        var files: [TreeEntry] = []
        try collect(tree: subtree.pointer, directory: path, prefixes: nil, into: &files)
        changed.append(contentsOf: files.map(\.path))
    }
}
