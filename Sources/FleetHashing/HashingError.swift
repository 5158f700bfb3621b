#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import FleetBasics

/// Why one file could not be hashed. Reported per file: a batch never fails because one file did.
public enum HashingError: Error, Hashable, Sendable {
    /// Nothing is at the path (any more): deleted or renamed, or a parent is not a directory.
    case vanished(path: String)
    case permissionDenied(path: String)
    /// A directory, FIFO, socket or device: only regular files and symlinks have content digests.
    case notAFile(path: String, kind: String)
    /// The file kept changing while it was read (three attempts), so no digest describes it.
    case changedWhileHashing(path: String)
    /// A path handed to ``WorkspaceHasher`` that is absolute, empty or not normalised (`a/../b`).
    case invalidPath(path: String)
    case readFailed(path: String, operation: String, errno: Int32)

    /// Classifies a failed system call.
    init(path: String, errno code: Int32, operation: String) {
        switch code {
        case ENOENT, ENOTDIR: self = .vanished(path: path)
        case EACCES, EPERM: self = .permissionDenied(path: path)
        default: self = .readFailed(path: path, operation: operation, errno: code)
        }
    }

    /// The file concerned.
    public var path: String {
        switch self {
        case let .vanished(path), let .permissionDenied(path), let .notAFile(path, _),
            let .changedWhileHashing(path), let .invalidPath(path), let .readFailed(path, _, _):
            path
        }
    }
}

extension HashingError: CustomStringConvertible, DiagnosticConvertible {
    public var description: String {
        switch self {
        case let .vanished(path): "\(path): file vanished while fleet was reading the workspace"
        case let .permissionDenied(path): "\(path): permission denied"
        case let .notAFile(path, kind): "\(path): is a \(kind), not a file or symlink"
        case let .changedWhileHashing(path): "\(path): the file kept changing while fleet hashed it"
        case let .invalidPath(path): "'\(path)': not a normalised workspace-relative path"
        case let .readFailed(path, operation, code): "\(path): cannot \(operation): \(String(cString: strerror(code)))"
        }
    }

    public var diagnostics: [Diagnostic] {
        let hint: String? =
            switch self {
            case .changedWhileHashing: "is a build or editor still writing it? run fleet again once it is done"
            case .permissionDenied: "fleet needs read access to every input file"
            default: nil
            }
        return [Diagnostic(.error, "cannot hash \(description)", hint: hint)]
    }
}
