import FleetBasics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only parse of git's index file (`<git dir>/index`, format versions 2–4), for the two hot paths that
/// only read it: listing tracked paths and comparing the working tree with a commit.
///
/// libgit2 verifies the index's trailing SHA-1 on every load (collision-detecting SHA-1 over the whole file: 11 MB
/// and most of a fleet run's git time at 100k files); git itself does not (`index.skipHash`-style: only `git fsck`
/// checks it). This reader does not either, and also keeps the cache-tree extension (`TREE`), which libgit2's diff
/// ignores and which lets a commit-to-index comparison skip every directory whose tree id is unchanged.
///
/// Anything this reader does not handle exactly — a split index (`link`), a sparse index (directory entries),
/// an unknown version, a truncated or inconsistent file — throws ``Unsupported``, and callers use libgit2.
struct IndexFile {
    /// One index entry (one stage of one path).
    struct Entry {
        var path: String
        /// The raw mode (`100644`, `100755`, `120000`, `160000`).
        var mode: UInt32
        var id: ObjectID
        /// 0 for a normal entry; 1–3 for the stages of a merge conflict.
        var stage: Int
        var intentToAdd: Bool
        var skipWorktree: Bool
        /// The stat data git recorded when it last saw the file (times in seconds and nanoseconds; `size` and
        /// `inode` are truncated to 32 bits, as git stores them).
        var changeSeconds: UInt32
        var changeNanoseconds: UInt32
        var modificationSeconds: UInt32
        var modificationNanoseconds: UInt32
        var inode: UInt32
        var size: UInt32
    }

    /// The cache-tree extension: for directories of the index, the tree id git computed from their entries,
    /// valid while `entryCount >= 0` (git invalidates a directory and its parents when an entry below changes).
    ///
    /// Kept flat, in the file's depth-first order, with names as byte ranges of the extension: a fleet has tens of
    /// thousands of directories and a comparison visits a handful, so nothing per node is built up front.
    struct CacheTree {
        struct Node {
            var nameRange: Range<Int>
            /// Index entries below this directory; -1 when invalidated.
            var entryCount: Int
            var id: ObjectID?
            var subtreeCount: Int
            /// Nodes below this one (all depths): the next sibling is `descendants + 1` positions on.
            var descendants: Int
        }

        let bytes: [UInt8]
        var nodes: [Node]

        /// The children of node `index`, by name.
        func children(of index: Int) -> [String: Int] {
            var result: [String: Int] = [:]
            result.reserveCapacity(nodes[index].subtreeCount)
            var child = index + 1
            for _ in 0..<nodes[index].subtreeCount where child < nodes.count {
                result[String(decoding: bytes[nodes[child].nameRange], as: UTF8.self)] = child
                child += nodes[child].descendants + 1
            }
            return result
        }

        /// The node of a directory (`""` is the root).
        func node(for directory: String) -> Node? {
            guard !nodes.isEmpty else { return nil }
            var index = 0
            if !directory.isEmpty {
                for component in directory.split(separator: "/", omittingEmptySubsequences: false) {
                    guard let child = children(of: index)[String(component)] else { return nil }
                    index = child
                }
            }
            return nodes[index]
        }
    }

    struct Unsupported: Error, CustomStringConvertible {
        var reason: String
        var description: String { "unsupported index: \(reason)" }
    }

    /// Sorted by path bytes, then stage (git's order).
    var entries: [Entry]
    /// The cache tree, when the index has a well-formed one.
    var cacheTree: CacheTree?
    /// The index file's own mtime, in nanoseconds: an entry whose recorded mtime is not older is "racily clean"
    /// (the file may have changed within the same timestamp tick after git recorded it).
    var fileModificationTime: Int64

    /// Reads `<gitDirectory>/index`; nil when there is none (a repository without an index has no tracked files).
    static func read(gitDirectory: String) throws(Unsupported) -> IndexFile? {
        let path = FileSystem.join(gitDirectory, "index")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw Unsupported(reason: "cannot open (errno \(errno))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= 0, info.st_size < 1 << 32 else {
            throw Unsupported(reason: "cannot stat, or larger than 4 GiB")
        }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        guard bytes.withUnsafeMutableBytes({ readFully(fd, into: $0) }) == size else {
            throw Unsupported(reason: "short read")
        }
        #if canImport(Darwin)
        let mtime = info.st_mtimespec
        #else
        let mtime = info.st_mtim
        #endif
        var index = try bytes.withUnsafeBytes { raw in
            Result { () throws(Unsupported) -> IndexFile in
                var parser = Parser(raw: raw)
                return try parser.parse()
            }
        }.get()
        index.fileModificationTime = Int64(mtime.tv_sec) &* 1_000_000_000 &+ Int64(mtime.tv_nsec)
        return index
    }
}

/// Reads from `fd` until `buffer` is full or the file ends; the number of bytes read.
private func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var filled = 0
    while filled < buffer.count {
        let n = read(fd, base + filled, buffer.count - filled)
        if n < 0, errno == EINTR { continue }
        if n <= 0 { break }
        filled += n
    }
    return filled
}

// MARK: - Parsing

private struct Parser {
    let raw: UnsafeRawBufferPointer
    var offset = 0

    init(raw: UnsafeRawBufferPointer) { self.raw = raw }

    static let hashSize = 20

    mutating func parse() throws(IndexFile.Unsupported) -> IndexFile {
        // Header, entries, extensions, then the trailing hash (not verified, as git does not).
        guard raw.count >= 12 + Self.hashSize else { throw unsupported("truncated header") }
        guard raw[0] == 0x44, raw[1] == 0x49, raw[2] == 0x52, raw[3] == 0x43 else { throw unsupported("no DIRC") }
        let version = try u32(at: 4)
        guard (2...4).contains(version) else { throw unsupported("version \(version)") }
        let count = Int(try u32(at: 8))
        let end = raw.count - Self.hashSize
        offset = 12
        var entries: [IndexFile.Entry] = []
        entries.reserveCapacity(count)
        var previousPath: [UInt8] = []
        for _ in 0..<count {
            let start = offset
            guard start + 62 <= end else { throw unsupported("truncated entry") }
            let flags = UInt16(raw[start + 60]) << 8 | UInt16(raw[start + 61])
            var cursor = start + 62
            var extended: UInt16 = 0
            if flags & 0x4000 != 0 {
                guard version >= 3, cursor + 2 <= end else { throw unsupported("extended flags in version 2") }
                extended = UInt16(raw[cursor]) << 8 | UInt16(raw[cursor + 1])
                cursor += 2
            }
            let path: String
            if version == 4 {
                // Prefix compression: drop N bytes from the previous path's end, then a NUL-terminated suffix.
                var strip = 0
                var byte: UInt8
                var shift = 0
                repeat {
                    guard cursor < end, shift < 56 else { throw unsupported("bad path prefix") }
                    byte = raw[cursor]
                    cursor += 1
                    // git's varint: each continuation adds one before shifting.
                    strip = shift == 0 ? Int(byte & 0x7F) : ((strip + 1) << 7) | Int(byte & 0x7F)
                    shift += 7
                } while byte & 0x80 != 0
                guard strip <= previousPath.count else { throw unsupported("bad path prefix") }
                guard let nul = findNUL(from: cursor, before: end) else { throw unsupported("unterminated path") }
                previousPath.removeLast(strip)
                previousPath.append(contentsOf: raw[cursor..<nul])
                path = String(decoding: previousPath, as: UTF8.self)
                cursor = nul + 1
            } else {
                guard let nul = findNUL(from: cursor, before: end) else { throw unsupported("unterminated path") }
                path = String(decoding: UnsafeRawBufferPointer(rebasing: raw[cursor..<nul]), as: UTF8.self)
                // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
                let length = nul - start
                cursor = start + (length + 8) & ~7
                guard cursor <= end else { throw unsupported("truncated padding") }
            }
            let mode = try u32(at: start + 24)
            guard mode & 0o170000 != 0o040000 else { throw unsupported("sparse directory entry") }
            guard let id = ObjectID(bytes: UnsafeRawBufferPointer(rebasing: raw[(start + 40)..<(start + 60)])) else {
                throw unsupported("bad object id")
            }
            entries.append(IndexFile.Entry(
                path: path, mode: mode, id: id,
                stage: Int(flags >> 12 & 0x3), intentToAdd: extended & 0x2000 != 0,
                skipWorktree: extended & 0x4000 != 0,
                changeSeconds: try u32(at: start), changeNanoseconds: try u32(at: start + 4),
                modificationSeconds: try u32(at: start + 8), modificationNanoseconds: try u32(at: start + 12),
                inode: try u32(at: start + 20), size: try u32(at: start + 36)))
            offset = cursor
        }
        // Extensions: a 4-byte signature and a 32-bit size each.
        var cacheTree: IndexFile.CacheTree?
        while offset + 8 <= end {
            let signature = Array(raw[offset..<(offset + 4)])
            let size = Int(try u32(at: offset + 4))
            let body = offset + 8
            guard size <= end - body else { throw unsupported("truncated extension") }
            switch signature {
            case Array("link".utf8): throw unsupported("split index")
            case Array("sdir".utf8): throw unsupported("sparse index")
            case Array("TREE".utf8):
                let extensionBytes = Array(raw[body..<(body + size)])
                cacheTree = extensionBytes.withUnsafeBytes { raw in
                    var tree = Parser(raw: raw)
                    return tree.cacheTree().map { IndexFile.CacheTree(bytes: extensionBytes, nodes: $0) }
                }  // a malformed cache tree is only a lost shortcut
            default:
                break  // optional extensions (REUC, UNTR, FSMN, EOIE, IEOT…) do not change what is tracked
            }
            offset = body + size
        }
        guard offset == end else { throw unsupported("trailing bytes") }
        return IndexFile(entries: entries, cacheTree: cacheTree, fileModificationTime: 0)
    }

    /// The cache-tree extension: per node a NUL-terminated name, `"<entries> <subtrees>\n"`, a tree id when
    /// `entries >= 0`, then the subtrees, depth first. Nil when malformed.
    private mutating func cacheTree() -> [IndexFile.CacheTree.Node]? {
        var nodes: [IndexFile.CacheTree.Node] = []
        guard cacheTreeNode(depth: 0, into: &nodes), offset == raw.count else { return nil }
        return nodes
    }

    /// Parses one node and its subtrees into `nodes`; false when malformed.
    private mutating func cacheTreeNode(depth: Int, into nodes: inout [IndexFile.CacheTree.Node]) -> Bool {
        guard depth < 4096, let nul = findNUL(from: offset, before: raw.count) else { return false }
        let nameRange = offset..<nul
        offset = nul + 1
        guard let entryCount = number(until: 0x20), let subtrees = number(until: 0x0A), subtrees >= 0 else {
            return false
        }
        var id: ObjectID?
        if entryCount >= 0 {
            guard offset + Self.hashSize <= raw.count else { return false }
            id = ObjectID(bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + Self.hashSize)]))
            offset += Self.hashSize
        }
        let position = nodes.count
        nodes.append(IndexFile.CacheTree.Node(
            nameRange: nameRange, entryCount: entryCount, id: id, subtreeCount: subtrees, descendants: 0))
        for _ in 0..<subtrees {
            guard cacheTreeNode(depth: depth + 1, into: &nodes) else { return false }
        }
        nodes[position].descendants = nodes.count - position - 1
        return true
    }

    /// An ASCII decimal (optionally negative) terminated by `terminator`.
    private mutating func number(until terminator: UInt8) -> Int? {
        var value = 0
        var negative = false
        var digits = 0
        while offset < raw.count, raw[offset] != terminator {
            let byte = raw[offset]
            if byte == UInt8(ascii: "-"), digits == 0, !negative {
                negative = true
            } else if byte >= 0x30, byte <= 0x39, digits < 12 {
                value = value * 10 + Int(byte - 0x30)
                digits += 1
            } else {
                return nil
            }
            offset += 1
        }
        guard offset < raw.count, digits > 0 else { return nil }
        offset += 1
        return negative ? -value : value
    }

    private func findNUL(from start: Int, before end: Int) -> Int? {
        var position = start
        while position < end {
            if raw[position] == 0 { return position }
            position += 1
        }
        return nil
    }

    private func u32(at position: Int) throws(IndexFile.Unsupported) -> UInt32 {
        guard position >= 0, position + 4 <= raw.count else { throw unsupported("truncated") }
        return UInt32(raw[position]) << 24 | UInt32(raw[position + 1]) << 16 | UInt32(raw[position + 2]) << 8
            | UInt32(raw[position + 3])
    }

    private func unsupported(_ reason: String) -> IndexFile.Unsupported { IndexFile.Unsupported(reason: reason) }
}
