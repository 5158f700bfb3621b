import FleetBasics
@testable import FleetCache
import FleetHashing
import FleetTestSupport
import Foundation
import Testing

/// Restore throughput against `tar --zstd -xf` of the same files. Runs only when `FLEET_BENCH_DIR` names a
/// directory of sample outputs (build in release: `swift build -c release --build-tests -Xswiftc -enable-testing`).
/// Prints the timings; asserts only that the restored tree is right (timings are not assertions).
@Suite struct RestoreBenchmark {
    static let sample = ProcessInfo.processInfo.environment["FLEET_BENCH_DIR"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(.enabled(if: sample != nil, "set FLEET_BENCH_DIR to a directory of sample outputs"))
    func restoreVersusTar() async throws {
        let sample = try #require(Self.sample)
        try await withCache { cache in
            let clock = ContinuousClock()
            var outputs: [OutputFile] = []
            let captureTime = try await clock.measure {
                outputs = try await cache.store.capture(
                    outputs: try GlobList(patterns: ["**"]), targetDirectory: sample)
            }
            let bytes = outputs.reduce(0) { $0 + $1.size }
            let stats = try await cache.store.stats()
            print(
                "sample: \(outputs.count) outputs, \(Quantity.formatBytes(bytes)); "
                    + "blobs \(Quantity.formatBytes(stats.compressedBytes))"
            )
            print("capture (level \(cache.store.compressionLevel)): \(captureTime)")
            let recapture = try await clock.measure {
                _ = try await cache.store.capture(outputs: try GlobList(patterns: ["**"]), targetDirectory: sample)
            }
            print("capture again (all blobs present): \(recapture)")

            let tarball = cache.directory.appending("sample.tar.zst")
            let made = try TestProcess.run("/usr/bin/tar", ["--zstd", "-cf", tarball, "-C", sample, "."])
            #expect(made.exitCode == 0)
            let expected = try snapshotSizes(sample)
            for round in 0..<3 {
                let fleetDirectory = cache.directory.appending("fleet-\(round)")
                let fleetTime = try await clock.measure {
                    let outcome = try await cache.store.restore(outputs, into: fleetDirectory)
                    guard case .restored = outcome else { throw FixtureError("restore missed: \(outcome)") }
                }
                let tarDirectory = cache.directory.appending("tar-\(round)")
                try FileSystem.createDirectory(tarDirectory)
                let tarTime = try clock.measure {
                    let result = try TestProcess.run("/usr/bin/tar", ["--zstd", "-xf", tarball, "-C", tarDirectory])
                    if result.exitCode != 0 { throw FixtureError("tar failed: \(result)") }
                }
                let unchangedTime = try await clock.measure {
                    _ = try await cache.store.restore(outputs, into: fleetDirectory)
                }
                let ratio = fleetTime / tarTime
                print(
                    "round \(round): fleet restore \(fleetTime), tar --zstd -xf \(tarTime), ratio \(ratio); "
                        + "restore over identical files \(unchangedTime)")
                #expect(try snapshotSizes(fleetDirectory) == expected)
                try FileSystem.removeTree(fleetDirectory)
                try FileSystem.removeTree(tarDirectory)
            }
        }
    }

    /// Path → mode and size for every file (content is checked by restore's own verification).
    private func snapshotSizes(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        func visit(_ relative: String) throws {
            for name in try FileSystem.listDirectory(relative.isEmpty ? root : FileSystem.join(root, relative)) {
                let child = RelativePath.join(relative, name)
                let stat = try FileStat.of(FileSystem.join(root, child))
                if stat.mode & 0o170000 == 0o040000 {
                    try visit(child)
                } else {
                    result[child] = "\(stat.fileMode.map(\.description) ?? "?") \(stat.size)"
                }
            }
        }
        try visit("")
        return result
    }
}
