public import FleetBasics
public import FleetManifest

/// The dependency graph of a manifest's targets, or of a subset of them.
///
/// Nodes are numbered in name order, so every tie is broken by name and every result is deterministic. Immutable
/// and `Sendable`; building it is O(targets + deps).
public struct TargetGraph: Sendable {
    /// The manifest the graph was built from (all targets, also those outside a subgraph).
    public let manifest: Manifest
    /// The targets of this graph, sorted by name.
    public let names: [String]
    /// Deps before dependents, ties by name. With cycles (only possible through ``init(uncheckedManifest:)``),
    /// targets on cycles come last, by name.
    public let topologicalOrder: [String]

    private let index: [String: Int]
    private let members: [Bool]
    /// Direct dependencies and dependents over the whole manifest, by node.
    private let forward: [[Int]]
    private let backward: [[Int]]

    /// Builds the graph and checks it: dependency cycles and action-level `needs` cycles.
    /// - Throws: ``DiagnosticsError`` with one diagnostic per cycle.
    public init(manifest: Manifest) throws(DiagnosticsError) {
        self.init(uncheckedManifest: manifest)
        let problems = cycleErrors()
        if !problems.isEmpty {
            throw DiagnosticsError(ManifestLoader.sortedDiagnostics(problems.flatMap(\.diagnostics)))
        }
    }

    /// Builds the graph without checking for cycles (for a partial manifest, or to report cycles with
    /// ``cycleErrors()``).
    public init(uncheckedManifest manifest: Manifest) {
        let targets = manifest.targets
        var index: [String: Int] = [:]
        index.reserveCapacity(targets.count)
        for (i, target) in targets.enumerated() { index[target.name] = i }
        var forward = Array(repeating: [Int](), count: targets.count)
        var backward = Array(repeating: [Int](), count: targets.count)
        for (i, target) in targets.enumerated() {
            for dependency in target.deps {
                guard let j = index[dependency.name] else { continue }
                forward[i].append(j)
                backward[j].append(i)
            }
        }
        for i in backward.indices { backward[i].sort() }
        self.init(manifest: manifest, index: index, members: Array(repeating: true, count: targets.count),
                  forward: forward, backward: backward)
    }

    private init(manifest: Manifest, index: [String: Int], members: [Bool], forward: [[Int]], backward: [[Int]]) {
        self.manifest = manifest
        self.index = index
        self.members = members
        self.forward = forward
        self.backward = backward
        let targets = manifest.targets
        names = targets.indices.filter { members[$0] }.map { targets[$0].name }
        topologicalOrder = GraphAlgorithms.topologicalOrder(count: targets.count, edges: forward, members: members)
            .map { targets[$0].name }
    }

    // MARK: - Queries

    /// Whether `name` is a target of this graph.
    public func contains(_ name: String) -> Bool {
        guard let i = index[name] else { return false }
        return members[i]
    }

    /// The target called `name`, if it is in this graph.
    public func target(named name: String) -> Target? {
        guard let i = index[name], members[i] else { return nil }
        return manifest.targets[i]
    }

    /// Direct dependencies of `name` within this graph, sorted.
    public func dependencies(of name: String) -> [String] {
        guard let i = index[name], members[i] else { return [] }
        return forward[i].filter { members[$0] }.sorted().map { manifest.targets[$0].name }
    }

    /// Direct dependents of `name` within this graph, sorted.
    public func dependents(of name: String) -> [String] {
        guard let i = index[name], members[i] else { return [] }
        return backward[i].filter { members[$0] }.map { manifest.targets[$0].name }
    }

    /// Every target reachable from `names` through deps, excluding `names` themselves unless reached through a
    /// cycle; sorted. Unknown names are ignored.
    public func transitiveDependencies(of names: some Sequence<String>) -> [String] {
        reach(from: names, edges: forward)
    }

    /// Every target that reaches one of `names` through deps (their transitive dependents); sorted.
    public func transitiveDependents(of names: some Sequence<String>) -> [String] {
        reach(from: names, edges: backward)
    }

    /// `names` plus, on request, their transitive dependencies and/or dependents; sorted.
    public func closure(of names: some Sequence<String>, dependencies: Bool, dependents: Bool) -> [String] {
        let selected = names.filter { contains($0) }
        var result = Set(selected)
        if dependencies { result.formUnion(transitiveDependencies(of: selected)) }
        if dependents { result.formUnion(transitiveDependents(of: selected)) }
        return result.sorted()
    }

    /// The graph induced by `names` (edges between them only). Unknown names are ignored.
    public func subgraph(_ names: some Sequence<String>) -> TargetGraph {
        var members = Array(repeating: false, count: manifest.targets.count)
        for name in names {
            if let i = index[name], self.members[i] { members[i] = true }
        }
        return TargetGraph(manifest: manifest, index: index, members: members, forward: forward, backward: backward)
    }

    /// Checks a name given by a user: nil when known, else the error with a did-you-mean suggestion.
    public func unknownTargetError(for name: String) -> GraphError? {
        if contains(name) { return nil }
        return .unknownTarget(name, suggestion: Suggestions.closest(to: name, in: names))
    }

    private func reach(from names: some Sequence<String>, edges: [[Int]]) -> [String] {
        var visited = Array(repeating: false, count: manifest.targets.count)
        var stack: [Int] = []
        for name in names {
            guard let i = index[name], members[i] else { continue }
            stack.append(contentsOf: edges[i].filter { members[$0] })
        }
        while let node = stack.popLast() {
            guard !visited[node] else { continue }
            visited[node] = true
            stack.append(contentsOf: edges[node].filter { members[$0] && !visited[$0] })
        }
        return visited.indices.filter { visited[$0] }.map { manifest.targets[$0].name }
    }

    // MARK: - Cycles

    /// Every dependency cycle (one per strongly connected component) and every action `needs` cycle.
    public func cycleErrors() -> [GraphError] {
        var errors: [GraphError] = []
        let targets = manifest.targets
        for component in GraphAlgorithms.cyclicComponents(count: targets.count, edges: forward) {
            let set = Set(component)
            let cycle = GraphAlgorithms.cycle(through: component[0], within: set, edges: forward)
            let edges = zip(cycle, cycle.dropFirst()).map { from, to in
                targets[from].deps.first { $0.name == targets[to].name }?.location
            }
            let others = component.filter { !cycle.contains($0) }.map { targets[$0].name }
            errors.append(.dependencyCycle(cycle: cycle.map { targets[$0].name }, edges: edges, others: others))
        }
        for target in targets {
            errors += actionCycleErrors(in: target)
        }
        return errors
    }

    private func actionCycleErrors(in target: Target) -> [GraphError] {
        let actions = target.actions
        // A target has a handful of actions: looking names up by a linear scan is cheaper than hashing them. The
        // last action of a name wins, as it would in a dictionary built in order.
        func action(named name: String) -> Int? { actions.lastIndex { $0.name == name } }
        func hasEdges(_ index: Int) -> Bool {
            actions[index].needs.contains { $0.scope == .own && action(named: $0.action) != nil }
        }
        // The usual shape (`test` and `scan` need `build`, which needs no own action) cannot have a cycle: every
        // edge ends at an action without edges. That is checked without building the edges.
        let hasNoCycle = actions.indices.allSatisfy { index in
            actions[index].needs.allSatisfy { need in
                guard need.scope == .own, let to = action(named: need.action) else { return true }
                return !hasEdges(to)
            }
        }
        if hasNoCycle { return [] }
        let edges = actions.indices.map { index in
            actions[index].needs.compactMap { $0.scope == .own ? action(named: $0.action) : nil }
        }
        return GraphAlgorithms.cyclicComponents(count: actions.count, edges: edges).map { component in
            let cycle = GraphAlgorithms.cycle(through: component[0], within: Set(component), edges: edges)
            let locations = zip(cycle, cycle.dropFirst()).map { from, to in
                actions[from].needs.first { $0.scope == .own && $0.action == actions[to].name }?.location
            }
            return .actionCycle(target: target.name, cycle: cycle.map { actions[$0].name }, edges: locations,
                                others: component.filter { !cycle.contains($0) }.map { actions[$0].name })
        }
    }
}
