internal import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Diffs

extension GitRepository {
    /// The files that differ between two commits, like `git diff --name-status -M old new`.
    ///
    /// Reads two trees and the subtrees whose ids differ; the working tree is never touched. File ↔ symlink ↔
    /// submodule changes are ``FileChange/Status/typeChanged``, mode changes (`chmod +x`) and submodule moves are
    /// ``FileChange/Status/modified``.
    /// - Parameters:
    ///   - old: the base commit, or nil for the empty tree (an initial commit, an unborn base).
    ///   - new: the other commit, or nil for the empty tree.
    ///   - detectRenames: pair deletions with additions of identical or similar (≥ 50 %) content, as git's `-M`
    ///     does by default; false reports them as a deletion plus an addition.
    /// - Returns: changes sorted by ``FileChange/path``.
    public func changes(from old: ObjectID?, to new: ObjectID?, detectRenames: Bool = true) throws(GitError)
        -> [FileChange]
    {
        try withTree(of: old) { oldTree throws(GitError) in
            try withTree(of: new) { newTree throws(GitError) in
                // libgit2's tree diff visits every file of both trees. Find the differing paths first, reading only
                // subtrees whose ids differ, and let libgit2 diff just those (its iterators skip the rest unread).
                var pathspec: [String]?
                if let oldTree, let newTree {
                    var paths: [String] = []
                    try collectChangedPaths(old: oldTree, new: newTree, directory: "", into: &paths)
                    if paths.isEmpty { return [] }
                    pathspec = paths
                }
                var options = Self.diffOptions(flags: GIT_DIFF_INCLUDE_TYPECHANGE.rawValue)
                let diff = try withPathspec(pathspec, in: &options) { options throws(GitError) in
                    try LibGit2.make("git_diff_tree_to_tree", free: git_diff_free) {
                        git_diff_tree_to_tree(&$0, handle, oldTree, newTree, options)
                    }
                }
                return try changes(in: diff, detectRenames: detectRenames)
            }
        }
    }

    /// Everything that differs between a commit and the working tree: staged and unstaged changes, deletions,
    /// and untracked files that are not ignored (inside untracked directories too), with renames detected among
    /// tracked files. Agrees with `git diff <commit> --name-status` plus `git ls-files --others --exclude-standard`
    /// (untracked files are ``FileChange/Status/added``; a file removed from the index but kept on disk is both a
    /// deletion and an untracked addition, as git reports it).
    ///
    /// Nested repositories that are not submodules are skipped, like their contents. The index on disk is not
    /// rewritten.
    /// - Parameter base: the commit, or nil for the empty tree (every present file is added).
    public func workingTreeChanges(from base: ObjectID?, detectRenames: Bool = true) throws(GitError) -> [FileChange] {
        _ = try requireWorkingDirectory(for: "compare with the working tree")
        let index = try loadIndex()
        // What git_diff_tree_to_workdir_with_index does, in two steps, so that untracked files can be taken out
        // before the merge folds "deleted from the index" and "untracked on disk" into a single deletion.
        var stagedOptions = Self.diffOptions(flags: GIT_DIFF_INCLUDE_TYPECHANGE.rawValue)
        let diff = try withTree(of: base) { baseTree throws(GitError) in
            try LibGit2.make("git_diff_tree_to_index", free: git_diff_free) {
                git_diff_tree_to_index(&$0, handle, baseTree, index.pointer, &stagedOptions)
            }
        }
        var workdirOptions = Self.diffOptions(
            flags: GIT_DIFF_INCLUDE_TYPECHANGE.rawValue | GIT_DIFF_INCLUDE_UNTRACKED.rawValue
                | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue)
        let workdir = try LibGit2.make("git_diff_index_to_workdir", free: git_diff_free) {
            git_diff_index_to_workdir(&$0, handle, index.pointer, &workdirOptions)
        }
        var untracked: [FileChange] = []
        for position in 0..<git_diff_num_deltas(workdir.pointer) {
            guard let delta = git_diff_get_delta(workdir.pointer, position)?.pointee,
                delta.status == GIT_DELTA_UNTRACKED, let change = Self.fileChange(delta)
            else { continue }
            untracked.append(change)
        }
        try LibGit2.check(git_diff_merge(diff.pointer, workdir.pointer), "git_diff_merge")
        var result = try changes(in: diff, detectRenames: detectRenames, excludingUntracked: true)
        result.append(contentsOf: untracked)
        result.sort { PathOrder.precedes($0.path, $1.path) }
        return result
    }

    /// Appends the paths whose entries differ between two trees, descending only into subtrees with different
    /// ids. A path that is a directory on one side only is listed once (libgit2 expands it).
    private func collectChangedPaths(
        old: OpaquePointer, new: OpaquePointer, directory: String, into paths: inout [String]
    ) throws(GitError) {
        func path(_ entry: OpaquePointer) -> String {
            let name = String(gitString: git_tree_entry_name(entry))
            return directory.isEmpty ? name : directory + "/" + name
        }
        for position in 0..<git_tree_entrycount(old) {
            guard let before = git_tree_entry_byindex(old, position) else { continue }
            guard let after = git_tree_entry_byname(new, git_tree_entry_name(before)) else {
                paths.append(path(before))
                continue
            }
            let sameMode = git_tree_entry_filemode_raw(before) == git_tree_entry_filemode_raw(after)
            if sameMode, git_oid_equal(git_tree_entry_id(before), git_tree_entry_id(after)) == 1 { continue }
            if git_tree_entry_type(before) == GIT_OBJECT_TREE, git_tree_entry_type(after) == GIT_OBJECT_TREE {
                let oldSubtree = try LibGit2.make("git_tree_lookup", free: git_tree_free) {
                    git_tree_lookup(&$0, handle, git_tree_entry_id(before))
                }
                let newSubtree = try LibGit2.make("git_tree_lookup", free: git_tree_free) {
                    git_tree_lookup(&$0, handle, git_tree_entry_id(after))
                }
                try collectChangedPaths(
                    old: oldSubtree.pointer, new: newSubtree.pointer, directory: path(before), into: &paths)
            } else {
                paths.append(path(before))
            }
        }
        for position in 0..<git_tree_entrycount(new) {
            guard let after = git_tree_entry_byindex(new, position),
                git_tree_entry_byname(old, git_tree_entry_name(after)) == nil
            else { continue }
            paths.append(path(after))
        }
    }

    /// Sets `options.pathspec` to literal paths (files or whole directories) for the duration of `body`.
    private func withPathspec<T: ~Copyable>(
        _ paths: [String]?, in options: inout git_diff_options,
        _ body: (UnsafePointer<git_diff_options>) throws(GitError) -> T
    ) throws(GitError) -> T {
        guard let paths else { return try body(&options) }
        let strings = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: max(paths.count, 1))
        for (position, path) in paths.enumerated() { (strings + position).initialize(to: strdup(path)) }
        defer {
            for position in 0..<paths.count { free(strings[position]) }
            strings.deallocate()
        }
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        options.pathspec = git_strarray(strings: strings, count: paths.count)
        defer { options.pathspec = git_strarray() }
        return try body(&options)
    }

    /// Runs `body` with the tree of `id` (nil: no tree, which libgit2 reads as the empty tree) kept alive.
    func withTree<T: ~Copyable>(
        of id: ObjectID?, _ body: (OpaquePointer?) throws(GitError) -> T
    ) throws(GitError) -> T {
        guard let id else { return try body(nil) }
        let tree = try tree(of: id)
        return try body(tree.pointer)
    }

    private static func diffOptions(flags: UInt32) -> git_diff_options {
        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        options.flags = flags
        return options
    }

    private func changes(
        in diff: borrowing GitHandle, detectRenames: Bool, excludingUntracked: Bool = false
    ) throws(GitError) -> [FileChange] {
        if detectRenames {
            var find = git_diff_find_options()
            git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
            // Renames only, exact and similar at git's default 50 % threshold; untracked files are not rename
            // targets (git diff does not see them either).
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try LibGit2.check(git_diff_find_similar(diff.pointer, &find), "git_diff_find_similar")
        }
        let count = git_diff_num_deltas(diff.pointer)
        var result: [FileChange] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let delta = git_diff_get_delta(diff.pointer, index)?.pointee,
                !(excludingUntracked && delta.status == GIT_DELTA_UNTRACKED), let change = Self.fileChange(delta)
            else { continue }
            result.append(change)
        }
        result.sort { PathOrder.precedes($0.path, $1.path) }
        return result
    }

    private static func fileChange(_ delta: git_diff_delta) -> FileChange? {
        let status: FileChange.Status
        switch delta.status {
        case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_MODIFIED, GIT_DELTA_CONFLICTED, GIT_DELTA_UNREADABLE: status = .modified
        case GIT_DELTA_RENAMED: status = .renamed
        case GIT_DELTA_COPIED: status = .copied
        case GIT_DELTA_TYPECHANGE: status = .typeChanged
        default: return nil  // unmodified, ignored
        }
        let oldMode = GitFileMode(normalizing: UInt32(delta.old_file.mode))
        let newMode = GitFileMode(normalizing: UInt32(delta.new_file.mode))
        let hasOld = status != .added
        let hasNew = status != .deleted
        // A directory entry (an untracked nested repository) is not a file.
        if hasNew && newMode == nil && delta.new_file.mode != 0 { return nil }
        if hasOld && oldMode == nil && delta.old_file.mode != 0 { return nil }
        return FileChange(
            status: status,
            oldPath: hasOld ? String(gitString: delta.old_file.path) : nil,
            newPath: hasNew ? String(gitString: delta.new_file.path) : nil,
            oldMode: hasOld ? oldMode : nil,
            newMode: hasNew ? newMode : nil,
            oldID: hasOld ? validID(delta.old_file) : nil,
            newID: hasNew ? validID(delta.new_file) : nil,
            similarity: status == .renamed || status == .copied ? Int(delta.similarity) : nil)
    }

    private static func validID(_ file: git_diff_file) -> ObjectID? {
        guard file.flags & GIT_DIFF_FLAG_VALID_ID.rawValue != 0 else { return nil }
        let id = ObjectID(file.id)
        return id.isZero ? nil : id
    }
}
