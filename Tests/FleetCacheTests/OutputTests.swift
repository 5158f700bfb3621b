import FleetBasics
@testable import FleetCache
import FleetHashing
import FleetTestSupport
import Foundation
import Testing

@Suite struct OutputCaptureTests {
    @Test func capturesMatchingFilesModesAndSymlinks() async throws {
        try await withCache { cache in
            let target = try cache.makeTree(
                "svc",
                [
                    "dist/app*": "#!/bin/sh\necho hi\n",
                    "dist/lib/util.py": "print(1)\n",
                    "dist/lib/cache.pyc": "junk",
                    "dist/empty.txt": "",
                    "dist/current": "-> lib/util.py",
                    "dist/libdir": "-> lib",
                    "src/main.py": "source, not output\n",
                ])
            let patterns = try GlobList(patterns: ["dist/", "!**/*.pyc"])
            let outputs = try await cache.store.capture(outputs: patterns, targetDirectory: target)
            #expect(
                outputs.map(\.path) == [
                    "dist/app", "dist/current", "dist/empty.txt", "dist/lib/util.py", "dist/libdir",
                ])
            let byPath = Dictionary(uniqueKeysWithValues: outputs.map { ($0.path, $0) })
            #expect(byPath["dist/app"]?.mode == .executable)
            #expect(
                byPath["dist/lib/util.py"]
                    == OutputFile(
                        path: "dist/lib/util.py", mode: .regular,
                        digest: ContentHash.of("print(1)\n"), size: 9))
            #expect(
                byPath["dist/current"]
                    == OutputFile(
                        path: "dist/current", mode: .symlink,
                        digest: ContentHash.of("lib/util.py"), size: 11))
            #expect(byPath["dist/libdir"]?.mode == .symlink)
            for output in outputs { #expect(await cache.store.containsBlob(output.digest)) }
        }
    }

    @Test(arguments: ["../../outside", "/etc/passwd", "../../svc/dist/x", "../..", "./../../x"])
    func refusesSymlinksThatLeaveTheTargetDirectory(target link: String) async throws {
        try await withCache { cache in
            let target = try cache.makeTree("svc", ["dist/link": "-> \(link)"])
            await #expect(throws: CacheError.symlinkEscapes(path: "dist/link", target: link)) {
                _ = try await cache.store.capture(outputs: try GlobList(patterns: ["dist/**"]), targetDirectory: target)
            }
        }
    }

    @Test(arguments: ["..", "../dist/x", "./x", "sub/../x"])
    func acceptsSymlinksThatStayInside(target link: String) async throws {
        try await withCache { cache in
            let target = try cache.makeTree("svc", ["dist/link": "-> \(link)"])
            let outputs = try await cache.store.capture(
                outputs: try GlobList(patterns: ["dist/**"]), targetDirectory: target)
            #expect(outputs.map(\.mode) == [.symlink])
        }
    }

    @Test func refusesSpecialFiles() async throws {
        try await withCache { cache in
            let target = try cache.makeTree("svc", ["dist/a": "a"])
            #expect(mkfifo(FileSystem.join(target, "dist/pipe"), 0o644) == 0)
            await #expect(throws: CacheError.unsupportedOutputType(path: "dist/pipe", kind: "FIFO")) {
                _ = try await cache.store.capture(outputs: try GlobList(patterns: ["dist/**"]), targetDirectory: target)
            }
            // Not matched: not a problem.
            let outputs = try await cache.store.capture(
                outputs: try GlobList(patterns: ["dist/a"]), targetDirectory: target)
            #expect(outputs.map(\.path) == ["dist/a"])
        }
    }

    @Test func nothingToCaptureIsEmpty() async throws {
        try await withCache { cache in
            let target = try cache.makeTree("svc", ["src/a": "a"])
            #expect(
                try await cache.store.capture(outputs: try GlobList(patterns: ["dist/**"]), targetDirectory: target)
                    .isEmpty)
            #expect(try await cache.store.capture(outputs: GlobList(), targetDirectory: target).isEmpty)
        }
    }
}

@Suite struct OutputRestoreTests {
    static let tree = [
        "dist/app*": "#!/bin/sh\necho hi\n",
        "dist/lib/util.py": "print(1)\n",
        "dist/lib/deep/er/data.json": "{\"a\": 1}\n",
        "dist/empty.txt": "",
        "dist/current": "-> lib/util.py",
        "dist/self": "-> .",
        "dist/big.bin": String(repeating: "0123456789abcdef", count: 40_000),
    ]

    private func captured(_ cache: CacheFixture) async throws -> [OutputFile] {
        let source = try cache.makeTree("source", Self.tree)
        return try await cache.store.capture(outputs: try GlobList(patterns: ["dist/"]), targetDirectory: source)
    }

    @Test func restoresByteForByteWithModes() async throws {
        try await withCache { cache in
            let outputs = try await captured(cache)
            let destination = cache.directory.appending("fresh/svc")
            let outcome = try await cache.store.restore(outputs, into: destination)
            guard case let .restored(summary) = outcome else {
                Issue.record("expected a restore, got \(outcome)")
                return
            }
            #expect(summary.written == outputs.count)
            #expect(try snapshot(destination) == snapshot(cache.directory.appending("source")))
            #expect(files(under: destination, withPrefix: OutputPaths.restoreTemporaryPrefix).isEmpty)
        }
    }

    @Test func identicalFilesAreLeftAloneAndModesFixed() async throws {
        try await withCache { cache in
            let outputs = try await captured(cache)
            let destination = cache.directory.appending("svc")
            _ = try await cache.store.restore(outputs, into: destination)
            let appPath = FileSystem.join(destination, "dist/app")
            let inodes = try outputs.map { try FileStat.of(FileSystem.join(destination, $0.path)).inode }
            #expect(chmod(appPath, 0o644) == 0)

            let again = try await cache.store.restore(outputs, into: destination)
            guard case let .restored(summary) = again else {
                Issue.record("expected a restore, got \(again)")
                return
            }
            #expect(summary.written == 0)
            #expect(summary.modeFixed == 1)
            #expect(summary.unchanged == outputs.count - 1)
            #expect(try outputs.map { try FileStat.of(FileSystem.join(destination, $0.path)).inode } == inodes)
            #expect(try FileStat.of(appPath).mode & 0o777 == 0o755)
        }
    }

    @Test func replacesChangedFilesAndKindChanges() async throws {
        try await withCache { cache in
            let outputs = try await captured(cache)
            let destination = try cache.makeTree(
                "svc",
                [
                    "dist/lib/util.py": "stale\n",  // different content
                    "dist/current": "old-content-not-a-link",  // a file where a symlink goes
                    "dist/app*": "-> lib/util.py",  // a symlink where a file goes
                    "dist/unrelated.txt": "kept\n",
                ])
            let outcome = try await cache.store.restore(outputs, into: destination)
            guard case .restored = outcome else {
                Issue.record("expected a restore, got \(outcome)")
                return
            }
            var expected = try snapshot(cache.directory.appending("source"))
            expected["dist/unrelated.txt"] = "644:kept\n"
            #expect(try snapshot(destination) == expected)
        }
    }

    @Test func aMissingBlobIsAMissThatChangesNothing() async throws {
        try await withCache { cache in
            let outputs = try await captured(cache)
            let destination = try cache.makeTree("svc", ["dist/lib/util.py": "previous build\n"])
            let before = try snapshot(destination)
            let victim = try #require(outputs.first { $0.path == "dist/lib/deep/er/data.json" })
            #expect(unlink(cache.store.blobPath(victim.digest)) == 0)

            let outcome = try await cache.store.restore(outputs, into: destination)
            #expect(outcome == .miss(path: victim.path, digest: victim.digest))
            #expect(try snapshot(destination) == before)
            #expect(FileSystem.exists(FileSystem.join(destination, "dist/lib/deep")) == false)
            #expect(files(under: destination, withPrefix: OutputPaths.restoreTemporaryPrefix).isEmpty)
        }
    }

    @Test func aCorruptBlobIsAMissAndIsReported() async throws {
        try await withCache { cache in
            let outputs = try await captured(cache)
            let victim = try #require(outputs.first { $0.path == "dist/big.bin" })
            let blob = cache.store.blobPath(victim.digest)
            var bytes = try FileSystem.readFile(blob)
            bytes.removeLast(bytes.count / 2)
            try FileSystem.writeAtomically(bytes, to: blob, sync: false)
            let destination = cache.directory.appending("svc")
            #expect(
                try await cache.store.restore(outputs, into: destination)
                    == .miss(path: victim.path, digest: victim.digest))
            #expect(cache.problems.all.map(\.kind) == [.corruptBlob])
            #expect(try snapshot(destination).isEmpty)
        }
    }

    @Test func anEntryWithTheWrongSizeIsAMissButTheBlobStays() async throws {
        try await withCache { cache in
            var outputs = try await captured(cache)
            let index = try #require(outputs.firstIndex { $0.path == "dist/lib/util.py" })
            outputs[index].size += 1
            let destination = cache.directory.appending("svc")
            let outcome = try await cache.store.restore(outputs, into: destination)
            #expect(outcome == .miss(path: "dist/lib/util.py", digest: outputs[index].digest))
            #expect(await cache.store.containsBlob(outputs[index].digest))
            #expect(cache.problems.all.isEmpty)
        }
    }

    @Test(arguments: [
        ("../x", "climbs out with '..'"), ("/etc/passwd", "absolute path"), ("a/../../x", "climbs out with '..'"),
        ("a//b", "not a normalised path"), ("./a", "not a normalised path"), ("", "empty path"),
    ])
    func refusesUnsafePaths(path: String, reason: String) async throws {
        try await withCache { cache in
            let blob = try await cache.store.writeBlob(Array("owned".utf8))
            let outputs = [OutputFile(path: path, mode: .regular, digest: blob.digest, size: blob.size)]
            let destination = try cache.makeTree("ws/svc", ["keep": "k"])
            await #expect(throws: CacheError.unsafeOutputPath(path: path, reason: reason)) {
                _ = try await cache.store.restore(outputs, into: destination)
            }
            #expect(try snapshot(cache.directory.appending("ws")) == ["svc/keep": "644:k"])
        }
    }

    @Test func refusesDuplicatesAndFileDirectoryClashes() async throws {
        try await withCache { cache in
            let blob = try await cache.store.writeBlob(Array("x".utf8))
            let file = { (path: String) in OutputFile(path: path, mode: .regular, digest: blob.digest, size: blob.size)
            }
            let destination = cache.directory.appending("svc")
            await #expect(throws: CacheError.unsafeOutputPath(path: "a", reason: "listed twice")) {
                _ = try await cache.store.restore([file("a"), file("a")], into: destination)
            }
            await #expect(
                throws: CacheError.unsafeOutputPath(
                    path: "a/b", reason: "'a' is also an output, so it cannot be a directory")
            ) {
                _ = try await cache.store.restore([file("a"), file("a/b")], into: destination)
            }
            try FileSystem.createDirectory(FileSystem.join(destination, "dir/sub"))
            await #expect(throws: CacheError.outputConflict(path: "dir/sub", reason: "a directory is in the way")) {
                _ = try await cache.store.restore([file("dir/sub")], into: destination)
            }
            try FileSystem.writeAtomically(Array("f".utf8), to: FileSystem.join(destination, "plain"), sync: false)
            await #expect(throws: CacheError.outputConflict(path: "plain/x", reason: "'plain' is not a directory")) {
                _ = try await cache.store.restore([file("plain/x")], into: destination)
            }
        }
    }

    @Test func refusesAnEscapingSymlinkFromTheCache() async throws {
        try await withCache { cache in
            // A tampered entry: the symlink's target blob leaves the target directory.
            let blob = try await cache.store.writeBlob(Array("../../../etc/passwd".utf8))
            let outputs = [OutputFile(path: "dist/link", mode: .symlink, digest: blob.digest, size: blob.size)]
            let destination = cache.directory.appending("svc")
            await #expect(throws: CacheError.symlinkEscapes(path: "dist/link", target: "../../../etc/passwd")) {
                _ = try await cache.store.restore(outputs, into: destination)
            }
            #expect(FileSystem.exists(FileSystem.join(destination, "dist")) == false)
        }
    }

    @Test func refusesToWriteThroughASymlinkedDirectory() async throws {
        try await withCache { cache in
            let outside = try cache.makeTree("outside", ["victim.txt": "original\n"])
            let destination = try cache.makeTree("svc", ["dist": "-> ../outside"])
            let blob = try await cache.store.writeBlob(Array("pwned\n".utf8))
            let outputs = [OutputFile(path: "dist/victim.txt", mode: .regular, digest: blob.digest, size: blob.size)]
            await #expect(
                throws: CacheError.unsafeOutputPath(
                    path: "dist/victim.txt", reason: "'dist' is a symlink; fleet never writes through one")
            ) {
                _ = try await cache.store.restore(outputs, into: destination)
            }
            #expect(try FileSystem.readText(FileSystem.join(outside, "victim.txt")) == "original\n")
        }
    }

    @Test func manyFilesRestoreInParallel() async throws {
        try await withCache { cache in
            var tree: [String: String] = [:]
            for index in 0..<300 {
                tree["out/d\(index % 13)/f\(index)\(index % 4 == 0 ? "*" : "")"] = "content \(index)\n"
            }
            let source = try cache.makeTree("source", tree)
            let outputs = try await cache.store.capture(
                outputs: try GlobList(patterns: ["out/**"]), targetDirectory: source)
            #expect(outputs.count == 300)
            let destination = cache.directory.appending("restored")
            #expect(
                try await cache.store.restore(outputs, into: destination)
                    != .miss(path: "", digest: Fingerprint(high: 0, low: 0)))
            #expect(try snapshot(destination) == snapshot(source))
        }
    }
}
