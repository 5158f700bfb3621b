internal import CGit2

/// What a commit records: its tree, parents, author, committer and message.
public struct CommitInfo: Hashable, Sendable {
    public var id: ObjectID
    public var tree: ObjectID
    /// First parent first; empty for a root commit. In a shallow clone the parents of boundary commits are
    /// listed although their objects are absent.
    public var parents: [ObjectID]
    public var author: Signature
    public var committer: Signature
    /// The full message as stored (git's clean-up already applied by whoever committed).
    public var message: String

    public init(
        id: ObjectID, tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String
    ) {
        self.id = id
        self.tree = tree
        self.parents = parents
        self.author = author
        self.committer = committer
        self.message = message
    }

    /// The first line of the message (`git log --format=%s` joins a multi-line first paragraph; this does not).
    public var summary: String {
        String(message.drop(while: { $0 == "\n" }).prefix { $0 != "\n" })
    }
}

extension GitRepository {
    /// Reads a commit object.
    /// - Throws: ``GitError/missingObject(revision:isShallow:)`` when it is not in the repository.
    public func commitInfo(_ id: ObjectID) throws(GitError) -> CommitInfo {
        let commit = try lookupCommit(id)
        let count = git_commit_parentcount(commit.pointer)
        return CommitInfo(
            id: id,
            tree: ObjectID(git_commit_tree_id(commit.pointer).pointee),
            parents: (0..<count).compactMap { ObjectID(git_commit_parent_id(commit.pointer, $0)) },
            author: Signature(git_commit_author(commit.pointer)),
            committer: Signature(git_commit_committer(commit.pointer)),
            message: String(gitString: git_commit_message(commit.pointer)))
    }
}

extension Signature {
    /// Copies a libgit2 signature (owned by its commit).
    fileprivate init(_ signature: UnsafePointer<git_signature>?) {
        guard let signature = signature?.pointee else {
            self.init(name: "", email: "", time: 0)
            return
        }
        self.init(
            name: String(gitString: signature.name), email: String(gitString: signature.email),
            time: Int64(signature.when.time), offsetMinutes: Int(signature.when.offset))
    }
}
