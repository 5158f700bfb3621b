/// One file of a commit's tree: what `git ls-tree -r` prints per line.
public struct TreeEntry: Hashable, Sendable, CustomStringConvertible {
    /// Relative to the repository root, `/`-separated, no leading or trailing slash.
    public var path: String
    public var mode: GitFileMode
    /// The blob (for files and symlinks) or the submodule commit (for gitlinks).
    public var id: ObjectID

    public init(path: String, mode: GitFileMode, id: ObjectID) {
        self.path = path
        self.mode = mode
        self.id = id
    }

    /// `100644 <id>\tpath`, like `git ls-tree -r` without the object type.
    public var description: String { "\(mode) \(id)\t\(path)" }
}
