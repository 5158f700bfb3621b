import FleetBasics

extension ManifestBuilder {
    /// Validates names, clashes, paths, dependencies, env and images, merges actions with defaults, and returns the
    /// targets sorted by name.
    mutating func buildTargets() -> [Target] {
        // Names: one target per name; a service that reuses a lib's name is reported and dropped.
        var chosen: [RawTarget] = []
        chosen.reserveCapacity(raw.targets.count)
        var firstDefined: [String: SourceLocation] = [:]
        firstDefined.reserveCapacity(raw.targets.count)
        for target in raw.targets {
            let name = target.name.value
            if !NameRules.isValidName(name) {
                problems.append(.invalidTargetName(name, suggestion: NameRules.suggestedName(for: name),
                                                   at: target.name.location))
            }
            if let existing = firstDefined[name] {
                problems.append(.nameClash(name, at: target.name.location, libAt: existing))
                continue
            }
            firstDefined[name] = target.name.location
            chosen.append(target)
        }
        let allNames = Set(firstDefined.keys)

        // Actions first, because `^name` needs are checked against every target's actions.
        var mergedActions: [[MergedAction]] = []  // parallel to `chosen`
        mergedActions.reserveCapacity(chosen.count)
        var allActionNames = Set<String>()
        var hasDefaultActionNames = false
        for target in chosen {
            let merged = mergeActions(of: target)
            mergedActions.append(merged.actions)
            // A target without `actions:` has exactly the default actions: add their names once.
            if !target.actions.isAbsent || !hasDefaultActionNames {
                allActionNames.formUnion(merged.actions.map(\.name))
                hasDefaultActionNames = hasDefaultActionNames || target.actions.isAbsent
            }
            for (name, location) in merged.removed { removals[target.name.value, default: [:]][name] = location }
        }

        validateDefaults(allActionNames: allActionNames)

        var targets: [Target] = []
        for (raw, targetActions) in zip(chosen, mergedActions) {
            let name = raw.name.value
            let path = buildPath(of: raw)
            let srcsEntries: [Located<String>]
            switch raw.srcs.overriding(self.raw.defaults.srcs) {
            case .value(let entries): srcsEntries = entries
            case .absent, .null: srcsEntries = [Located("**", at: raw.name.location)]
            }
            let srcs = expand(srcsEntries, in: path, context: .srcs)
            let env = envNames(raw.env.overriding(self.raw.defaults.env).value ?? [])
            let ownActions = targetActions.map(\.name)
            let actions = targetActions.map { merged in
                buildAction(merged, target: name, path: path, srcs: srcs, targetEnv: env, ownActions: ownActions,
                            allActions: allActionNames)
            }
            targets.append(Target(
                name: name, kind: raw.kind, path: path, description: raw.description, srcs: srcs,
                deps: dependencies(of: raw, allNames: allNames), env: env, image: image(of: raw), actions: actions,
                location: raw.name.location))
        }
        return targets.sorted { $0.name < $1.name }
    }

    /// Checks `defaults` where it is written, so that a mistake is reported even when no target inherits it.
    /// (Problems found again through a target are the same diagnostics and are removed as duplicates.)
    private mutating func validateDefaults(allActionNames: Set<String>) {
        let defaults = raw.defaults
        _ = envNames(defaults.env.value ?? [])
        _ = expand(defaults.srcs.value ?? [], in: "", context: .srcs, reportEscapes: false)
        for entry in defaults.actions {
            guard let action = entry.action else { continue }
            _ = envNames(action.env.value ?? [])
            _ = expand(action.inputs.value ?? [], in: "", context: .inputs(.empty), reportEscapes: false)
            _ = expand(action.outputs.value ?? [], in: "", context: .outputs, reportEscapes: false)
            for need in action.needs.value ?? [] where need.value.hasPrefix("^") {
                let name = String(need.value.dropFirst())
                if name.isEmpty || name.hasPrefix("^") {
                    problems.append(.invalidNeed(need.value, at: need.location))
                } else if !allActionNames.contains(name) {
                    problems.append(.unknownDependencyAction(
                        name, suggestion: Suggestions.closest(to: name, in: allActionNames), at: need.location))
                }
            }
        }
    }

    private mutating func buildPath(of target: RawTarget) -> String {
        guard let written = target.path else { return "" }
        if written.value.hasPrefix("/") {
            problems.append(.absolutePath(key: "path", written.value, at: written.location))
            return ""
        }
        guard let normalized = RelativePath.normalize(written.value) else {
            problems.append(.pathOutsideRoot(key: "path", written.value, at: written.location))
            return ""
        }
        if checkPathsOnDisk, rootIsUsable {
            _ = checkDirectory(key: "path", written: written,
                               absolute: workspace.absolutePath(forRootRelative: normalized),
                               parentForSuggestion: workspace.rootDirectory, normalized: normalized)
        }
        return normalized
    }

    private mutating func dependencies(of target: RawTarget, allNames: Set<String>) -> [Target.Dependency] {
        // `deps` lists are short: a repeated name is found by comparing; long lists hash.
        let hashesNames = target.deps.count > 16
        var seen: [String: SourceLocation] = [:]
        var result: [Target.Dependency] = []
        result.reserveCapacity(target.deps.count)
        func firstLocation(of name: String) -> SourceLocation? {
            hashesNames ? seen[name] : result.first { $0.name == name }?.location
        }
        for entry in target.deps {
            let name = entry.value
            if name == target.name.value {
                problems.append(.selfDependency(name, at: entry.location))
            } else if let first = firstLocation(of: name) {
                problems.append(.duplicateDependency(name, at: entry.location, first: first))
            } else if !allNames.contains(name) {
                problems.append(.unknownDependency(
                    name, target: target.name.value,
                    suggestion: Suggestions.closest(to: name, in: allNames.subtracting([target.name.value])),
                    at: entry.location))
            } else {
                if hashesNames { seen[name] = entry.location }
                result.append(Target.Dependency(name, at: entry.location))
            }
        }
        result.sort()
        return result
    }

    mutating func envNames(_ entries: [Located<String>]) -> [String] {
        if entries.isEmpty { return [] }
        if entries.count == 1, NameRules.isValidEnvName(entries[0].value) { return [entries[0].value] }
        var names = Set<String>()
        for entry in entries {
            if NameRules.isValidEnvName(entry.value) {
                names.insert(entry.value)
            } else {
                problems.append(.invalidEnvName(entry.value, at: entry.location))
            }
        }
        return names.sorted()
    }

    private func image(of target: RawTarget) -> Target.Image? {
        guard target.kind == .service else { return nil }
        let image = target.image
        let fleetRegistry = raw.registry.flatMap { $0.value.isEmpty ? nil : $0.value }
        return Target.Image(name: image?.name?.value ?? target.name.value,
                            registry: image?.registry?.value ?? fleetRegistry, repository: image?.repository?.value)
    }
}
