public import FleetManifest

/// Why a target is affected. Paths are relative to the repository root.
public enum AffectedReason: Hashable, Sendable {
    /// Input files of the target changed (added, modified, deleted, renamed, mode changed).
    case files([String])
    /// A direct dependency through which a change reaches the target.
    case dependency(String)
    /// Key-relevant fields of the target's definition changed (`actions.build.run`, `deps`, …).
    case manifest([String])
    /// Files matched by `globals` changed: every target is affected.
    case global([String])
    /// The target is new at head.
    case added

    /// The JSON `type`.
    public var type: String {
        switch self {
        case .files: "files"
        case .dependency: "dependency"
        case .manifest: "manifest"
        case .global: "global"
        case .added: "added"
        }
    }

    var order: Int {
        switch self {
        case .files: 0
        case .dependency: 1
        case .manifest: 2
        case .global: 3
        case .added: 4
        }
    }
}

/// One affected target and every reason it is affected.
public struct AffectedTarget: Hashable, Sendable {
    public var name: String
    public var kind: Target.Kind
    /// The target's directory relative to the repository root.
    public var path: String
    /// In a fixed order: files, dependencies (sorted), manifest, global, added.
    public var reasons: [AffectedReason]

    public init(name: String, kind: Target.Kind, path: String, reasons: [AffectedReason]) {
        self.name = name
        self.kind = kind
        self.path = path
        self.reasons = reasons
    }

    /// The direct dependencies named in `dependency` reasons.
    public var dependencyReasons: [String] {
        reasons.compactMap { if case .dependency(let name) = $0 { name } else { nil } }
    }
}

/// The answer to "what does this change affect?".
public struct AffectedReport: Sendable {
    /// The base commit (40 hex digits), or nil when the base is the empty tree (no commits yet).
    public var base: String?
    /// The head commit, or nil for the working tree.
    public var head: String?
    /// Set when fleet could not compute an exact answer and fell back (`--fallback all`): why.
    public var degraded: String?
    /// Sorted by name.
    public var affected: [AffectedTarget]
    /// Targets that exist at base but not at head, sorted.
    public var removed: [String]
    /// Every changed path between base and head (repository-relative, sorted), for `--verbose`.
    public var changedPaths: [String]
    /// `fast` (changed paths matched against inputs) or `exhaustive` (every key computed on both sides).
    public var method: String

    public init(base: String?, head: String?, degraded: String?, affected: [AffectedTarget], removed: [String],
                changedPaths: [String], method: String) {
        self.base = base
        self.head = head
        self.degraded = degraded
        self.affected = affected
        self.removed = removed
        self.changedPaths = changedPaths
        self.method = method
    }

    public func target(named name: String) -> AffectedTarget? { affected.first { $0.name == name } }
}
