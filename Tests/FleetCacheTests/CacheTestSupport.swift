import FleetBasics
@testable import FleetCache
import FleetHashing
import FleetTestSupport
import Foundation
import Synchronization

/// Collects the problems a store reports.
final class ProblemLog: Sendable {
    private let problems = Mutex<[CacheProblem]>([])
    func append(_ problem: CacheProblem) { problems.withLock { $0.append(problem) } }
    var all: [CacheProblem] { problems.withLock { $0 } }
}

/// A temporary directory holding a cache (`cache/`) and a scratch area for target directories.
struct CacheFixture {
    let directory: TemporaryDirectory
    let store: DiskCacheStore
    let problems: ProblemLog

    var cachePath: String { directory.appending("cache") }

    init(directory: TemporaryDirectory, level: Int32 = DiskCacheStore.defaultCompressionLevel) {
        self.directory = directory
        let problems = ProblemLog()
        self.problems = problems
        store = DiskCacheStore(directory: directory.appending("cache"), compressionLevel: level) { problems.append($0) }
    }

    /// Another store on the same directory, as a second fleet process would have.
    func sibling() -> DiskCacheStore { DiskCacheStore(directory: cachePath, pool: ThreadPool(threadCount: 2)) }

    /// Writes files under `relative` (created), returning its absolute path. Values: content, or "-> target" for
    /// a symlink; keys ending in "*" are made executable (the star is dropped).
    @discardableResult
    func makeTree(_ relative: String, _ files: [String: String]) throws -> String {
        let root = directory.appending(relative)
        try FileSystem.createDirectory(root)
        for (name, content) in files.sorted(by: { $0.key < $1.key }) {
            let executable = name.hasSuffix("*")
            let path = FileSystem.join(root, executable ? String(name.dropLast()) : name)
            try FileSystem.createDirectory(FileSystem.parent(of: path))
            if content.hasPrefix("-> ") {
                guard symlink(String(content.dropFirst(3)), path) == 0 else { throw FixtureError("symlink \(path)") }
            } else {
                try FileSystem.writeAtomically(
                    Array(content.utf8), to: path, mode: executable ? 0o755 : 0o644, sync: false)
            }
        }
        return root
    }
}

func withCache<T>(_ body: (CacheFixture) async throws -> T) async throws -> T {
    try await withTemporaryDirectory(prefix: "fleet-cache") { dir in try await body(CacheFixture(directory: dir)) }
}

/// Every file and symlink under `root`: relative path → "mode:content" (content = link target for symlinks).
func snapshot(_ root: String) throws -> [String: String] {
    var result: [String: String] = [:]
    func visit(_ relative: String) throws {
        let absolute = relative.isEmpty ? root : FileSystem.join(root, relative)
        for name in try FileSystem.listDirectory(absolute) {
            let child = RelativePath.join(relative, name)
            let path = FileSystem.join(root, child)
            let stat = try FileStat.of(path)
            switch stat.mode & 0o170000 {
            case 0o040000: try visit(child)
            case 0o120000: result[child] = "link:" + String(decoding: try ContentHash.readLink(path), as: UTF8.self)
            default: result[child] = String(stat.mode & 0o777, radix: 8) + ":" + (try FileSystem.readText(path))
            }
        }
    }
    try visit("")
    return result
}

/// Files under `root` whose names start with `prefix` (temporary leftovers).
func files(under root: String, withPrefix prefix: String) -> [String] {
    var found: [String] = []
    func visit(_ path: String) {
        for name in (try? FileSystem.listDirectory(path)) ?? [] {
            let child = FileSystem.join(path, name)
            if name.hasPrefix(prefix) { found.append(child) }
            if FileSystem.kind(of: child) == .directory { visit(child) }
        }
    }
    visit(root)
    return found
}

func setModificationTime(_ path: String, secondsAgo: Int) throws {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let time = timespec(tv_sec: now.tv_sec - secondsAgo, tv_nsec: 0)
    let result = withUnsafePointer(to: (time, time)) { pair in
        pair.withMemoryRebound(to: timespec.self, capacity: 2) { utimensat(AT_FDCWD, path, $0, AT_SYMLINK_NOFOLLOW) }
    }
    if result != 0 { throw FixtureError("utimensat \(path)") }
}

func result(key: Fingerprint, outputs: [OutputFile] = [], stdout: BlobReference = .empty) -> ActionResult {
    ActionResult(
        key: key, exitCode: 0, outputs: outputs, stdout: stdout, duration: .milliseconds(1500),
        createdAt: Date(timeIntervalSince1970: 1_700_000_000))
}

func key(_ text: String) -> Fingerprint { ContentHash.of("key:" + text) }

/// Deterministic, moderately compressible bytes.
func sampleBytes(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
    var state = seed
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        for index in 0..<count {
            if index % 64 == 0 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
            buffer[index] = UInt8(truncatingIfNeeded: (state >> UInt64((index % 8) * 8)) & 0x3F) &+ 32
        }
        initialized = count
    }
}
