internal import CGit2
import FleetBasics

// MARK: - Reading trees and blobs without a checkout

extension GitRepository {
    /// Every file of a commit's tree, recursively, in git's order (the order of `git ls-tree -r`, which is the
    /// byte order of the paths). Symlinks and submodules are files here (modes `120000` and `160000`).
    ///
    /// - Parameters:
    ///   - commit: a commit (or a tree) id.
    ///   - prefixes: when given, only paths equal to or inside one of these repository-relative paths
    ///     (`services/api`, `fleet.yaml`); subtrees outside all of them are never read. `""` means everything,
    ///     an empty list means nothing.
    /// - Complexity: reads one tree object per directory under the prefixes; blobs are not read.
    public func files(at commit: ObjectID, under prefixes: [String]? = nil) throws(GitError) -> [TreeEntry] {
        var normalized: [String]?
        if let prefixes {
            var list: [String] = []
            for prefix in prefixes { list.append(try Self.normalizedPath(prefix, allowRoot: true)) }
            if list.contains("") { normalized = nil } else { normalized = list }
            if list.isEmpty { return [] }
        }
        let root = try tree(of: commit)
        var entries: [TreeEntry] = []
        try collect(tree: root.pointer, directory: "", prefixes: normalized, into: &entries)
        return entries
    }

    func collect(
        tree: OpaquePointer, directory: String, prefixes: [String]?, into entries: inout [TreeEntry]
    ) throws(GitError) {
        let count = git_tree_entrycount(tree)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(gitString: git_tree_entry_name(entry))
            let path = directory.isEmpty ? name : directory + "/" + name
            let type = git_tree_entry_type(entry)
            if type == GIT_OBJECT_TREE {
                var below = prefixes
                if let prefixes {
                    if prefixes.contains(where: { RelativePath.isWithin(path, directory: $0) }) {
                        below = nil  // everything under this directory is wanted
                    } else if !prefixes.contains(where: { RelativePath.isWithin($0, directory: path) }) {
                        continue  // no wanted path lies below: skip the whole subtree unread
                    }
                }
                var subtree: OpaquePointer?
                try LibGit2.check(git_tree_lookup(&subtree, handle, git_tree_entry_id(entry)), "git_tree_lookup")
                guard let subtree else { continue }
                let owned = GitHandle(subtree, free: git_tree_free)
                try collect(tree: owned.pointer, directory: path, prefixes: below, into: &entries)
            } else {
                if let prefixes, !prefixes.contains(where: { RelativePath.isWithin(path, directory: $0) }) { continue }
                guard let mode = GitFileMode(normalizing: git_tree_entry_filemode_raw(entry).rawValue),
                    let id = ObjectID(git_tree_entry_id(entry))
                else { continue }
                entries.append(TreeEntry(path: path, mode: mode, id: id))
            }
        }
    }

    /// The entry at `path` in a commit's tree, or nil when there is no file there (a directory is not a file).
    public func entry(at path: String, in commit: ObjectID) throws(GitError) -> TreeEntry? {
        let relative = try Self.normalizedPath(path)
        let root = try tree(of: commit)
        var pointer: OpaquePointer?
        let result = git_tree_entry_bypath(&pointer, root.pointer, relative)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(result, "git_tree_entry_bypath")
        guard let pointer else { return nil }
        defer { git_tree_entry_free(pointer) }
        guard git_tree_entry_type(pointer) != GIT_OBJECT_TREE,
            let mode = GitFileMode(normalizing: git_tree_entry_filemode_raw(pointer).rawValue),
            let id = ObjectID(git_tree_entry_id(pointer))
        else { return nil }
        return TreeEntry(path: relative, mode: mode, id: id)
    }

    /// The content of the file at `path` in a commit, or nil when there is none (or it is a directory or a
    /// submodule). For a symlink the content is the link target.
    public func blob(at path: String, in commit: ObjectID) throws(GitError) -> [UInt8]? {
        guard let entry = try entry(at: path, in: commit), entry.mode != .gitlink else { return nil }
        return try blobContent(entry.id)
    }

    /// The bytes of a blob.
    /// - Throws: ``GitError/missingObject(revision:isShallow:)`` when there is no such object,
    ///   ``GitError/notACommit(revision:kind:)``-like ``GitError/libgit2(_:)`` when it is not a blob.
    public func blobContent(_ id: ObjectID) throws(GitError) -> [UInt8] {
        var oid = id.gitOID
        var pointer: OpaquePointer?
        let result = git_blob_lookup(&pointer, handle, &oid)
        guard result >= 0, let pointer else {
            let failure = LibGit2.lastFailure(result, "git_blob_lookup")
            if failure.code == GIT_ENOTFOUND.rawValue, failure.errorClass == GIT_ERROR_ODB.rawValue {
                throw GitError.missingObject(revision: id.description, isShallow: isShallow)
            }
            throw GitError.libgit2(failure)
        }
        let blob = GitHandle(pointer, free: git_blob_free)
        let size = Int(git_blob_rawsize(blob.pointer))
        guard size > 0, let raw = git_blob_rawcontent(blob.pointer) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The root tree of a commit (or the tree itself when given a tree id).
    func tree(of id: ObjectID) throws(GitError) -> GitHandle {
        var oid = id.gitOID
        var object: OpaquePointer?
        let result = git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY)
        guard result >= 0, let object else {
            let failure = LibGit2.lastFailure(result, "git_object_lookup")
            if failure.code == GIT_ENOTFOUND.rawValue {
                throw GitError.missingObject(revision: id.description, isShallow: isShallow)
            }
            throw GitError.libgit2(failure)
        }
        let owned = GitHandle(object, free: git_object_free)
        var tree: OpaquePointer?
        let peel = git_object_peel(&tree, owned.pointer, GIT_OBJECT_TREE)
        guard peel >= 0, let tree else {
            let kind = String(gitString: git_object_type2string(git_object_type(owned.pointer)))
            throw GitError.notACommit(revision: id.description, kind: kind)
        }
        return GitHandle(tree, free: git_object_free)
    }

    /// Validates and normalises a repository-relative path (`./a//b` → `a/b`).
    /// - Parameter allowRoot: accept `""`/`.` meaning the whole repository.
    static func normalizedPath(_ path: String, allowRoot: Bool = false) throws(GitError) -> String {
        if path.hasPrefix("/") { throw GitError.invalidPath(path, reason: "must be relative to the repository root") }
        if path.contains("\0") { throw GitError.invalidPath(path, reason: "contains a NUL byte") }
        guard let normalized = RelativePath.normalize(path) else {
            throw GitError.invalidPath(path, reason: "climbs out of the repository with '..'")
        }
        if normalized.isEmpty, !allowRoot { throw GitError.invalidPath(path, reason: "names no file") }
        if normalized.split(separator: "/").contains(where: { $0.lowercased() == ".git" }) {
            throw GitError.invalidPath(path, reason: "'.git' is reserved by git")
        }
        return normalized
    }
}
