public import FleetBasics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The GitOps directory on disk: where its files are, which git repository holds it, and the rules every read and
/// write obeys (inside the directory, no `..`, no symbolic link leading out).
public struct GitOpsDirectory: Sendable {
    /// The absolute path of `gitops.dir`.
    public let path: String
    /// ``path`` with symbolic links resolved.
    public let realPath: String
    /// The working tree root of the git repository that contains the directory (found by walking up to a `.git`
    /// entry), or nil when there is none.
    public let repositoryRoot: String?

    /// - Throws: ``GitOpsError/directoryMissing(_:)`` when `path` is not a directory.
    public init(path: String, displayPath: String) throws(GitOpsError) {
        guard FileSystem.isDirectory(path), let real = FileSystem.realPath(path) else {
            throw .directoryMissing(displayPath)
        }
        self.path = path
        self.realPath = real
        self.repositoryRoot = Self.findRepositoryRoot(from: real)
    }

    /// The repository-relative path of a file given relative to the GitOps directory (shown in diffs and commits);
    /// relative to the GitOps directory itself when it is not in a repository.
    public func repositoryPath(_ relative: String) -> String {
        guard let root = repositoryRoot, let inside = RelativePath.relative(realPath.dropLeadingSlash, to:
            root.dropLeadingSlash) else { return relative }
        return RelativePath.join(inside, relative)
    }

    /// The absolute path of `relative`, after checking that it stays inside the directory: no `..` out of it, and
    /// no symbolic link on the way that leads out.
    public func absolute(_ relative: String) throws(GitOpsError) -> String {
        guard !relative.hasPrefix("/"), let normalized = RelativePath.normalize(relative), !normalized.isEmpty else {
            throw .pathEscapes(relative, directory: path)
        }
        let full = FileSystem.join(path, normalized)
        // The deepest existing ancestor (or the file itself) must resolve inside the directory.
        var probe = full
        while !FileSystem.exists(probe), probe != path { probe = FileSystem.parent(of: probe) }
        guard let resolved = FileSystem.realPath(probe),
              resolved == realPath || resolved.hasPrefix(realPath.hasSuffix("/") ? realPath : realPath + "/")
        else {
            throw .pathEscapes(relative, directory: path)
        }
        return full
    }

    /// The bytes of a file relative to the directory, or nil when it does not exist.
    public func read(_ relative: String) throws(GitOpsError) -> [UInt8]? {
        let full = try absolute(relative)
        do {
            return try FileSystem.readFile(full, limit: 64 * 1024 * 1024)
        } catch {
            if error.isNotFound { return nil }
            throw .unreadable(path: repositoryPath(relative), reason: error.reason)
        }
    }

    /// Writes a file atomically (creating its directories), keeping the old file's permission bits.
    public func write(_ bytes: [UInt8], to relative: String) throws {
        let full = try absolute(relative)
        try FileSystem.createDirectory(FileSystem.parent(of: full))
        // Re-check now that the directories exist: a symbolic link among them must not lead out.
        _ = try absolute(relative)
        let mode = FileSystem.permissions(of: full) ?? 0o644
        try FileSystem.writeAtomically(bytes, to: full, mode: mode)
    }

    /// Where the lock of this GitOps repository lives: inside its git directory when there is one (so it never
    /// shows as a change), else next to the files.
    public var lockPath: String {
        if let root = repositoryRoot, let gitDirectory = Self.gitDirectory(ofWorkingTree: root) {
            return FileSystem.join(gitDirectory, "fleet-gitops.lock")
        }
        return FileSystem.join(path, ".fleet-gitops.lock")
    }

    // MARK: - Finding the repository without git

    /// The nearest directory at or above `directory` that contains a `.git` entry.
    public static func findRepositoryRoot(from directory: String) -> String? {
        var current = directory
        while true {
            if FileSystem.exists(FileSystem.join(current, ".git")) { return current }
            let parent = FileSystem.parent(of: current)
            if parent == current || parent.isEmpty { return nil }
            current = parent
        }
    }

    /// The git directory of a working tree: `.git` itself, or where a `.git` file (`gitdir: …`, in linked working
    /// trees and submodules) points.
    static func gitDirectory(ofWorkingTree root: String) -> String? {
        let dotGit = FileSystem.join(root, ".git")
        if FileSystem.isDirectory(dotGit) { return dotGit }
        guard let text = try? FileSystem.readText(dotGit), text.hasPrefix("gitdir:") else { return nil }
        let target = String(text.dropFirst("gitdir:".count)).trimmingWhitespace()
        let absolute = FileSystem.absolute(target, relativeTo: root)
        return FileSystem.isDirectory(absolute) ? absolute : nil
    }
}

extension String {
    fileprivate var dropLeadingSlash: String { hasPrefix("/") ? String(dropFirst()) : self }
}

/// An exclusive lock held on a file with `flock`, released when the value is dropped (or the process ends).
///
/// Two fleet processes that edit one GitOps repository take it before reading the files they change and keep it
/// until they have written them, so neither loses the other's update.
public final class GitOpsLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Blocks until the lock at `path` is held (the file is created if needed).
    public static func acquire(_ path: String) throws(FileSystemError) -> GitOpsLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError(path: path, operation: "create the lock", errno: errno) }
        while flock(descriptor, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let failure = errno
            close(descriptor)
            throw FileSystemError(path: path, operation: "lock", errno: failure)
        }
        return GitOpsLock(descriptor: descriptor)
    }
}
