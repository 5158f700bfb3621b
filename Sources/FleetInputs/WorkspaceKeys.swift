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
        /// How the file list was made: `git` (tracked + untracked, not ignored), `walk` (no repository), or
        /// `snapshot` (the last computation's, every file and directory unchanged: see ``reused``).
        public var inventorySource: String
        /// The keys are the last computation's, read from its snapshot after checking that nothing they were
        /// computed from changed (``KeySnapshot``).
        public var reused: Bool
        /// HEAD and whether the working tree differs from it, when asked for.
        public var repositoryState: RepositoryState?
    }

    /// Lists the working tree (through git when the root is inside a repository, else by walking the root, skipping
    /// `.git` and the cache directory), hashes the files the selected targets need through the stat memo in
    /// `cacheDirectory`, and computes the keys of `targets` (nil: all) and of everything they depend on.
    ///
    /// In a repository, with a cache directory, the keys are saved with what they were computed from, and the next
    /// computation over an unchanged working tree reads them back after one `stat` per file and directory
    /// (``KeySnapshot``).
    ///
    /// - Parameters:
    ///   - environment: the values of declared env vars come from here.
    ///   - repositoryState: also read HEAD and compare the working tree with it (alongside the key computation,
    ///     or from the snapshot when it is current and HEAD is the same).
    public static func compute(
        fleet: LoadedFleet, targets: [String]? = nil, cacheDirectory: String?, environment: [String: String],
        repositoryState: Bool = false
    ) async throws -> Result {
        let workspace = fleet.manifest.workspace
        let root = workspace.rootDirectory
        let startedAt = FileStat.fileClockNow()
        if let cacheDirectory {
            // Made, with its `.gitignore`, before anything lists the tree or asks git for a status (the dirty check
            // runs alongside the keys): what fleet writes there is never an untracked file, whichever finishes first.
            try? FileSystem.createDirectory(cacheDirectory)
            ignoreInGit(cacheDirectory: cacheDirectory)
        }
        guard let repository = try? GitRepository.discover(startingAt: root) else {
            var skipping = Set<String>()
            if let cacheDirectory { skipping.insert(FileSystem.absolute(cacheDirectory)) }
            let inventory = try FileInventory.walking(root: root, skipping: skipping)
            var (result, memoSave) = try await compute(
                fleet: fleet, targets: targets, inventory: inventory, cacheDirectory: cacheDirectory,
                environment: environment, source: "walk")
            if repositoryState { result.repositoryState = RepositoryState.none }
            if let warning = await memoSave.value { result.warnings.append(warning) }
            return result
        }
        let layout = try RepositoryLayout(workspace: workspace, repository: repository)
        let cacheRelative = cacheDirectory.flatMap { Self.cacheDirectory($0, relativeTo: root) }
        let snapshotPath = cacheDirectory.map { KeySnapshot.path(inCacheDirectory: $0, forRoot: root) }
        let context = KeySnapshot.context(
            fleet: fleet, targets: targets, cacheRelative: cacheRelative, environment: environment,
            gitEnvironment: repository.environment)

        if let snapshotPath, let snapshot = KeySnapshot.load(from: snapshotPath, context: context),
            await snapshot.isCurrent(root: root), let saved = snapshot.contents()
        {
            var state: RepositoryState?
            if repositoryState {
                // The working tree and the index are as they were; so is the comparison with HEAD if HEAD is too.
                func head() -> String?? {
                    do { return try repository.headCommit()?.description } catch { return nil }
                }
                if let recorded = saved.repositoryState, let current = head(), current == recorded.commit {
                    state = recorded
                } else {
                    state = RepositoryState.of(workspace: workspace, cacheDirectory: cacheDirectory)
                }
            }
            let statistics = WorkspaceHasher.Statistics(memoHits: snapshot.fileCount)
            return Result(
                keys: saved.keys, warnings: [], hashing: statistics, inventorySource: "snapshot", reused: true,
                repositoryState: state)
        }

        // The commit and the dirty check (a full status) run alongside the key computation.
        let stateTask = repositoryState
            ? Task.detached { RepositoryState.of(workspace: workspace, cacheDirectory: cacheDirectory) } : nil
        let listingInputs = repository.listingInputs()
        let listing = try repository.workingTreeListing()
        let inventory = FileInventory.workingTree(files: listing.files, repository: repository, layout: layout)
            .excluding(cacheDirectory: cacheDirectory, root: root)
        var (result, memoSave) = try await compute(
            fleet: fleet, targets: targets, inventory: inventory, cacheDirectory: cacheDirectory,
            environment: environment, source: "git")
        result.repositoryState = await stateTask?.value
        if let snapshotPath {
            // Only a computation that can be repeated exactly from the same files: no warnings (they would not be
            // repeated), no submodules (their checked-out commit is not a file stat), a listing whose inputs are
            // all known.
            if let listingInputs, result.warnings.isEmpty, !inventory.entries.contains(where: { $0.submodule != nil }) {
                let directories = listing.directories.compactMap { directory -> (String, FileStat)? in
                    guard let path = layout.rootRelative(directory.path) else { return nil }
                    if let cacheRelative, path == cacheRelative || path.utf8HasPrefix(cacheRelative + "/") {
                        return nil
                    }
                    return (path, FileStat(metadata: directory.metadata))
                }
                KeySnapshot.save(
                    KeySnapshot.Contents(
                        context: context, startedAt: startedAt, listingInputs: listingInputs,
                        directories: directories, files: inventory.entries.map { ($0.path, $0.stat) },
                        keys: result.keys, repositoryState: result.repositoryState),
                    root: root, to: snapshotPath)
            } else {
                try? FileSystem.removeTree(snapshotPath)
            }
        }
        if let warning = await memoSave.value {
            // The snapshot must not outlive a warning it would not repeat.
            if let snapshotPath { try? FileSystem.removeTree(snapshotPath) }
            result.warnings.append(warning)
        }
        return result
    }

    /// The keys of `targets` over `inventory`, hashing through the stat memo.
    private static func compute(
        fleet: LoadedFleet, targets: [String]?, inventory: FileInventory, cacheDirectory: String?,
        environment: [String: String], source: String
    ) async throws -> (Result, memoSave: Task<Diagnostic?, Never>) {
        let workspace = fleet.manifest.workspace
        let hasher = WorkspaceHasher(
            root: workspace.rootDirectory,
            memoPath: cacheDirectory.map { StatMemo.path(inCacheDirectory: $0, forRoot: workspace.rootDirectory) })
        let computer = KeyComputer(manifest: fleet.manifest, graph: fleet.graph, environment: environment)
        let computation = await computer.computeKeys(
            for: targets, inventory: inventory, digests: WorkingTreeDigests(hasher: hasher))
        let result = Result(
            keys: computation.keys, warnings: computation.warnings, hashing: hasher.statistics,
            inventorySource: source, reused: false, repositoryState: nil)
        // Writing the memo (~0.15 s for 100k files) overlaps with encoding the key snapshot; the caller awaits it.
        let memoSave = Task.detached { () -> Diagnostic? in
            do {
                try hasher.saveMemo()
                return nil
            } catch {
                return Diagnostic(.warning, "could not save the file-hash memo: \(error)")
            }
        }
        return (result, memoSave)
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
