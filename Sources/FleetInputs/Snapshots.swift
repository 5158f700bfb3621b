public import FleetBasics
public import FleetGit
public import FleetHashing
public import FleetManifest

/// Where a fleet's root sits inside its git repository, computed from real paths so that symlinked checkouts
/// (`/tmp` → `/private/tmp`) agree with what libgit2 reports.
public struct RepositoryLayout: Sendable {
    /// The root directory relative to the repository's working directory (`""` when they are the same).
    public var rootInRepository: String
    /// The manifest relative to the repository's working directory.
    public var manifestInRepository: String

    public init(workspace: Workspace, repository: GitRepository) throws(DiagnosticsError) {
        guard let workdir = repository.workingDirectory else {
            throw DiagnosticsError("the repository at \(repository.gitDirectory) is bare: fleet needs a working tree")
        }
        let realWorkdir = FileSystem.realPath(workdir) ?? workdir
        let realRoot = FileSystem.realPath(workspace.rootDirectory) ?? workspace.rootDirectory
        let realManifest = (FileSystem.realPath(workspace.manifestDirectory) ?? workspace.manifestDirectory)
            + "/" + FileSystem.basename(of: workspace.manifestPath)
        guard let root = RepositoryLayout.relative(realRoot, to: realWorkdir),
            let manifest = RepositoryLayout.relative(realManifest, to: realWorkdir)
        else {
            throw DiagnosticsError(
                "\(workspace.displayPath) is not inside the git repository at \(workdir)",
                hint: "run fleet from inside the repository that holds fleet.yaml and its root")
        }
        rootInRepository = root
        manifestInRepository = manifest
    }

    public init(rootInRepository: String, manifestInRepository: String) {
        self.rootInRepository = rootInRepository
        self.manifestInRepository = manifestInRepository
    }

    /// A repository path as a root-relative one, or nil when it is outside the root.
    public func rootRelative(_ repositoryPath: String) -> String? {
        RelativePath.relative(repositoryPath, to: rootInRepository)
    }

    /// A root-relative path as a repository-relative one.
    public func repositoryPath(_ rootRelative: String) -> String {
        RelativePath.join(rootInRepository, rootRelative)
    }

    static func relative(_ path: String, to directory: String) -> String? {
        if path == directory { return "" }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }
}

extension FileInventory {
    /// The working tree as git sees it: tracked files that exist plus untracked files that are not ignored, under
    /// the root. Ignored files are never inputs.
    public static func workingTree(repository: GitRepository, layout: RepositoryLayout) throws(GitError)
        -> FileInventory
    {
        workingTree(files: try repository.workingTreeFiles(), repository: repository, layout: layout)
    }

    /// ``workingTree(repository:layout:)`` from a listing already made.
    static func workingTree(files: [WorkingTreeFile], repository: GitRepository, layout: RepositoryLayout)
        -> FileInventory
    {
        var entries: [Entry] = []
        for file in files {
            guard let path = layout.rootRelative(file.path), !path.isEmpty else { continue }
            if file.mode == .gitlink {
                if let commit = repository.submoduleCommit(at: file.path) {
                    let digest = Fingerprint(submoduleCommit: commit)
                    entries.append(Entry(path: path, mode: .regular, identity: digest, submodule: digest))
                }
                continue
            }
            guard let mode = FileMode(gitMode: file.mode) else { continue }
            entries.append(Entry(path: path, mode: mode, stat: file.metadata.map(FileStat.init(metadata:))))
        }
        return FileInventory(entries: entries)
    }

    /// The files of a commit under the root, each with its blob id as identity. Reads trees only, never blobs.
    public static func commit(_ id: ObjectID, repository: GitRepository, layout: RepositoryLayout)
        throws(GitError) -> FileInventory
    {
        let prefixes = layout.rootInRepository.isEmpty ? nil : [layout.rootInRepository]
        var entries: [Entry] = []
        for file in try repository.files(at: id, under: prefixes) {
            guard let path = layout.rootRelative(file.path), !path.isEmpty else { continue }
            if file.mode == .gitlink {
                let commit = Fingerprint(submoduleCommit: file.id)
                entries.append(Entry(path: path, mode: .regular, identity: commit, submodule: commit))
                continue
            }
            guard let mode = FileMode(gitMode: file.mode) else { continue }
            entries.append(Entry(path: path, mode: mode, identity: Fingerprint(objectID: file.id)))
        }
        return FileInventory(entries: entries)
    }
}

extension Fingerprint {
    /// What a submodule contributes to keys: a digest of the commit it records (tagged, so that it cannot equal
    /// the digest of a file's ordinary content by accident).
    public init(submoduleCommit commit: ObjectID) {
        self = ContentHash.of("fleet-submodule/v1\u{0}" + commit.description)
    }
}

extension FileStat {
    /// The git walk's `lstat` of a file, in the hashing layer's terms.
    init(metadata: WorkingTreeFile.Metadata) {
        self.init(
            size: metadata.size, modificationSeconds: metadata.modificationSeconds,
            modificationNanoseconds: metadata.modificationNanoseconds, changeSeconds: metadata.changeSeconds,
            changeNanoseconds: metadata.changeNanoseconds, inode: metadata.inode, mode: metadata.mode)
    }
}

extension FileMode {
    /// The hashing layer's mode for a git mode; nil for submodules, which are not files.
    public init?(gitMode: GitFileMode) {
        switch gitMode {
        case .regular: self = .regular
        case .executable: self = .executable
        case .symlink: self = .symlink
        case .gitlink: return nil
        }
    }
}

extension Fingerprint {
    /// A fingerprint made from a git object id (its first 16 bytes): an identity for content git already knows.
    public init(objectID: ObjectID) {
        let bytes = objectID.bytes
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(bytes[i]) }
        for i in 8..<16 { low = low << 8 | UInt64(bytes[i]) }
        self.init(high: high, low: low)
    }
}

/// Digests of a commit's files from their blob contents (XXH3-128, as for the working tree), so keys computed at
/// a commit equal the keys of a working tree with the same content. Reads every blob it is asked for: used by
/// `fleet hash --rev` and the exhaustive cross-check, not on fast paths.
public struct CommitContentDigests: DigestSource {
    let repository: GitRepository
    let layout: RepositoryLayout
    let commit: ObjectID

    public init(repository: GitRepository, layout: RepositoryLayout, commit: ObjectID) {
        self.repository = repository
        self.layout = layout
        self.commit = commit
    }

    public func digests(for entries: [FileInventory.Entry]) async -> [Result<FileDigest, HashingError>] {
        entries.map { entry in
            guard let bytes = try? repository.blob(at: layout.repositoryPath(entry.path), in: commit) else {
                return .failure(.vanished(path: entry.path))
            }
            return .success(FileDigest(mode: entry.mode, size: UInt64(bytes.count), digest: ContentHash.of(bytes)))
        }
    }
}
