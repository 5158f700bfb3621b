public import FleetBasics

/// Why a cache operation failed. Corrupt or missing cache content is never an error (it is a miss, see
/// ``CacheProblem``); these are failures of the environment or refusals to do something unsafe.
public enum CacheError: Error, Hashable, Sendable {
    /// A file-system call failed (cache directory not writable, disk full, target directory unreadable…).
    case fileSystem(FileSystemError)
    /// zstd refused to compress (out of memory, or the input changed size while being compressed).
    case compression(operation: String, message: String)
    /// A cached output path is absolute, not normalised, climbs out with `..`, or goes through a symlink.
    case unsafeOutputPath(path: String, reason: String)
    /// A symlink among the outputs points outside the target directory (or is absolute).
    case symlinkEscapes(path: String, target: String)
    /// An output matched by the patterns is neither a file nor a symlink (a FIFO, socket or device).
    case unsupportedOutputType(path: String, kind: String)
    /// Restoring would replace a directory with a file, or needs a directory where a file is.
    case outputConflict(path: String, reason: String)
    /// An output changed while it was being stored (is a process still writing it?).
    case outputChangedDuringCapture(path: String)
    /// The task was cancelled; nothing was left half-done.
    case cancelled

    static func io(_ path: String, _ operation: String, _ code: Int32) -> CacheError {
        .fileSystem(FileSystemError(path: path, operation: operation, errno: code))
    }
}

extension CacheError: CustomStringConvertible, DiagnosticConvertible {
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    public var diagnostics: [Diagnostic] {
        switch self {
        case let .fileSystem(error):
            return error.diagnostics
        case let .compression(operation, message):
            return [Diagnostic(.error, "cache compression failed in \(operation): \(message)")]
        case let .unsafeOutputPath(path, reason):
            return [
                Diagnostic(
                    .error, "refusing cached output '\(path)': \(reason)",
                    hint: "the cache entry may have been tampered with; run 'fleet cache verify'")
            ]
        case let .symlinkEscapes(path, target):
            return [
                Diagnostic(
                    .error, "output symlink '\(path)' points outside its target directory ('\(target)')",
                    hint: "outputs may only link within the target directory, with a relative path")
            ]
        case let .unsupportedOutputType(path, kind):
            return [Diagnostic(.error, "output '\(path)' is a \(kind); only files and symlinks can be cached")]
        case let .outputConflict(path, reason):
            return [
                Diagnostic(
                    .error, "cannot restore output '\(path)': \(reason)",
                    hint: "remove it, or run the action without the cache")
            ]
        case let .outputChangedDuringCapture(path):
            return [
                Diagnostic(
                    .error, "output '\(path)' changed while fleet stored it in the cache",
                    hint: "does the action leave a process running that still writes its outputs?")
            ]
        case .cancelled:
            return [Diagnostic(.error, "cancelled")]
        }
    }
}
