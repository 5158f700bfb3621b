public import FleetBasics

/// A lib or a service of the fleet, with `defaults` applied and every pattern resolved to the root.
public struct Target: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Declared under `libs:`: shared code, never deployed.
        case lib
        /// Declared under `services:`: deployable, has an ``Target/image``.
        case service
    }

    /// The unique name (`[a-z0-9][a-z0-9._-]*`, at most 63 characters).
    public var name: String
    public var kind: Kind
    /// The target's directory relative to the root, normalised; `""` when the target is the root itself.
    public var path: String
    /// Free text for humans and `fleet graph`.
    public var description: String?
    /// The target's source files, root-relative, in the order written.
    public var srcs: PatternList
    /// Direct dependencies: sorted by name, unique, each with the location of its `deps` entry.
    public var deps: [Dependency]
    /// Environment variable names whose values are inputs of every action of the target: sorted, unique.
    public var env: [String]
    /// The container image of a service (defaults applied); nil for libs.
    public var image: Image?
    /// The target's actions after merging with `defaults`, sorted by name.
    public var actions: [Action]
    /// Where the target's name is written (its key under `libs:` or `services:`).
    public var location: SourceLocation?

    public init(name: String, kind: Kind, path: String, description: String? = nil, srcs: PatternList,
                deps: [Dependency] = [], env: [String] = [], image: Image? = nil, actions: [Action] = [],
                location: SourceLocation? = nil) {
        self.name = name
        self.kind = kind
        self.path = path
        self.description = description
        self.srcs = srcs
        self.deps = deps
        self.env = env
        self.image = image
        self.actions = actions
        self.location = location
    }

    /// The names of the direct dependencies, sorted.
    public var dependencyNames: [String] { deps.map(\.name) }

    /// The names of the actions, sorted.
    public var actionNames: [String] { actions.map(\.name) }

    /// The action called `name`, if the target defines it.
    public func action(named name: String) -> Action? {
        actions.first { $0.name == name }
    }

    /// One entry of `deps`.
    public struct Dependency: Hashable, Sendable, Comparable {
        /// The name of the lib or service depended on.
        public var name: String
        /// Where the entry was written.
        public var location: SourceLocation?

        public init(_ name: String, at location: SourceLocation? = nil) {
            self.name = name
            self.location = location
        }

        public static func < (lhs: Dependency, rhs: Dependency) -> Bool { lhs.name < rhs.name }

        /// Equal when the names are: the location is provenance, not identity.
        public static func == (lhs: Dependency, rhs: Dependency) -> Bool { lhs.name == rhs.name }

        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    /// Where a service's image is published.
    public struct Image: Hashable, Sendable {
        /// The image name; defaults to the service's name.
        public var name: String
        /// The registry: the image's own `registry`, else the top-level `registry`, else nil.
        public var registry: String?
        /// The full repository: `image.repository` when set, else `registry/name`, else `name`.
        public var repository: String

        public init(name: String, registry: String?, repository: String? = nil) {
            self.name = name
            self.registry = registry
            self.repository = repository ?? registry.map { "\($0)/\(name)" } ?? name
        }
    }
}
