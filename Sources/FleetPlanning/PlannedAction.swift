public import FleetBasics
public import FleetGraph
public import FleetHashing
public import FleetInputs

/// One action of an ``ActionPlan``: everything the scheduler needs to run it, restore it or skip it, as plain
/// values. Built by ``Planner``; nothing here touches the disk.
public struct PlannedAction: Sendable {
    /// `target:action`.
    public var label: ActionReference
    /// The shell command (`/bin/sh -c`), or nil for a group action, which succeeds when its needs do.
    public var command: String?
    /// The target's directory, absolute: where the command runs and what outputs are relative to.
    public var workingDirectory: String
    /// The target's directory relative to the root (`""` for the root itself).
    public var targetPath: String
    /// The declared environment variables (the target's `env` plus the action's) that are set, with their values.
    /// Unset variables are left out: the child does not get them, and the key records them as unset.
    public var environment: [String: String]
    /// The declared output patterns, relative to the target directory, in the order written (`!` exclusions
    /// kept): what capture matches against target-relative paths.
    public var outputs: [String]
    /// ``outputs`` compiled.
    public var outputGlobs: GlobList
    /// The cache key, with everything that went into it.
    public var key: ActionKey
    /// The action's resolved definition, as it went into ``key`` (for `fleet explain`).
    public var definition: [DefinitionField]
    /// The time limit, nil for none.
    public var timeout: Duration?
    /// `cache:` of the action: false means never looked up in or stored to the cache.
    public var cacheable: Bool
    /// Indices (into ``ActionPlan/actions``) of the actions that must succeed first; each is smaller than this
    /// action's own index.
    public var needs: [Int]
    /// Longest remaining path from this action to the end of the plan, this action included, in estimated
    /// seconds: the scheduler starts the ready action with the highest priority first.
    public var priority: Double
    /// True when the user asked for it; false when it is in the plan only because a requested action needs it.
    public var requested: Bool
    /// Where the action is declared in the manifest.
    public var location: SourceLocation?
    /// For actions of services: the service's image repository (`ghcr.io/acme/api-gateway`).
    public var image: String?

    public init(
        label: ActionReference, command: String?, workingDirectory: String, targetPath: String,
        environment: [String: String], outputs: [String], outputGlobs: GlobList, key: ActionKey,
        definition: [DefinitionField], timeout: Duration?, cacheable: Bool, needs: [Int], priority: Double,
        requested: Bool, location: SourceLocation?, image: String?
    ) {
        self.label = label
        self.command = command
        self.workingDirectory = workingDirectory
        self.targetPath = targetPath
        self.environment = environment
        self.outputs = outputs
        self.outputGlobs = outputGlobs
        self.key = key
        self.definition = definition
        self.timeout = timeout
        self.cacheable = cacheable
        self.needs = needs
        self.priority = priority
        self.requested = requested
        self.location = location
        self.image = image
    }

    /// True for an action without `run`.
    public var isGroup: Bool { command == nil }

    /// The key's fingerprint.
    public var fingerprint: Fingerprint { key.key }
}
