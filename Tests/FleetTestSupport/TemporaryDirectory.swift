import FleetBasics
import Foundation

/// A fresh directory under the system temp dir, removed by ``remove()`` or by ``withTemporaryDirectory(_:)``.
public struct TemporaryDirectory: Sendable {
    /// The absolute, symlink-free path (so it compares equal to what git and realpath report).
    public let path: String

    public init(prefix: String = "fleet-test") throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FileSystemError(path: base, operation: "create a temporary directory in", errno: errno)
        }
        let raw = String(cString: created)
        path = FileSystem.realPath(raw) ?? raw
    }

    /// `path/relative`.
    public func appending(_ relative: String) -> String { FileSystem.join(path, relative) }

    /// Writes a file (creating parent directories), optionally executable.
    @discardableResult
    public func write(_ relative: String, _ content: String, executable: Bool = false) throws -> String {
        let full = appending(relative)
        try FileSystem.createDirectory(FileSystem.parent(of: full))
        try FileSystem.writeAtomically(Array(content.utf8), to: full, mode: executable ? 0o755 : 0o644, sync: false)
        return full
    }

    /// Writes several files at once: relative path → content.
    public func write(_ files: [String: String]) throws {
        for (relative, content) in files.sorted(by: { $0.key < $1.key }) { try write(relative, content) }
    }

    public func read(_ relative: String) throws -> String { try FileSystem.readText(appending(relative)) }

    public func remove() { try? FileSystem.removeTree(path) }
}

/// Runs `body` with a new temporary directory and removes it afterwards, whatever happens.
public func withTemporaryDirectory<T>(
    prefix: String = "fleet-test", _ body: (TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try await body(directory)
}
