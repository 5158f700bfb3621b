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

    /// ``directory(for:)``, created if missing, after checking that files can be written in it: `fleet run` keeps
    /// every action's logs and the run record there, even with `--no-cache`, so an unusable directory is an error
    /// before anything runs rather than every action failing.
    func writableDirectory(for workspace: Workspace) throws -> String {
        let directory = directory(for: workspace)
        do {
            try FileSystem.ensureWritableDirectory(directory)
        } catch {
            // ENOTDIR names what is in the way (`--cache-dir build.log/cache`: build.log).
            let reason = error.errno == ENOTDIR
                ? "'\(FileSystem.displayPath(error.path))' is not a directory"
                : "cannot \(error.operation) '\(FileSystem.displayPath(error.path))': \(error.reason)"
            throw DiagnosticsError(
                "cannot use the cache directory \(FileSystem.displayPath(directory)): \(reason)",
                hint: "pass --cache-dir or set FLEET_CACHE_DIR to a directory fleet can write; run logs and records "
                    + "are kept there even with --no-cache")
        }
        return directory
    }
}
