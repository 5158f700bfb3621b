public import FleetManifest
import FleetGit

/// The commit a run is made from, for the run record: HEAD of the repository holding the root, and whether
/// anything under the root differs from it (staged, unstaged or untracked and not ignored). The cache directory
/// does not count: fleet writes it during every run.
public struct RepositoryState: Hashable, Sendable {
    public var commit: String?
    public var dirty: Bool
    /// The cache directory is inside the root and git does not ignore it.
    public var cacheNotIgnored: Bool

    public init(commit: String?, dirty: Bool, cacheNotIgnored: Bool) {
        self.commit = commit
        self.dirty = dirty
        self.cacheNotIgnored = cacheNotIgnored
    }

    /// Outside a repository: no commit, nothing to call dirty.
    public static let none = RepositoryState(commit: nil, dirty: false, cacheNotIgnored: false)

    /// Reads HEAD and compares the working tree with it. Never fails: a repository that cannot be read counts as
    /// dirty (the record must not claim a clean commit it could not check).
    public static func of(workspace: Workspace, cacheDirectory: String?) -> RepositoryState {
        guard let repository = try? GitRepository.discover(startingAt: workspace.rootDirectory),
            let layout = try? RepositoryLayout(workspace: workspace, repository: repository)
        else { return .none }
        let head: ObjectID?
        do {
            head = try repository.headCommit()
        } catch {
            return RepositoryState(commit: nil, dirty: true, cacheNotIgnored: false)
        }
        // The git-status-like comparison (libgit2's diff where it does not apply): the same paths, a fraction of
        // the work on a large tree, and this runs alongside the key computation's own walk.
        guard let paths = try? repository.workingTreeChangedPaths(from: head) else {
            return RepositoryState(commit: head?.description, dirty: true, cacheNotIgnored: false)
        }
        let cachePrefix = cacheDirectory.flatMap { WorkspaceKeys.cacheDirectory($0, relativeTo: workspace.rootDirectory) }
            .map { layout.repositoryPath($0) + "/" }
        var dirty = false
        var cacheNotIgnored = false
        for path in paths where layout.rootRelative(path) != nil {
            if let cachePrefix, path.hasPrefix(cachePrefix) {
                cacheNotIgnored = true
            } else {
                dirty = true
            }
        }
        return RepositoryState(commit: head?.description, dirty: dirty, cacheNotIgnored: cacheNotIgnored)
    }
}
