public import FleetBasics

/// Everything that can go wrong in FleetGit. Cases caused by the user's repository or input carry what is needed
/// for a precise message; ``libgit2(_:)`` wraps any other libgit2 failure with its operation and text.
public enum GitError: Error, Sendable, Equatable {
    /// A libgit2 call that failed, with libgit2's own code, error class and message.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        /// The libgit2 function that failed, e.g. `git_revparse_single`.
        public var operation: String
        /// The negative `git_error_code`.
        public var code: Int32
        /// The `git_error_t` class (`GIT_ERROR_ODB`, `GIT_ERROR_MERGE`, …).
        public var errorClass: Int32
        public var message: String

        public init(operation: String, code: Int32, errorClass: Int32, message: String) {
            self.operation = operation
            self.code = code
            self.errorClass = errorClass
            self.message = message
        }

        public var description: String { "\(operation) failed (\(code)): \(message)" }
    }

    /// Neither `path` nor any of its parents is a git repository (or `open(at:)` was given a non-repository).
    case notARepository(path: String)
    /// git's `safe.directory` check refused a repository owned by another user.
    case unsafeRepository(path: String)
    /// An operation that needs a working tree was asked of a bare repository.
    case bareRepository(path: String, operation: String)
    /// No branch, tag, remote-tracking branch or object matches the revision.
    case unknownRevision(String, suggestion: String?, isShallow: Bool)
    /// A short object id that matches several objects.
    case ambiguousRevision(String)
    /// The revision names an object that is not in the object database, typically a parent beyond the boundary
    /// of a shallow clone.
    case missingObject(revision: String, isShallow: Bool)
    /// The revision needs `HEAD`, but the current branch has no commits yet.
    case unbornHead(branch: String?)
    /// The revision resolves to an object that cannot be peeled to a commit (a tree or a blob).
    case notACommit(revision: String, kind: String)
    /// A repository path that is absolute, climbs out with `..`, is empty or names `.git`.
    case invalidPath(String, reason: String)
    /// A commit's file updates that cannot be applied to the parent tree (a file where a directory is, …).
    case pathConflict(String, reason: String)
    case invalidBranchName(String)
    /// The branch exists and the caller asked to create it.
    case branchExists(String)
    /// Moving this branch would leave a checkout's index and files behind its new tip.
    case branchCheckedOut(String)
    /// The branch does not point where the update expected (moved concurrently, or not a fast-forward).
    case branchMoved(branch: String, expected: ObjectID?, actual: ObjectID?, reason: String)
    /// The commit would not change the parent's tree.
    case nothingToCommit(branch: String?)
    case emptyCommitMessage
    /// A `GIT_AUTHOR_*`/`GIT_COMMITTER_*` variable (or a signature given in code) that git would reject.
    case invalidSignature(source: String, value: String, reason: String)
    /// Reading the working tree failed.
    case fileSystem(FileSystemError)
    /// Any other libgit2 failure.
    case libgit2(Failure)
}

extension GitError: DiagnosticConvertible, CustomStringConvertible {
    static let shallowHint =
        "this is a shallow clone: fetch full history (actions/checkout: fetch-depth: 0) or "
        + "git fetch --unshallow"

    public var diagnostics: [Diagnostic] {
        switch self {
        case .fileSystem(let error):
            return error.diagnostics
        default:
            var diagnostic = Diagnostic(.error, message)
            diagnostic.hints = hints
            return [diagnostic]
        }
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// The one-line message, without hints.
    public var message: String {
        switch self {
        case .notARepository(let path):
            return "not a git repository (or any of the parent directories): \(path)"
        case .unsafeRepository(let path):
            return "git refuses to open '\(path)': the repository is owned by another user"
        case .bareRepository(let path, let operation):
            return "cannot \(operation) in '\(path)': it is a bare repository without a working tree"
        case .unknownRevision(let revision, _, _):
            return "unknown revision '\(revision)'"
        case .ambiguousRevision(let revision):
            return "revision '\(revision)' is ambiguous: several objects start with it"
        case .missingObject(let revision, _):
            return "revision '\(revision)' needs an object that is not in the repository"
        case .unbornHead(let branch):
            let name = branch.map { " (branch '\($0)')" } ?? ""
            return "HEAD has no commits yet\(name)"
        case .notACommit(let revision, let kind):
            return "revision '\(revision)' is a \(kind), not a commit"
        case .invalidPath(let path, let reason):
            return "invalid repository path '\(path)': \(reason)"
        case .pathConflict(let path, let reason):
            return "cannot update '\(path)': \(reason)"
        case .invalidBranchName(let name):
            return "'\(name)' is not a valid branch name"
        case .branchExists(let name):
            return "branch '\(name)' already exists"
        case .branchCheckedOut(let name):
            return "branch '\(name)' is checked out; refusing to move it behind the working tree's back"
        case .branchMoved(let branch, _, _, let reason):
            return "cannot update branch '\(branch)': \(reason)"
        case .nothingToCommit(let branch):
            let target = branch.map { " for branch '\($0)'" } ?? ""
            return "nothing to commit\(target): the files already have this content"
        case .emptyCommitMessage:
            return "the commit message is empty"
        case .invalidSignature(let source, let value, let reason):
            return "invalid \(source) '\(value)': \(reason)"
        case .fileSystem(let error):
            return error.description
        case .libgit2(let failure):
            return "git: \(failure.message) (\(failure.operation))"
        }
    }

    /// What the user can do about it.
    public var hints: [String] {
        switch self {
        case .notARepository:
            return ["run fleet inside a git checkout, or create one with 'git init'"]
        case .unsafeRepository(let path):
            return ["if you trust this repository: git config --global --add safe.directory '\(path)'"]
        case .unknownRevision(let revision, let suggestion, let isShallow):
            var hints: [String] = []
            if let suggestion { hints.append("did you mean '\(suggestion)'?") }
            if isShallow {
                hints.append(Self.shallowHint)
            } else if !revision.isEmpty, !revision.contains(where: { "~^:@{}".contains($0) }) {
                hints.append("if it exists on a remote, fetch it first: git fetch origin '\(revision)'")
            }
            return hints
        case .ambiguousRevision:
            return ["give more hex digits or the full commit id"]
        case .missingObject(_, let isShallow):
            return [isShallow ? Self.shallowHint : "the clone may be partial or damaged: try 'git fetch' or 'git fsck'"]
        case .unbornHead:
            return ["make a first commit, or pass an explicit base revision"]
        case .branchExists:
            return ["choose another branch name, or allow updating an existing branch"]
        case .branchCheckedOut(let name):
            return ["switch the checkout to another branch first, or commit to a branch other than '\(name)'"]
        case .branchMoved(_, let expected, let actual, _):
            let from = expected.map { $0.shortDescription } ?? "nothing"
            let to = actual.map { $0.shortDescription } ?? "nothing"
            return ["expected it at \(from), found \(to); fetch and retry"]
        case .invalidBranchName:
            return ["branch names follow 'git check-ref-format --branch'"]
        case .emptyCommitMessage:
            return ["give a commit message"]
        default:
            return []
        }
    }
}
