import FleetInputs

/// One difference between a recorded key and the current one, as `fleet explain` names it.
public enum KeyChange: Hashable, Sendable {
    public enum FileChangeKind: String, Hashable, Sendable {
        case added, removed, modified
        /// Same content, other mode (the executable bit, a file turned into a symlink).
        case modeChanged = "mode changed"
    }

    public enum EnvChangeKind: String, Hashable, Sendable {
        /// Unset before, set now.
        case set
        /// Set before, unset now.
        case unset
        case changed
        /// Declared now, not before (or the reverse): the action's env list changed.
        case declared
        case undeclared
    }

    public enum NeedChangeKind: String, Hashable, Sendable {
        /// The needed action's key changed: run `fleet explain` on it to see why.
        case changed
        case added
        case removed
    }

    /// A manifest field of the action changed (`actions.build.run`, `deps`, `path`…).
    case definition(field: String, old: [String], new: [String])
    /// An input file (root-relative path); `global` for a file matched by `globals`.
    case file(path: String, kind: FileChangeKind, global: Bool)
    /// The `globals` patterns changed (the files they match may be the same).
    case globalsPatterns
    case env(name: String, kind: EnvChangeKind)
    case need(label: String, kind: NeedChangeKind)
    /// The key differs but none of its parts explains it: the key format changed (a fleet upgrade).
    case keyFormat
}

/// Compares two key records part by part.
public enum KeyComparison {
    /// What changed from `old` to `new`, in the order parts go into a key: manifest, inputs, globals, env, needs.
    /// Empty when the keys are equal.
    public static func changes(from old: KeyRecord, to new: KeyRecord) -> [KeyChange] {
        guard old.key != new.key else { return [] }
        var changes: [KeyChange] = []
        if old.components.manifest != new.components.manifest {
            var oldFields: [String: [String]] = [:]
            for field in old.definition { oldFields[field.name] = field.values }
            var newFields: [String: [String]] = [:]
            for field in new.definition { newFields[field.name] = field.values }
            for name in KeyDefinition.changedFields(from: old.definition, to: new.definition) {
                changes.append(.definition(field: name, old: oldFields[name] ?? [], new: newFields[name] ?? []))
            }
        }
        if old.components.sources != new.components.sources {
            changes += fileChanges(from: old.inputs, to: new.inputs, global: false)
        }
        if old.components.globals != new.components.globals {
            let files = fileChanges(from: old.globals, to: new.globals, global: true)
            changes += files.isEmpty ? [.globalsPatterns] : files
        }
        if old.components.env != new.components.env {
            var oldEnv: [String: EnvRecord] = [:]
            for record in old.env { oldEnv[record.name] = record }
            var newEnv: [String: EnvRecord] = [:]
            for record in new.env { newEnv[record.name] = record }
            for name in Set(oldEnv.keys).union(newEnv.keys).sorted() {
                switch (oldEnv[name], newEnv[name]) {
                case (nil, _?): changes.append(.env(name: name, kind: .declared))
                case (_?, nil): changes.append(.env(name: name, kind: .undeclared))
                case let (a?, b?) where a.value != b.value:
                    let kind: KeyChange.EnvChangeKind = a.value == nil ? .set : b.value == nil ? .unset : .changed
                    changes.append(.env(name: name, kind: kind))
                default: break
                }
            }
        }
        if old.components.deps != new.components.deps {
            var oldNeeds: [String: NeededKey] = [:]
            for need in old.needs { oldNeeds[need.label] = need }
            var newNeeds: [String: NeededKey] = [:]
            for need in new.needs { newNeeds[need.label] = need }
            for label in Set(oldNeeds.keys).union(newNeeds.keys).sorted() {
                switch (oldNeeds[label], newNeeds[label]) {
                case (nil, _?): changes.append(.need(label: label, kind: .added))
                case (_?, nil): changes.append(.need(label: label, kind: .removed))
                case let (a?, b?) where a.key != b.key: changes.append(.need(label: label, kind: .changed))
                default: break
                }
            }
        }
        return changes.isEmpty ? [.keyFormat] : changes
    }

    /// Added, removed, modified and re-moded files between two path-sorted lists.
    static func fileChanges(from old: [InputRecord], to new: [InputRecord], global: Bool) -> [KeyChange] {
        var oldByPath: [String: InputRecord] = [:]
        for record in old { oldByPath[record.path] = record }
        var newPaths = Set<String>()
        var changes: [KeyChange] = []
        for record in new {
            newPaths.insert(record.path)
            guard let previous = oldByPath[record.path] else {
                changes.append(.file(path: record.path, kind: .added, global: global))
                continue
            }
            if previous.digest != record.digest {
                changes.append(.file(path: record.path, kind: .modified, global: global))
            } else if previous.mode != record.mode {
                changes.append(.file(path: record.path, kind: .modeChanged, global: global))
            }
        }
        for record in old where !newPaths.contains(record.path) {
            changes.append(.file(path: record.path, kind: .removed, global: global))
        }
        return changes.sorted { a, b in
            guard case let .file(pa, _, _) = a, case let .file(pb, _, _) = b else { return false }
            return pa.utf8.lexicographicallyPrecedes(pb.utf8)
        }
    }
}
