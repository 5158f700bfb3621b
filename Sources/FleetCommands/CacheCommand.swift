import ArgumentParser
import FleetBasics
import FleetCache
import FleetExecution
import FleetGraph
import FleetManifest
import FleetPlanning
import Foundation

/// `fleet cache stats | verify | gc | clean`.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect, check and trim the local cache.",
        discussion: """
            The cache directory is --cache-dir, else $FLEET_CACHE_DIR, else cache/ next to fleet.yaml. See \
            docs/cache.md for its layout and guarantees.
            """,
        subcommands: [Stats.self, Verify.self, GC.self, Clean.self])

    /// The cache directory without requiring a valid manifest: `--cache-dir`, `$FLEET_CACHE_DIR`, or next to the
    /// manifest that would be used.
    static func directory(_ cache: CacheOptions, _ global: GlobalOptions) throws -> String {
        if cache.cacheDir != nil || !(ProcessInfo.processInfo.environment["FLEET_CACHE_DIR"] ?? "").isEmpty {
            return cache.directory(for: Workspace(manifestPath: "/fleet.yaml"))
        }
        return cache.directory(for: try global.workspace())
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats", abstract: "Count the cache's entries and blobs and their sizes.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var cache: CacheOptions
        @Flag(name: .long, help: "Print JSON instead of text.") var json = false

        func run() async throws {
            try await runReporting(global) { console in
                let directory = try CacheCommand.directory(cache, global)
                let stats = try await DiskCacheStore(directory: directory).stats()
                let runs = RunDirectory(cacheDirectory: directory).runIDs()
                if json {
                    console.output(JSONText.object([
                        ("directory", JSONText.quote(directory)),
                        ("entries", JSONText.number(stats.actionEntries)),
                        ("entryBytes", JSONText.number(Double(stats.actionEntryBytes))),
                        ("blobs", JSONText.number(stats.blobs)),
                        ("compressedBytes", JSONText.number(Double(stats.compressedBytes))),
                        ("contentBytes", stats.uncompressedBytes.map { JSONText.number(Double($0)) } ?? "null"),
                        ("totalBytes", JSONText.number(Double(stats.totalBytes))),
                        ("temporaryFiles", JSONText.number(stats.temporaryFiles)),
                        ("runs", JSONText.number(runs.count)),
                    ]))
                    return
                }
                let content = stats.uncompressedBytes.map { ", \(Quantity.formatBytes($0)) of content" } ?? ""
                console.output("""
                    cache:    \(directory)
                    entries:  \(stats.actionEntries) (\(Quantity.formatBytes(stats.actionEntryBytes)))
                    blobs:    \(stats.blobs) (\(Quantity.formatBytes(stats.compressedBytes)) compressed\(content))
                    total:    \(Quantity.formatBytes(stats.totalBytes))
                    runs:     \(runs.count) kept\(runs.last.map { ", latest \($0)" } ?? "")
                    """ + (stats.temporaryFiles > 0 ? "\ntemporary files: \(stats.temporaryFiles)" : ""))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Read and check every blob and entry; remove the damaged ones.",
            discussion: "Exits 1 when something was damaged (and removed), 0 when everything was intact.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var cache: CacheOptions

        func run() async throws {
            var damaged = false
            try await runReporting(global) { console in
                let directory = try CacheCommand.directory(cache, global)
                let report = try await DiskCacheStore(directory: directory).verify()
                console.report(report.problems.map(\.diagnostic))
                console.output("checked \(report.checkedBlobs) blobs and \(report.checkedEntries) entries: "
                    + (report.isClean ? "no problems"
                        : "removed \(report.removedBlobs.count) damaged blobs and \(report.removedEntries.count) entries"))
                damaged = !report.isClean
            }
            if damaged { throw ExitCode.failure }
        }
    }

    struct GC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Trim the cache, least recently used entries first.",
            discussion: """
                Default limits: the cache: section of fleet.yaml (max-size, max-age), else 10GiB and no age limit.
                Examples:
                  fleet cache gc
                  fleet cache gc --max-size 2GB --max-age 14d
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var cache: CacheOptions

        @Option(name: .long, help: ArgumentHelp("The size to trim to: 10GB, 500MB…", valueName: "size"))
        var maxSize: String?

        @Option(name: .long, help: ArgumentHelp("Remove entries unused for longer: 30d, 12h…", valueName: "duration"))
        var maxAge: String?

        func validate() throws {
            if let maxSize, Quantity.bytes(from: maxSize) == nil {
                throw ValidationError("--max-size: expected a size such as 10GB or 512MB, found '\(maxSize)'")
            }
            if let maxAge, Quantity.seconds(from: maxAge) == nil {
                throw ValidationError("--max-age: expected a duration such as 30d or 12h, found '\(maxAge)'")
            }
        }

        func run() async throws {
            try await runReporting(global) { console in
                let directory = try CacheCommand.directory(cache, global)
                var settings = CacheSettings()
                if maxSize == nil || maxAge == nil, let workspace = try? global.workspace() {
                    settings = try ManifestLoader.load(workspace: workspace).cache
                }
                let size = maxSize.flatMap(Quantity.bytes(from:)) ?? settings.effectiveMaxSize
                let age = maxAge.flatMap(Quantity.seconds(from:)) ?? settings.maxAge
                console.info("trimming \(directory) to \(Quantity.formatBytes(size))"
                    + (age.map { ", entries unused for \(Quantity.formatDuration(seconds: $0))" } ?? ""))
                let report = try await DiskCacheStore(directory: directory).gc(
                    maxSize: size, maxAge: age.flatMap(Planner.duration))
                console.output("removed \(report.removedEntries) entries and \(report.removedBlobs) blobs, freed "
                    + "\(Quantity.formatBytes(report.freedBytes)); the cache now holds "
                    + Quantity.formatBytes(report.remainingBytes))
            }
        }
    }

    struct Clean: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clean",
            abstract: "Remove everything fleet keeps in the cache directory: results, memos, run records and logs.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var cache: CacheOptions

        func run() async throws {
            try await runReporting(global) { console in
                let directory = try CacheCommand.directory(cache, global)
                try await DiskCacheStore(directory: directory).clean()
                try FileSystem.removeTree(RunDirectory(cacheDirectory: directory).path)
                console.output("removed the cache in \(directory)")
            }
        }
    }
}
