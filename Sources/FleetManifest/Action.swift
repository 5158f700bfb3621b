public import FleetBasics

/// One action of a target after merging with `defaults` and resolving every pattern: what planning turns into a
/// command to run and what input hashing reads.
public struct Action: Hashable, Sendable {
    /// The action's name (`build`, `test`, …), unique within its target.
    public var name: String
    /// The name of the target that owns the action.
    public var target: String
    /// The shell command, run by `/bin/sh -c` in the target's directory; nil for a group action, which succeeds
    /// when its needs do.
    public var run: String?
    /// The files whose content is an input: root-relative patterns in the order written (named sets and `srcs`
    /// expanded). Defaults to the target's ``Target/srcs``. Files ignored by git and files matched by any declared
    /// output are excluded later, when the inputs are listed.
    public var inputs: PatternList
    /// The files the action produces, root-relative; cached and restored. Empty when none are declared.
    public var outputs: PatternList
    /// What must succeed before this action runs: sorted (own actions first, then `^` needs, each by name) and
    /// without duplicates.
    public var needs: [ActionNeed]
    /// Environment variable names whose values are inputs: the target's `env` plus the action's, sorted, unique.
    public var env: [String]
    /// The time limit in seconds, or nil for none.
    public var timeout: Double?
    /// False when results must never be stored in or restored from the cache.
    public var cache: Bool
    /// Where the action was declared: the target's `actions` entry, or the `defaults.actions` entry it inherits.
    public var location: SourceLocation?

    public init(name: String, target: String, run: String?, inputs: PatternList, outputs: PatternList = .empty,
                needs: [ActionNeed] = [], env: [String] = [], timeout: Double? = nil, cache: Bool = true,
                location: SourceLocation? = nil) {
        self.name = name
        self.target = target
        self.run = run
        self.inputs = inputs
        self.outputs = outputs
        self.needs = needs
        self.env = env
        self.timeout = timeout
        self.cache = cache
        self.location = location
    }

    /// True for an action without `run`.
    public var isGroup: Bool { run == nil }

    /// The names of the target's own actions this action needs.
    public var ownNeeds: [String] { needs.filter { $0.scope == .own }.map(\.action) }

    /// The action names this action needs on every direct dependency (`^name`).
    public var dependencyNeeds: [String] { needs.filter { $0.scope == .dependencies }.map(\.action) }
}

/// One entry of an action's `needs`.
public struct ActionNeed: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Scope: Int, Hashable, Sendable, Comparable {
        /// `name`: an action of the same target.
        case own
        /// `^name`: that action of every direct dependency that defines it.
        case dependencies

        public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var scope: Scope
    /// The needed action's name (without `^`).
    public var action: String
    /// Where the entry was written.
    public var location: SourceLocation?

    public init(_ scope: Scope, _ action: String, at location: SourceLocation? = nil) {
        self.scope = scope
        self.action = action
        self.location = location
    }

    /// `.own("build")`.
    public static func own(_ action: String, at location: SourceLocation? = nil) -> ActionNeed {
        ActionNeed(.own, action, at: location)
    }

    /// `.dependencies("build")`, written `^build`.
    public static func dependencies(_ action: String, at location: SourceLocation? = nil) -> ActionNeed {
        ActionNeed(.dependencies, action, at: location)
    }

    /// The entry as written: `build` or `^build`.
    public var description: String { scope == .own ? action : "^" + action }

    /// Own needs first, then `^` needs; by name within each.
    public static func < (lhs: ActionNeed, rhs: ActionNeed) -> Bool {
        (lhs.scope, lhs.action) < (rhs.scope, rhs.action)
    }

    /// Equal when scope and action are: the location is provenance, not identity (the same need written on
    /// another line is the same need).
    public static func == (lhs: ActionNeed, rhs: ActionNeed) -> Bool {
        lhs.scope == rhs.scope && lhs.action == rhs.action
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scope)
        hasher.combine(action)
    }
}
