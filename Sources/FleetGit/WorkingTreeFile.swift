/// A file of the working tree as git sees it: tracked and present, or untracked and not ignored.
public struct WorkingTreeFile: Hashable, Sendable, CustomStringConvertible {
    /// Relative to the repository root, `/`-separated.
    public var path: String
    /// From `lstat` (symlinks are not followed); ``GitFileMode/gitlink`` for a checked-out submodule directory.
    public var mode: GitFileMode
    /// Whether the index tracks the path.
    public var isTracked: Bool

    public init(path: String, mode: GitFileMode, isTracked: Bool) {
        self.path = path
        self.mode = mode
        self.isTracked = isTracked
    }

    public var description: String { "\(mode) \(isTracked ? "tracked" : "untracked")\t\(path)" }
}

/// The state of one path in the working tree relative to `HEAD` and the index (see
/// ``GitRepository/status(ofPath:)``).
public enum PathStatus: String, Hashable, Sendable, CustomStringConvertible {
    /// Tracked, and the working tree and the index both match `HEAD`.
    case clean
    /// Tracked, with changes in the working tree that are not staged (possibly on top of staged ones), deleted
    /// from the working tree, or in a merge conflict.
    case modified
    /// Changes are staged in the index and the working tree matches the index.
    case staged
    /// Present in the working tree, not tracked and not ignored.
    case untracked
    /// Present, not tracked, and matched by `.gitignore`, `.git/info/exclude` or `core.excludesFile`.
    case ignored
    /// Neither tracked nor present.
    case absent

    /// Whether editing the file would mix fleet's change with the user's uncommitted work.
    public var isDirty: Bool { self == .modified || self == .staged || self == .untracked }

    public var description: String { rawValue }
}
