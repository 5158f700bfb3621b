/// The kind of a file as git records it, normalised to the four modes git writes into trees.
///
/// Named `GitFileMode` (not `FileMode`) so that modules importing both FleetGit and FleetHashing see no clash.
public enum GitFileMode: UInt32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A regular file, `100644`.
    case regular = 0o100644
    /// A regular file with the executable bit, `100755`.
    case executable = 0o100755
    /// A symbolic link, `120000`; its content is the link target text.
    case symlink = 0o120000
    /// A submodule commit (gitlink), `160000`; its id is a commit in another repository.
    case gitlink = 0o160000

    /// Normalises a raw mode from a tree, the index or `lstat` the way git does: any regular file with the owner's
    /// executable bit is `100755`, every other regular file `100644`. Returns nil for directories and for kinds
    /// git cannot track (sockets, devices).
    public init?(normalizing raw: UInt32) {
        switch raw & 0o170000 {
        case 0o100000: self = raw & 0o100 != 0 ? .executable : .regular
        case 0o120000: self = .symlink
        case 0o160000: self = .gitlink
        default: return nil
        }
    }

    /// The six-digit octal form git prints (`100644`).
    public var description: String { String(rawValue, radix: 8) }

    /// Whether the content is a file's bytes (regular or executable), as opposed to a link target or a commit id.
    public var isRegularFile: Bool { self == .regular || self == .executable }
}
