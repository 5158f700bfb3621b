public import FleetBasics

/// A validated `fleet.yaml` (schema version 1): the typed model every later stage consumes.
///
/// Produced by ``ManifestLoader``. Invariants after a successful load: target names are unique across libs and
/// services, every dependency names an existing target, every own `need` names an action of its target, every
/// pattern compiles and stays inside the root. (Cycles are checked by `FleetGraph`.)
public struct Manifest: Hashable, Sendable {
    /// Where the manifest lives; ``Workspace/rootDirectory`` reflects `root:`.
    public var workspace: Workspace
    /// The schema version (always 1).
    public var version: Int
    /// The fleet's name: `name:` or the name of the directory holding the manifest.
    public var name: String
    /// `root:` as written, normalised, relative to the manifest's directory; `""` for the manifest's directory.
    public var root: String
    /// The default image registry, if any.
    public var registry: String?
    /// Inputs of every action of every target: root-relative patterns (named sets expanded).
    public var globals: PatternList
    /// The named input sets of `inputs:`, sorted by name, as written (their patterns are resolved where used).
    public var inputSets: [InputSet]
    /// Every lib and service, sorted by name.
    public var targets: [Target]
    /// The `defaults:` section as written, for documentation and `fleet explain`.
    public var defaults: Defaults
    /// The `gitops:` section, if written.
    public var gitops: GitOpsSettings?
    /// The `cache:` section: the local cache's size and age limits.
    public var cache: CacheSettings

    public init(workspace: Workspace, version: Int = 1, name: String, root: String = "", registry: String? = nil,
                globals: PatternList = .empty, inputSets: [InputSet] = [], targets: [Target],
                defaults: Defaults = Defaults(), gitops: GitOpsSettings? = nil, cache: CacheSettings = CacheSettings()) {
        self.workspace = workspace
        self.version = version
        self.name = name
        self.root = root
        self.registry = registry
        self.globals = globals
        self.inputSets = inputSets
        self.targets = targets.sorted { $0.name < $1.name }
        self.defaults = defaults
        self.gitops = gitops
        self.cache = cache
    }

    /// The target called `name`. - Complexity: O(log n).
    public func target(named name: String) -> Target? {
        var low = 0
        var high = targets.count
        while low < high {
            let middle = (low + high) / 2
            if targets[middle].name < name { low = middle + 1 } else { high = middle }
        }
        return low < targets.count && targets[low].name == name ? targets[low] : nil
    }

    /// The names of all targets, sorted.
    public var targetNames: [String] { targets.map(\.name) }

    public var libs: [Target] { targets.filter { $0.kind == .lib } }
    public var services: [Target] { targets.filter { $0.kind == .service } }

    /// The total number of actions over all targets.
    public var actionCount: Int { targets.reduce(0) { $0 + $1.actions.count } }

    /// Every declared output of every action: files matched here are never inputs.
    public var allOutputs: PatternList {
        targets.flatMap(\.actions).reduce(PatternList.empty) { $0 + $1.outputs }
    }

    /// A named input set of `inputs:`.
    public struct InputSet: Hashable, Sendable {
        public var name: String
        /// The entries as written (relative to whichever directory uses the set).
        public var patterns: [String]
        /// Where each entry is written.
        public var locations: [SourceLocation]
        /// Where the set's name is written.
        public var location: SourceLocation

        public init(name: String, patterns: [String], locations: [SourceLocation], location: SourceLocation) {
            self.name = name
            self.patterns = patterns
            self.locations = locations
            self.location = location
        }
    }

    /// The `defaults:` section as written: nil means "not set".
    public struct Defaults: Hashable, Sendable {
        public var srcs: [String]?
        public var env: [String]?
        /// Default actions by name, sorted by name.
        public var actions: [DefaultAction]

        public init(srcs: [String]? = nil, env: [String]? = nil, actions: [DefaultAction] = []) {
            self.srcs = srcs
            self.env = env
            self.actions = actions
        }
    }

    /// An action of `defaults.actions` as written; nil fields are not set.
    public struct DefaultAction: Hashable, Sendable {
        public var name: String
        public var run: String?
        public var inputs: [String]?
        public var outputs: [String]?
        public var needs: [String]?
        public var env: [String]?
        public var timeout: Double?
        public var cache: Bool?
        public var location: SourceLocation

        public init(name: String, run: String? = nil, inputs: [String]? = nil, outputs: [String]? = nil,
                    needs: [String]? = nil, env: [String]? = nil, timeout: Double? = nil, cache: Bool? = nil,
                    location: SourceLocation) {
            self.name = name
            self.run = run
            self.inputs = inputs
            self.outputs = outputs
            self.needs = needs
            self.env = env
            self.timeout = timeout
            self.cache = cache
            self.location = location
        }
    }
}
