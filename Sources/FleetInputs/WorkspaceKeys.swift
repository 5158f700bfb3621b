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
            inventory = try FileInventory.workingTree(repository: repository, layout: layout)
                .excluding(cacheDirectory: cacheDirectory, root: workspace.rootDirectory)
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
        if let cacheDirectory { ignoreInGit(cacheDirectory: cacheDirectory) }
        return Result(keys: computation.keys, warnings: warnings, hashing: hasher.statistics, inventorySource: source)
    }

    /// Makes git ignore the cache directory (a `.gitignore` of `*` inside it, as pytest and ruff do), so that the
    /// memo and cached outputs never show up as untracked files: not in `git status`, not as changes in
    /// `fleet affected`, and never as inputs of a target whose patterns cover the cache directory.
    static func ignoreInGit(cacheDirectory: String) {
        let path = FileSystem.join(cacheDirectory, ".gitignore")
        guard FileSystem.isDirectory(cacheDirectory), !FileSystem.exists(path) else { return }
        try? FileSystem.writeAtomically(
            text: "# Created by fleet: the cache directory is never part of the repository.\n*\n", to: path)
    }
}

extension WorkspaceKeys {
    /// `cacheDirectory` relative to `root` when it lies strictly inside it (comparing real paths, so a symlinked
    /// spelling of either still matches), else nil.
    public static func cacheDirectory(_ cacheDirectory: String, relativeTo root: String) -> String? {
        let realCache = FileSystem.realPath(FileSystem.absolute(cacheDirectory)) ?? FileSystem.absolute(cacheDirectory)
        guard let relative = RepositoryLayout.relative(realCache, to: FileSystem.realPath(root) ?? root),
            !relative.isEmpty
        else { return nil }
        return relative
    }
}

extension FileInventory {
    /// The inventory without the files under `cacheDirectory` when it lies inside `root`: fleet's own memo and
    /// cache are never inputs, even where git does not ignore them.
    func excluding(cacheDirectory: String?, root: String) -> FileInventory {
        guard let cacheDirectory, let relative = WorkspaceKeys.cacheDirectory(cacheDirectory, relativeTo: root)
        else { return self }
        let range = self.range(withPrefix: relative + "/")
        if range.isEmpty { return self }
        return FileInventory(entries: Array(entries[..<range.lowerBound]) + Array(entries[range.upperBound...]))
    }
}
