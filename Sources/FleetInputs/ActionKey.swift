public import FleetHashing

/// The named parts an action key is made of, kept so that `fleet hash` and `fleet explain` can say what changed.
public struct KeyComponents: Hashable, Sendable, Codable {
    /// The action's resolved definition (``KeyDefinition``).
    public var manifest: Fingerprint
    /// Path, mode and content digest of every input file.
    public var sources: Fingerprint
    /// The `globals` patterns and the files they match.
    public var globals: Fingerprint
    /// The names and values of the declared environment variables.
    public var env: Fingerprint
    /// The keys of the actions this one needs (own and `^name` of dependencies).
    public var deps: Fingerprint

    public init(manifest: Fingerprint, sources: Fingerprint, globals: Fingerprint, env: Fingerprint,
                deps: Fingerprint) {
        self.manifest = manifest
        self.sources = sources
        self.globals = globals
        self.env = env
        self.deps = deps
    }
}

/// One input file as it went into a key.
public struct InputRecord: Hashable, Sendable, Codable {
    /// Root-relative path.
    public var path: String
    public var mode: FileMode
    public var digest: Fingerprint

    public init(path: String, mode: FileMode, digest: Fingerprint) {
        self.path = path
        self.mode = mode
        self.digest = digest
    }
}

/// A key this action's key depends on: another action's key, or the source key of a dependency that does not
/// define the needed action.
public struct NeededKey: Hashable, Sendable, Codable {
    /// `common:build`, or `contracts:build(sources)` for a dependency without a `build` action.
    public var label: String
    public var key: Fingerprint

    public init(label: String, key: Fingerprint) {
        self.label = label
        self.key = key
    }
}

/// An environment variable as it went into a key: its name and a fingerprint of its value (values may be
/// secrets, so they are never stored), or nil when unset.
public struct EnvRecord: Hashable, Sendable, Codable {
    public var name: String
    public var value: Fingerprint?

    public init(name: String, value: Fingerprint?) {
        self.name = name
        self.value = value
    }
}

/// The cache key of one action, with everything that went into it.
public struct ActionKey: Hashable, Sendable, Codable {
    public var target: String
    public var action: String
    public var key: Fingerprint
    public var components: KeyComponents
    /// The input files, sorted by path.
    public var inputs: [InputRecord]
    /// The global input files, sorted by path.
    public var globals: [InputRecord]
    /// Sorted by label.
    public var needs: [NeededKey]
    /// Sorted by name.
    public var env: [EnvRecord]

    public init(target: String, action: String, key: Fingerprint, components: KeyComponents,
                inputs: [InputRecord], globals: [InputRecord], needs: [NeededKey], env: [EnvRecord]) {
        self.target = target
        self.action = action
        self.key = key
        self.components = components
        self.inputs = inputs
        self.globals = globals
        self.needs = needs
        self.env = env
    }

    /// `target:action`.
    public var label: String { "\(target):\(action)" }
}

/// The keys of one target.
public struct TargetKeys: Hashable, Sendable {
    public var name: String
    /// The target's actions' keys, sorted by action name.
    public var actions: [ActionKey]
    /// One key for the whole target: over its action keys, or, for a target without actions, over its sources,
    /// the globals and its dependencies' target keys.
    public var key: Fingerprint

    public init(name: String, actions: [ActionKey], key: Fingerprint) {
        self.name = name
        self.actions = actions
        self.key = key
    }

    public func action(_ name: String) -> ActionKey? { actions.first { $0.action == name } }
}

/// The keys of a set of targets.
public struct KeySet: Sendable {
    public var targets: [String: TargetKeys]

    public init(targets: [String: TargetKeys] = [:]) { self.targets = targets }

    public subscript(target: String) -> TargetKeys? { targets[target] }

    public func key(target: String, action: String) -> ActionKey? { targets[target]?.action(action) }
}
