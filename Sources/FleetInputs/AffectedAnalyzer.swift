public import FleetBasics
public import FleetGit
import FleetGraph
import FleetHashing
public import FleetManifest

/// Decides which targets a change affects: exactly those with an action key that differs between base and head.
///
/// The fast path never reads file contents or lists trees: it diffs the two sides (two trees, or a tree and the
/// working tree), reads the manifest at both, and decides from the changed paths alone. That is exact because a
/// changed path means changed content, mode or presence, so a key over the files an action's patterns match
/// differs if and only if one of the changed paths matches them, as long as those patterns are the same on both
/// sides; when an action's definition differs, its key differs anyway. Two manifest changes break the premise for
/// actions whose own definition did not change: a moved `root` and a change to any target's declared `outputs`
/// (outputs are excluded from every input set). For those, fleet computes every key on both sides from the files'
/// git identities (``exhaustive``), which is slower but still reads no blob.
///
/// Both must equal ``bruteForce(base:head:)``, which hashes the content of every input file at both sides.
public struct AffectedAnalyzer {
    /// The head side of a comparison.
    public enum Head: Sendable, Equatable {
        /// The working tree as it is: staged, unstaged and untracked (not ignored) changes count.
        case workingTree
        case commit(ObjectID)
    }

    public let repository: GitRepository
    /// The workspace whose manifest is compared (its path inside the repository is the same at both sides).
    public let workspace: Workspace
    let layout: RepositoryLayout

    public init(repository: GitRepository, workspace: Workspace) throws(DiagnosticsError) {
        self.repository = repository
        self.workspace = workspace
        self.layout = try RepositoryLayout(workspace: workspace, repository: repository)
    }

    /// The manifest's path inside the repository.
    public var manifestPath: String { layout.manifestInRepository }

    // MARK: - Sides

    /// A loaded manifest at one side, with where its root is in the repository.
    struct Side {
        var fleet: LoadedFleet
        var rootInRepository: String
        var manifest: Manifest { fleet.manifest }
        var graph: TargetGraph { fleet.graph }
        var layout: RepositoryLayout {
            RepositoryLayout(rootInRepository: rootInRepository, manifestInRepository: "")
        }
    }

    enum BaseManifest {
        case loaded(Side)
        /// No fleet.yaml at base (or no base commit): every target is new.
        case absent
        /// fleet.yaml at base does not load: fleet cannot compare, so everything counts as affected.
        case invalid(String)
    }

    func loadHead(_ head: Head) throws -> Side {
        switch head {
        case .workingTree:
            return try side(FleetLoader.load(workspace: workspace))
        case .commit(let id):
            guard let bytes = try repository.blob(at: layout.manifestInRepository, in: id) else {
                throw DiagnosticsError(
                    "\(layout.manifestInRepository) does not exist at \(id.shortDescription)",
                    hint: "the head revision must contain the manifest")
            }
            return try side(FleetLoader.load(
                bytes: bytes, workspace: workspace, displayPath: "\(id.shortDescription):\(layout.manifestInRepository)",
                checkPathsOnDisk: false))
        }
    }

    func loadBase(_ base: ObjectID?) throws -> BaseManifest {
        guard let base, let bytes = try repository.blob(at: layout.manifestInRepository, in: base) else {
            return .absent
        }
        do {
            return .loaded(try side(FleetLoader.load(
                bytes: bytes, workspace: workspace,
                displayPath: "\(base.shortDescription):\(layout.manifestInRepository)", checkPathsOnDisk: false)))
        } catch let error as DiagnosticsError {
            let first = error.diagnostics.first { $0.severity == .error }.map(\.description) ?? "invalid"
            return .invalid("the manifest at the base revision \(base.shortDescription) does not load: \(first)")
        }
    }

    private func side(_ fleet: LoadedFleet) throws -> Side {
        let manifestDirectory = FileSystem.parent(of: "/" + layout.manifestInRepository)
        guard let root = RelativePath.normalize(RelativePath.join(String(manifestDirectory.dropFirst()),
                                                                  fleet.manifest.root)) else {
            throw DiagnosticsError("the root '\(fleet.manifest.root)' is outside the repository")
        }
        return Side(fleet: fleet, rootInRepository: root)
    }

    // MARK: - Analysis

    /// Compares `base` (nil: the empty tree, as in a repository without commits) with `head`.
    public func analyze(base: ObjectID?, head: Head) async throws -> AffectedReport {
        let headSide = try loadHead(head)
        let headID: ObjectID? = if case .commit(let id) = head { id } else { nil }
        // Only the set of changed paths matters (a rename is its old and its new path), so rename detection,
        // quadratic on large diffs, is skipped.
        var changedPaths = Set<String>()
        switch head {
        case .workingTree:
            // The git-status-like comparison where it applies (libgit2's diff otherwise), without the paths whose
            // bytes and mode equal the base's.
            changedPaths = Set(try repository.workingTreeContentChangedPaths(from: base))
        case .commit(let id):
            for change in try repository.changes(from: base, to: id, detectRenames: false) {
                changedPaths.formUnion(change.paths)
            }
        }
        let sortedChanges = changedPaths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }

        // fleet.yaml is self-contained: when the diff does not touch it, the base manifest is the head manifest.
        let manifestUnchanged = base != nil && !changedPaths.contains(layout.manifestInRepository)
        let baseManifest: BaseManifest = manifestUnchanged ? .loaded(headSide) : try loadBase(base)
        switch baseManifest {
        case .absent:
            return report(
                base: base, head: headID, degraded: nil, method: "fast", changedPaths: sortedChanges,
                affected: headSide.manifest.targets.map { affectedTarget($0, headSide, reasons: [.added]) },
                removed: [])
        case .invalid(let reason):
            return everything(headSide, base: base, head: headID, degraded: reason, changedPaths: sortedChanges)
        case .loaded(let baseSide):
            var propagation = AffectedPropagation(
                head: headSide, base: baseSide, changedRepositoryPaths: sortedChanges,
                identicalManifests: manifestUnchanged)
            propagation.run()
            let removed = baseSide.manifest.targetNames.filter { headSide.manifest.target(named: $0) == nil }
            let needsExhaustive = !manifestUnchanged && (headSide.rootInRepository != baseSide.rootInRepository
                || OutputFilter(manifest: headSide.manifest).signature
                    != OutputFilter(manifest: baseSide.manifest).signature)
            if !needsExhaustive {
                return report(
                    base: base, head: headID, degraded: nil, method: "fast", changedPaths: sortedChanges,
                    affected: propagation.affected(), removed: removed)
            }
            let truth = try await exhaustive(
                base: base, head: head, headSide: headSide, baseSide: baseSide, changedPaths: changedPaths)
            let reasoned = Dictionary(uniqueKeysWithValues: propagation.affected().map { ($0.name, $0) })
            let fallbackField = headSide.rootInRepository != baseSide.rootInRepository ? "root" : "outputs"
            let affected = truth.sorted().compactMap { name -> AffectedTarget? in
                guard let target = headSide.manifest.target(named: name) else { return nil }
                if let known = reasoned[name] { return known }
                return affectedTarget(target, headSide, reasons: [.manifest([fallbackField])])
            }
            return report(
                base: base, head: headID, degraded: nil, method: "exhaustive", changedPaths: sortedChanges,
                affected: affected, removed: removed)
        }
    }

    /// Every target at head, for `--fallback all` and unreadable base manifests.
    public func everything(base: ObjectID?, head: Head, degraded: String) throws -> AffectedReport {
        let headSide = try loadHead(head)
        let headID: ObjectID? = if case .commit(let id) = head { id } else { nil }
        return everything(headSide, base: base, head: headID, degraded: degraded, changedPaths: [])
    }

    private func everything(_ side: Side, base: ObjectID?, head: ObjectID?, degraded: String,
                            changedPaths: [String]) -> AffectedReport {
        report(base: base, head: head, degraded: degraded, method: "fallback", changedPaths: changedPaths,
               affected: side.manifest.targets.map { affectedTarget($0, side, reasons: []) }, removed: [])
    }

    private func report(base: ObjectID?, head: ObjectID?, degraded: String?, method: String, changedPaths: [String],
                        affected: [AffectedTarget], removed: [String]) -> AffectedReport {
        AffectedReport(
            base: base?.description, head: head?.description, degraded: degraded,
            affected: affected.sorted { $0.name < $1.name }, removed: removed.sorted(), changedPaths: changedPaths,
            method: method)
    }

    func affectedTarget(_ target: Target, _ side: Side, reasons: [AffectedReason]) -> AffectedTarget {
        AffectedTarget(
            name: target.name, kind: target.kind, path: RelativePath.join(side.rootInRepository, target.path),
            reasons: reasons)
    }

    // MARK: - Exhaustive comparison

    /// The names of head targets whose target key differs from base (or that are new), with every key computed on
    /// both sides over git identities: blob ids for committed files. Working-tree files that differ from base get a
    /// content hash (XXH3) instead, and so does the base file at the same root-relative path (read from its blob),
    /// so that equal content compares equal even when the root moved or git reported a path whose content is in
    /// fact unchanged. Reads only the blobs of such paths.
    func exhaustive(base: ObjectID?, head: Head, headSide: Side, baseSide: Side,
                    changedPaths: Set<String>) async throws -> Set<String> {
        var baseInventory: FileInventory = if let base {
            try FileInventory.commit(base, repository: repository, layout: baseSide.layout)
        } else {
            FileInventory(entries: [])
        }
        let headInventory: FileInventory
        switch head {
        case .commit(let id):
            headInventory = try FileInventory.commit(id, repository: repository, layout: headSide.layout)
        case .workingTree:
            // Unchanged files have their base blob id; changed ones get a content hash (never equal to a blob id).
            var baseIdentities: [String: Fingerprint] = [:]
            if let base {
                let prefixes = headSide.rootInRepository.isEmpty ? nil : [headSide.rootInRepository]
                for entry in try repository.files(at: base, under: prefixes) {
                    baseIdentities[entry.path] = Fingerprint(objectID: entry.id)
                }
            }
            let listed = try FileInventory.workingTree(repository: repository, layout: headSide.layout)
            var entries: [FileInventory.Entry] = []
            entries.reserveCapacity(listed.count)
            var contentHashed = Set<String>()
            for var entry in listed.entries {
                let repositoryPath = headSide.layout.repositoryPath(entry.path)
                if entry.submodule != nil {
                    entries.append(entry)  // identified by its commit on both sides
                    continue
                }
                if !changedPaths.contains(repositoryPath), let identity = baseIdentities[repositoryPath] {
                    entry.identity = identity
                } else {
                    let absolute = FileSystem.join(repository.workingDirectory ?? "", repositoryPath)
                    entry.identity = (try? ContentHash.ofFile(at: absolute))?.digest.digest ?? Fingerprint.random()
                    contentHashed.insert(entry.path)
                }
                entries.append(entry)
            }
            headInventory = FileInventory(entries: entries)
            if let base, !contentHashed.isEmpty {
                // The same root-relative paths at base: identities of the same kind, from their content.
                baseInventory = FileInventory(entries: baseInventory.entries.map { entry in
                    guard contentHashed.contains(entry.path) else { return entry }
                    var entry = entry
                    let bytes = try? repository.blob(at: baseSide.layout.repositoryPath(entry.path), in: base)
                    entry.identity = bytes.flatMap { $0 }.map { ContentHash.of($0) } ?? Fingerprint.random()
                    return entry
                })
            }
        }
        let headKeys = await KeyComputer(manifest: headSide.manifest, graph: headSide.graph, environment: [:])
            .computeKeys(inventory: headInventory, digests: IdentityDigests()).keys
        let baseKeys = await KeyComputer(manifest: baseSide.manifest, graph: baseSide.graph, environment: [:])
            .computeKeys(inventory: baseInventory, digests: IdentityDigests()).keys
        var affected = Set<String>()
        for name in headSide.manifest.targetNames where headKeys[name]?.key != baseKeys[name]?.key {
            affected.insert(name)
        }
        return affected
    }

    // MARK: - Brute force

    /// The answer by definition: every key at both sides over file contents. For tests and `--verify`; reads every
    /// input blob at commits and hashes the working tree.
    ///
    /// - Returns: the names of head targets whose target key differs from base (or that are new), and the base
    ///   targets missing at head.
    public func bruteForce(base: ObjectID?, head: Head, cacheDirectory: String? = nil)
        async throws -> (affected: Set<String>, removed: Set<String>)
    {
        let headSide = try loadHead(head)
        let headKeys: KeySet
        switch head {
        case .commit(let id):
            let layout = headSide.layout
            let inventory = try FileInventory.commit(id, repository: repository, layout: layout)
            headKeys = await KeyComputer(manifest: headSide.manifest, graph: headSide.graph, environment: [:])
                .computeKeys(inventory: inventory, digests: CommitContentDigests(
                    repository: repository, layout: layout, commit: id)).keys
        case .workingTree:
            let inventory = try FileInventory.workingTree(repository: repository, layout: headSide.layout)
            let root = headSide.fleet.workspace.rootDirectory
            let hasher = WorkspaceHasher(
                root: root, memoPath: cacheDirectory.map { StatMemo.path(inCacheDirectory: $0, forRoot: root) })
            headKeys = await KeyComputer(manifest: headSide.manifest, graph: headSide.graph, environment: [:])
                .computeKeys(inventory: inventory, digests: WorkingTreeDigests(hasher: hasher)).keys
        }
        let baseKeys: KeySet
        var baseNames = Set<String>()
        switch try loadBase(base) {
        case .absent:
            baseKeys = KeySet()
        case .invalid:
            return (Set(headSide.manifest.targetNames), [])
        case .loaded(let baseSide):
            guard let base else { return (Set(headSide.manifest.targetNames), []) }
            baseNames = Set(baseSide.manifest.targetNames)
            let inventory = try FileInventory.commit(base, repository: repository, layout: baseSide.layout)
            baseKeys = await KeyComputer(manifest: baseSide.manifest, graph: baseSide.graph, environment: [:])
                .computeKeys(inventory: inventory, digests: CommitContentDigests(
                    repository: repository, layout: baseSide.layout, commit: base)).keys
        }
        var affected = Set<String>()
        for name in headSide.manifest.targetNames where headKeys[name]?.key != baseKeys[name]?.key {
            affected.insert(name)
        }
        return (affected, baseNames.subtracting(headSide.manifest.targetNames))
    }
}
