internal import CGit2
import FleetBasics

// MARK: - Revisions and history

extension GitRepository {
    /// Resolves any revision git accepts (`main`, `origin/main`, `HEAD~3`, `v1.2^{}`, a full or short id, a tag)
    /// to the commit it names; annotated tags are peeled.
    ///
    /// - Throws: ``GitError/unknownRevision(_:suggestion:isShallow:)`` (with a did-you-mean over branch and tag
    ///   names), ``GitError/ambiguousRevision(_:)``, ``GitError/missingObject(revision:isShallow:)`` (for example a
    ///   parent beyond a shallow clone's boundary), ``GitError/unbornHead(branch:)``,
    ///   ``GitError/notACommit(revision:kind:)``.
    public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        guard !revision.isEmpty, !revision.contains("\0") else {
            throw GitError.unknownRevision(revision, suggestion: nil, isShallow: isShallow)
        }
        var object: OpaquePointer?
        let result = git_revparse_single(&object, handle, revision)
        guard result >= 0, let object else {
            throw revisionFailure(revision, LibGit2.lastFailure(result, "git_revparse_single"))
        }
        let owned = GitHandle(object, free: git_object_free)
        var peeled: OpaquePointer?
        let peelResult = git_object_peel(&peeled, owned.pointer, GIT_OBJECT_COMMIT)
        guard peelResult >= 0, let peeled else {
            let failure = LibGit2.lastFailure(peelResult, "git_object_peel")
            if failure.code == GIT_ENOTFOUND.rawValue, failure.errorClass == GIT_ERROR_ODB.rawValue {
                throw GitError.missingObject(revision: revision, isShallow: isShallow)
            }
            let kind = String(gitString: git_object_type2string(git_object_type(owned.pointer)))
            throw GitError.notACommit(revision: revision, kind: kind)
        }
        let commit = GitHandle(peeled, free: git_object_free)
        return ObjectID(git_object_id(commit.pointer).pointee)
    }

    /// Turns a failed `git_revparse_single` into the most precise error.
    private func revisionFailure(_ revision: String, _ failure: GitError.Failure) -> GitError {
        if failure.code == GIT_EAMBIGUOUS.rawValue { return .ambiguousRevision(revision) }
        let shallow = isShallow
        // An object lookup failed while walking (`HEAD~5` past the boundary), or a full id that is not here.
        if failure.errorClass == GIT_ERROR_ODB.rawValue && failure.code == GIT_ENOTFOUND.rawValue
            && !Self.isAbbreviatedID(revision)
        {
            return .missingObject(revision: revision, isShallow: shallow)
        }
        if ObjectID(hex: revision) != nil { return .missingObject(revision: revision, isShallow: shallow) }
        if isHeadUnborn, Self.mentionsHead(revision) {
            return .unbornHead(branch: (try? currentBranch()) ?? nil)
        }
        if failure.code != GIT_ENOTFOUND.rawValue && failure.code != GIT_EINVALIDSPEC.rawValue
            && failure.code != GIT_EUNBORNBRANCH.rawValue
        {
            return .libgit2(failure)
        }
        let base = Self.baseName(of: revision)
        let candidates = (try? referenceNames(limit: 5_000).map(Self.shortName)) ?? []
        let suggestion = Suggestions.closest(to: base, in: candidates)
        return .unknownRevision(revision, suggestion: suggestion, isShallow: shallow)
    }

    /// Whether `revision` is written relative to `HEAD` (`HEAD`, `HEAD~2`, `@`, `@{-1}` excluded).
    private static func mentionsHead(_ revision: String) -> Bool {
        let base = baseName(of: revision)
        return base == "HEAD" || base == "@" || base.isEmpty
    }

    /// A short hex string that looks like an abbreviated id (4–39 hex digits): "not found" means unknown, not
    /// missing.
    private static func isAbbreviatedID(_ revision: String) -> Bool {
        (4..<40).contains(revision.utf8.count)
            && revision.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            }
    }

    /// The name part of a revision expression: `main~3` → `main`, `v1^{commit}` → `v1`, `@{u}` → `@`.
    private static func baseName(of revision: String) -> String {
        var end = revision.endIndex
        if let index = revision.firstIndex(where: { $0 == "~" || $0 == "^" || $0 == ":" }) { end = index }
        var index = revision.startIndex
        while index < end {
            let next = revision.index(after: index)
            if revision[index] == "@", next < revision.endIndex, revision[next] == "{" {
                if index == revision.startIndex { return "@" }
                end = index
                break
            }
            index = next
        }
        return String(revision[..<end])
    }

    /// `refs/heads/x` → `x`, `refs/remotes/origin/x` → `origin/x`, `refs/tags/v1` → `v1`.
    static func shortName(_ reference: String) -> String {
        for prefix in ["refs/heads/", "refs/remotes/", "refs/tags/", "refs/"] where reference.hasPrefix(prefix) {
            return String(reference.dropFirst(prefix.count))
        }
        return reference
    }

    /// The commit `HEAD` points to, or nil when the current branch is unborn.
    public func headCommit() throws(GitError) -> ObjectID? {
        if isHeadUnborn { return nil }
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, handle, "HEAD")
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue { return nil }
        try LibGit2.check(result, "git_reference_name_to_id")
        return ObjectID(oid)
    }

    /// The branch `HEAD` names (`main`, without `refs/heads/`), also when it is unborn; nil when `HEAD` is
    /// detached.
    public func currentBranch() throws(GitError) -> String? {
        let head = try LibGit2.make("git_reference_lookup", free: git_reference_free) {
            git_reference_lookup(&$0, handle, "HEAD")
        }
        guard git_reference_type(head.pointer) == GIT_REFERENCE_SYMBOLIC else { return nil }
        let target = String(gitString: git_reference_symbolic_target(head.pointer))
        guard target.hasPrefix("refs/heads/") else { return nil }
        return String(target.dropFirst("refs/heads/".count))
    }

    /// The best common ancestor of two commits (`git merge-base a b`), or nil when their histories are unrelated.
    /// - Throws: ``GitError/missingObject(revision:isShallow:)`` when the walk reaches a missing commit, as it does
    ///   beyond a shallow clone's boundary.
    public func mergeBase(_ first: ObjectID, _ second: ObjectID) throws(GitError) -> ObjectID? {
        var result = git_oid()
        var one = first.gitOID
        var two = second.gitOID
        let code = git_merge_base(&result, handle, &one, &two)
        if code >= 0 { return ObjectID(result) }
        let failure = LibGit2.lastFailure(code, "git_merge_base")
        if failure.code == GIT_ENOTFOUND.rawValue {
            if failure.errorClass == GIT_ERROR_MERGE.rawValue { return nil }
            throw GitError.missingObject(revision: "merge-base \(first) \(second)", isShallow: isShallow)
        }
        throw GitError.libgit2(failure)
    }

    /// Whether `ancestor` is reachable from `descendant` by following parents (a commit is its own ancestor).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(GitError) -> Bool {
        if ancestor == descendant { return true }
        var a = ancestor.gitOID
        var d = descendant.gitOID
        let result = git_graph_descendant_of(handle, &d, &a)
        if result == GIT_ENOTFOUND.rawValue {
            throw GitError.missingObject(revision: "\(ancestor)..\(descendant)", isShallow: isShallow)
        }
        try LibGit2.check(result, "git_graph_descendant_of")
        return result == 1
    }

    /// The parents of a commit, first parent first (see ``CommitInfo/parents``).
    public func parents(of commit: ObjectID) throws(GitError) -> [ObjectID] {
        try commitInfo(commit).parents
    }

    /// Looks up a commit object, mapping "not found" to ``GitError/missingObject(revision:isShallow:)``.
    func lookupCommit(_ id: ObjectID) throws(GitError) -> GitHandle {
        var oid = id.gitOID
        var pointer: OpaquePointer?
        let result = git_commit_lookup(&pointer, handle, &oid)
        guard result >= 0, let pointer else {
            let failure = LibGit2.lastFailure(result, "git_commit_lookup")
            if failure.code == GIT_ENOTFOUND.rawValue {
                throw GitError.missingObject(revision: id.description, isShallow: isShallow)
            }
            throw GitError.libgit2(failure)
        }
        return GitHandle(pointer, free: git_commit_free)
    }
}

// MARK: - References and branches

extension GitRepository {
    /// Full names of references (`refs/heads/main`, `refs/remotes/origin/main`, `refs/tags/v1`), sorted,
    /// at most `limit` of them.
    public func referenceNames(limit: Int = .max) throws(GitError) -> [String] {
        let iterator = try LibGit2.make("git_reference_iterator_new", free: git_reference_iterator_free) {
            git_reference_iterator_new(&$0, handle)
        }
        var names: [String] = []
        while names.count < limit {
            var name: UnsafePointer<CChar>?
            let result = git_reference_next_name(&name, iterator.pointer)
            if result == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(result, "git_reference_next_name")
            names.append(String(gitString: name))
        }
        return names.sorted()
    }

    /// The local branch names (`main`, `feature/x`), sorted.
    public func branchNames() throws(GitError) -> [String] {
        try referenceNames().filter { $0.hasPrefix("refs/heads/") }.map { String($0.dropFirst("refs/heads/".count)) }
    }

    /// Whether the local branch `name` exists.
    public func branchExists(_ name: String) throws(GitError) -> Bool {
        try referenceTarget(Self.branchReference(name)) != nil
    }

    /// The commit or object a reference points to, following symbolic references; `name` may be a full name
    /// (`refs/heads/main`) or anything git would expand (`main`, `origin/main`, `v1`). Nil when it does not exist
    /// or is unborn. Annotated tags are not peeled (use ``resolveCommit(_:)`` for that).
    public func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        var reference: OpaquePointer?
        var result = git_reference_lookup(&reference, handle, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue {
            result = git_reference_dwim(&reference, handle, name)
        }
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue { return nil }
        try LibGit2.check(result, "git_reference_lookup")
        guard let reference else { return nil }
        let owned = GitHandle(reference, free: git_reference_free)
        var resolved: OpaquePointer?
        let resolveResult = git_reference_resolve(&resolved, owned.pointer)
        if resolveResult == GIT_ENOTFOUND.rawValue { return nil }  // a symbolic ref to an unborn branch
        try LibGit2.check(resolveResult, "git_reference_resolve")
        guard let resolved else { return nil }
        let direct = GitHandle(resolved, free: git_reference_free)
        return ObjectID(git_reference_target(direct.pointer))
    }

    /// Creates the local branch `name` at `commit`.
    /// - Parameter force: move the branch if it exists (still refused for a checked-out branch).
    /// - Throws: ``GitError/branchExists(_:)``, ``GitError/invalidBranchName(_:)``,
    ///   ``GitError/branchCheckedOut(_:)``, ``GitError/missingObject(revision:isShallow:)``.
    public func createBranch(_ name: String, at commit: ObjectID, force: Bool = false) throws(GitError) {
        let reference = try Self.branchReference(name)
        let current = try referenceTarget(reference)
        if current != nil {
            guard force else { throw GitError.branchExists(name) }
            if try isCheckedOut(reference) { throw GitError.branchCheckedOut(name) }
        }
        _ = try lookupCommit(commit)
        try updateReference(reference, to: commit, expecting: current, message: "branch: Created from \(commit)")
    }

    /// `refs/heads/<name>` after validating `name` (a full `refs/heads/…` name is accepted as is).
    static func branchReference(_ name: String) throws(GitError) -> String {
        let full = name.hasPrefix("refs/heads/") ? name : "refs/heads/" + name
        var valid: Int32 = 0
        let result = git_reference_name_is_valid(&valid, full)
        guard result >= 0, valid == 1, full != "refs/heads/HEAD", !name.hasPrefix("-") else {
            throw GitError.invalidBranchName(name)
        }
        return full
    }

    /// Whether any working tree of this repository has `reference` checked out.
    func isCheckedOut(_ reference: String) throws(GitError) -> Bool {
        if !isBare, try currentBranch().map({ "refs/heads/" + $0 }) == reference { return true }
        var pointer: OpaquePointer?
        let lookup = git_reference_lookup(&pointer, handle, reference)
        if lookup == GIT_ENOTFOUND.rawValue { return false }
        try LibGit2.check(lookup, "git_reference_lookup")
        guard let pointer else { return false }
        let owned = GitHandle(pointer, free: git_reference_free)
        let result = git_branch_is_checked_out(owned.pointer)
        try LibGit2.check(result, "git_branch_is_checked_out")
        return result == 1
    }

    /// Points `reference` at `target` atomically, only if it currently points at `expected` (nil: must not exist).
    func updateReference(
        _ reference: String, to target: ObjectID, expecting expected: ObjectID?, message: String
    ) throws(GitError) {
        var oid = target.gitOID
        var pointer: OpaquePointer?
        let result: Int32
        if var old = expected?.gitOID {
            result = git_reference_create_matching(&pointer, handle, reference, &oid, 1, &old, message)
        } else {
            result = git_reference_create(&pointer, handle, reference, &oid, 0, message)
        }
        if let pointer { git_reference_free(pointer) }
        if result == GIT_EMODIFIED.rawValue || result == GIT_EEXISTS.rawValue {
            let actual = try? referenceTarget(reference)
            throw GitError.branchMoved(
                branch: Self.shortName(reference), expected: expected, actual: actual ?? nil,
                reason: "it was changed by someone else while fleet was committing")
        }
        try LibGit2.check(result, "git_reference_create")
    }
}
