import FleetBasics
public import FleetHashing

/// Supplies the content digests of inventory entries.
public protocol DigestSource {
    /// Digests aligned with `entries`; an error where a file could not be read.
    func digests(for entries: [FileInventory.Entry]) async -> [Result<FileDigest, HashingError>]
}

/// Digests of working-tree files, through the persistent stat memo (unchanged files are not re-read) and hashed
/// in parallel.
public struct WorkingTreeDigests: DigestSource {
    public let hasher: WorkspaceHasher

    public init(hasher: WorkspaceHasher) { self.hasher = hasher }

    public func digests(for entries: [FileInventory.Entry]) async -> [Result<FileDigest, HashingError>] {
        await hasher.hash(entries.map(\.path), knownStats: entries.map(\.stat))
    }
}

/// Digests that are the entries' known identities (a commit's blob ids): enough to compare two snapshots without
/// reading any content. Such keys are only comparable with keys made the same way.
public struct IdentityDigests: DigestSource {
    public init() {}

    public func digests(for entries: [FileInventory.Entry]) async -> [Result<FileDigest, HashingError>] {
        entries.map { entry in
            guard let identity = entry.identity else { return .failure(.invalidPath(path: entry.path)) }
            return .success(FileDigest(mode: entry.mode, size: 0, digest: identity))
        }
    }
}
