import FleetBasics
@testable import FleetCache
import FleetHashing
import FleetTestSupport
import Foundation
import Testing

/// Several real processes sharing one cache directory: this test binary re-runs itself in "writer" mode.
@Suite struct ConcurrentProcessTests {
    static let childDirectory = ProcessInfo.processInfo.environment["FLEET_CACHE_TEST_WRITER_DIR"]
    static let payloads = (0..<40).map { sampleBytes(30_000 + $0 * 1_009, seed: UInt64($0) + 1000) }

    /// Writes every payload and an entry for it, reading each back; any wrong byte fails the child (and so its
    /// exit code). Runs only inside a child process.
    @Test(.enabled(if: childDirectory != nil, "runs only as a child of writersInSeveralProcesses"))
    func writerChild() async throws {
        let store = DiskCacheStore(directory: try #require(Self.childDirectory))
        for (index, payload) in Self.payloads.enumerated() {
            let reference = try await store.writeBlob(payload)
            try await store.storeActionResult(result(key: key("p\(index)"), stdout: reference), for: key("p\(index)"))
            #expect(await store.readBlob(reference) == payload)
            #expect(await store.actionResult(for: key("p\(index)"))?.stdout == reference)
        }
        // Proof for the parent that this child really ran.
        let marker = FileSystem.join(FileSystem.parent(of: try #require(Self.childDirectory)), "child-\(getpid()).done")
        try FileSystem.writeAtomically(Array("done".utf8), to: marker, sync: false)
    }

    @Test(.enabled(if: childDirectory == nil)) func writersInSeveralProcesses() async throws {
        try await withCache { cache in
            let binary = CommandLine.arguments[0]
            var environment = ProcessInfo.processInfo.environment
            environment["FLEET_CACHE_TEST_WRITER_DIR"] = cache.cachePath
            let children = try (0..<3).map { _ in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = ["--testing-library", "swift-testing", "--filter", "writerChild"]
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            // The parent writes the same content at the same time.
            for (index, payload) in Self.payloads.enumerated().reversed() {
                let reference = try await cache.store.writeBlob(payload)
                try await cache.store.storeActionResult(
                    result(key: key("p\(index)"), stdout: reference), for: key("p\(index)"))
            }
            for child in children {
                child.waitUntilExit()
                #expect(child.terminationStatus == 0)
            }
            let markers = try FileSystem.listDirectory(cache.directory.path).filter { $0.hasSuffix(".done") }
            #expect(markers.count == children.count)
            let report = try await cache.store.verify()
            #expect(report.isClean)
            #expect(report.checkedBlobs == Self.payloads.count)
            #expect(report.checkedEntries == Self.payloads.count)
            #expect(files(under: cache.cachePath, withPrefix: DiskCacheStore.temporaryPrefix).isEmpty)
        }
    }
}
