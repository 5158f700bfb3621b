public import FleetBasics
public import FleetGraph
import FleetGit
public import FleetHashing
import FleetManifest

/// Computes the keys of the working tree as it is now: the entry point `fleet hash`, `fleet run` and
/// `fleet explain` use.
public enum WorkspaceKeys {
    public struct Result: Sendable {
        public var keys: KeySet
        public var warnings: [Diagnostic]
        public var hashing: WorkspaceHasher.Statistics
        /// How the file list was made: `git` (tracked + untracked, not ignored) or `walk` (no repository).
        public var inventorySource: String
    }

    /// Lists the working tree (through git when the root is inside a repository, else by walking the root, skipping
    /// `.git` and the cache directory), hashes the files the selected targets need through the stat memo in
    /// `cacheDirectory`, and computes the keys of `targets` (nil: all) and of everything they depend on.
    ///
    /// - Parameter environment: the values of declared env vars come from here.
    public static func compute(
        fleet: LoadedFleet, targets: [String]? = nil, cacheDirectory: String?, environment: [String: String]
    ) async throws -> Result {
        let workspace = fleet.manifest.workspace
        let inventory: FileInventory
        let source: String
        if let repository = try? GitRepository.discover(startingAt: workspace.rootDirectory) {
            let layout = try RepositoryLayout(workspace: workspace, repository: repository)
            var listed = try FileInventory.workingTree(repository: repository, layout: layout)
            // A cache directory inside the root that git does not ignore would otherwise be listed, and its files
            // (which change with every run) would be inputs of any target whose patterns reach them.
            if let cacheDirectory, let prefix = rootRelativePrefix(of: cacheDirectory, root: workspace.rootDirectory) {
                listed = FileInventory(entries: listed.entries.filter { !$0.path.hasPrefix(prefix) })
            }
            inventory = listed
            source = "git"
        } else {
            var skipping = Set<String>()
            if let cacheDirectory { skipping.insert(FileSystem.absolute(cacheDirectory)) }
            inventory = try FileInventory.walking(root: workspace.rootDirectory, skipping: skipping)
            source = "walk"
        }
        let hasher = WorkspaceHasher(
            root: workspace.rootDirectory,
            memoPath: cacheDirectory.map { StatMemo.path(inCacheDirectory: $0, forRoot: workspace.rootDirectory) })
        let computer = KeyComputer(manifest: fleet.manifest, graph: fleet.graph, environment: environment)
        let computation = await computer.computeKeys(
            for: targets, inventory: inventory, digests: WorkingTreeDigests(hasher: hasher))
        var warnings = computation.warnings
        do {
            try hasher.saveMemo()
        } catch {
            warnings.append(Diagnostic(.warning, "could not save the file-hash memo: \(error)"))
        }
        return Result(keys: computation.keys, warnings: warnings, hashing: hasher.statistics, inventorySource: source)
    }

    /// `cache/` when `directory` is strictly inside `root` (comparing real paths), else nil.
    static func rootRelativePrefix(of directory: String, root: String) -> String? {
        let realDirectory = FileSystem.realPath(directory) ?? FileSystem.absolute(directory)
        let realRoot = FileSystem.realPath(root) ?? FileSystem.absolute(root)
        guard let relative = RelativePath.relative(realDirectory, to: realRoot), !relative.isEmpty,
            realRoot.hasPrefix("/")
        else { return nil }
        return (relative.hasPrefix("/") ? String(relative.dropFirst()) : relative) + "/"
    }
}
