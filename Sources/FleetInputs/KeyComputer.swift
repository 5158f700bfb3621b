public import FleetBasics
public import FleetGraph
import FleetHashing
public import FleetManifest

/// Computes the cache key of every action of a set of targets over one snapshot of the workspace.
///
/// An action's key is the XXH3-128 of, in this order and each length-prefixed: the key schema version, the
/// action's resolved definition (``KeyDefinition``), the path, mode and digest of every file its `inputs` match,
/// the `globals` patterns and files, the names and values of its env vars, and the keys of the actions it needs.
/// A `^name` need on a dependency without a `name` action uses that dependency's source key instead: its `srcs`
/// files and, recursively, its own dependencies' keys for `name`. Nothing machine-specific goes in: paths are
/// root-relative and modes are normalised as git does.
///
/// fleet's own version is deliberately not part of keys (unlike the schema version): upgrading fleet must not
/// invalidate every cache entry. The schema version changes whenever what goes into a key changes.
public struct KeyComputer: Sendable {
    public static let schema: StaticString = "fleet-key/v1"

    public let manifest: Manifest
    public let graph: TargetGraph
    public let environment: [String: String]

    public init(manifest: Manifest, graph: TargetGraph, environment: [String: String]) {
        self.manifest = manifest
        self.graph = graph
        self.environment = environment
    }

    /// The result of a key computation: the keys, and warnings about files that could not be read (their
    /// actions get keys that match nothing, so they always run).
    public struct Computation: Sendable {
        public var keys: KeySet
        public var warnings: [Diagnostic]
    }

    /// Computes the keys of `targets` (nil: every target) and of everything they depend on.
    public func computeKeys(for targets: [String]? = nil, inventory: FileInventory,
                            digests source: some DigestSource) async -> Computation {
        let selected = targets.map { graph.closure(of: $0, dependencies: true, dependents: false) }
        let members = Set(selected ?? graph.topologicalOrder)
        let order = graph.topologicalOrder.filter { members.contains($0) }
        let selector = InputSelector(inventory: inventory, outputs: OutputFilter(manifest: manifest))

        // 1. Which files each action, each target's srcs and the globals match.
        var actionFiles: [String: [Int]] = [:]
        var sourceFiles: [String: [Int]] = [:]
        var needed = Set<Int>()
        let globalFiles = selector.select(manifest.globals)
        needed.formUnion(globalFiles)
        for name in order {
            guard let target = manifest.target(named: name) else { continue }
            for action in target.actions {
                let files = selector.select(action.inputs)
                actionFiles["\(name):\(action.name)"] = files
                needed.formUnion(files)
            }
            // Sources count for targets without actions and for dependents' `^name` fallbacks.
            let files = selector.select(target.srcs)
            sourceFiles[name] = files
            needed.formUnion(files)
        }

        // 2. Digests of exactly those files, in one parallel batch; a submodule's is the commit it records.
        // Indexed by inventory position: cheaper than a dictionary for 100k files.
        var digests = [InputRecord?](repeating: nil, count: inventory.count)
        var indices: [Int] = []
        indices.reserveCapacity(needed.count)
        for i in needed.sorted() {
            let entry = inventory.entries[i]
            if let submodule = entry.submodule {
                digests[i] = InputRecord(path: entry.path, mode: entry.mode, digest: submodule)
            } else {
                indices.append(i)
            }
        }
        let results = await source.digests(for: indices.map { inventory.entries[$0] })
        var warnings: [Diagnostic] = []
        for (i, result) in zip(indices, results) {
            let entry = inventory.entries[i]
            switch result {
            case .success(let digest):
                // The executable bit as the inventory lists it: for git's file list that is git's rule (the owner
                // may execute), which is what a commit records; the hasher's stat mode counts any execute bit, so
                // a 0654 file would key differently from its own commit. What the content is (file or symlink)
                // comes from what was read.
                let mode = digest.mode == .symlink || entry.mode == .symlink ? digest.mode : entry.mode
                digests[i] = InputRecord(path: entry.path, mode: mode, digest: digest.digest)
            case .failure(let error):
                // Unreadable: a digest that matches nothing, so the action re-runs rather than hits.
                digests[i] = InputRecord(path: entry.path, mode: entry.mode, digest: Fingerprint.random())
                warnings.append(Diagnostic(
                    .warning, "\(error); actions that read it will not be answered from the cache"))
            }
        }
        let records: ([Int]) -> [InputRecord] = { $0.compactMap { digests[$0] } }

        // 3. Keys, dependencies first.
        var builder = KeyBuilder(
            manifest: manifest, graph: graph, environment: environment,
            globals: records(globalFiles))
        for name in order {
            guard let target = manifest.target(named: name) else { continue }
            builder.addTarget(target, sources: records(sourceFiles[name] ?? [])) { action in
                records(actionFiles["\(name):\(action)"] ?? [])
            }
        }
        return Computation(keys: builder.keys, warnings: warnings)
    }
}

extension Fingerprint {
    /// A fingerprint no real content has: used for inputs that could not be read.
    static func random() -> Fingerprint {
        Fingerprint(high: UInt64.random(in: .min ... .max), low: UInt64.random(in: .min ... .max))
    }
}

/// Selects the inventory entries a pattern list matches, leaving out declared outputs. Only the entries under the
/// patterns' literal prefixes are tested, and whether a file is an output is decided once per file.
final class InputSelector {
    let inventory: FileInventory
    let outputs: OutputFilter
    /// Per inventory entry: 0 not yet known, 1 an output, 2 not an output.
    private var outputState: [UInt8]
    /// The selections made so far, by pattern text (a target's `srcs` usually serve several of its actions).
    private var selections: [[String]: [Int]] = [:]

    init(inventory: FileInventory, outputs: OutputFilter) {
        self.inventory = inventory
        self.outputs = outputs
        self.outputState = Array(repeating: outputs.isEmpty ? 2 : 0, count: inventory.count)
    }

    private func isOutput(_ index: Int) -> Bool {
        if outputState[index] == 0 { outputState[index] = outputs.isOutput(inventory.entries[index].path) ? 1 : 2 }
        return outputState[index] == 1
    }

    func select(_ patterns: PatternList) -> [Int] {
        // Equal pattern text means an equal matcher (PatternList's own equality), hence equal files.
        if let known = selections[patterns.patterns] { return known }
        let result = scan(patterns.globs)
        selections[patterns.patterns] = result
        return result
    }

    private func scan(_ globs: GlobList) -> [Int] {
        var ranges = globs.inclusionPrefixes.map { inventory.range(withPrefix: $0) }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var result: [Int] = []
        var next = 0
        for range in ranges {
            for i in max(range.lowerBound, next)..<max(range.upperBound, next) {
                let path = inventory.entries[i].path
                if globs.matches(path), !isOutput(i) { result.append(i) }
            }
            next = max(next, range.upperBound)
        }
        return result
    }
}

/// Assembles keys target by target; callers add targets in dependency order.
struct KeyBuilder {
    let manifest: Manifest
    let graph: TargetGraph
    let environment: [String: String]
    let globals: [InputRecord]
    let globalsKey: Fingerprint
    private(set) var keys = KeySet()
    private var sourceInputs: [String: [InputRecord]] = [:]
    private var sourceKeys: [String: Fingerprint] = [:]
    private var fallbackKeys: [String: Fingerprint] = [:]

    init(manifest: Manifest, graph: TargetGraph, environment: [String: String], globals: [InputRecord]) {
        self.manifest = manifest
        self.graph = graph
        self.environment = environment
        self.globals = globals
        var hasher = Fingerprinter()
        hasher.add(KeyDefinition.fingerprint(KeyDefinition.globals(of: manifest)))
        KeyBuilder.add(globals, to: &hasher)
        globalsKey = hasher.finalize()
    }

    mutating func addTarget(_ target: Target, sources: [InputRecord], inputs: (String) -> [InputRecord]) {
        sourceInputs[target.name] = sources
        var actionKeys: [String: ActionKey] = [:]
        for actionName in graph.actionOrder(of: target.name) {
            guard let action = target.action(named: actionName) else { continue }
            let files = inputs(actionName)  // in inventory order: sorted by path bytes
            var needs: [NeededKey] = []
            for need in action.needs {
                switch need.scope {
                case .own:
                    if let key = actionKeys[need.action] {
                        needs.append(NeededKey(label: "\(target.name):\(need.action)", key: key.key))
                    }
                case .dependencies:
                    for dependency in target.dependencyNames {
                        if let key = keys.key(target: dependency, action: need.action) {
                            needs.append(NeededKey(label: "\(dependency):\(need.action)", key: key.key))
                        } else {
                            needs.append(NeededKey(
                                label: "\(dependency):\(need.action)(sources)",
                                key: fallbackKey(of: dependency, for: need.action)))
                        }
                    }
                }
            }
            needs.sort { $0.label < $1.label }
            let env = action.env.sorted().map { name in
                EnvRecord(name: name, value: environment[name].map { ContentHash.of($0) })
            }
            let components = KeyComponents(
                manifest: KeyDefinition.fingerprint(KeyDefinition.action(action, in: target)),
                sources: KeyBuilder.fingerprint(files),
                globals: globalsKey,
                env: KeyBuilder.fingerprint(env),
                deps: KeyBuilder.fingerprint(needs))
            var hasher = Fingerprinter()
            hasher.add(tag: KeyComputer.schema)
            hasher.add(components.manifest)
            hasher.add(components.sources)
            hasher.add(components.globals)
            hasher.add(components.env)
            hasher.add(components.deps)
            actionKeys[actionName] = ActionKey(
                target: target.name, action: actionName, key: hasher.finalize(), components: components,
                inputs: files, globals: globals, needs: needs, env: env)
        }
        let sorted = actionKeys.values.sorted { $0.action < $1.action }
        var hasher = Fingerprinter()
        hasher.add(tag: "fleet-target/v1")
        if sorted.isEmpty {
            // A target without actions stands for its sources, the globals and its dependencies.
            hasher.add(sourceKey(of: target.name))
            hasher.add(globalsKey)
            for dependency in target.dependencyNames.sorted() {
                hasher.add(dependency)
                hasher.add(keys[dependency]?.key ?? Fingerprint(high: 0, low: 0))
            }
        } else {
            for key in sorted {
                hasher.add(key.action)
                hasher.add(key.key)
            }
        }
        keys.targets[target.name] = TargetKeys(name: target.name, actions: sorted, key: hasher.finalize())
    }

    /// The key of a target's own sources: its source definition and the files its `srcs` match.
    mutating func sourceKey(of name: String) -> Fingerprint {
        if let key = sourceKeys[name] { return key }
        var hasher = Fingerprinter()
        hasher.add(tag: "fleet-sources/v1")
        if let target = manifest.target(named: name) {
            hasher.add(KeyDefinition.fingerprint(KeyDefinition.sources(of: target)))
        }
        KeyBuilder.add(sourceInputs[name] ?? [], to: &hasher)
        let key = hasher.finalize()
        sourceKeys[name] = key
        return key
    }

    /// What `^action` resolves to for a dependency that does not define `action`: its sources and, recursively,
    /// its own dependencies' `action` keys (or their fallbacks).
    mutating func fallbackKey(of name: String, for action: String) -> Fingerprint {
        let memo = "\(name)\u{0}\(action)"
        if let key = fallbackKeys[memo] { return key }
        var hasher = Fingerprinter()
        hasher.add(tag: "fleet-fallback/v1")
        hasher.add(sourceKey(of: name))
        for dependency in manifest.target(named: name)?.dependencyNames.sorted() ?? [] {
            hasher.add(dependency)
            if let key = keys.key(target: dependency, action: action) {
                hasher.add(key.key)
            } else {
                hasher.add(fallbackKey(of: dependency, for: action))
            }
        }
        let key = hasher.finalize()
        fallbackKeys[memo] = key
        return key
    }

    static func add(_ files: [InputRecord], to hasher: inout Fingerprinter) {
        hasher.add(files.count)
        for file in files {
            hasher.add(file.path)
            hasher.add(UInt64(file.mode.rawValue))
            hasher.add(file.digest)
        }
    }

    static func fingerprint(_ files: [InputRecord]) -> Fingerprint {
        var hasher = Fingerprinter()
        add(files, to: &hasher)
        return hasher.finalize()
    }

    static func fingerprint(_ env: [EnvRecord]) -> Fingerprint {
        var hasher = Fingerprinter()
        hasher.add(env.count)
        for record in env {
            hasher.add(record.name)
            hasher.add(record.value != nil)
            if let value = record.value { hasher.add(value) }
        }
        return hasher.finalize()
    }

    static func fingerprint(_ needs: [NeededKey]) -> Fingerprint {
        var hasher = Fingerprinter()
        hasher.add(needs.count)
        for need in needs {
            hasher.add(need.label)
            hasher.add(need.key)
        }
        return hasher.finalize()
    }
}
