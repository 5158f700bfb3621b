/// Shares one ``GitRepository`` between tasks: the repository lives inside the actor and is only ever used by
/// one task at a time, which is what libgit2 requires.
///
/// ```swift
/// let git = try GitService(discoveringFrom: root)
/// let head = try await git.withRepository { try $0.resolveCommit("HEAD") }
/// ```
/// For a short, single-task job, opening a ``GitRepository`` directly is simpler and just as safe.
public actor GitService {
    private let repository: GitRepository

    /// Discovers the repository containing `path` (see ``GitRepository/discover(startingAt:environment:)``).
    public init(discoveringFrom path: String, environment: [String: String]? = nil) throws(GitError) {
        repository = try GitRepository.discover(startingAt: path, environment: environment)
    }

    /// Opens the repository at exactly `path` (see ``GitRepository/open(at:environment:)``).
    public init(openingAt path: String, environment: [String: String]? = nil) throws(GitError) {
        repository = try GitRepository.open(at: path, environment: environment)
    }

    /// The working tree's absolute path, or nil for a bare repository.
    public var workingDirectory: String? { repository.workingDirectory }

    /// Runs `body` with exclusive use of the repository. `body` must not let the repository escape.
    public func withRepository<T: Sendable, E: Error>(
        _ body: (GitRepository) throws(E) -> T
    ) throws(E) -> T {
        try body(repository)
    }
}
