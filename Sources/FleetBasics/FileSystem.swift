#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file-system call, with the path and the C library's reason.
public struct FileSystemError: Error, Hashable, Sendable, CustomStringConvertible, DiagnosticConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    public var reason: String { String(cString: strerror(errno)) }
    public var description: String { "\(path): cannot \(operation): \(reason)" }
    public var diagnostics: [Diagnostic] { [Diagnostic(.error, "cannot \(operation) '\(path)': \(reason)")] }
    public var isNotFound: Bool { errno == ENOENT || errno == ENOTDIR }
}

/// Thin, allocation-conscious wrappers over POSIX file calls, with typed errors.
///
/// fleet uses these rather than `FileManager` on its hot paths: they avoid bridging and report `errno` precisely.
public enum FileSystem {
    public enum Kind: Sendable, Equatable {
        case file, directory, symlink, other
    }

    /// The kind of the entry at `path` without following a final symlink, or nil when nothing is there.
    public static func kind(of path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    public static func exists(_ path: String) -> Bool { kind(of: path) != nil }

    /// Whether `path` is a directory, following symlinks.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a whole file.
    /// - Parameter limit: refuse files larger than this many bytes (protects against reading a huge file by
    ///   mistake); nil for no limit.
    public static func readFile(_ path: String, limit: Int? = nil) throws(FileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, operation: "read", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileSystemError(path: path, operation: "read", errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileSystemError(path: path, operation: "read", errno: EISDIR) }
        let size = Int(info.st_size)
        if let limit, size > limit { throw FileSystemError(path: path, operation: "read", errno: EFBIG) }
        // One spare byte: a file still at its stat size then hits EOF without growing the buffer.
        var buffer = [UInt8](repeating: 0, count: max(size, 0) + 1)
        var filled = 0
        // st_size can be 0 for special files; keep reading until EOF.
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: max(4096, filled)) }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            filled += n
            if let limit, filled > limit { throw FileSystemError(path: path, operation: "read", errno: EFBIG) }
        }
        buffer.removeSubrange(filled...)
        return buffer
    }

    /// Reads a whole file as UTF-8 text (invalid bytes are replaced).
    public static func readText(_ path: String) throws(FileSystemError) -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync'd, then renamed over the
    /// destination. Readers see the old content or the new one, never a mix or a truncated file.
    /// - Parameter mode: permission bits of the new file.
    public static func writeAtomically(_ bytes: some Collection<UInt8>, to path: String, mode: UInt32 = 0o644,
                                       sync: Bool = true) throws(FileSystemError) {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw FileSystemError(path: path, operation: "write", errno: errno) }
        var failure: Int32 = 0
        let written = bytes.withContiguousStorageIfAvailable { writeAll(fd, UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { writeAll(fd, $0) }
        if !written { failure = errno }
        if failure == 0, fchmod(fd, mode_t(mode)) != 0 { failure = errno }
        if failure == 0, sync, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw FileSystemError(path: path, operation: "write", errno: failure)
        }
    }

    /// Writes text atomically as UTF-8.
    public static func writeAtomically(text: String, to path: String, mode: UInt32 = 0o644) throws(FileSystemError) {
        try writeAtomically(Array(text.utf8), to: path, mode: mode)
    }

    /// A unique sibling path for a temporary file: same directory, so the final rename is atomic.
    public static func temporaryPath(for path: String) -> String {
        let directory = parent(of: path)
        let name = basename(of: path)
        let unique = "\(getpid())-\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF)"
        return join(directory, ".\(name).tmp-\(unique)")
    }

    /// Creates `path` and its missing parents. Succeeds when it already exists as a directory (also when another
    /// process made it meanwhile); anything else in the way, at `path` or a parent, is `ENOTDIR` for that path.
    public static func createDirectory(_ path: String, mode: UInt32 = 0o755) throws(FileSystemError) {
        if isDirectory(path) { return }
        let parentPath = parent(of: path)
        if parentPath != path, !parentPath.isEmpty, !isDirectory(parentPath) {
            try createDirectory(parentPath, mode: mode)
        }
        if mkdir(path, mode_t(mode)) != 0 {
            let code = errno
            if code == EEXIST, isDirectory(path) { return }
            throw FileSystemError(path: path, operation: "create directory", errno: code == EEXIST ? ENOTDIR : code)
        }
    }

    /// Creates `path` (and its parents) if needed, then proves that files can be created in it by creating and
    /// removing an empty one: permissions, a read-only mount, a full inode table and a path through a regular file
    /// all fail here, with the reason, rather than later in the middle of the work.
    public static func ensureWritableDirectory(_ path: String) throws(FileSystemError) {
        try createDirectory(path)
        let probe = temporaryPath(for: join(path, "probe"))
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileSystemError(path: path, operation: "create files in", errno: errno) }
        close(fd)
        unlink(probe)
    }

    /// Removes a file or a whole directory tree. Succeeds when nothing is there.
    public static func removeTree(_ path: String) throws(FileSystemError) {
        guard let kind = kind(of: path) else { return }
        if kind == .directory {
            for name in try listDirectory(path) { try removeTree(join(path, name)) }
            if rmdir(path) != 0, errno != ENOENT {
                throw FileSystemError(path: path, operation: "remove", errno: errno)
            }
        } else if unlink(path) != 0, errno != ENOENT {
            throw FileSystemError(path: path, operation: "remove", errno: errno)
        }
    }

    /// The names in a directory, without `.` and `..`, unsorted.
    public static func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(path) else { throw FileSystemError(path: path, operation: "list", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The current working directory.
    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` made absolute against the current directory and normalised lexically (symlinks are kept).
    public static func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        let full = path.hasPrefix("/") ? path : join(base ?? currentDirectory(), path)
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The permission bits of the file at `path` (following symlinks), or nil when nothing is there. Callers that
    /// replace a file with ``writeAtomically(_:to:mode:sync:)`` pass them on to keep an executable bit.
    public static func permissions(of path: String) -> UInt32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode) & 0o7777
    }

    /// The canonical path with symlinks resolved, or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// A path shown to the user: relative to the current directory when inside it, else absolute.
    public static func displayPath(_ path: String, from directory: String = currentDirectory()) -> String {
        let absolutePath = absolute(path)
        if absolutePath == directory { return "." }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return absolutePath.hasPrefix(prefix) ? String(absolutePath.dropFirst(prefix.count)) : absolutePath
    }

    public static func join(_ base: String, _ name: String) -> String {
        if base.isEmpty || name.hasPrefix("/") { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// The directory part of a path (`a/b/c` → `a/b`, `c` → `.`, `/c` → `/`).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    private static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}
