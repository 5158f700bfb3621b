import FleetBasics
@testable import FleetCache
import FleetHashing
import FleetTestSupport
import Foundation
import Testing

@Suite struct ActionCacheTests {
    @Test func storeAndReadBack() async throws {
        try await withCache { cache in
            let outputs = [
                OutputFile(path: "dist/b.txt", mode: .regular, digest: ContentHash.of("b"), size: 1),
                OutputFile(path: "dist/a", mode: .executable, digest: ContentHash.of("a"), size: 1),
            ]
            let stored = ActionResult(
                key: key("x"), exitCode: 3, outputs: outputs,
                stdout: BlobReference(digest: ContentHash.of("out"), size: 3),
                duration: .milliseconds(2_345), createdAt: Date(timeIntervalSince1970: 1_700_000_000.5))
            try await cache.store.storeActionResult(stored, for: key("x"))
            let read = try #require(await cache.store.actionResult(for: key("x")))
            #expect(read == stored)
            #expect(read.outputs.map(\.path) == ["dist/a", "dist/b.txt"])
            #expect(read.fleetVersion == FleetVersion.current)
            #expect(await cache.store.actionResult(for: key("y")) == nil)
            #expect(cache.problems.all.isEmpty)

            // Human-readable on disk: a header line, then JSON.
            let text = try FileSystem.readText(cache.store.entryPath(key("x")))
            #expect(text.hasPrefix("fleet-action v1 "))
            #expect(text.contains(#""exitCode":3"#))
            #expect(text.contains(#""mode":"100755""#))

            try await cache.store.removeActionResult(for: key("x"))
            #expect(await cache.store.actionResult(for: key("x")) == nil)
            try await cache.store.removeActionResult(for: key("x"))  // idempotent
        }
    }

    @Test func aHitRefreshesTheEntrysAccessTime() async throws {
        try await withCache { cache in
            try await cache.store.storeActionResult(result(key: key("lru")), for: key("lru"))
            let path = cache.store.entryPath(key("lru"))
            try setModificationTime(path, secondsAgo: 30 * 86_400)
            let before = try FileStat.of(path).modificationTime
            #expect(await cache.store.actionResult(for: key("lru")) != nil)
            #expect(try FileStat.of(path).modificationTime > before)
        }
    }

    /// Each way an entry can be damaged: a miss, the file removed, a problem reported.
    @Test(arguments: ["body", "checksum", "truncated", "empty", "json", "wrong-key"])
    func damagedEntryIsAMissAndIsRemoved(damage: String) async throws {
        try await withCache { cache in
            try await cache.store.storeActionResult(result(key: key("a")), for: key("a"))
            try await cache.store.storeActionResult(result(key: key("b")), for: key("b"))
            let path = cache.store.entryPath(key("a"))
            var bytes = try FileSystem.readFile(path)
            switch damage {
            case "body": bytes[bytes.count - 5] ^= 0x02
            case "checksum": bytes[20] = bytes[20] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            case "truncated": bytes.removeLast(10)
            case "empty": bytes = []
            case "json":
                // A valid checksum over a body that is not an ActionResult.
                bytes = DiskCacheStore.entryFile(body: Array(#"{"hello":1}"#.utf8))
            default:
                // Entry b's (intact) file under a's key.
                bytes = try FileSystem.readFile(cache.store.entryPath(key("b")))
            }
            try FileSystem.writeAtomically(bytes, to: path, sync: false)

            #expect(await cache.store.actionResult(for: key("a")) == nil)
            #expect(FileSystem.exists(path) == false)
            #expect(cache.problems.all.map(\.kind) == [.corruptActionEntry])
            #expect(await cache.store.actionResult(for: key("b")) != nil)
        }
    }

    @Test func storingReplacesAnEntry() async throws {
        try await withCache { cache in
            var first = result(key: key("k"))
            first.exitCode = 1
            try await cache.store.storeActionResult(first, for: key("k"))
            try await cache.store.storeActionResult(result(key: key("k")), for: key("k"))
            #expect(await cache.store.actionResult(for: key("k"))?.exitCode == 0)
            #expect(files(under: cache.cachePath, withPrefix: DiskCacheStore.temporaryPrefix).isEmpty)
        }
    }

    @Test func aMissingCacheDirectoryReadsAsMisses() async {
        let store = DiskCacheStore(directory: "/nonexistent/fleet-cache")
        #expect(await store.actionResult(for: key("k")) == nil)
        #expect(await store.readBlob(ContentHash.of("x"), sizeLimit: 10) == nil)
    }
}

/// The entry reader decodes without Foundation first: it must give exactly what JSONDecoder gives, or nothing.
@Suite struct ActionResultFastDecodingTests {
    private func body(_ result: ActionResult) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(result))
    }

    @Test func agreesWithJSONDecoder() throws {
        let results = [
            ActionResult(key: ContentHash.of("a"), exitCode: 0, outputs: [], duration: .zero,
                         createdAt: Date(timeIntervalSince1970: 0)),
            ActionResult(
                key: ContentHash.of("b"), exitCode: -7,
                outputs: [
                    OutputFile(path: "dist/ä \"odd\" name\\x", mode: .executable, digest: ContentHash.of("1"), size: 0),
                    OutputFile(path: "dist/link", mode: .symlink, digest: ContentHash.of("t"), size: UInt64.max),
                    OutputFile(path: "dist/🚀/x.txt", mode: .regular, digest: ContentHash.of("2"), size: 123_456_789),
                ],
                stdout: BlobReference(digest: ContentHash.of("out"), size: 3),
                stderr: BlobReference(digest: ContentHash.of("err"), size: 99),
                duration: .microseconds(123_456_789_012), fleetVersion: "9.9.9-dev+\u{1}",
                createdAt: Date(timeIntervalSince1970: 1_795_425_453.003207)),
        ]
        for result in results {
            let bytes = try body(result)
            let slow = try JSONDecoder().decode(ActionResult.self, from: Data(bytes))
            let fast = try #require(ActionResult.decodeFast(bytes))
            #expect(fast == slow)
            #expect(fast.createdAt.timeIntervalSince1970 == slow.createdAt.timeIntervalSince1970)
        }
    }

    @Test func leavesAnythingElseToJSONDecoder() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try body(ActionResult(
            key: ContentHash.of("c"), exitCode: 1, outputs: [], duration: .seconds(1)))))
            as? [String: Any])
        for (field, value) in [("exitCode", 1.5 as Any), ("key", "nothex" as Any), ("durationSeconds", -1 as Any),
                               ("outputs", [["path": "a"]] as Any), ("stdout", NSNull() as Any)]
        {
            var broken = object
            broken[field] = value
            let bytes = [UInt8](try JSONSerialization.data(withJSONObject: broken))
            #expect(ActionResult.decodeFast(bytes) == nil, "accepted \(field) = \(value)")
        }
        object.removeValue(forKey: "createdAt")
        #expect(ActionResult.decodeFast([UInt8](try JSONSerialization.data(withJSONObject: object))) == nil)
    }
}
