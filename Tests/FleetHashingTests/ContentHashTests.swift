import FleetBasics
@testable import FleetHashing
import FleetTestSupport
import Foundation
import Testing

@Suite struct ContentHashTests {
    /// Sizes around the interesting edges: empty, tiny, a page, the read chunk (one-shot vs streamed), and big odd.
    static let sizes = [
        0, 1, 3, 4096, ContentHash.readChunkSize - 1, ContentHash.readChunkSize,
        ContentHash.readChunkSize + 1, (1 << 20) + 13, 3 * (1 << 20) + 7,
    ]

    @Test(
        .enabled(if: TestFiles.xxhsum != nil, "xxhsum is not installed (apt-get install xxhash)"),
        arguments: sizes)
    func matchesXxhsum(size: Int) async throws {
        try await withTemporaryDirectory { dir in
            let bytes = TestFiles.bytes(count: size, seed: UInt64(size))
            let path = try TestFiles.write(bytes, to: "file.bin", in: dir)
            let expected = try TestFiles.xxhsum128(path)
            #expect(ContentHash.of(bytes).hex == expected)
            let hashed = try ContentHash.ofFile(at: path)
            #expect(hashed.digest.digest.hex == expected)
            #expect(hashed.digest.size == UInt64(size))
            #expect(hashed.digest.mode == .regular)
        }
    }

    @Test func knownVectorsWithoutTheCLI() {
        // XXH3-128 of "" and of "abc" (seed 0), as xxhsum -H2 prints them; guards the wrapper where xxhsum is absent.
        #expect(ContentHash.of([UInt8]()).hex == "99aa06d3014798d86001c324468d497f")
        #expect(ContentHash.of("abc").hex == "06b05ab6733a618578af5f94892f3950")
    }

    @Test func streamingEqualsOneShot() {
        let bytes = TestFiles.bytes(count: 100_003)
        var hasher = ContentHasher()
        bytes.withUnsafeBytes { raw in
            var offset = 0
            for step in [1, 7, 4096, 60_000, 100_003] where offset < raw.count {
                let end = min(raw.count, offset + step)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset...]))
        }
        let streamed = hasher.finalize()
        #expect(streamed == ContentHash.of(bytes))
    }

    @Test(arguments: [
        (UInt32(0o644), FileMode.regular), (0o600, .regular), (0o664, .regular), (0o755, .executable),
        (0o744, .executable), (0o701, .executable), (0o610, .executable),
    ])
    func modesNormaliseLikeGit(permissions: UInt32, expected: FileMode) async throws {
        try await withTemporaryDirectory { dir in
            let path = try TestFiles.write([1, 2, 3], to: "f", in: dir, mode: permissions)
            #expect(try ContentHash.ofFile(at: path).digest.mode == expected)
        }
        #expect(FileMode(statMode: 0o100000 | permissions) == expected)
    }

    @Test func modeCodesAndCoding() throws {
        #expect(FileMode.regular.description == "100644")
        #expect(FileMode.executable.permissions == 0o755)
        #expect(FileMode(statMode: 0o040755) == nil)
        #expect(FileMode(statMode: 0o120777) == .symlink)
        let json = try JSONEncoder().encode(FileMode.allCases)
        #expect(String(decoding: json, as: UTF8.self) == #"["100644","100755","120000"]"#)
        #expect(try JSONDecoder().decode([FileMode].self, from: json) == FileMode.allCases)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([FileMode].self, from: Data(#"["100600"]"#.utf8))
        }
    }

    @Test func symlinkDigestIsItsTargetTextAndIsNeverFollowed() async throws {
        try await withTemporaryDirectory { dir in
            try TestFiles.write(Array("real content".utf8), to: "target.txt", in: dir)
            #expect(symlink("target.txt", dir.appending("link")) == 0)
            #expect(symlink("../nowhere/missing", dir.appending("dangling")) == 0)
            let link = try ContentHash.ofFile(at: dir.appending("link"))
            #expect(link.digest == FileDigest(mode: .symlink, size: 10, digest: ContentHash.of("target.txt")))
            let dangling = try ContentHash.ofFile(at: dir.appending("dangling"))
            #expect(dangling.digest.digest == ContentHash.of("../nowhere/missing"))
            #expect(dangling.digest.mode == .symlink)
        }
    }

    @Test func directoriesAndMissingFilesAreTypedErrors() async throws {
        try await withTemporaryDirectory { dir in
            try FileSystem.createDirectory(dir.appending("sub"))
            #expect(throws: HashingError.notAFile(path: dir.appending("sub"), kind: "directory")) {
                try ContentHash.ofFile(at: dir.appending("sub"))
            }
            #expect(throws: HashingError.vanished(path: dir.appending("gone"))) {
                try ContentHash.ofFile(at: dir.appending("gone"))
            }
            #expect(mkfifo(dir.appending("fifo"), 0o644) == 0)
            // Must not block on the FIFO.
            #expect(throws: HashingError.notAFile(path: dir.appending("fifo"), kind: "FIFO")) {
                try ContentHash.ofFile(at: dir.appending("fifo"))
            }
        }
    }

    @Test(.enabled(if: getuid() != 0, "root reads any file")) func unreadableFileIsPermissionDenied() async throws {
        try await withTemporaryDirectory { dir in
            let path = try TestFiles.write([1], to: "secret", in: dir, mode: 0o000)
            #expect(throws: HashingError.permissionDenied(path: path)) { try ContentHash.ofFile(at: path) }
        }
    }

    @Test func errnoClassification() {
        #expect(HashingError(path: "p", errno: EACCES, operation: "open") == .permissionDenied(path: "p"))
        #expect(HashingError(path: "p", errno: ENOTDIR, operation: "open") == .vanished(path: "p"))
        #expect(
            HashingError(path: "p", errno: EIO, operation: "read")
                == .readFailed(path: "p", operation: "read", errno: EIO))
        #expect(HashingError.permissionDenied(path: "p").diagnostics.first?.hints.isEmpty == false)
    }
}

@Suite struct FileHasherTests {
    @Test func parallelEqualsSequentialWithPerFileErrorsInPlace() async throws {
        try await withTemporaryDirectory { dir in
            var paths: [String] = []
            for index in 0..<200 {
                let size = (index * 7919) % 300_000
                paths.append(
                    try TestFiles.write(
                        TestFiles.bytes(count: size, seed: UInt64(index)),
                        to: "d\(index % 7)/f\(index)", in: dir, mode: index % 5 == 0 ? 0o755 : 0o644))
                if index % 50 == 3 { paths.append(dir.appending("missing-\(index)")) }
            }
            #expect(symlink("d0/f0", dir.appending("link")) == 0)
            paths.append(dir.appending("link"))
            paths.append(dir.appending("d1"))

            let parallel = await FileHasher(pool: ThreadPool(threadCount: 4)).hash(paths)
            let sequential = paths.map { path in
                Result { () throws(HashingError) -> HashedFile in try ContentHash.ofFile(at: path) }
            }
            #expect(parallel.count == paths.count)
            #expect(parallel == sequential)
            #expect(parallel.filter { if case .failure(.vanished) = $0 { true } else { false } }.count == 4)
            #expect(parallel.last == .failure(.notAFile(path: dir.appending("d1"), kind: "directory")))
            // Digests are right, not just consistent.
            for (path, result) in zip(paths, parallel) {
                guard case let .success(file) = result, file.digest.mode != .symlink else { continue }
                #expect(file.digest.digest == ContentHash.of(try FileSystem.readFile(path)))
            }
        }
    }
}
