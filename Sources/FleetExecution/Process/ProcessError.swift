public import FleetBasics
import Glibc

/// Why a child process could not be started (or, rarely, could not be waited for).
///
/// These describe the spec and the system, not a source file, so they carry no ``SourceLocation``: the engine adds
/// the action's location when it wraps them.
public enum ProcessError: Error, Hashable, Sendable, CustomStringConvertible, DiagnosticConvertible {
    /// No file at the executable's path, or a bare name not found in the child's `PATH` (`searchPath`).
    case executableNotFound(String, searchPath: String?)
    /// The file exists but `exec` refused it (`EACCES`, `ENOEXEC`, a missing `#!` interpreter, …).
    case cannotExecute(String, errno: Int32)
    /// The working directory is missing, not a directory, or not searchable.
    case workingDirectoryUnusable(String, errno: Int32)
    /// A log file could not be created or truncated.
    case cannotOpenLog(String, errno: Int32)
    /// The spec itself is malformed (NUL bytes, a bad environment name, a non-positive timeout).
    case invalidSpec(String)
    /// The kernel refused to create the process (`EAGAIN` at the process limit, `ENOMEM`, …).
    case spawnFailed(String, errno: Int32)
    /// Another part of the program reaped the child (a `waitpid(-1, …)` elsewhere), so its status is lost.
    case childLost(processID: Int32)
    /// The C library lacks a call the runner needs.
    case unsupportedSystem(String)

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    public var diagnostics: [Diagnostic] {
        switch self {
        case .executableNotFound(let path, let searchPath?):
            let shown = searchPath.isEmpty ? "empty" : searchPath
            return [
                .error(
                    "cannot run '\(path)': not found in the child's PATH (\(shown))",
                    hint: "use an absolute path, or add the program's directory to the PATH the action gets")
            ]
        case .executableNotFound(let path, nil):
            return [.error("cannot run '\(path)': no such file")]
        case .cannotExecute(let path, let code):
            let hint: String? =
                switch code {
                case EACCES: "make sure it is a regular file with execute permission (chmod +x)"
                case ENOEXEC: "a script needs a first line naming its interpreter, such as #!/bin/sh"
                case ENOENT: "the file exists, so the interpreter on its #! line (or its dynamic loader) is missing"
                default: nil
                }
            return [.error("cannot run '\(path)': \(Self.reason(code))", hint: hint)]
        case .workingDirectoryUnusable(let path, let code):
            return [.error("cannot start a process in '\(path)': \(Self.reason(code))")]
        case .cannotOpenLog(let path, let code):
            return [.error("cannot open log file '\(path)': \(Self.reason(code))")]
        case .invalidSpec(let message):
            return [.error("invalid process specification: \(message)")]
        case .spawnFailed(let path, let code):
            let hint: String? =
                code == EAGAIN ? "the process or thread limit was reached; lower --jobs or raise `ulimit -u`" : nil
            return [.error("cannot start '\(path)': \(Self.reason(code))", hint: hint)]
        case .childLost(let pid):
            return InternalError("process \(pid) was reaped by someone else; its exit status is lost").diagnostics
        case .unsupportedSystem(let message):
            return [.error("this system cannot run processes the way fleet needs: \(message)")]
        }
    }

    static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
