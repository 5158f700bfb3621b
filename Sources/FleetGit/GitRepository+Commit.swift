internal import CGit2

/// How ``GitRepository/commit(files:onto:message:author:committer:branch:update:allowCheckedOutBranch:allowEmpty:)``
/// may treat a branch that already exists.
public enum BranchUpdatePolicy: Sendable, Hashable {
    /// The branch must not exist yet (``GitError/branchExists(_:)`` otherwise).
    case createOnly
    /// Create the branch, or move it forward when the new commit descends from its tip.
    case fastForward
    /// Create the branch, or point it at the new commit whatever it pointed to (like `git branch -f`).
    case force
}

// MARK: - Committing without a checkout

extension GitRepository {
    /// Creates a commit whose tree is `parent`'s tree with `files` changed, and points `branch` at it, without
    /// touching the working tree, the index or `HEAD`.
    ///
    /// - Parameters:
    ///   - files: repository-relative path → new content and mode, or deletion. Missing directories are created,
    ///     directories left empty disappear, deleting a directory path removes everything below it.
    ///   - parent: the commit to build on, or nil for a root commit (the tree starts empty).
    ///   - message: cleaned up like `git commit` does (trailing whitespace and blank lines removed, one final newline).
    ///   - author: nil for `GIT_AUTHOR_NAME`/`_EMAIL`/`_DATE` from ``environment``, else `user.name`/`user.email`
    ///     from the repository's config, else `fleet <fleet@localhost>`, dated now.
    ///   - committer: the same with `GIT_COMMITTER_*`.
    ///   - branch: the local branch to create or move (`fleet/bump-api` or `refs/heads/…`); nil creates the commit
    ///     object only.
    ///   - update: what to do when the branch already exists.
    ///   - allowCheckedOutBranch: allow moving a branch that a working tree has checked out; its index and files
    ///     are not updated, so `git status` there will show the commit's changes reversed.
    ///   - allowEmpty: create the commit even if the tree equals the parent's.
    /// - Returns: the new commit.
    /// - Throws: ``GitError/invalidPath(_:reason:)``, ``GitError/pathConflict(_:reason:)``,
    ///   ``GitError/branchExists(_:)``, ``GitError/branchCheckedOut(_:)``,
    ///   ``GitError/branchMoved(branch:expected:actual:reason:)`` (not a fast-forward, or another process moved the
    ///   branch meanwhile), ``GitError/nothingToCommit(branch:)``,
    ///   ``GitError/emptyCommitMessage``, ``GitError/invalidSignature(source:value:reason:)``.
    @discardableResult
    public func commit(
        files: [String: FileUpdate], onto parent: ObjectID?, message: String, author: Signature? = nil,
        committer: Signature? = nil, branch: String?, update: BranchUpdatePolicy = .createOnly,
        allowCheckedOutBranch: Bool = false, allowEmpty: Bool = false
    ) throws(GitError) -> ObjectID {
        // Check everything that can be refused before writing any object.
        var reference: String?
        var currentTip: ObjectID?
        if let branch {
            let name = try Self.branchReference(branch)
            reference = name
            currentTip = try referenceTarget(name)
        }
        if let reference, let branch {
            if let currentTip {
                switch update {
                case .createOnly:
                    throw GitError.branchExists(branch)
                case .fastForward:
                    guard let parent, try isAncestor(currentTip, of: parent) else {
                        throw GitError.branchMoved(
                            branch: branch, expected: parent, actual: currentTip,
                            reason: "not a fast-forward: the branch has commits the new commit does not build on")
                    }
                case .force:
                    break
                }
            }
            if !allowCheckedOutBranch, try isCheckedOut(reference) { throw GitError.branchCheckedOut(branch) }
        }
        let cleanMessage = try Self.prettify(message)
        let authorSignature = if let author { author } else { try resolveSignature(.author) }
        let committerSignature = if let committer { committer } else { try resolveSignature(.committer) }
        try authorSignature.validate(source: "author")
        try committerSignature.validate(source: "committer")

        let updates = try Self.normalizedUpdates(files)
        var parentCommit: GitHandle?
        if let parent { parentCommit = try lookupCommit(parent) }
        let (baseTreeID, builtTreeID) = try withTree(of: parent) { baseTree throws(GitError) in
            let baseID = baseTree.map { ObjectID(git_tree_id($0).pointee) }
            return (baseID, try buildTree(base: baseTree, updates: updates[...], directory: ""))
        }
        // nil stands for the empty tree on both sides.
        let emptyTreeHex = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        if !allowEmpty, (builtTreeID?.description ?? emptyTreeHex) == (baseTreeID?.description ?? emptyTreeHex) {
            throw GitError.nothingToCommit(branch: branch)
        }
        // Every file was deleted (or there were none): commit the empty tree, written only now that it is needed.
        let treeID: ObjectID
        if let builtTreeID { treeID = builtTreeID } else { treeID = try emptyTree() }

        let newTree = try LibGit2.make("git_tree_lookup", free: git_tree_free) {
            var oid = treeID.gitOID
            return git_tree_lookup(&$0, handle, &oid)
        }
        let authorHandle = try authorSignature.makeHandle()
        defer { git_signature_free(authorHandle) }
        let committerHandle = try committerSignature.makeHandle()
        defer { git_signature_free(committerHandle) }
        var commitOID = git_oid()
        var parents: [OpaquePointer?] = []
        if let pointer = parentCommit?.pointer { parents.append(pointer) }  // borrows: the handle outlives the call
        let result = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(
                &commitOID, handle, nil, UnsafePointer(authorHandle), UnsafePointer(committerHandle), nil,
                cleanMessage, newTree.pointer, buffer.count, buffer.baseAddress)
        }
        try LibGit2.check(result, "git_commit_create")
        let commitID = ObjectID(commitOID)

        if let reference {
            let subject = cleanMessage.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            let log = parent == nil ? "commit (initial): \(subject)" : "commit: \(subject)"
            try updateReference(reference, to: commitID, expecting: currentTip, message: log)
        }
        return commitID
    }

    /// The author or committer git would use for this repository now.
    public func defaultSignature(committer: Bool = false) throws(GitError) -> Signature {
        try resolveSignature(committer ? .committer : .author)
    }

    private func resolveSignature(_ role: Signature.Role) throws(GitError) -> Signature {
        let config = try LibGit2.make("git_repository_config_snapshot", free: git_config_free) {
            git_repository_config_snapshot(&$0, handle)
        }
        func value(_ key: String) -> String? {
            var pointer: UnsafePointer<CChar>?
            guard git_config_get_string(&pointer, config.pointer, key) == 0, let pointer else { return nil }
            return String(cString: pointer)
        }
        return try Signature.resolve(
            role, environment: environment, configName: value("user.name"), configEmail: value("user.email"))
    }

    /// Writes the empty tree to the object database (git knows it implicitly, libgit2 needs the object) and
    /// returns its id.
    private func emptyTree() throws(GitError) -> ObjectID {
        let builder = try LibGit2.make("git_treebuilder_new", free: git_treebuilder_free) {
            git_treebuilder_new(&$0, handle, nil)
        }
        var oid = git_oid()
        try LibGit2.check(git_treebuilder_write(&oid, builder.pointer), "git_treebuilder_write")
        return ObjectID(oid)
    }

    // MARK: - Tree building

    /// One requested change, its path split into components.
    fileprivate struct Update {
        var path: String
        var components: ArraySlice<Substring>
        var change: FileUpdate
    }

    private static func normalizedUpdates(_ files: [String: FileUpdate]) throws(GitError) -> [Update] {
        var seen: [String: String] = [:]
        var updates: [Update] = []
        for (path, change) in files.sorted(by: { PathOrder.precedes($0.key, $1.key) }) {
            let normalized = try normalizedPath(path)
            if let other = seen[normalized] {
                throw GitError.invalidPath(path, reason: "names the same file as '\(other)'")
            }
            seen[normalized] = path
            if case .write(_, let mode) = change, mode == .gitlink {
                throw GitError.invalidPath(path, reason: "fleet cannot write submodule (gitlink) entries")
            }
            updates.append(Update(path: normalized, components: normalized.split(separator: "/")[...], change: change))
        }
        return updates
    }

    /// Writes the tree `base` with `updates` applied (paths relative to `directory`); nil when it ends up empty.
    private func buildTree(
        base: OpaquePointer?, updates: ArraySlice<Update>, directory: String
    ) throws(GitError) -> ObjectID? {
        let builder = try LibGit2.make("git_treebuilder_new", free: git_treebuilder_free) {
            git_treebuilder_new(&$0, handle, base)
        }
        var leaves: [(name: String, update: Update)] = []
        var nested: [String: [Update]] = [:]
        var nestedOrder: [String] = []
        for update in updates {
            guard let first = update.components.first else { continue }
            let name = String(first)
            if update.components.count == 1 {
                leaves.append((name, update))
            } else {
                var child = update
                child.components = update.components.dropFirst()
                if nested[name] == nil { nestedOrder.append(name) }
                nested[name, default: []].append(child)
            }
        }
        for (name, update) in leaves {
            let existing = git_treebuilder_get(builder.pointer, name)
            let existingIsTree = existing.map { git_tree_entry_type($0) == GIT_OBJECT_TREE } ?? false
            switch update.change {
            case .delete:
                if existing != nil {
                    try LibGit2.check(git_treebuilder_remove(builder.pointer, name), "git_treebuilder_remove")
                }
            case .write(let bytes, let mode):
                if nested[name] != nil {
                    throw GitError.pathConflict(update.path, reason: "other updates use it as a directory")
                }
                if existingIsTree {
                    throw GitError.pathConflict(
                        update.path, reason: "it is a directory in the parent commit; delete it first")
                }
                var blob = try writeBlob(bytes)
                try LibGit2.check(
                    git_treebuilder_insert(nil, builder.pointer, name, &blob, git_filemode_t(mode.rawValue)),
                    "git_treebuilder_insert")
            }
        }
        for name in nestedOrder {
            guard let children = nested[name] else { continue }
            let path = directory.isEmpty ? name : directory + "/" + name
            var subtreeBase: GitHandle?
            if let existing = git_treebuilder_get(builder.pointer, name) {
                guard git_tree_entry_type(existing) == GIT_OBJECT_TREE else {
                    throw GitError.pathConflict(
                        children[0].path,
                        reason: "'\(path)' is a file in the parent commit; delete it in the same commit")
                }
                subtreeBase = try LibGit2.make("git_tree_lookup", free: git_tree_free) {
                    git_tree_lookup(&$0, handle, git_tree_entry_id(existing))
                }
            }
            if var subtree = try buildTree(base: subtreeBase?.pointer, updates: children[...], directory: path)?.gitOID
            {
                try LibGit2.check(
                    git_treebuilder_insert(nil, builder.pointer, name, &subtree, GIT_FILEMODE_TREE),
                    "git_treebuilder_insert")
            } else if git_treebuilder_get(builder.pointer, name) != nil {
                try LibGit2.check(git_treebuilder_remove(builder.pointer, name), "git_treebuilder_remove")
            }
        }
        if git_treebuilder_entrycount(builder.pointer) == 0 { return nil }
        var oid = git_oid()
        try LibGit2.check(git_treebuilder_write(&oid, builder.pointer), "git_treebuilder_write")
        return ObjectID(oid)
    }

    private func writeBlob(_ bytes: [UInt8]) throws(GitError) -> git_oid {
        var oid = git_oid()
        let result = bytes.withUnsafeBytes { buffer in
            // libgit2 wants a valid pointer even for zero bytes.
            withUnsafeBytes(of: 0) { empty in
                git_blob_create_from_buffer(&oid, handle, buffer.baseAddress ?? empty.baseAddress, buffer.count)
            }
        }
        try LibGit2.check(result, "git_blob_create_from_buffer")
        return oid
    }

    /// `git commit`'s default clean-up: strips trailing whitespace and surrounding blank lines, keeps `#` lines.
    private static func prettify(_ message: String) throws(GitError) -> String {
        var buffer = git_buf()
        try LibGit2.check(git_message_prettify(&buffer, message, 0, CChar(UInt8(ascii: "#"))), "git_message_prettify")
        let cleaned = buffer.takeString()
        if cleaned.allSatisfy(\.isWhitespace) { throw GitError.emptyCommitMessage }
        return cleaned
    }
}

extension Signature {
    /// A libgit2 signature the caller must free with `git_signature_free`.
    fileprivate func makeHandle() throws(GitError) -> UnsafeMutablePointer<git_signature> {
        var pointer: UnsafeMutablePointer<git_signature>?
        try LibGit2.check(
            git_signature_new(&pointer, name, email, git_time_t(time), Int32(offsetMinutes)), "git_signature_new")
        guard let pointer else {
            throw GitError.invalidSignature(source: "signature", value: description, reason: "rejected by libgit2")
        }
        return pointer
    }
}
