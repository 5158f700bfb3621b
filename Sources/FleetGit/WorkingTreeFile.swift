/// A file of the working tree as git sees it: tracked and present, or untracked and not ignored.
public struct WorkingTreeFile: Hashable, Sendable, CustomStringConvertible {
    /// Relative to the repository root, `/`-separated.
    public var path: String
    /// From `lstat` (symlinks are not followed); ``GitFileMode/gitlink`` for a checked-out submodule directory.
    public var mode: GitFileMode
    /// Whether the index tracks the path.
    public var isTracked: Bool
    /// The `lstat` the walk made of a regular file (it needs one for the executable bit), so that callers can
    /// skip a second one; nil for symlinks and submodules, whose type the directory entry gave.
    public var metadata: Metadata?

    /// The `stat` fields of a file, as the kernel reported them.
    public struct Metadata: Hashable, Sendable {
        public var size: Int64
        public var modificationSeconds: Int64
        public var modificationNanoseconds: Int64
        public var changeSeconds: Int64
        public var changeNanoseconds: Int64
        public var inode: UInt64
        /// The raw `st_mode` (type and permission bits).
        public var mode: UInt32

        public init(size: Int64, modificationSeconds: Int64, modificationNanoseconds: Int64, changeSeconds: Int64,
                    changeNanoseconds: Int64, inode: UInt64, mode: UInt32) {
            self.size = size
            self.modificationSeconds = modificationSeconds
            self.modificationNanoseconds = modificationNanoseconds
            self.changeSeconds = changeSeconds
            self.changeNanoseconds = changeNanoseconds
            self.inode = inode
            self.mode = mode
        }
    }

    public init(path: String, mode: GitFileMode, isTracked: Bool, metadata: Metadata? = nil) {
        self.path = path
        self.mode = mode
        self.isTracked = isTracked
        self.metadata = metadata
    }

    public var description: String { "\(mode) \(isTracked ? "tracked" : "untracked")\t\(path)" }
}

/// A directory the working-tree walk listed, with the `fstat` it made before reading the entries.
public struct WorkingTreeDirectory: Hashable, Sendable {
    /// Relative to the repository root, `/`-separated; empty for the root.
    public var path: String
    public var metadata: WorkingTreeFile.Metadata

    public init(path: String, metadata: WorkingTreeFile.Metadata) {
        self.path = path
        self.metadata = metadata
    }
}

/// One walk of the working tree: the files git sees (``GitRepository/workingTreeFiles()``) and every directory
/// that was listed to find them. Ignored directories and nested repositories are not listed (nothing in them can
/// be a file of the listing).
public struct WorkingTreeListing: Sendable {
    public var files: [WorkingTreeFile]
    public var directories: [WorkingTreeDirectory]

    public init(files: [WorkingTreeFile], directories: [WorkingTreeDirectory]) {
        self.files = files
        self.directories = directories
    }
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
