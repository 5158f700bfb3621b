public import FleetBasics

/// A persistent map from workspace-relative path to the `lstat` fields and digest seen when the file was last
/// hashed, so unchanged files are not read again (git's index does the same).
///
/// A lookup trusts a recorded digest only when every stat field matches *and* the entry is not "racy": the file's
/// mtime and ctime must be older than the moment the entry was recorded (a reading of the file clock taken before
/// the file was read). Otherwise a write landing in the same timestamp tick as the hashed content could go
/// unnoticed, so the file is hashed again (git's racy-clean rule, applied per entry).
///
/// Stored as one compact binary file (see ``encoded()``): a header with a version and a checksum, fixed-size
/// records sorted by path, and a string table. Loading is one read plus a checksum, with no per-entry allocation;
/// lookups are binary searches. Saving writes a temporary file and renames it over the old one. A missing,
/// truncated, corrupt or foreign-version file loads as an empty memo (and is overwritten by the next save); two
/// processes saving at once is fine: the last writer wins, and a memo only ever saves work.
///
/// A value type: copies are cheap (the loaded table is shared) and independent.
public struct StatMemo: Sendable {
    /// One recorded file.
    public struct Entry: Hashable, Sendable {
        public var stat: FileStat
        public var digest: Fingerprint
        /// The file-clock reading (ns since the epoch) taken before the file was read; see ``FileStat/fileClockNow()``.
        public var recordedAt: Int64

        public init(stat: FileStat, digest: Fingerprint, recordedAt: Int64) {
            self.stat = stat
            self.digest = digest
            self.recordedAt = recordedAt
        }
    }

    /// What ``load(from:)`` found.
    public enum LoadStatus: Hashable, Sendable, CustomStringConvertible {
        case loaded(entries: Int)
        /// No memo file yet.
        case missing
        /// The file was unreadable or invalid and is ignored; the next save replaces it.
        case discarded(reason: String)

        public var description: String {
            switch self {
            case let .loaded(entries): "loaded \(entries) entries"
            case .missing: "no memo yet"
            case let .discarded(reason): "discarded an unusable memo (\(reason))"
            }
        }
    }

    /// The entries as loaded (sorted, immutable, shared between copies).
    var table: StatMemoTable
    /// Changes since loading: a nil value removes the path.
    var changes: [String: Entry?] = [:]

    /// An empty memo.
    public init() { table = StatMemoTable() }

    init(table: StatMemoTable) { self.table = table }

    /// Where the memo of the workspace at `root` lives inside a cache directory:
    /// `<cache>/memo/stat-v1-<16 hex digits of the root's path>`. One file per workspace, so several checkouts
    /// can share a cache directory without evicting each other's entries.
    public static func path(inCacheDirectory cacheDirectory: String, forRoot root: String) -> String {
        let canonicalRoot = FileSystem.realPath(root) ?? FileSystem.absolute(root)
        let digest = ContentHash.of(canonicalRoot)
        return FileSystem.join(cacheDirectory, "memo/stat-v\(StatMemoTable.version)-\(digest.hex.prefix(16))")
    }

    /// Loads a memo file; never fails (see ``LoadStatus``).
    public static func load(from path: String) -> (memo: StatMemo, status: LoadStatus) {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path, limit: 1 << 31)
        } catch {
            if error.isNotFound { return (StatMemo(), .missing) }
            return (StatMemo(), .discarded(reason: error.description))
        }
        do throws(StatMemoTable.FormatError) {
            let table = try StatMemoTable(bytes: bytes)
            return (StatMemo(table: table), .loaded(entries: table.count))
        } catch {
            return (StatMemo(), .discarded(reason: error.reason))
        }
    }

    /// The recorded entry for `path`, racy or not.
    public func entry(for path: String) -> Entry? {
        if let change = changes[path] { return change }
        return table.entry(for: path)
    }

    /// The recorded digest when `stat` matches the entry exactly and the entry is not racy; nil means "hash the
    /// file". `stat` must come from `lstat` (``FileStat/of(_:)``).
    public func lookup(_ path: String, stat: FileStat) -> FileDigest? {
        guard let entry = entry(for: path), entry.stat == stat, let mode = stat.fileMode,
            stat.modificationTime < entry.recordedAt, stat.changeTime < entry.recordedAt
        else { return nil }
        return FileDigest(mode: mode, size: stat.size, digest: entry.digest)
    }

    /// Records a digest computed from a file whose stat was `stat`.
    /// - Parameter recordedAt: a ``FileStat/fileClockNow()`` reading taken *before* the file was opened.
    public mutating func record(_ path: String, stat: FileStat, digest: Fingerprint, recordedAt: Int64) {
        changes[path] = .some(Entry(stat: stat, digest: digest, recordedAt: recordedAt))
    }

    /// Forgets `path` (the file is gone).
    public mutating func remove(_ path: String) {
        if table.entry(for: path) != nil || changes[path] != nil { changes[path] = .some(nil) }
    }

    /// Whether there is anything to save.
    public var hasChanges: Bool { !changes.isEmpty }

    /// The number of entries.
    public var count: Int {
        var total = table.count
        for (path, change) in changes {
            let existed = table.entry(for: path) != nil
            if change != nil, !existed { total += 1 }
            if change == nil, existed { total -= 1 }
        }
        return total
    }

    /// All entries, sorted by the paths' UTF-8 bytes.
    public var entries: [(path: String, entry: Entry)] {
        merged().map { (String(decoding: $0.path, as: UTF8.self), $0.entry) }
    }

    /// The file format: see ``StatMemoTable``.
    /// - Parameter cutoff: entries recorded before this time (ns since the epoch) are left out.
    public func encoded(droppingEntriesRecordedBefore cutoff: Int64? = nil) -> [UInt8] {
        var entries = merged()
        if let cutoff { entries.removeAll { $0.entry.recordedAt < cutoff } }
        return StatMemoTable.encode(entries)
    }

    /// Writes the memo atomically (temporary file, then rename) and folds the changes into the loaded table.
    /// Creates the parent directory. Not fsync'd: a torn file after a crash fails its checksum and loads empty.
    /// - Parameter cutoff: entries recorded before this time (ns since the epoch) are dropped, which is how
    ///   entries of files deleted long ago leave the memo (an unchanged file's entry merely gets re-hashed once).
    public mutating func save(to path: String, droppingEntriesRecordedBefore cutoff: Int64? = nil)
        throws(FileSystemError)
    {
        let bytes = encoded(droppingEntriesRecordedBefore: cutoff)
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try FileSystem.writeAtomically(bytes, to: path, mode: 0o644, sync: false)
        if let table = try? StatMemoTable(bytes: bytes) {
            self.table = table
            changes = [:]
        }
    }

    /// The loaded entries with the changes applied, sorted by path bytes.
    private func merged() -> [(path: [UInt8], entry: Entry)] {
        // Sort positions over one flat byte buffer, not (path, entry) tuples or arrays of arrays: moving 100k
        // generic tuples, or retaining two arrays per comparison, cost more than everything else in a save.
        let changedEntries = Array(changes.values)
        var flat: [UInt8] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(changes.count + 1)
        for path in changes.keys {
            offsets.append(flat.count)
            flat.append(contentsOf: path.utf8)
        }
        offsets.append(flat.count)
        var positions = Array(changedEntries.indices)
        flat.withUnsafeBytes { bytes in
            offsets.withUnsafeBufferPointer { offsets in
                func path(_ i: Int) -> UnsafeRawBufferPointer {
                    UnsafeRawBufferPointer(rebasing: bytes[offsets[i]..<offsets[i + 1]])
                }
                positions.sort { StatMemoTable.compare(path($0), path($1)) < 0 }
            }
        }
        let changed = positions.map { (path: Array(flat[offsets[$0]..<offsets[$0 + 1]]), entry: changedEntries[$0]) }
        var result: [(path: [UInt8], entry: Entry)] = []
        result.reserveCapacity(table.count + changed.count)
        var next = 0
        table.forEach { path, entry in
            var order = -1
            while next < changed.count {
                order = changed[next].path.withUnsafeBytes { StatMemoTable.compare($0, path) }
                if order >= 0 { break }
                if let added = changed[next].entry { result.append((changed[next].path, added)) }
                next += 1
            }
            if next < changed.count, order == 0 {
                if let replaced = changed[next].entry { result.append((changed[next].path, replaced)) }
                next += 1
            } else {
                result.append((Array(path), entry))
            }
        }
        for change in changed[next...] {
            if let added = change.entry { result.append((change.path, added)) }
        }
        return result
    }
}
