import ArgumentParser
import FleetBasics
import FleetManifest
import Foundation

/// `--cache-dir`, shared by every command that reads or writes the cache or the file-hash memo.
struct CacheOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp(
        "The cache directory.",
        discussion: "Default: $FLEET_CACHE_DIR, else cache/ next to fleet.yaml.", valueName: "dir"))
    var cacheDir: String?

    /// The cache directory to use for `workspace`, absolute.
    func directory(for workspace: Workspace) -> String {
        if let cacheDir { return FileSystem.absolute(cacheDir) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["FLEET_CACHE_DIR"], !fromEnvironment.isEmpty {
            return FileSystem.absolute(fromEnvironment)
        }
        return FileSystem.join(workspace.manifestDirectory, "cache")
    }
}
