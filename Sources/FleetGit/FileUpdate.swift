/// A change to one path in a commit built by
/// ``GitRepository/commit(files:onto:message:author:committer:branch:update:allowCheckedOutBranch:allowEmpty:)``.
public enum FileUpdate: Hashable, Sendable {
    /// Write these bytes with this mode. For ``GitFileMode/symlink`` the bytes are the link target.
    /// ``GitFileMode/gitlink`` is not accepted (fleet does not write submodule pointers).
    case write([UInt8], mode: GitFileMode = .regular)
    /// Remove the path; removing a path that does not exist is not an error.
    case delete

    /// A regular file with UTF-8 text.
    public static func text(_ text: String, mode: GitFileMode = .regular) -> FileUpdate {
        .write(Array(text.utf8), mode: mode)
    }
}
