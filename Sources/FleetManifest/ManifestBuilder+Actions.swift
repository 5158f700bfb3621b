import FleetBasics

/// An action after the target's entry is merged over the default one, before its fields are resolved.
struct MergedAction {
    var name: String
    var action: RawAction
    /// The entry that declares it: the target's, or the default's when the target does not mention it.
    var location: SourceLocation
}

/// The actions of `defaults.actions`, which every target starts from: collected once.
struct DefaultActions {
    var byName: [String: MergedAction] = [:]
    /// The same actions, sorted by name.
    var sorted: [MergedAction] = []

    init(_ defaults: RawDefaults) {
        for entry in defaults.actions {
            guard let action = entry.action else { continue }
            byName[entry.name.value] = MergedAction(name: entry.name.value, action: action,
                                                    location: entry.name.location)
        }
        sorted = byName.values.sorted { $0.name < $1.name }
    }
}

extension ManifestBuilder {
    /// Merges the target's `actions` over `defaults.actions` by name, then field by field. `name: null` removes an
    /// inherited action; `actions: null` removes them all.
    func mergeActions(of target: RawTarget) -> (actions: [MergedAction], removed: [(String, SourceLocation)]) {
        var merged = defaultActions.byName
        var removed: [(String, SourceLocation)] = []
        switch target.actions {
        case .absent:
            return (defaultActions.sorted, [])
        case .null(let location):
            removed = merged.keys.sorted().map { ($0, location) }
            merged = [:]
        case .value(let entries):
            for entry in entries {
                let name = entry.name.value
                guard let action = entry.action else {
                    if merged.removeValue(forKey: name) != nil { removed.append((name, entry.name.location)) }
                    continue
                }
                let combined = merged[name].map { action.merged(over: $0.action) } ?? action
                merged[name] = MergedAction(name: name, action: combined, location: entry.name.location)
            }
        }
        return (merged.values.sorted { $0.name < $1.name }, removed)
    }

    /// Resolves one merged action's fields.
    mutating func buildAction(_ merged: MergedAction, target: String, path: String, srcs: PatternList,
                              targetEnv: [String], ownActions: [String], allActions: Set<String>) -> Action {
        let action = merged.action
        let inputs: PatternList
        if case .value(let entries) = action.inputs {
            inputs = expand(entries, in: path, context: .inputs(srcs))
        } else if action.run.value?.value == nil {
            // A group action runs nothing, so by default no file is its input: its key is its needs.
            inputs = .empty
        } else {
            inputs = srcs
        }
        var outputs = PatternList.empty
        if case .value(let entries) = action.outputs { outputs = expand(entries, in: path, context: .outputs) }

        var needs: [ActionNeed] = []
        let needEntries = action.needs.value ?? []
        needs.reserveCapacity(needEntries.count)
        for (index, entry) in needEntries.enumerated() {
            let text = entry.value.trimmingWhitespace()
            // An action has a few needs: looking back is cheaper than a set of the ones seen.
            guard !needEntries[..<index].contains(where: { $0.value.trimmingWhitespace() == text }) else { continue }
            if text.hasPrefix("^") {
                let name = String(text.dropFirst())
                if name.isEmpty || name.hasPrefix("^") {
                    problems.append(.invalidNeed(entry.value, at: entry.location))
                } else if !allActions.contains(name) {
                    problems.append(.unknownDependencyAction(
                        name, suggestion: Suggestions.closest(to: name, in: allActions), at: entry.location))
                } else {
                    needs.append(.dependencies(name, at: entry.location))
                }
            } else if text.isEmpty {
                problems.append(.invalidNeed(entry.value, at: entry.location))
            } else if !ownActions.contains(text) {
                ownNeedFailures.append(OwnNeedFailure(
                    need: Located(text, at: entry.location), action: merged.name, target: target,
                    suggestion: Suggestions.closest(to: text, in: ownActions),
                    removedAt: removals[target]?[text]))
            } else {
                needs.append(.own(text, at: entry.location))
            }
        }
        let actionEnv = envNames(action.env.value ?? [])
        // `targetEnv` is sorted and unique already.
        let env = actionEnv.isEmpty ? targetEnv : Set(targetEnv).union(actionEnv).sorted()
        return Action(
            name: merged.name, target: target, run: action.run.value?.value, inputs: inputs, outputs: outputs,
            needs: needs.count > 1 ? needs.sorted() : needs, env: env, timeout: action.timeout.value?.value,
            cache: action.cache.value?.value ?? true, location: merged.location)
    }

    /// One diagnostic per `needs` entry, naming every target that lacks the action (an entry in `defaults` is
    /// inherited by many targets).
    mutating func reportOwnNeedFailures() {
        struct Key: Hashable {
            var location: SourceLocation
            var need: String
            var action: String
        }
        var order: [Key] = []
        var groups: [Key: [OwnNeedFailure]] = [:]
        for failure in ownNeedFailures {
            let key = Key(location: failure.need.location, need: failure.need.value, action: failure.action)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(failure)
        }
        for key in order {
            let failures = groups[key] ?? []
            let suggestions = Set(failures.map(\.suggestion))
            problems.append(.unknownOwnAction(
                need: key.need, action: key.action, targets: failures.map(\.target).sorted(),
                suggestion: suggestions.count == 1 ? failures.first?.suggestion : nil,
                removedAt: failures.count == 1 ? failures.first?.removedAt : nil, at: key.location))
        }
    }
}
