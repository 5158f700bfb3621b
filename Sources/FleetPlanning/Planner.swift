import FleetBasics
public import FleetGraph
public import FleetInputs
import FleetManifest

/// Turns a request (`fleet run build test -t api`) into an ``ActionPlan``: which targets, which actions, what
/// they need, in which order, with their keys and priorities. Pure: reads nothing but its arguments.
public enum Planner {
    /// The targets a request selects: `-t` names (all checked at once, with did-you-mean), or every target; then
    /// only the affected ones when the request restricts them. Sorted.
    public static func selectTargets(_ request: PlanRequest, graph: TargetGraph) throws(PlanningError) -> [String] {
        var names = graph.names
        if let targets = request.targets {
            var seen = Set<String>()
            let unknown = targets.compactMap { graph.unknownTargetError(for: $0) }
            if !unknown.isEmpty {
                var unique: [GraphError] = []
                for error in unknown where !unique.contains(error) { unique.append(error) }
                throw .unknownTargets(unique)
            }
            names = targets.filter { seen.insert($0).inserted }.sorted()
        }
        if let allowed = request.restrictTo { names = names.filter(allowed.contains) }
        return names.sorted()
    }

    /// Checks the request's targets and actions against the fleet without planning anything: every `-t` name
    /// must be a target, and every requested action must be defined by at least one of them (by some target
    /// when no `-t` is given).
    public static func check(_ request: PlanRequest, graph: TargetGraph) throws(PlanningError) {
        let chosen = try selectTargets(PlanRequest(actions: request.actions, targets: request.targets), graph: graph)
        let manifest = graph.manifest
        let defined = Set(chosen.flatMap { manifest.target(named: $0)?.actionNames ?? [] })
        var seen = Set<String>()
        for name in request.actions where seen.insert(name).inserted && !defined.contains(name) {
            throw .unknownAction(
                name, suggestion: Suggestions.closest(to: name, in: defined), selection: chosen.count,
                available: defined.sorted())
        }
    }

    /// Plans a run.
    ///
    /// - Parameters:
    ///   - keys: keys of at least the selected targets and everything they depend on.
    ///   - environment: where the values of declared env vars come from.
    ///   - durations: the last known run time of actions, in seconds, for priorities; actions without one are
    ///     estimated at the mean of the known ones (1 s when none is known); group actions count 0.
    /// - Throws: ``PlanningError`` for unknown targets or actions, outputs outside their target directory, and
    ///   (in theory) cycles.
    public static func plan(
        _ request: PlanRequest, fleet: LoadedFleet, keys: KeySet, environment: [String: String],
        durations: [ActionReference: Double] = [:]
    ) throws(PlanningError) -> ActionPlan {
        let graph = fleet.graph
        let manifest = fleet.manifest
        // The requested actions must exist in the selection before --affected narrows it (an unaffected fleet
        // has nothing to do, which is not an error).
        try check(request, graph: graph)
        var requestedNames: [String] = []
        for name in request.actions where !requestedNames.contains(name) { requestedNames.append(name) }
        let selected = try selectTargets(request, graph: graph)

        // Roots, then everything they need.
        var roots = Set<ActionReference>()
        for name in selected {
            guard let target = manifest.target(named: name) else { continue }
            for action in requestedNames where target.action(named: action) != nil {
                roots.insert(ActionReference(target: name, action: action))
            }
        }
        var members = roots
        var stack = Array(roots)
        while let reference = stack.popLast() {
            for need in graph.needs(of: reference).actions where members.insert(need).inserted {
                stack.append(need)
            }
        }

        // Order: targets in dependency order, then each target's actions with own needs first. `^` needs point
        // to dependencies (earlier targets) and own needs to earlier actions, so needs always come first.
        var order: [ActionReference] = []
        order.reserveCapacity(members.count)
        let memberTargets = Set(members.map(\.target))
        for name in graph.topologicalOrder where memberTargets.contains(name) {
            for action in graph.actionOrder(of: name) {
                let reference = ActionReference(target: name, action: action)
                if members.contains(reference) { order.append(reference) }
            }
        }
        var position: [ActionReference: Int] = [:]
        position.reserveCapacity(order.count)
        for (i, reference) in order.enumerated() { position[reference] = i }

        var compiled: [[String]: GlobList] = [:]
        var actions: [PlannedAction] = []
        actions.reserveCapacity(order.count)
        for (i, reference) in order.enumerated() {
            guard let target = manifest.target(named: reference.target),
                let action = target.action(named: reference.action)
            else { throw .missingKey(reference) }
            guard let key = keys.key(target: reference.target, action: reference.action) else {
                throw .missingKey(reference)
            }
            var needs: [Int] = []
            for need in graph.needs(of: reference).actions {
                guard let index = position[need], index < i else { throw .actionCycle([reference, need, reference]) }
                needs.append(index)
            }
            let outputs = try relativeOutputs(of: action, in: target)
            let globs: GlobList
            if let cached = compiled[outputs] {
                globs = cached
            } else {
                do {
                    globs = try GlobList(patterns: outputs)
                } catch {
                    throw .invalidOutputPattern(
                        outputs.joined(separator: ", "), reason: "\(error)", at: action.outputs.locations.first ?? nil)
                }
                compiled[outputs] = globs
            }
            var values: [String: String] = [:]
            for name in action.env {
                if let value = environment[name] { values[name] = value }
            }
            actions.append(PlannedAction(
                label: reference, command: action.run,
                workingDirectory: manifest.workspace.absolutePath(forRootRelative: target.path),
                targetPath: target.path, environment: values, outputs: outputs, outputGlobs: globs, key: key,
                definition: KeyDefinition.action(action, in: target),
                timeout: action.timeout.flatMap(Self.duration), cacheable: action.cache, needs: needs,
                priority: 0, requested: roots.contains(reference), location: action.location,
                image: target.image?.repository))
        }
        assignPriorities(&actions, durations: durations)
        return ActionPlan(actions: actions, rootDirectory: manifest.workspace.rootDirectory, selectedTargets: selected)
    }

    /// Seconds as a `Duration`; nil for values no clock can reach (over 100 years: no limit), which would trap.
    public static func duration(_ seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds > 0 else { return nil }
        return seconds > 3.2e9 ? nil : .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// An action's output patterns relative to its target directory. Exclusions outside the directory are
    /// dropped (they cannot match anything there); inclusions outside it are errors.
    static func relativeOutputs(of action: Action, in target: Target) throws(PlanningError) -> [String] {
        var result: [String] = []
        for (i, pattern) in action.outputs.patterns.enumerated() {
            let negated = pattern.hasPrefix("!")
            let body = negated ? String(pattern.dropFirst()) : pattern
            let relative: String?
            let prefix = (target.path + "/").utf8
            if target.path.isEmpty {
                relative = body
            } else if body.utf8.starts(with: prefix), body.utf8.count > prefix.count {
                relative = String(body.utf8.dropFirst(prefix.count))
            } else {
                relative = nil
            }
            guard let relative else {
                if negated { continue }
                let location = i < action.outputs.locations.count ? action.outputs.locations[i] : nil
                throw .outputOutsideTarget(
                    pattern: pattern, action: ActionReference(target: target.name, action: action.name),
                    targetPath: target.path, at: location)
            }
            result.append(negated ? "!" + relative : relative)
        }
        return result
    }

    /// Longest remaining path, in estimated seconds, computed backwards over the dependency order.
    static func assignPriorities(_ actions: inout [PlannedAction], durations: [ActionReference: Double]) {
        let known = actions.compactMap { $0.isGroup ? nil : durations[$0.label] }.filter { $0.isFinite && $0 >= 0 }
        let estimate = known.isEmpty ? 1.0 : known.reduce(0, +) / Double(known.count)
        var longestAfter = [Double](repeating: 0, count: actions.count)
        for i in actions.indices.reversed() {
            let weight: Double
            if actions[i].isGroup {
                weight = 0
            } else if let duration = durations[actions[i].label], duration.isFinite, duration >= 0 {
                weight = duration
            } else {
                weight = estimate
            }
            let priority = weight + longestAfter[i]
            actions[i].priority = priority
            for need in actions[i].needs { longestAfter[need] = max(longestAfter[need], priority) }
        }
    }
}
