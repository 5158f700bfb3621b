import FleetBasics
import FleetTestSupport
import Foundation

/// Helpers shared by the hashing tests: deterministic file contents, mtimes, the xxhsum oracle.
enum TestFiles {
    /// Deterministic pseudo-random bytes (an LCG), so failures reproduce.
    static func bytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while offset < count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let word = (state ^ (state >> 29)).littleEndian
                let n = min(8, count - offset)
                withUnsafeBytes(of: word) {
                    raw.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: n)
                }
                offset += n
            }
            initialized = count
        }
    }

    /// Writes `bytes` to `directory/relative` (parents created) and returns the absolute path.
    @discardableResult
    static func write(_ bytes: [UInt8], to relative: String, in directory: TemporaryDirectory, mode: UInt32 = 0o644)
        throws -> String
    {
        let path = directory.appending(relative)
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try FileSystem.writeAtomically(bytes, to: path, mode: mode, sync: false)
        return path
    }

    /// Sets a file's mtime (and atime) without following symlinks; the kernel sets ctime to now.
    static func setModificationTime(_ path: String, nanoseconds: Int64) throws {
        let time = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        let result = withUnsafePointer(to: (time, time)) { pair in
            pair.withMemoryRebound(to: timespec.self, capacity: 2) {
                utimensat(AT_FDCWD, path, $0, AT_SYMLINK_NOFOLLOW)
            }
        }
        if result != 0 { throw FixtureError("utimensat \(path): \(String(cString: strerror(errno)))") }
    }

    /// The `xxhsum` binary when installed (the oracle for content digests), else nil.
    static let xxhsum: String? = ["/usr/bin/xxhsum", "/usr/local/bin/xxhsum", "/bin/xxhsum"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `xxhsum -H2 path`: the 32 hex digits it prints.
    static func xxhsum128(_ path: String) throws -> String {
        guard let xxhsum else { throw FixtureError("xxhsum is not installed") }
        let result = try TestProcess.run(xxhsum, ["-H2", path])
        guard result.exitCode == 0, let digest = result.stdout.split(separator: " ").first else {
            throw FixtureError("xxhsum failed: \(result)")
        }
        return String(digest)
    }
}
