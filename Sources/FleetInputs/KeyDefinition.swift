public import FleetHashing
public import FleetManifest

/// One key-relevant field of the manifest in canonical form: `actions.build.run` → `["make build"]`.
public struct DefinitionField: Hashable, Sendable {
    /// A dotted name as users see it in reasons (`deps`, `actions.build.inputs`).
    public var name: String
    public var values: [String]

    public init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
    }
}

/// The parts of the manifest that can change what an action produces, after defaults, named sets and `//` are
/// resolved. Comments, formatting, key order, `description`, `image`, `timeout` and `cache` are not part of it:
/// they do not change an action's result.
///
/// Lists that are sets (`deps`, `needs`, `env`) are sorted; pattern lists keep their order, because a later `!`
/// entry only removes what earlier entries matched.
public enum KeyDefinition {
    /// The definition of one action.
    public static func action(_ action: Action, in target: Target) -> [DefinitionField] {
        let prefix = "actions.\(action.name)."
        return [
            DefinitionField("path", [target.path]),
            DefinitionField("deps", target.dependencyNames.sorted()),
            DefinitionField(prefix + "run", action.run.map { [$0] } ?? []),
            DefinitionField(prefix + "inputs", action.inputs.patterns),
            DefinitionField(prefix + "outputs", action.outputs.patterns),
            DefinitionField(prefix + "needs", action.needs.map(\.description).sorted()),
            DefinitionField(prefix + "env", action.env.sorted()),
        ]
    }

    /// The definition behind a target's source key: used for targets without actions and when a dependent's
    /// `^name` need falls back to the sources of a dependency that has no `name` action.
    public static func sources(of target: Target) -> [DefinitionField] {
        [
            DefinitionField("path", [target.path]),
            DefinitionField("deps", target.dependencyNames.sorted()),
            DefinitionField("srcs", target.srcs.patterns),
        ]
    }

    /// The fleet-wide `globals` patterns.
    public static func globals(of manifest: Manifest) -> [DefinitionField] {
        [DefinitionField("globals", manifest.globals.patterns)]
    }

    /// A fingerprint of fields, every name and value length-prefixed.
    public static func fingerprint(_ fields: [DefinitionField]) -> Fingerprint {
        var hasher = Fingerprinter()
        hasher.add(fields.count)
        for field in fields {
            hasher.add(field.name)
            hasher.add(field.values)
        }
        return hasher.finalize()
    }

    /// The names of the fields that differ between two definitions of the same thing, in field order.
    public static func changedFields(from old: [DefinitionField], to new: [DefinitionField]) -> [String] {
        var oldByName: [String: [String]] = [:]
        for field in old { oldByName[field.name] = field.values }
        var changed: [String] = []
        for field in new where oldByName[field.name] != field.values { changed.append(field.name) }
        let newNames = Set(new.map(\.name))
        for field in old where !newNames.contains(field.name) { changed.append(field.name) }
        return changed
    }
}
