public import FleetBasics
public import FleetHashing

/// The files of one snapshot of the workspace (the working tree or a commit) that can be inputs, as root-relative
/// paths sorted by their UTF-8 bytes, so that every pattern's literal prefix is a contiguous range.
///
/// Ignored files are never in an inventory; declared outputs are, and are filtered when inputs are selected
/// (see ``OutputFilter``). A submodule (gitlink) is an entry whose content is the commit it records (in the working
/// tree: the commit checked out in it), so a submodule bump changes the keys of the targets that contain it, and
/// edits inside it that are not committed there do not.
public struct FileInventory: Sendable {
    public struct Entry: Hashable, Sendable {
        /// Root-relative path.
        public var path: String
        public var mode: FileMode
        /// A content identity known without reading the file (a commit's blob id), used to compare snapshots
        /// cheaply; nil for working-tree files until they are hashed.
        public var identity: Fingerprint?
        /// For a submodule: the digest of the commit it records (``Fingerprint/init(submoduleCommit:)``), which
        /// stands for its content; nil for files and symlinks.
        public var submodule: Fingerprint?
        /// The file's `lstat` when the listing made one (the git working-tree walk does, for regular files), so
        /// hashing need not make another.
        public var stat: FileStat?

        public init(
            path: String, mode: FileMode, identity: Fingerprint? = nil, submodule: Fingerprint? = nil,
            stat: FileStat? = nil
        ) {
            self.path = path
            self.mode = mode
            self.identity = identity
            self.submodule = submodule
            self.stat = stat
        }
    }

    /// Sorted by path bytes, unique.
    public let entries: [Entry]

    public init(entries: [Entry]) {
        var sorted = entries
        // Listings from git are usually sorted already: check in O(n) before sorting.
        if !sorted.indices.dropFirst().allSatisfy({ sorted[$0 - 1].path.utf8Precedes(sorted[$0].path) }) {
            sorted.sort { $0.path.utf8Precedes($1.path) }
        }
        var unique: [Entry] = []
        unique.reserveCapacity(sorted.count)
        for entry in sorted where unique.last?.path != entry.path { unique.append(entry) }
        self.entries = unique
    }

    public var count: Int { entries.count }

    /// The indices of the entries whose path starts with `prefix` (bytewise). O(log n).
    public func range(withPrefix prefix: String) -> Range<Int> {
        if prefix.isEmpty { return 0..<entries.count }
        let lower = lowerBound(prefix)
        // Entries with the prefix are contiguous from `lower`: find the first one without it.
        var low = lower, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].path.utf8HasPrefix(prefix) { low = middle + 1 } else { high = middle }
        }
        return lower..<low
    }

    /// The index of `path`, if present. O(log n).
    public func index(of path: String) -> Int? {
        let i = lowerBound(path)
        return i < entries.count && entries[i].path == path ? i : nil
    }

    private func lowerBound(_ key: String) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].path.utf8Precedes(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension FileInventory {
    /// Lists the working tree under `root` without git: every regular file and symlink, not following symlinks,
    /// skipping `.git` and the directories in `skipping` (absolute paths, e.g. the cache directory).
    public static func walking(root: String, skipping: Set<String> = []) throws(FileSystemError) -> FileInventory {
        var entries: [Entry] = []
        var stack: [(absolute: String, relative: String)] = [(root, "")]
        while let (directory, relative) = stack.popLast() {
            for name in try FileSystem.listDirectory(directory) {
                let absolute = FileSystem.join(directory, name)
                let path = relative.isEmpty ? name : relative + "/" + name
                guard let stat = try? FileStat.of(absolute) else { continue }
                if stat.mode & 0o170000 == 0o040000 {
                    if name == ".git" || skipping.contains(absolute) { continue }
                    stack.append((absolute, path))
                } else if let mode = FileMode(statMode: stat.mode) {
                    entries.append(Entry(path: path, mode: mode))
                }
            }
        }
        return FileInventory(entries: entries)
    }
}
