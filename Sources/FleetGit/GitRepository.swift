internal import CGit2
import FleetBasics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open git repository: the only owner of one `git_repository*`, freed in `deinit`.
///
/// Not `Sendable` and not thread-safe (libgit2 repositories must not be used from two threads at once). Use one
/// instance per task, or share one through ``GitService``. Every method throws ``GitError``.
///
/// Reading methods never touch the working tree or the index on disk unless their name says so
/// (``workingTreeChanges(from:detectRenames:)``, ``workingTreeFiles()``, ``status(ofPath:)``,
/// ``isIgnored(_:)``); ``commit(files:onto:message:author:committer:branch:update:allowCheckedOutBranch:allowEmpty:)``
/// writes objects and a ref only.
///
/// Paths are repository-relative, `/`-separated `String`s. git stores names as bytes: a name that is not valid
/// UTF-8 is reported with U+FFFD in place of the bad bytes, so it is listed but cannot be found again by that path.
public final class GitRepository {
    let handle: OpaquePointer

    /// The environment that decides signatures (`GIT_AUTHOR_*`, `GIT_COMMITTER_*`) and config isolation
    /// (`GIT_CONFIG_GLOBAL`, `GIT_CONFIG_NOSYSTEM`), captured when the repository was opened.
    public let environment: [String: String]

    /// The absolute path of the working tree, without a trailing slash; nil for a bare repository.
    public let workingDirectory: String?

    /// The absolute path of the git directory (`…/.git`), without a trailing slash.
    public let gitDirectory: String

    private init(handle: OpaquePointer, environment: [String: String]) {
        self.handle = handle
        self.environment = environment
        workingDirectory = git_repository_workdir(handle).map { Self.trimmingSlash(String(cString: $0)) }
        gitDirectory = Self.trimmingSlash(String(gitString: git_repository_path(handle)))
    }

    deinit { git_repository_free(handle) }

    // MARK: - Opening

    /// Finds the repository containing `path` by walking up the directory tree, as git does (stopping at
    /// `GIT_CEILING_DIRECTORIES` and at file-system boundaries).
    /// - Parameter environment: nil for the process environment.
    /// - Throws: ``GitError/notARepository(path:)`` when no parent is a repository,
    ///   ``GitError/unsafeRepository(path:)`` when git's ownership check refuses it.
    public static func discover(
        startingAt path: String, environment: [String: String]? = nil
    ) throws(GitError) -> GitRepository {
        try open(path, search: true, environment: environment ?? LibGit2.processEnvironment())
    }

    /// Opens the repository whose working tree or git directory is exactly `path`.
    public static func open(at path: String, environment: [String: String]? = nil) throws(GitError) -> GitRepository {
        try open(path, search: false, environment: environment ?? LibGit2.processEnvironment())
    }

    private static func open(
        _ path: String, search: Bool, environment: [String: String]
    ) throws(GitError) -> GitRepository {
        let absolutePath = FileSystem.absolute(path)
        guard FileSystem.exists(absolutePath) else {
            throw GitError.fileSystem(FileSystemError(path: path, operation: "open repository", errno: ENOENT))
        }
        LibGit2.ensureInitialized(environment: environment)
        var pointer: OpaquePointer?
        let flags: UInt32 = search ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        let ceilings = environment["GIT_CEILING_DIRECTORIES"].flatMap { $0.isEmpty ? nil : $0 }
        let result = git_repository_open_ext(&pointer, absolutePath, flags, ceilings)
        if result < 0 {
            let failure = LibGit2.lastFailure(result, "git_repository_open_ext")
            // libgit2 1.5.1 (Debian 12) reports the ownership check as "config value 'safe.directory' was not
            // found" (GIT_ENOTFOUND) instead of GIT_EOWNER.
            if result == GIT_EOWNER.rawValue
                || (failure.errorClass == GIT_ERROR_CONFIG.rawValue && failure.message.contains("safe.directory"))
            {
                throw GitError.unsafeRepository(path: absolutePath)
            }
            if result == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: absolutePath) }
            throw GitError.libgit2(failure)
        }
        guard let pointer else { throw GitError.notARepository(path: absolutePath) }
        let repository = GitRepository(handle: pointer, environment: environment)
        try repository.addGlobalConfigFromEnvironment()
        return repository
    }

    /// `GIT_CONFIG_GLOBAL=<file>` replaces `~/.gitconfig`; libgit2 only knows search directories, so the file is
    /// put into this repository's config at the global level, replacing whatever libgit2 loaded there.
    private func addGlobalConfigFromEnvironment() throws(GitError) {
        guard let file = environment["GIT_CONFIG_GLOBAL"], !file.isEmpty, file != "/dev/null" else { return }
        let config = try LibGit2.make("git_repository_config", free: git_config_free) {
            git_repository_config(&$0, handle)
        }
        try LibGit2.check(
            git_config_add_file_ondisk(config.pointer, file, GIT_CONFIG_LEVEL_GLOBAL, handle, 1),
            "git_config_add_file_ondisk")
    }

    // MARK: - Properties

    /// Whether the repository has no working tree.
    public var isBare: Bool { git_repository_is_bare(handle) == 1 }

    /// Whether the repository is a shallow clone (`.git/shallow` exists): the parents of its boundary commits are
    /// missing, so history-walking operations may fail with ``GitError/missingObject(revision:isShallow:)``.
    public var isShallow: Bool { git_repository_is_shallow(handle) == 1 }

    /// Whether `HEAD` points to a branch that has no commits yet.
    public var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }

    /// Whether the repository has no commits at all: `HEAD` is unborn and there are no references.
    ///
    /// (libgit2's own `git_repository_is_empty` also requires `HEAD` to name `init.defaultBranch`.)
    public var isEmpty: Bool {
        get throws(GitError) {
            guard isHeadUnborn else { return false }
            return try referenceNames(limit: 1).isEmpty
        }
    }

    /// The working tree, or ``GitError/bareRepository(path:operation:)``.
    func requireWorkingDirectory(for operation: String) throws(GitError) -> String {
        guard let workingDirectory else { throw GitError.bareRepository(path: gitDirectory, operation: operation) }
        return workingDirectory
    }

    static func trimmingSlash(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
