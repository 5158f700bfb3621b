internal import CGit2

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
    public func changes(from old: ObjectID?, to new: ObjectID?, detectRenames: Bool = true) throws(GitError) -> [FileChange] {
        var options = Self.diffOptions(flags: GIT_DIFF_INCLUDE_TYPECHANGE.rawValue)
        let diff = try withTree(of: old) { oldTree throws(GitError) in
            try withTree(of: new) { newTree throws(GitError) in
                try LibGit2.make("git_diff_tree_to_tree", free: git_diff_free) {
                    git_diff_tree_to_tree(&$0, handle, oldTree, newTree, &options)
                }
            }
        }
        return try changes(in: diff, detectRenames: detectRenames)
    }

    /// Everything that differs between a commit and the working tree: staged and unstaged changes, deletions,
    /// and untracked files that are not ignored (inside untracked directories too), with renames detected among
    /// tracked files. Agrees with `git diff <commit> --name-status` plus `git ls-files --others --exclude-standard`
    /// (untracked files are ``FileChange/Status/added``).
    ///
    /// Nested repositories that are not submodules are skipped, like their contents. The index on disk is not
    /// rewritten.
    /// - Parameter base: the commit, or nil for the empty tree (every present file is added).
    public func workingTreeChanges(from base: ObjectID?, detectRenames: Bool = true) throws(GitError) -> [FileChange] {
        _ = try requireWorkingDirectory(for: "compare with the working tree")
        var options = Self.diffOptions(
            flags: GIT_DIFF_INCLUDE_TYPECHANGE.rawValue | GIT_DIFF_INCLUDE_UNTRACKED.rawValue
                | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue)
        let diff = try withTree(of: base) { baseTree throws(GitError) in
            try LibGit2.make("git_diff_tree_to_workdir_with_index", free: git_diff_free) {
                git_diff_tree_to_workdir_with_index(&$0, handle, baseTree, &options)
            }
        }
        return try changes(in: diff, detectRenames: detectRenames)
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

    private func changes(in diff: borrowing GitHandle, detectRenames: Bool) throws(GitError) -> [FileChange] {
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
                  let change = Self.fileChange(delta)
            else { continue }
            result.append(change)
        }
        result.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
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
