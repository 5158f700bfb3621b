import FleetBasics

/// Turns a ``RawManifest`` into the ``Manifest`` model: applies defaults, expands named input sets, resolves every
/// pattern and path to the root, and checks names and references. Records every problem; the model it returns is
/// usable for further checks (the graph's cycle detection) even when problems were found.
struct ManifestBuilder {
    let raw: RawManifest
    var workspace: Workspace
    let checkPathsOnDisk: Bool
    var problems: [ManifestError] = []
    /// Pattern list entries by text, analysed once (see `analyze(_:)`).
    var entryAnalyses: [String: EntryAnalysis] = [:]
    var lastPlainDirectory: (path: String, plain: PlainDirectory?)?
    let defaultActions: DefaultActions

    var inputSets: [String: RawInputSet] = [:]
    /// False when `root:` is invalid or missing on disk: target paths are then not checked on disk.
    var rootIsUsable = true
    var ownNeedFailures: [OwnNeedFailure] = []
    /// Per target: inherited actions it removes with `name: null`, and where.
    var removals: [String: [String: SourceLocation]] = [:]

    struct OwnNeedFailure {
        var need: Located<String>
        var action: String
        var target: String
        var suggestion: String?
        var removedAt: SourceLocation?
    }

    init(raw: RawManifest, workspace: Workspace, checkPathsOnDisk: Bool) {
        self.raw = raw
        self.workspace = workspace
        self.checkPathsOnDisk = checkPathsOnDisk
        defaultActions = DefaultActions(raw.defaults)
    }

    mutating func build() -> Manifest {
        let name = buildName()
        let root = buildRoot()
        let registry = raw.registry?.value
        if let registry = raw.registry, registry.value.isEmpty {
            problems.append(.emptyValue(key: "registry", hint: nil, at: registry.location))
        }
        let sets = buildInputSets()
        let globals = expand(raw.globals, in: "", context: .globals)
        let targets = buildTargets()
        reportOwnNeedFailures()
        let gitops = buildGitOps(serviceNames: targets.filter { $0.kind == .service }.map(\.name))
        return Manifest(
            workspace: workspace, version: raw.version ?? 1, name: name, root: root,
            registry: registry?.isEmpty == true ? nil : registry, globals: globals, inputSets: sets,
            targets: targets, defaults: rawDefaults(), gitops: gitops, cache: raw.cache)
    }

    // MARK: - Top level

    private mutating func buildName() -> String {
        guard let name = raw.name else { return FileSystem.basename(of: workspace.manifestDirectory) }
        if name.value.trimmingWhitespace().isEmpty {
            problems.append(.emptyValue(key: "name", hint: "remove 'name' to use the directory's name",
                                        at: name.location))
        }
        return name.value
    }

    private mutating func buildRoot() -> String {
        var root = ""
        if let written = raw.root {
            if written.value.hasPrefix("/") {
                problems.append(.absolutePath(key: "root", written.value, at: written.location))
                rootIsUsable = false
            } else if let normalized = RelativePath.normalize(written.value) {
                root = normalized
            } else {
                problems.append(.pathOutsideRoot(key: "root", written.value, at: written.location))
                rootIsUsable = false
            }
        }
        workspace.rootDirectory = FileSystem.absolute(root, relativeTo: workspace.manifestDirectory)
        if let written = raw.root, rootIsUsable, checkPathsOnDisk {
            rootIsUsable = checkDirectory(key: "root", written: written, absolute: workspace.rootDirectory,
                                          parentForSuggestion: workspace.manifestDirectory, normalized: root)
        }
        return root
    }

    private mutating func buildInputSets() -> [Manifest.InputSet] {
        for set in raw.inputSets {
            if !NameRules.isValidInputSetName(set.name.value) {
                problems.append(.invalidInputSetName(set.name.value, at: set.name.location))
                continue
            }
            inputSets[set.name.value] = set
        }
        // Check each set once where it is defined: syntax, unknown sets, cycles. Escapes depend on where a set is
        // used and are reported there.
        for set in raw.inputSets where inputSets[set.name.value] != nil {
            _ = expand(set.entries, in: "", context: .inputSetDefinition(set.name.value), reportEscapes: false)
        }
        return raw.inputSets.filter { inputSets[$0.name.value] != nil }.sorted { $0.name.value < $1.name.value }
            .map { set in
                Manifest.InputSet(name: set.name.value, patterns: set.entries.map(\.value),
                                  locations: set.entries.map(\.location), location: set.name.location)
            }
    }

    private func rawDefaults() -> Manifest.Defaults {
        let actions = raw.defaults.actions.compactMap { entry -> Manifest.DefaultAction? in
            guard let action = entry.action else { return nil }
            return Manifest.DefaultAction(
                name: entry.name.value, run: action.run.value?.value, inputs: action.inputs.value?.map(\.value),
                outputs: action.outputs.value?.map(\.value), needs: action.needs.value?.map(\.value),
                env: action.env.value?.map(\.value), timeout: action.timeout.value?.value,
                cache: action.cache.value?.value, location: entry.name.location)
        }
        return Manifest.Defaults(srcs: raw.defaults.srcs.value?.map(\.value), env: raw.defaults.env.value?.map(\.value),
                                 actions: actions.sorted { $0.name < $1.name })
    }

    // MARK: - Paths

    /// Checks that a directory exists; suggests a near sibling when it does not. Returns whether it exists.
    mutating func checkDirectory(key: String, written: Located<String>, absolute: String, parentForSuggestion: String,
                                 normalized: String) -> Bool {
        switch FileSystem.kind(of: absolute) {
        case .directory:
            return true
        case .symlink where FileSystem.isDirectory(absolute):
            return true
        case .some:
            problems.append(.notADirectory(key: key, written.value, at: written.location))
            return false
        case nil:
            let parent = FileSystem.parent(of: absolute)
            var suggestion: String?
            if let names = try? FileSystem.listDirectory(parent) {
                let directories = names.filter { FileSystem.isDirectory(FileSystem.join(parent, $0)) }
                if let closest = Suggestions.closest(to: FileSystem.basename(of: absolute), in: directories) {
                    let parentPath = FileSystem.parent(of: normalized)
                    suggestion = normalized.contains("/") ? RelativePath.join(parentPath, closest) : closest
                }
            }
            let rootShown = key == "root" ? "" : raw.root.flatMap { RelativePath.normalize($0.value) } ?? ""
            problems.append(.missingPath(key: key, written.value, root: rootShown, suggestion: suggestion,
                                         at: written.location))
            return false
        }
    }
}
