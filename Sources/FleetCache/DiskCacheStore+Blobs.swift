#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetBasics
import FleetHashing

/// What reading and verifying one stored blob found.
enum BlobVerdict: Equatable {
    case valid(size: UInt64)
    case missing
    /// Not the size the caller expects (more than its limit, or not exactly the expected size): not proven
    /// corrupt, so kept, but not returned.
    case unexpectedSize
    case corrupt(String)
    case unreadable(String)
}

extension DiskCacheStore {
    /// The read size for blobs and source files.
    static let chunkSize = 256 << 10

    // MARK: - Writing

    func blockingWriteBlob(_ bytes: [UInt8]) throws(CacheError) -> BlobReference {
        let reference = BlobReference(digest: ContentHash.of(bytes), size: UInt64(bytes.count))
        if bytes.isEmpty { return reference }  // implicitly present
        let path = blobPath(reference.digest)
        if FileSystem.kind(of: path) == .file {
            Self.touch(path)  // "written again": keeps it clear of gc's grace period for unreferenced blobs
            return reference
        }
        let level = compressionLevel
        try writeAtomically(to: path) { (fd, temporary) throws(CacheError) in
            var compressor = try ZstdCompressor(level: level, workers: 0, pledgedSize: reference.size)
            try withRawBytes(bytes) { (raw) throws(CacheError) in
                try compressor.compress(raw, end: true) { (chunk) throws(CacheError) in
                    try writeAll(fd, chunk, path: temporary)
                }
            }
        }
        return reference
    }

    func blockingWriteBlob(contentsOf path: String) throws(CacheError) -> BlobReference {
        // Hash first: when the blob exists (the usual case for an unchanged output) nothing is compressed.
        let hashed: HashedFile
        do { hashed = try ContentHash.ofFile(at: path) } catch { throw CacheError(error) }
        guard hashed.digest.mode != .symlink else {
            throw CacheError.unsupportedOutputType(path: path, kind: "symlink")
        }
        let reference = BlobReference(digest: hashed.digest.digest, size: hashed.digest.size)
        if reference.size == 0 { return reference }  // implicitly present
        let destination = blobPath(reference.digest)
        if FileSystem.kind(of: destination) == .file {
            Self.touch(destination)
            return reference
        }

        let input = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard input >= 0 else {
            if errno == ENOENT || errno == ELOOP { throw CacheError.outputChangedDuringCapture(path: path) }
            throw CacheError.io(path, "read", errno)
        }
        defer { close(input) }
        let opened: FileStat
        do { opened = try FileStat.of(descriptor: input, path: path) } catch { throw CacheError(error) }
        guard opened == hashed.stat else { throw CacheError.outputChangedDuringCapture(path: path) }
        #if os(Linux)
        _ = posix_fadvise(input, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif

        let workers = reference.size >= Self.multithreadedCompressionThreshold ? Int32(pool.threadCount) : 0
        let level = compressionLevel
        try writeAtomically(to: destination) { (output, temporary) throws(CacheError) in
            var compressor = try ZstdCompressor(level: level, workers: workers, pledgedSize: reference.size)
            var hasher = ContentHasher()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 64)
            defer { buffer.deallocate() }
            var total: UInt64 = 0
            while true {
                let n = read(input, buffer.baseAddress!, buffer.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CacheError.io(path, "read", errno)
                }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<n])
                total += UInt64(n)
                // More than was hashed: zstd would reject the pledged size anyway.
                if total > reference.size { throw CacheError.outputChangedDuringCapture(path: path) }
                hasher.update(chunk)
                try compressor.compress(chunk, end: n == 0) { (compressed) throws(CacheError) in
                    try writeAll(output, compressed, path: temporary)
                }
                if n == 0 { break }
            }
            // The blob's name must be the hash of exactly what was compressed.
            guard total == reference.size, hasher.finalize() == reference.digest else {
                throw CacheError.outputChangedDuringCapture(path: path)
            }
        }
        return reference
    }

    // MARK: - Reading

    func blockingReadBlob(_ digest: Fingerprint, sizeLimit: UInt64) -> [UInt8]? {
        if digest == BlobReference.empty.digest { return [] }
        var bytes: [UInt8] = []
        // Reserve what the frame header announces, within reason (the header is not verified yet).
        let reserve = { (size: UInt64) in bytes.reserveCapacity(Int(clamping: min(size, 64 << 20))) }
        let verdict = try? verifyBlob(digest, sizeLimit: sizeLimit, reserve: reserve) {
            (chunk) throws(CacheError) in bytes.append(contentsOf: chunk)
        }
        guard case .valid? = verdict else { return nil }
        return bytes
    }

    func blockingReadBlob(_ digest: Fingerprint, toFile path: String, permissions: UInt32, expectedSize: UInt64?)
        throws(CacheError) -> Bool
    {
        if digest == BlobReference.empty.digest {
            let output = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(permissions & 0o777))
            guard output >= 0 else { throw CacheError.io(path, "create", errno) }
            let changed = fchmod(output, mode_t(permissions & 0o777))
            let code = errno
            close(output)
            if changed != 0 {
                unlink(path)
                throw CacheError.io(path, "set the mode of", code)
            }
            return true
        }
        // Open the blob first: a plain miss then creates nothing.
        let blob = blobPath(digest)
        let input = open(blob, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            reportOpenFailure(blob, errno)
            return false
        }
        defer { close(input) }
        let output = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(permissions & 0o777))
        guard output >= 0 else { throw CacheError.io(path, "create", errno) }
        var verdict = BlobVerdict.missing
        do throws(CacheError) {
            verdict = try verifyBlob(digest, from: input, path: blob, sizeLimit: expectedSize, reserve: { _ in }) {
                (chunk) throws(CacheError) in try writeAll(output, chunk, path: path)
            }
            // The right content for the digest but not the size the caller expects: the entry is wrong, not
            // the blob, so keep the blob and miss.
            if case let .valid(size) = verdict, let expectedSize, size != expectedSize { verdict = .unexpectedSize }
            if case .valid = verdict, fchmod(output, mode_t(permissions & 0o777)) != 0 {
                throw CacheError.io(path, "set the mode of", errno)
            }
        } catch {
            close(output)
            unlink(path)
            throw error
        }
        let closed = close(output)
        let code = errno
        guard case .valid = verdict, closed == 0 else {
            unlink(path)
            if closed != 0, case .valid = verdict { throw CacheError.io(path, "write", code) }
            return false
        }
        return true
    }

    /// Reads and verifies a blob, handing its content to `sink`; damaged blobs are removed and reported.
    /// Never throws for cache-side damage; only `sink`'s errors propagate.
    func verifyBlob(
        _ digest: Fingerprint, sizeLimit: UInt64?, reserve: (UInt64) -> Void,
        sink: (UnsafeRawBufferPointer) throws(CacheError) -> Void
    ) throws(CacheError) -> BlobVerdict {
        let blob = blobPath(digest)
        let input = open(blob, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            reportOpenFailure(blob, errno)
            return errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(String(cString: strerror(errno)))
        }
        defer { close(input) }
        return try verifyBlob(digest, from: input, path: blob, sizeLimit: sizeLimit, reserve: reserve, sink: sink)
    }

    /// The core of every blob read: stream-decompress, hash, compare, and deal with damage.
    func verifyBlob(
        _ digest: Fingerprint, from input: Int32, path blob: String, sizeLimit: UInt64?, reserve: (UInt64) -> Void,
        sink: (UnsafeRawBufferPointer) throws(CacheError) -> Void
    ) throws(CacheError) -> BlobVerdict {
        var decompressor = try ZstdDecompressor()
        var hasher = ContentHasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var total: UInt64 = 0
        var first = true
        var failure: BlobVerdict?
        readLoop: while true {
            let n = read(input, buffer.baseAddress!, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                failure = .unreadable(String(cString: strerror(errno)))
                break
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<n])
            if first {
                first = false
                if let size = Zstd.frameContentSize(chunk) {
                    if let sizeLimit, size > sizeLimit { return .unexpectedSize }
                    reserve(size)
                }
            }
            do {
                try decompressor.decompress(chunk) { (output) throws(CacheError) in
                    total += UInt64(output.count)
                    if let sizeLimit, total > sizeLimit { throw SizeLimitExceeded.signal }
                    hasher.update(output)
                    try sink(output)
                }
            } catch .compression(_, let message) {
                failure = .corrupt("does not decompress: \(message)")
                break readLoop
            } catch .fileSystem(let error) where error.operation == SizeLimitExceeded.operation {
                return .unexpectedSize
            } catch {
                throw error
            }
        }
        if failure == nil {
            if !decompressor.isComplete {
                failure = .corrupt(first ? "empty file" : "truncated")
            } else if hasher.finalize() != digest {
                failure = .corrupt("content does not match its digest")
            }
        }
        switch failure {
        case nil:
            return .valid(size: total)
        case let .corrupt(detail)?:
            unlink(blob)
            onProblem(CacheProblem(kind: .corruptBlob, path: blob, detail: detail))
            return .corrupt(detail)
        case let .unreadable(detail)?:
            onProblem(CacheProblem(kind: .unreadable, path: blob, detail: detail))
            return .unreadable(detail)
        case let other?:
            return other
        }
    }

    private func reportOpenFailure(_ path: String, _ code: Int32) {
        if code == ENOENT || code == ENOTDIR { return }  // a plain miss
        onProblem(CacheProblem(kind: .unreadable, path: path, detail: String(cString: strerror(code))))
    }
}

/// Stops decompression when a blob outgrows the caller's limit (carried as a recognisable ``CacheError``).
private enum SizeLimitExceeded {
    static let operation = "fleet: size limit"
    static var signal: CacheError { .fileSystem(FileSystemError(path: "", operation: operation, errno: EFBIG)) }
}

extension CacheError {
    /// A hashing failure while storing an output.
    init(_ error: HashingError) {
        switch error {
        case let .vanished(path): self = .outputChangedDuringCapture(path: path)
        case let .permissionDenied(path): self = .io(path, "read", EACCES)
        case let .notAFile(path, kind): self = .unsupportedOutputType(path: path, kind: kind)
        case let .changedWhileHashing(path): self = .outputChangedDuringCapture(path: path)
        case let .invalidPath(path): self = .unsafeOutputPath(path: path, reason: "not a normalised path")
        case let .readFailed(path, operation, code): self = .io(path, operation, code)
        }
    }
}
