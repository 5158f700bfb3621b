import FleetBasics
public import FleetGit

/// The GitOps repository seen through libgit2: which files have uncommitted changes, what `HEAD` holds, and the
/// one commit a bump or a promotion makes (on a branch, without touching the working tree or the checked-out
/// branch). fleet never pushes.
public final class GitOpsRepository {
    public let repository: GitRepository
    public let directory: GitOpsDirectory
    /// The GitOps directory relative to the repository's working tree (`""` when it is the root).
    public let prefix: String

    /// Opens the repository that contains the GitOps directory; nil when there is none.
    public init?(directory: GitOpsDirectory, environment: [String: String]? = nil) {
        guard let repository = try? GitRepository.discover(startingAt: directory.realPath, environment: environment),
              let root = repository.workingDirectory,
              let realRoot = FileSystem.realPath(root)
        else { return nil }
        self.repository = repository
        self.directory = directory
        if directory.realPath == realRoot {
            prefix = ""
        } else if directory.realPath.hasPrefix(realRoot + "/") {
            prefix = String(directory.realPath.dropFirst(realRoot.count + 1))
        } else {
            return nil
        }
    }

    /// A path relative to the GitOps directory, relative to the repository's root.
    public func repositoryPath(_ relative: String) -> String { RelativePath.join(prefix, relative) }

    /// The files of `files` (GitOps-directory-relative) with uncommitted changes (modified, staged or untracked).
    public func dirtyFiles(_ files: [String]) throws(GitError) -> [String] {
        var dirty: [String] = []
        for file in files where try repository.status(ofPath: repositoryPath(file)).isDirty {
            dirty.append(repositoryPath(file))
        }
        return dirty
    }

    /// The full id of `HEAD`, nil when the branch has no commit yet.
    public func head() throws(GitError) -> ObjectID? { try repository.headCommit() }

    /// The identity commits and the versions registry record: `Name <email>`.
    public func identity() -> String? {
        guard let signature = try? repository.defaultSignature(committer: true) else { return nil }
        return "\(signature.name) <\(signature.email)>"
    }

    /// Commits the plan's files onto `HEAD` on a new branch; the working tree, the index and `HEAD` stay as they
    /// are. Returns the new commit.
    /// - Throws: ``GitError/branchExists(_:)`` when the branch exists, ``GitError/branchCheckedOut(_:)`` when it is
    ///   the checked-out branch.
    public func commit(_ files: [PlannedFile], onto parent: ObjectID?, branch: String, message: String)
        throws(GitError) -> ObjectID
    {
        var updates: [String: FileUpdate] = [:]
        for file in files {
            let path = repositoryPath(file.path)
            let mode = parent.flatMap { try? repository.entry(at: path, in: $0)?.mode } ?? .regular
            updates[path] = .write(file.new, mode: mode.isRegularFile ? mode : .regular)
        }
        return try repository.commit(files: updates, onto: parent, message: message, branch: branch,
                                     update: .createOnly)
    }
}

/// Reads the GitOps files as they are in a commit (for `--commit`, which builds on `HEAD`, not on the working
/// tree).
public struct CommitFileSource: GitOpsFileSource {
    let repository: GitOpsRepository
    let commit: ObjectID?

    public init(repository: GitOpsRepository, commit: ObjectID?) {
        self.repository = repository
        self.commit = commit
    }

    public func read(_ relative: String) throws(GitOpsError) -> [UInt8]? {
        guard let normalized = RelativePath.normalize(relative), !normalized.isEmpty, !relative.hasPrefix("/") else {
            throw .pathEscapes(relative, directory: repository.directory.path)
        }
        guard let commit else { return nil }
        do {
            return try repository.repository.blob(at: repository.repositoryPath(normalized), in: commit)
        } catch {
            throw .unreadable(path: repository.repositoryPath(normalized), reason: "\(error)")
        }
    }

    public func repositoryPath(_ relative: String) -> String { repository.repositoryPath(relative) }
}

/// The commit message of a bump or a promotion: `chore(gitops): bump a, b in dev to sha-abc1234`, a body listing
/// each image, and a `Source-Commit:` trailer.
public enum GitOpsCommitMessage {
    public static func bump(_ plan: GitOpsPlan, environment: String, sourceCommit: String?) -> String {
        subject(plan, verb: "bump", place: "in \(environment)") + body(plan, sourceCommit: sourceCommit)
    }

    public static func promote(_ plan: GitOpsPlan, from: String, to: String, sourceCommit: String?) -> String {
        subject(plan, verb: "promote", place: "from \(from) to \(to)") + body(plan, sourceCommit: sourceCommit)
    }

    static func subject(_ plan: GitOpsPlan, verb: String, place: String) -> String {
        let services = plan.changedServices
        let targets = plan.targets.filter { services.contains($0.service) }
        let tags = Set(targets.map(\.reference.tag))
        if tags.count == 1, let tag = tags.first {
            return "chore(gitops): \(verb) \(services.joined(separator: ", ")) \(place) to \(tag)"
        }
        let each = targets.map { "\($0.service) to \($0.reference.tag)" }.joined(separator: ", ")
        return "chore(gitops): \(verb) \(each) \(place)"
    }

    static func body(_ plan: GitOpsPlan, sourceCommit: String?) -> String {
        let services = plan.changedServices
        var lines = plan.targets.filter { services.contains($0.service) }.map { "- \($0.service): \($0.reference)" }
        lines = ["", ""] + lines
        if let sourceCommit { lines += ["", "Source-Commit: \(sourceCommit)"] }
        return lines.joined(separator: "\n") + "\n"
    }
}
