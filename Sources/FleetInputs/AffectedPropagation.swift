import FleetBasics
import FleetGraph
import FleetManifest

/// The fast path of ``AffectedAnalyzer``: decides, target by target in dependency order, which keys differ between
/// the base and head manifests given the changed paths, and collects the reasons.
///
/// It mirrors ``KeyBuilder`` exactly: a part of a key differs when its definition differs, when a changed path
/// matches its patterns (and is not a declared output), or when a key it includes differs. Keep the two in step.
struct AffectedPropagation {
    let head: AffectedAnalyzer.Side
    let base: AffectedAnalyzer.Side
    /// Changed paths inside the head root that can be inputs (root-relative), sorted.
    let changedInputs: [String]
    /// Root-relative changed path → repository-relative.
    let repositoryPath: (String) -> String

    private(set) var actionChanged: [String: Bool] = [:]
    private var fallbackChanged: [String: Bool] = [:]
    private var sourcesChangedMemo: [String: Bool] = [:]
    private(set) var targetChanged: [String: Bool] = [:]
    private var reasons: [String: ReasonSet] = [:]
    /// `target:action` (or `target:` for srcs) → changed input paths its patterns match.
    private var matched: [String: [String]] = [:]
    private var globalPaths: [String] = []
    private var globalsDefinitionChanged = false

    /// The two sides have the same manifest: no definition can differ, so only files and needs are compared.
    let identicalManifests: Bool

    init(head: AffectedAnalyzer.Side, base: AffectedAnalyzer.Side, changedRepositoryPaths: [String],
         identicalManifests: Bool = false) {
        self.head = head
        self.base = base
        self.identicalManifests = identicalManifests
        let outputs = OutputFilter(manifest: head.manifest)
        let root = head.rootInRepository
        var inputs: [String] = []
        for path in changedRepositoryPaths {
            guard let relative = RelativePath.relative(path, to: root), !relative.isEmpty,
                !outputs.isOutput(relative)
            else { continue }
            inputs.append(relative)
        }
        changedInputs = inputs
        repositoryPath = { RelativePath.join(root, $0) }
    }

    // MARK: - Running

    mutating func run() {
        matchChangedPaths()
        let headGlobals = KeyDefinition.globals(of: head.manifest)
        globalsDefinitionChanged = headGlobals != KeyDefinition.globals(of: base.manifest)
        globalPaths = changedInputs.filter {
            head.manifest.globals.matches($0) || base.manifest.globals.matches($0)
        }.map(repositoryPath)
        var order = head.graph.topologicalOrder
        if identicalManifests && !globalsDefinitionChanged && globalPaths.isEmpty {
            // Same manifest: only targets whose own files changed, and what depends on them, can have a changed
            // key. Everything else keeps every key (lookups of unvisited targets default to "unchanged").
            let seeds = Set(matched.keys.map { String($0.prefix { $0 != ":" }) })
            let candidates = seeds.union(head.graph.transitiveDependents(of: seeds))
            order = order.filter { candidates.contains($0) }
        }
        for name in order {
            guard let target = head.manifest.target(named: name) else { continue }
            visit(target)
        }
    }

    /// What an unvisited key is assumed to be: with the same manifest at both sides only visited targets can change;
    /// otherwise every target is visited and a missing entry is a bug, answered conservatively.
    private var unknownIsChanged: Bool { !identicalManifests }

    /// Matches every changed input path against every action's inputs and every target's srcs, through an index of
    /// the patterns' literal prefixes.
    private mutating func matchChangedPaths() {
        var index = PrefixIndex<(key: String, patterns: PatternList)>()
        for target in head.manifest.targets {
            for action in target.actions {
                for prefix in action.inputs.globs.inclusionPrefixes {
                    index.insert(("\(target.name):\(action.name)", action.inputs), prefix: prefix)
                }
            }
            for prefix in target.srcs.globs.inclusionPrefixes {
                index.insert(("\(target.name):", target.srcs), prefix: prefix)
            }
        }
        for path in changedInputs {
            var seen = Set<String>()
            index.forEachCandidate(of: path) { candidate in
                if !seen.contains(candidate.key), candidate.patterns.matches(path) {
                    seen.insert(candidate.key)
                    matched[candidate.key, default: []].append(path)
                }
            }
        }
    }

    private mutating func visit(_ target: Target) {
        var set = ReasonSet()
        guard let baseTarget = base.manifest.target(named: target.name) else {
            for action in target.actions { actionChanged["\(target.name):\(action.name)"] = true }
            set.added = true
            reasons[target.name] = set
            targetChanged[target.name] = true
            return
        }
        var changed = false
        let globalsChanged = globalsDefinitionChanged || !globalPaths.isEmpty
        for actionName in head.graph.actionOrder(of: target.name) {
            guard let action = target.action(named: actionName) else { continue }
            var actionIsChanged = false
            let baseAction = baseTarget.action(named: actionName)
            if identicalManifests {
                // Same manifest: same definitions and same needs.
            } else if let baseAction {
                let fields = KeyDefinition.changedFields(
                    from: KeyDefinition.action(baseAction, in: baseTarget), to: KeyDefinition.action(action, in: target))
                if !fields.isEmpty {
                    actionIsChanged = true
                    set.manifest.formUnion(fields)
                }
            } else {
                actionIsChanged = true
                set.manifest.insert("actions.\(actionName)")
            }
            if let files = matched["\(target.name):\(actionName)"] {
                actionIsChanged = true
                set.files.formUnion(files.map(repositoryPath))
            }
            if globalsChanged {
                actionIsChanged = true
                set.global(globalPaths, definitionChanged: globalsDefinitionChanged)
            }
            // The keys this one includes.
            let headNeeds = resolvedNeeds(target, action, in: head)
            let baseNeeds = identicalManifests ? headNeeds
                : baseAction.map { resolvedNeeds(baseTarget, $0, in: base) } ?? []
            if !identicalManifests, headNeeds.map(\.label) != baseNeeds.map(\.label) {
                actionIsChanged = true
                // A need on the same dependency and action that switched between the action's key and the
                // sources fallback: the dependency gained or lost the action, so it changed. Needs that appear or
                // disappear because `deps` or `needs` changed are explained by those manifest fields: the
                // dependency named there did not change (and a removed one is no dependency any more).
                let baseReferences = Set(baseNeeds.map { "\($0.target)\u{0}\($0.action)" })
                let differing = Set(headNeeds.map(\.label)).symmetricDifference(baseNeeds.map(\.label))
                for need in headNeeds where differing.contains(need.label) && need.target != target.name
                    && baseReferences.contains("\(need.target)\u{0}\(need.action)")
                {
                    set.dependencies.insert(need.target)
                }
            }
            for need in headNeeds {
                let needChanged: Bool
                switch need.kind {
                case .action: needChanged = actionChanged["\(need.target):\(need.action)"] ?? unknownIsChanged
                case .fallback: needChanged = fallback(need.target, need.action)
                }
                if needChanged {
                    actionIsChanged = true
                    if need.target != target.name { set.dependencies.insert(need.target) }
                }
            }
            actionChanged["\(target.name):\(actionName)"] = actionIsChanged
            changed = changed || actionIsChanged
        }
        for baseAction in baseTarget.actions where target.action(named: baseAction.name) == nil {
            changed = true
            set.manifest.insert("actions.\(baseAction.name)")
        }
        if target.actions.isEmpty {
            // The target key stands for its sources, the globals and its dependencies' target keys.
            if sourcesChanged(target.name) {
                changed = true
                addSourceReasons(target, baseTarget, to: &set)
            }
            if globalsChanged {
                changed = true
                set.global(globalPaths, definitionChanged: globalsDefinitionChanged)
            }
            for dependency in target.dependencyNames where targetChanged[dependency] ?? unknownIsChanged {
                changed = true
                set.dependencies.insert(dependency)
            }
        }
        targetChanged[target.name] = changed
        if changed { reasons[target.name] = set }
    }

    // MARK: - Needs and fallbacks

    struct ResolvedNeed {
        enum Kind { case action, fallback }
        var target: String
        var action: String
        var kind: Kind
        /// As ``KeyBuilder`` labels them: `t:a` or `t:a(sources)`.
        var label: String
    }

    /// The keys an action's key includes, resolved against one side's manifest, sorted by label.
    private func resolvedNeeds(_ target: Target, _ action: Action, in side: AffectedAnalyzer.Side) -> [ResolvedNeed] {
        var result: [ResolvedNeed] = []
        for need in action.needs {
            switch need.scope {
            case .own:
                if target.action(named: need.action) != nil {
                    result.append(ResolvedNeed(
                        target: target.name, action: need.action, kind: .action,
                        label: "\(target.name):\(need.action)"))
                }
            case .dependencies:
                for dependency in target.dependencyNames {
                    if side.manifest.target(named: dependency)?.action(named: need.action) != nil {
                        result.append(ResolvedNeed(
                            target: dependency, action: need.action, kind: .action,
                            label: "\(dependency):\(need.action)"))
                    } else {
                        result.append(ResolvedNeed(
                            target: dependency, action: need.action, kind: .fallback,
                            label: "\(dependency):\(need.action)(sources)"))
                    }
                }
            }
        }
        return result.sorted { $0.label < $1.label }
    }

    /// Whether the fallback key for `^action` on `name` (a target without that action) differs: its sources, or a
    /// key of its dependencies for `action` (or their fallbacks).
    private mutating func fallback(_ name: String, _ action: String) -> Bool {
        let memo = "\(name)\u{0}\(action)"
        if let known = fallbackChanged[memo] { return known }
        var changed = sourcesChanged(name)
        if !changed, let target = head.manifest.target(named: name),
            let baseTarget = base.manifest.target(named: name)
        {
            for dependency in target.dependencyNames {
                let hasAtHead = head.manifest.target(named: dependency)?.action(named: action) != nil
                let hasAtBase = base.manifest.target(named: dependency)?.action(named: action) != nil
                if hasAtHead != hasAtBase || !baseTarget.dependencyNames.contains(dependency) {
                    changed = true
                } else if hasAtHead {
                    changed = actionChanged["\(dependency):\(action)"] ?? unknownIsChanged
                } else {
                    changed = fallback(dependency, action)
                }
                if changed { break }
            }
        }
        fallbackChanged[memo] = changed
        return changed
    }

    /// Whether a target's source key differs: its source definition or a changed file its srcs match.
    private mutating func sourcesChanged(_ name: String) -> Bool {
        if let known = sourcesChangedMemo[name] { return known }
        var changed = true
        if let target = head.manifest.target(named: name), let baseTarget = base.manifest.target(named: name) {
            changed = matched["\(name):"] != nil
                || (!identicalManifests && KeyDefinition.sources(of: target) != KeyDefinition.sources(of: baseTarget))
        }
        sourcesChangedMemo[name] = changed
        return changed
    }

    private func addSourceReasons(_ target: Target, _ baseTarget: Target, to set: inout ReasonSet) {
        set.manifest.formUnion(KeyDefinition.changedFields(
            from: KeyDefinition.sources(of: baseTarget), to: KeyDefinition.sources(of: target)))
        if let files = matched["\(target.name):"] { set.files.formUnion(files.map(repositoryPath)) }
    }

    // MARK: - Results

    /// The affected targets with their reasons, sorted by name.
    func affected() -> [AffectedTarget] {
        head.manifest.targets.compactMap { target in
            guard targetChanged[target.name] == true, let set = reasons[target.name] else { return nil }
            return AffectedTarget(
                name: target.name, kind: target.kind,
                path: RelativePath.join(head.rootInRepository, target.path), reasons: set.reasons)
        }
    }
}

/// Reasons collected for one target, rendered in a fixed order.
struct ReasonSet {
    var files = Set<String>()
    var dependencies = Set<String>()
    var manifest = Set<String>()
    var globals = Set<String>()
    var globalDefinitionChanged = false
    var added = false

    mutating func global(_ paths: [String], definitionChanged: Bool) {
        globals.formUnion(paths)
        if definitionChanged { manifest.insert("globals") }
    }

    var reasons: [AffectedReason] {
        var result: [AffectedReason] = []
        let byteOrder: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if !files.isEmpty { result.append(.files(files.sorted(by: byteOrder))) }
        for dependency in dependencies.sorted() { result.append(.dependency(dependency)) }
        if !manifest.isEmpty { result.append(.manifest(manifest.sorted())) }
        if !globals.isEmpty { result.append(.global(globals.sorted(by: byteOrder))) }
        if added { result.append(.added) }
        return result
    }
}
