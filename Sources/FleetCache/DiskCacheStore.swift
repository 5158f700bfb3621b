#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import FleetBasics
public import FleetHashing

/// The local cache: zstd-compressed blobs and action entries in a directory, safe to share between concurrent
/// fleet processes.
///
/// Layout (see docs/cache.md):
///
///     <directory>/v1/cas/<2 hex>/<32 hex>   a blob: one zstd frame of the content whose XXH3-128 is the name
///     <directory>/v1/ac/<2 hex>/<32 hex>    an action entry: a checksummed header line, then JSON
///
/// The empty blob is implicitly present and never stored (as in Bazel's CAS): results with empty stdout need no
/// file for it, and empty outputs restore without one.
///
/// Every write goes to a temporary file in the destination's directory and is renamed into place, so readers see
/// a whole file or none. Every read is verified (blobs are decompressed and re-hashed, entries checksummed);
/// damaged files are deleted, reported to `onProblem`, and read as misses.
///
/// Blocking file work runs on a ``ThreadPool``, never on the cooperative pool. All stored properties are
/// immutable, so the store is `Sendable`.
public final class DiskCacheStore: CacheStore {
    /// The default size cap for ``gc(maxSize:maxAge:unreferencedGracePeriod:)``: 10 GiB.
    public static let defaultMaxSize: UInt64 = 10 << 30

    /// zstd level 1: the fastest standard level. Measured on typical outputs (binaries, Python trees) it
    /// compresses roughly 1.5–2× faster than level 3 for a ratio only ~10 % worse (3.2–3.6× vs 3.6–4.0×), and
    /// decompression speed, which restores depend on, is the same at every level.
    public static let defaultCompressionLevel: Int32 = 1

    /// Blobs at least this big are compressed by several zstd worker threads (a single big output, such as an
    /// image tarball, would otherwise compress on one core).
    public static let multithreadedCompressionThreshold: UInt64 = 32 << 20

    /// The directory given at creation (the cache root; the store itself lives in `v1/` below it).
    public let directory: String
    /// The zstd level new blobs are written with.
    public let compressionLevel: Int32
    /// `<directory>/v1`.
    let storeRoot: String
    let pool: ThreadPool
    let onProblem: @Sendable (CacheProblem) -> Void

    /// A store in `directory`, created lazily on the first write (reading a missing cache gives misses).
    /// - Parameters:
    ///   - compressionLevel: zstd level for new blobs; readers accept any level.
    ///   - pool: the threads that do the file I/O and (de)compression.
    ///   - onProblem: receives each damaged cache file found (and removed); called from pool threads.
    public init(
        directory: String, compressionLevel: Int32 = DiskCacheStore.defaultCompressionLevel,
        pool: ThreadPool = .shared, onProblem: @escaping @Sendable (CacheProblem) -> Void = { _ in }
    ) {
        self.directory = directory
        self.compressionLevel = compressionLevel
        self.storeRoot = FileSystem.join(directory, "v1")
        self.pool = pool
        self.onProblem = onProblem
    }

    // MARK: - Layout

    func blobPath(_ digest: Fingerprint) -> String { shardedPath("cas", digest) }
    func entryPath(_ key: Fingerprint) -> String { shardedPath("ac", key) }

    private func shardedPath(_ kind: String, _ name: Fingerprint) -> String {
        let hex = name.hex
        return "\(storeRoot)/\(kind)/\(hex.prefix(2))/\(hex)"
    }

    /// Temporary files start with this prefix; they are never read as cache content and are removed by gc.
    static let temporaryPrefix = ".tmp-"

    // MARK: - CacheStore

    public func containsBlob(_ digest: Fingerprint) async -> Bool {
        if digest == BlobReference.empty.digest { return true }
        let path = blobPath(digest)
        return await pool.run { FileSystem.kind(of: path) == .file }
    }

    public func readBlob(_ digest: Fingerprint, sizeLimit: UInt64) async -> [UInt8]? {
        await pool.run { self.blockingReadBlob(digest, sizeLimit: sizeLimit) }
    }

    public func readBlob(_ digest: Fingerprint, toFile path: String, permissions: UInt32, expectedSize: UInt64?)
        async throws(CacheError) -> Bool
    {
        try await pool.run { () throws(CacheError) -> Bool in
            try self.blockingReadBlob(digest, toFile: path, permissions: permissions, expectedSize: expectedSize)
        }
    }

    public func writeBlob(_ bytes: [UInt8]) async throws(CacheError) -> BlobReference {
        try await pool.run { () throws(CacheError) -> BlobReference in try self.blockingWriteBlob(bytes) }
    }

    public func writeBlob(contentsOf path: String) async throws(CacheError) -> BlobReference {
        try await pool.run { () throws(CacheError) -> BlobReference in try self.blockingWriteBlob(contentsOf: path) }
    }

    public func actionResult(for key: Fingerprint) async -> ActionResult? {
        await pool.run { self.blockingActionResult(for: key) }
    }

    public func storeActionResult(_ result: ActionResult, for key: Fingerprint) async throws(CacheError) {
        try await pool.run { () throws(CacheError) in try self.blockingStoreActionResult(result, for: key) }
    }

    public func removeActionResult(for key: Fingerprint) async throws(CacheError) {
        let path = entryPath(key)
        try await pool.run { () throws(CacheError) in
            if unlink(path) != 0, errno != ENOENT, errno != ENOTDIR { throw CacheError.io(path, "remove", errno) }
        }
    }

    // MARK: - Shared file helpers

    /// Creates a temporary file next to `path`, lets `body` fill it, and renames it over `path`. On any failure
    /// the temporary file is removed and `path` is untouched. Creates the parent directory when missing.
    func writeAtomically(to path: String, body: (Int32, String) throws(CacheError) -> Void) throws(CacheError) {
        let parent = FileSystem.parent(of: path)
        let temporary = FileSystem.join(parent, Self.temporaryName())
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0, errno == ENOENT {
            do { try FileSystem.createDirectory(parent) } catch { throw CacheError.fileSystem(error) }
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw CacheError.io(path, "write", errno) }
        do {
            try body(fd, temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        let closed = close(fd)
        let code = errno
        if closed != 0 {
            unlink(temporary)
            throw CacheError.io(path, "write", code)
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw CacheError.io(path, "write", code)
        }
    }

    static func temporaryName() -> String {
        "\(temporaryPrefix)\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    }

    /// Sets a file's mtime to now (LRU bookkeeping and the gc grace period). Failures are ignored: a read-only
    /// shared cache still works, it just ages by write time.
    static func touch(_ path: String) { _ = utimensat(AT_FDCWD, path, nil, 0) }
}

/// Writes a whole buffer to `fd`, retrying short writes.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(CacheError) {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            throw CacheError.io(path, "write", errno)
        }
        offset += n
    }
}

/// `bytes.withUnsafeBytes` for a typed-throwing body.
func withRawBytes<R, E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let result: Result<R, E> = bytes.withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
    return try result.get()
}
