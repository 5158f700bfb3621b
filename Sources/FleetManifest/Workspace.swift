public import FleetBasics

/// Where a fleet lives on disk: the manifest, its directory, the root its targets are relative to, and the git
/// repository around it. All paths are absolute and lexically normalised (symlinks are not resolved).
public struct Workspace: Hashable, Sendable {
    /// The default manifest file name.
    public static let manifestFileName = "fleet.yaml"

    /// The absolute path of `fleet.yaml`.
    public var manifestPath: String
    /// The directory holding the manifest.
    public var manifestDirectory: String
    /// The manifest's path as shown in diagnostics: as the user gave it, or relative to the current directory.
    public var displayPath: String
    /// The directory targets' paths are relative to: the manifest's directory joined with `root:`. Equal to
    /// ``manifestDirectory`` until ``ManifestLoader`` applies `root:`.
    public var rootDirectory: String
    /// The nearest ancestor of ``manifestDirectory`` (itself included) that contains a `.git` entry, file or
    /// directory; else ``manifestDirectory``. Found by walking up, without git.
    public var repositoryRoot: String

    /// A workspace for the manifest at `manifestPath`.
    /// - Parameters:
    ///   - displayPath: how to show the manifest in messages; default: relative to `currentDirectory`.
    ///   - repositoryRoot: skip the search for `.git` and use this directory.
    public init(manifestPath: String, displayPath: String? = nil,
                currentDirectory: String = FileSystem.currentDirectory(), repositoryRoot: String? = nil) {
        let absolute = FileSystem.absolute(manifestPath, relativeTo: currentDirectory)
        self.manifestPath = absolute
        self.manifestDirectory = FileSystem.parent(of: absolute)
        self.displayPath = displayPath ?? Workspace.displayPath(of: absolute, from: currentDirectory)
        self.rootDirectory = manifestDirectory
        self.repositoryRoot = repositoryRoot ?? Workspace.findRepositoryRoot(from: manifestDirectory)
    }

    /// Finds the manifest to use.
    ///
    /// - Parameters:
    ///   - manifest: `--manifest PATH`: a file, or a directory that contains `fleet.yaml`. nil: walk up from `cwd`
    ///     to the first directory that contains `fleet.yaml`.
    ///   - cwd: the absolute current directory.
    /// - Throws: ``ManifestError/manifestNotFound(searchedFrom:)`` or ``ManifestError/manifestMissing(path:)``.
    public static func discover(manifest: String?, from cwd: String) throws(ManifestError) -> Workspace {
        if let manifest {
            var path = FileSystem.absolute(manifest, relativeTo: cwd)
            if FileSystem.isDirectory(path) { path = FileSystem.join(path, manifestFileName) }
            guard FileSystem.exists(path) else { throw ManifestError.manifestMissing(path: manifest) }
            let display = FileSystem.isDirectory(FileSystem.absolute(manifest, relativeTo: cwd))
                ? FileSystem.join(manifest, manifestFileName) : manifest
            return Workspace(manifestPath: path, displayPath: display, currentDirectory: cwd)
        }
        var directory = FileSystem.absolute(cwd)
        while true {
            let candidate = FileSystem.join(directory, manifestFileName)
            if let kind = FileSystem.kind(of: candidate), kind != .directory {
                return Workspace(manifestPath: candidate, currentDirectory: cwd)
            }
            let parent = FileSystem.parent(of: directory)
            if parent == directory { break }
            directory = parent
        }
        throw ManifestError.manifestNotFound(searchedFrom: cwd)
    }

    /// ``rootDirectory`` relative to ``repositoryRoot``: `""` when they are the same directory.
    public var rootPathInRepository: String {
        Workspace.relative(rootDirectory, to: repositoryRoot) ?? ""
    }

    /// Converts a root-relative path (such as ``Target/path``) to a repository-relative one.
    public func repositoryPath(forRootRelative path: String) -> String {
        RelativePath.join(rootPathInRepository, path)
    }

    /// Converts a repository-relative path to a root-relative one, or nil when it is outside the root.
    public func rootRelativePath(forRepositoryPath path: String) -> String? {
        RelativePath.relative(path, to: rootPathInRepository)
    }

    /// The absolute path of a root-relative path.
    public func absolutePath(forRootRelative path: String) -> String {
        path.isEmpty ? rootDirectory : FileSystem.join(rootDirectory, path)
    }

    // MARK: - Helpers

    static func findRepositoryRoot(from directory: String) -> String {
        var current = directory
        while true {
            if FileSystem.exists(FileSystem.join(current, ".git")) { return current }
            let parent = FileSystem.parent(of: current)
            if parent == current || parent.isEmpty { return directory }
            current = parent
        }
    }

    /// `path` relative to `directory` when inside it (`""` when equal), else nil. Both absolute and normalised.
    static func relative(_ path: String, to directory: String) -> String? {
        if path == directory { return "" }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }

    /// `fleet.yaml`, `sub/fleet.yaml`, `../../fleet.yaml` (a manifest in an ancestor directory), else the absolute
    /// path.
    static func displayPath(of path: String, from directory: String) -> String {
        if let inside = relative(path, to: directory) { return inside.isEmpty ? "." : inside }
        var up = 0
        var ancestor = directory
        while up < 64 {
            let parent = FileSystem.parent(of: ancestor)
            if parent == ancestor { break }
            ancestor = parent
            up += 1
            if FileSystem.parent(of: path) == ancestor {
                return String(repeating: "../", count: up) + FileSystem.basename(of: path)
            }
        }
        return path
    }
}
