import FleetBasics
import FleetGraph
import FleetHashing
import FleetManifest
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The keys of the last computation over the working tree, saved with everything they were computed from, so
/// that an unchanged working tree is answered by `stat` calls alone: no directory is read, no ignore rule
/// evaluated, no pattern matched, no key hashed. This is the no-op path of `fleet run` and `fleet hash`; ninja's
/// no-op does the same amount of work (one `stat` per file it knows of).
///
/// A snapshot holds:
/// - a **context** fingerprint: fleet's key schema and executable, the root, the cache directory, the requested
///   targets, the manifest's bytes, and the environment that can change keys (declared env vars) or git's
///   listing (`GIT_*`, `HOME`, `XDG_CONFIG_HOME`);
/// - the `stat` of every file outside the working tree that decides the listing (the index, `info/exclude`, the
///   config files, the global excludes file; see ``FleetGit/GitRepository/listingInputs()``), present or not;
/// - the `stat` of every directory the walk listed (taken before its entries were read: adding, removing or
///   renaming an entry changes a directory's mtime) and of every file of the inventory (a content edit changes
///   the file's mtime, ctime or size);
/// - the keys, with the repository state (HEAD, dirty) when the caller asked for it.
///
/// It is used only when every one of those is unchanged, and saved only when none of the recorded times is in the
/// second the computation started or later, so that a change racing with the computation (or made within a coarse
/// file-system timestamp tick) is never mistaken for "unchanged": git's racy-clean rule, applied to whole seconds.
/// Anything else (a submodule, warnings, a config file that includes others) means no snapshot, and the full
/// computation.
enum KeySnapshot {
    static let magic = Array("FLEETKS2".utf8)

    /// `<cache>/memo/keys-v1-<16 hex digits of the root's path>`, next to the stat memo.
    static func path(inCacheDirectory cacheDirectory: String, forRoot root: String) -> String {
        let canonicalRoot = FileSystem.realPath(root) ?? FileSystem.absolute(root)
        return FileSystem.join(cacheDirectory, "memo/keys-v1-\(ContentHash.of(canonicalRoot).hex.prefix(16))")
    }

    /// Everything the keys depend on besides the files, directories and listing inputs.
    static func context(
        fleet: LoadedFleet, targets: [String]?, cacheRelative: String?, environment: [String: String],
        gitEnvironment: [String: String]
    ) -> Fingerprint {
        var fingerprinter = Fingerprinter()
        fingerprinter.add(tag: "fleet-key-snapshot/v1")
        fingerprinter.add(tag: KeyComputer.schema)
        fingerprinter.add(FleetVersion.current)
        // A rebuilt fleet may compute keys differently without a new version number: the executable's identity.
        if let executable = FileSystem.realPath("/proc/self/exe"), let stat = try? FileStat.of(executable) {
            fingerprinter.add(executable)
            fingerprinter.add(stat.size)
            fingerprinter.add(UInt64(bitPattern: stat.modificationTime))
            fingerprinter.add(stat.inode)
        }
        let root = fleet.workspace.rootDirectory
        fingerprinter.add(FileSystem.realPath(root) ?? root)
        fingerprinter.add(cacheRelative)
        fingerprinter.add(targets != nil)
        fingerprinter.add((targets ?? []).sorted())
        fingerprinter.add(ContentHash.of(fleet.source))
        let declared = Set(fleet.manifest.targets.flatMap { $0.actions.flatMap(\.env) })
        for name in declared.sorted() {
            fingerprinter.add(name)
            fingerprinter.add(environment[name])
        }
        let gitNames = gitEnvironment.keys.filter { $0.hasPrefix("GIT_") || $0 == "HOME" || $0 == "XDG_CONFIG_HOME" }
        for name in gitNames.sorted() {
            fingerprinter.add(name)
            fingerprinter.add(gitEnvironment[name])
        }
        return fingerprinter.finalize()
    }

    // MARK: - Saving

    /// What a computation saw, to be saved.
    struct Contents {
        var context: Fingerprint
        /// ``FileStat/fileClockNow()`` read before the listing started.
        var startedAt: Int64
        /// Absolute paths of the listing's inputs outside the working tree.
        var listingInputs: [String]
        /// Root-relative paths of the directories listed (empty for the root).
        var directories: [(path: String, stat: FileStat)]
        /// The inventory: root-relative paths, with the walk's `lstat` where it made one.
        var files: [(path: String, stat: FileStat?)]
        var keys: KeySet
        var repositoryState: RepositoryState?
    }

    /// Saves `contents` at `path` (temporary file, then rename), or removes what is there when they cannot be
    /// trusted later (a recorded time too recent, a file that vanished).
    static func save(_ contents: Contents, root: String, to path: String) {
        guard let bytes = encode(contents, root: root) else {
            try? FileSystem.removeTree(path)
            return
        }
        try? FileSystem.createDirectory(FileSystem.parent(of: path))
        try? FileSystem.writeAtomically(bytes, to: path, mode: 0o644, sync: false)
    }

    static func encode(_ contents: Contents, root: String) -> [UInt8]? {
        // Times at or after the start of the computation's second are racy: see the type's documentation.
        let threshold = contents.startedAt - contents.startedAt % 1_000_000_000
        func settled(_ stat: FileStat) -> Bool {
            stat.modificationTime < threshold && stat.changeTime < threshold
        }
        var writer = ByteWriter()
        // Paths, stats and keys: ~200 bytes per file on real fleets; growing by doubling copies it all 8 times.
        writer.bytes.reserveCapacity((contents.files.count + contents.directories.count) * 192 + 4096)
        writer.bytes.append(contentsOf: magic)
        writer.fingerprint(contents.context)
        writer.i64(contents.startedAt)

        writer.u32(contents.listingInputs.count)
        for path in contents.listingInputs {
            let stat: FileStat?
            do {
                stat = try FileStat.of(path)
            } catch {
                guard case .vanished = error else { return nil }
                stat = nil
            }
            if let stat, !settled(stat) { return nil }
            writer.string(path)
            writer.stat(stat)
        }

        writer.u32(contents.directories.count + contents.files.count)
        for (path, stat) in contents.directories {
            guard settled(stat) else { return nil }
            writer.string(path.isEmpty ? "." : path)
            writer.stat(stat)
        }
        for (path, known) in contents.files {
            guard let stat = known ?? (try? FileStat.of(FileSystem.join(root, path))), settled(stat) else { return nil }
            writer.string(path)
            writer.stat(stat)
        }

        writer.keys(contents.keys)
        if let state = contents.repositoryState {
            writer.u8(1)
            writer.optionalString(state.commit)
            writer.u8(state.dirty ? 1 : 0)
            writer.u8(state.cacheNotIgnored ? 1 : 0)
        } else {
            writer.u8(0)
        }
        writer.fingerprint(ContentHash.of(writer.bytes))
        return writer.bytes
    }

    // MARK: - Loading

    /// A snapshot read from disk whose checksum and context matched; ``isCurrent(root:)`` tells whether the
    /// working tree still matches it.
    struct Loaded: Sendable {
        let bytes: [UInt8]
        /// Absolute paths: where each path starts in ``bytes`` (NUL-terminated), and the recorded stat (nil: absent).
        let listingInputs: [(offset: Int, stat: FileStat?)]
        /// Root-relative paths of directories and files.
        let entries: [(offset: Int, stat: FileStat)]
        let fileCount: Int
        let keysOffset: Int
    }

    /// Reads the snapshot at `path`; nil when there is none, it is damaged, or it was made in another context.
    static func load(from path: String, context: Fingerprint) -> Loaded? {
        guard let bytes = try? FileSystem.readFile(path), bytes.count > magic.count + 32,
            bytes.prefix(magic.count).elementsEqual(magic)
        else { return nil }
        return bytes.withUnsafeBytes { raw -> Loaded? in
            let body = UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 16)])
            var trailer = ByteReader(UnsafeRawBufferPointer(rebasing: raw[(raw.count - 16)...]))
            guard let checksum = try? trailer.fingerprint(), checksum == ContentHash.of(body) else { return nil }
            var reader = ByteReader(body)
            reader.offset = magic.count
            do throws(ByteReader.Malformed) {
                guard try reader.fingerprint() == context else { return nil }
                _ = try reader.i64()
                var listingInputs: [(offset: Int, stat: FileStat?)] = []
                for _ in 0..<(try reader.u32()) {
                    let offset = try reader.skipString()
                    listingInputs.append((offset, try reader.stat()))
                }
                let count = try reader.count(minimumSize: 6)
                var entries: [(offset: Int, stat: FileStat)] = []
                entries.reserveCapacity(count)
                for _ in 0..<count {
                    let offset = try reader.skipString()
                    guard let stat = try reader.stat() else { throw .malformed }
                    entries.append((offset, stat))
                }
                let directories = entries.count(where: { $0.stat.mode & 0o170000 == 0o040000 })
                return Loaded(
                    bytes: bytes, listingInputs: listingInputs, entries: entries,
                    fileCount: entries.count - directories, keysOffset: reader.offset)
            } catch {
                return nil
            }
        }
    }
}

extension KeySnapshot.Loaded {
    /// Whether every listing input, directory and file has the `stat` it had: one `lstat` each, spread over the
    /// pool's threads, stopping at the first difference.
    func isCurrent(root: String) async -> Bool {
        for (offset, recorded) in listingInputs {
            let current: FileStat? = bytes.withUnsafeBytes { raw in
                var info = stat()
                let pointer = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                return lstat(pointer, &info) == 0 ? FileStat(info: info) : nil
            }
            if current != recorded { return false }
        }
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { return false }
        defer { close(rootFD) }
        let stale = StaleFlag()
        let chunkSize = 2048
        let chunks = (entries.count + chunkSize - 1) / chunkSize
        let entries = entries
        let bytes = bytes
        await ThreadPool.shared.forEach(chunks) { chunk in
            if stale.isSet { return }
            let range = (chunk * chunkSize)..<min(entries.count, (chunk + 1) * chunkSize)
            bytes.withUnsafeBytes { raw in
                var info = stat()
                for index in range {
                    let (offset, recorded) = entries[index]
                    let pointer = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                    guard fstatat(rootFD, pointer, &info, AT_SYMLINK_NOFOLLOW) == 0,
                        FileStat(info: info) == recorded
                    else {
                        stale.set()
                        return
                    }
                }
            }
        }
        return !stale.isSet
    }

    /// The saved keys and repository state; nil if that part is damaged.
    func contents() -> (keys: KeySet, repositoryState: RepositoryState?)? {
        bytes.withUnsafeBytes { raw -> (KeySet, RepositoryState?)? in
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 16)]))
            reader.offset = keysOffset
            do throws(ByteReader.Malformed) {
                let keys = try reader.keys()
                var state: RepositoryState?
                if try reader.u8() == 1 {
                    let commit = try reader.optionalString()
                    let dirty = try reader.u8() == 1
                    state = RepositoryState(commit: commit, dirty: dirty, cacheNotIgnored: try reader.u8() == 1)
                }
                return (keys, state)
            } catch {
                return nil
            }
        }
    }
}

/// Set by the first worker that finds a difference, so the others stop.
private final class StaleFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

extension FileStat {
    init(info: stat) {
        #if canImport(Darwin)
        let mtime = info.st_mtimespec, ctime = info.st_ctimespec
        #else
        let mtime = info.st_mtim, ctime = info.st_ctim
        #endif
        self.init(
            size: Int64(info.st_size), modificationSeconds: Int64(mtime.tv_sec),
            modificationNanoseconds: Int64(mtime.tv_nsec), changeSeconds: Int64(ctime.tv_sec),
            changeNanoseconds: Int64(ctime.tv_nsec), inode: UInt64(info.st_ino), mode: UInt32(info.st_mode))
    }
}

// MARK: - The byte format

/// Little-endian integers, fingerprints as two `UInt64`s, strings as a `UInt32` length, the bytes and a NUL (so
/// that a path can be passed to `lstat` where it lies).
private struct ByteWriter {
    var bytes: [UInt8] = []
    private var stringIndices: [String: UInt32] = [:]
    private var strings: [String] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func fingerprint(_ value: Fingerprint) {
        u64(value.high)
        u64(value.low)
    }
    mutating func string(_ value: String) {
        u32(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
        bytes.append(0)
    }
    mutating func optionalString(_ value: String?) {
        u8(value == nil ? 0 : 1)
        if let value { string(value) }
    }
    mutating func stat(_ value: FileStat?) {
        guard let value else { return u8(0) }
        u8(1)
        u64(value.size)
        i64(value.modificationTime)
        i64(value.changeTime)
        u64(value.inode)
        u32(Int(value.mode))
    }

    /// The keys: a table of names, a table of input records, then the targets referring to both by index.
    mutating func keys(_ keys: KeySet) {
        var table = StringTable()
        // Each distinct record once, found by a 128-bit identity (XXH3 of the path mixed with the digest and mode):
        // this sees every input of every action (~300k on a 100k-file fleet), and hashing path strings into
        // dictionaries cost ~0.2 s there. Records keep their own path (a path has one record per computation, so a
        // table would not share it). An identity collision between different records only stores the second one
        // again (decoding is by index), never a wrong record.
        var records: [InputRecord] = []
        var recordIndices: [Fingerprint: Int] = [:]
        // Most inputs belong to one target's actions, which share them: about half the calls find a record.
        let inputCount = keys.targets.values.reduce(0) { $0 + $1.actions.reduce(0) { $0 + $1.inputs.count } }
        recordIndices.reserveCapacity(inputCount / 2)
        records.reserveCapacity(inputCount / 2)
        func record(_ input: InputRecord) -> Int {
            let pathHash = ContentHash.of(input.path)
            let identity = Fingerprint(
                high: pathHash.high ^ input.digest.high,
                low: pathHash.low ^ (input.digest.low &+ UInt64(input.mode.rawValue) &* 0x9E37_79B9_7F4A_7C15))
            if let known = recordIndices[identity], records[known] == input { return known }
            records.append(input)
            recordIndices[identity] = records.count - 1
            return records.count - 1
        }
        struct Action {
            var target: Int, action: Int, key: Fingerprint, components: KeyComponents
            var inputs: [Int], globals: [Int], needs: [(Int, Fingerprint)], env: [(Int, Fingerprint?)]
        }
        let targets = keys.targets.values.sorted { $0.name < $1.name }
        var encodedTargets: [(name: Int, key: Fingerprint, actions: [Action])] = []
        for target in targets {
            let actions = target.actions.map { key in
                Action(
                    target: table.index(key.target), action: table.index(key.action), key: key.key,
                    components: key.components, inputs: key.inputs.map(record), globals: key.globals.map(record),
                    needs: key.needs.map { (table.index($0.label), $0.key) },
                    env: key.env.map { (table.index($0.name), $0.value) })
            }
            encodedTargets.append((table.index(target.name), target.key, actions))
        }
        u32(table.strings.count)
        for string in table.strings { self.string(string) }
        u32(records.count)
        for input in records {
            string(input.path)
            u32(Int(input.mode.rawValue))
            fingerprint(input.digest)
        }
        // Actions of one target often select the same files (and every action the same globals): each distinct
        // list is stored once, and decoded once into one array the actions share.
        var lists: [[Int]] = []
        var listIndices: [[Int]: Int] = [:]
        func list(_ values: [Int]) -> Int {
            if let known = listIndices[values] { return known }
            lists.append(values)
            listIndices[values] = lists.count - 1
            return lists.count - 1
        }
        let listed = encodedTargets.map { target in
            target.actions.map { (list($0.inputs), list($0.globals)) }
        }
        u32(lists.count)
        for values in lists {
            u32(values.count)
            for value in values { u32(value) }
        }
        u32(encodedTargets.count)
        for (target, lists) in zip(encodedTargets, listed) {
            u32(target.name)
            fingerprint(target.key)
            u32(target.actions.count)
            for (action, (inputs, globals)) in zip(target.actions, lists) {
                u32(action.target)
                u32(action.action)
                fingerprint(action.key)
                for part in [action.components.manifest, action.components.sources, action.components.globals,
                             action.components.env, action.components.deps] { fingerprint(part) }
                u32(inputs)
                u32(globals)
                u32(action.needs.count)
                for (label, key) in action.needs {
                    u32(label)
                    fingerprint(key)
                }
                u32(action.env.count)
                for (name, value) in action.env {
                    u32(name)
                    u8(value == nil ? 0 : 1)
                    if let value { fingerprint(value) }
                }
            }
        }
    }
}

private struct StringTable {
    var strings: [String] = []
    private var indices: [String: Int] = [:]

    mutating func index(_ string: String) -> Int {
        if let known = indices[string] { return known }
        strings.append(string)
        indices[string] = strings.count - 1
        return strings.count - 1
    }
}

private struct ByteReader {
    enum Malformed: Error { case malformed }

    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func take(_ count: Int) throws(Malformed) -> Int {
        guard count >= 0, offset + count <= bytes.count else { throw .malformed }
        defer { offset += count }
        return offset
    }

    mutating func u8() throws(Malformed) -> UInt8 { bytes[try take(1)] }
    mutating func u32() throws(Malformed) -> Int {
        Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self)))
    }
    mutating func u64() throws(Malformed) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self))
    }
    mutating func i64() throws(Malformed) -> Int64 { Int64(bitPattern: try u64()) }
    mutating func fingerprint() throws(Malformed) -> Fingerprint {
        let high = try u64()
        return Fingerprint(high: high, low: try u64())
    }
    /// Skips a string, returning where its bytes (NUL-terminated) start.
    mutating func skipString() throws(Malformed) -> Int {
        let count = try u32()
        let start = try take(count + 1)
        guard bytes[start + count] == 0 else { throw .malformed }
        return start
    }
    /// A count of items that take at least `minimumSize` bytes each, checked against the bytes left: a damaged
    /// count fails here instead of reserving gigabytes.
    mutating func count(minimumSize: Int) throws(Malformed) -> Int {
        let count = try u32()
        guard count <= (bytes.count - offset) / minimumSize else { throw .malformed }
        return count
    }
    mutating func string() throws(Malformed) -> String {
        let count = try u32()
        let start = try take(count + 1)
        guard bytes[start + count] == 0 else { throw .malformed }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]), as: UTF8.self)
    }
    mutating func optionalString() throws(Malformed) -> String? { try u8() == 1 ? try string() : nil }
    mutating func stat() throws(Malformed) -> FileStat? {
        guard try u8() == 1 else { return nil }
        let size = try u64()
        let modificationTime = try i64()
        let changeTime = try i64()
        let inode = try u64()
        return FileStat(
            size: size, modificationTime: modificationTime, changeTime: changeTime, inode: inode,
            mode: UInt32(try u32()))
    }

    mutating func keys() throws(Malformed) -> KeySet {
        var strings: [String] = []
        let stringCount = try count(minimumSize: 5)
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount { strings.append(try string()) }
        func stringAt(_ index: Int) throws(Malformed) -> String {
            guard index < strings.count else { throw .malformed }
            return strings[index]
        }
        var records: [InputRecord] = []
        let recordCount = try count(minimumSize: 25)
        records.reserveCapacity(recordCount)
        for _ in 0..<recordCount {
            let path = try string()
            guard let mode = FileMode(rawValue: UInt32(try u32())) else { throw .malformed }
            records.append(InputRecord(path: path, mode: mode, digest: try fingerprint()))
        }
        var lists: [[InputRecord]] = []
        let listCount = try count(minimumSize: 4)
        lists.reserveCapacity(listCount)
        for _ in 0..<listCount {
            let count = try self.count(minimumSize: 4)
            var list: [InputRecord] = []
            list.reserveCapacity(count)
            for _ in 0..<count {
                let index = try u32()
                guard index < records.count else { throw .malformed }
                list.append(records[index])
            }
            lists.append(list)
        }
        func inputList() throws(Malformed) -> [InputRecord] {
            let index = try u32()
            guard index < lists.count else { throw .malformed }
            return lists[index]
        }
        var targets: [String: TargetKeys] = [:]
        for _ in 0..<(try u32()) {
            let name = try stringAt(try u32())
            let key = try fingerprint()
            var actions: [ActionKey] = []
            for _ in 0..<(try u32()) {
                let target = try stringAt(try u32())
                let action = try stringAt(try u32())
                let key = try fingerprint()
                let components = KeyComponents(
                    manifest: try fingerprint(), sources: try fingerprint(), globals: try fingerprint(),
                    env: try fingerprint(), deps: try fingerprint())
                let inputs = try inputList()
                let globals = try inputList()
                var needs: [NeededKey] = []
                for _ in 0..<(try u32()) {
                    let label = try stringAt(try u32())
                    needs.append(NeededKey(label: label, key: try fingerprint()))
                }
                var env: [EnvRecord] = []
                for _ in 0..<(try u32()) {
                    let name = try stringAt(try u32())
                    env.append(EnvRecord(name: name, value: try u8() == 1 ? try fingerprint() : nil))
                }
                actions.append(ActionKey(
                    target: target, action: action, key: key, components: components, inputs: inputs,
                    globals: globals, needs: needs, env: env))
            }
            targets[name] = TargetKeys(name: name, actions: actions, key: key)
        }
        return KeySet(targets: targets)
    }
}
