import FleetBasics
import FleetCache
import FleetExecution
import FleetHashing
import FleetTestSupport
import Glibc
import Testing

let producerManifest = """
    version: 1
    libs:
      p:
        path: p
        actions:
          build:
            run: mkdir -p dist && cat src.txt src.txt > dist/app.txt && echo "built it" && echo ran >> ../count
            outputs: ["dist/**"]

    """

/// Ways a cache file can be damaged.
enum Damage: String, CaseIterable, Sendable {
    case corruptOutputBlob, truncatedOutputBlob, missingOutputBlob, missingLogBlob
    case corruptEntry, truncatedEntry, missingEntry, emptyEntry
}

@Suite struct EngineCacheDamageTests {
    func blobPath(_ ws: EngineWorkspace, _ digest: Fingerprint) -> String {
        ws.path("cache/v1/cas/\(digest.hex.prefix(2))/\(digest.hex)")
    }

    func entryPath(_ ws: EngineWorkspace, _ key: Fingerprint) -> String {
        ws.path("cache/v1/ac/\(key.hex.prefix(2))/\(key.hex)")
    }

    @Test(arguments: Damage.allCases)
    func damagedCacheFilesAreMissesAndTheRunSucceeds(_ damage: Damage) async throws {
        let ws = try EngineWorkspace(producerManifest, files: ["p/src.txt": String(repeating: "payload ", count: 4000)])
        defer { ws.remove() }
        let first = try await ws.run(["build"])
        let key = first.plan.actions[0].fingerprint
        let result = try #require(await ws.store.actionResult(for: key))
        let output = try #require(result.outputs.first)
        let expected = try FileSystem.readFile(ws.path("p/dist/app.txt"))
        try FileSystem.removeTree(ws.path("p/dist"))

        switch damage {
        case .corruptOutputBlob:
            var bytes = try FileSystem.readFile(blobPath(ws, output.digest))
            bytes[bytes.count / 2] ^= 0xFF
            try FileSystem.writeAtomically(bytes, to: blobPath(ws, output.digest), sync: false)
        case .truncatedOutputBlob:
            #expect(truncate(blobPath(ws, output.digest), 20) == 0)
        case .missingOutputBlob:
            #expect(unlink(blobPath(ws, output.digest)) == 0)
        case .missingLogBlob:
            #expect(unlink(blobPath(ws, result.stdout.digest)) == 0)
        case .corruptEntry:
            var bytes = try FileSystem.readFile(entryPath(ws, key))
            bytes[bytes.count - 5] = UInt8(ascii: "#")
            try FileSystem.writeAtomically(bytes, to: entryPath(ws, key), sync: false)
        case .truncatedEntry:
            let size = try FileStat.of(entryPath(ws, key)).size
            #expect(truncate(entryPath(ws, key), off_t(size / 2)) == 0)
        case .missingEntry:
            #expect(unlink(entryPath(ws, key)) == 0)
        case .emptyEntry:
            #expect(truncate(entryPath(ws, key), 0) == 0)
        }

        let second = try await ws.run(["build"])
        #expect(second.summary.exitCode == 0)
        #expect(second.status("p:build") == .executed)
        #expect(try FileSystem.readFile(ws.path("p/dist/app.txt")) == expected)
        if damage != .missingEntry {
            #expect(!second.log.warnings.isEmpty, "damage must be reported")
        }
        // The fresh result was stored: the next run is a clean hit with the right bytes.
        try FileSystem.removeTree(ws.path("p/dist"))
        let third = try await ws.run(["build"])
        #expect(third.status("p:build") == .cached)
        #expect(third.log.warnings.isEmpty)
        #expect(try FileSystem.readFile(ws.path("p/dist/app.txt")) == expected)
        #expect(lineCount(ws.path("count")) == 2)
    }

    /// Replaces the stored result of `p:build` with `result` (its blobs written first).
    func plant(_ ws: EngineWorkspace, outputs: [(path: String, mode: FileMode, content: [UInt8])]) async throws
        -> EngineRun
    {
        let first = try await ws.run(["build"])
        let key = first.plan.actions[0].fingerprint
        var files: [OutputFile] = []
        for output in outputs {
            let blob = try await ws.store.writeBlob(output.content)
            files.append(OutputFile(path: output.path, mode: output.mode, digest: blob.digest, size: blob.size))
        }
        let planted = ActionResult(key: key, exitCode: 0, outputs: files, duration: .seconds(1))
        try await ws.store.storeActionResult(planted, for: key)
        try FileSystem.removeTree(ws.path("p/dist"))
        return first
    }

    @Test(arguments: ["../escaped.txt", "dist/../../escaped.txt", "/tmp/fleet-escaped-absolute.txt", "./dist/x"])
    func aTamperedEntryWithAnUnsafePathIsRefused(_ path: String) async throws {
        let ws = try EngineWorkspace(producerManifest, files: ["p/src.txt": "x"])
        defer { ws.remove() }
        _ = try await plant(ws, outputs: [(path, .regular, Array("evil".utf8))])
        let run = try await ws.run(["build"])
        #expect(run.status("p:build") == .executed)
        #expect(run.summary.exitCode == 0)
        #expect(run.log.warnings.contains { $0.message.contains("ignoring its cache entry") })
        #expect(!ws.exists("escaped.txt"))
        #expect(!FileSystem.exists("/tmp/fleet-escaped-absolute.txt"))
        #expect(try ws.read("p/dist/app.txt") == "xx")
    }

    @Test(arguments: ["../../outside", "/etc/passwd", "../../p/x", "a/../../../y"])
    func aCachedSymlinkPointingOutsideIsRefused(_ target: String) async throws {
        let ws = try EngineWorkspace(producerManifest, files: ["p/src.txt": "x"])
        defer { ws.remove() }
        _ = try await plant(ws, outputs: [("dist/link", .symlink, Array(target.utf8))])
        let run = try await ws.run(["build"])
        #expect(run.status("p:build") == .executed)
        #expect(run.log.warnings.contains { $0.message.contains("points outside its target directory") })
        #expect(FileSystem.kind(of: ws.path("p/dist/link")) == nil)
    }

    @Test func aRestoreNeverWritesThroughASymlinkInTheTargetDirectory() async throws {
        let manifest = """
            version: 1
            libs:
              p: {path: p, actions: {build: {run: 'mkdir -p dist/sub && echo x > dist/sub/file', outputs: ["dist/**"]}}}

            """
        let ws = try EngineWorkspace(manifest, files: ["p/src.txt": "x"])
        defer { ws.remove() }
        _ = try await ws.run(["build"])
        let elsewhere = try TemporaryDirectory(prefix: "fleet-elsewhere")
        defer { elsewhere.remove() }
        try FileSystem.removeTree(ws.path("p/dist/sub"))
        #expect(symlink(elsewhere.path, ws.path("p/dist/sub")) == 0)
        let run = try await ws.run(["build"])
        // The restore is refused with a warning; the action runs (and writes through the link: its business).
        #expect(run.log.warnings.contains { $0.message.contains("is a symlink") }, "\(run.log.warnings)")
        #expect(run.status("p:build") == .executed)
    }
}
