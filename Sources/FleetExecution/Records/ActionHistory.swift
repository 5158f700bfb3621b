public import FleetBasics
public import FleetGraph
public import FleetHashing
public import FleetPlanning

/// What fleet remembers about each action of one workspace across runs: the key, status and duration of its
/// last run (a small text index read at the start of every run, for priorities), and the full key record of
/// that run (one JSON file per action, read only by `fleet explain`, rewritten only when the key changed).
///
/// Index format, one action per line after a header: `target:action TAB key TAB status TAB seconds TAB run id`,
/// where `seconds` is the last measured execution time (`-` when unknown).
public struct ActionHistory: Sendable {
    public struct Entry: Sendable, Hashable {
        public var key: Fingerprint
        /// `executed`, `cached` or `failed`.
        public var status: String
        /// How long the action's command took when it last ran (cached runs keep the time of the run that was
        /// cached); nil when unknown.
        public var executionSeconds: Double?
        public var runID: String

        public init(key: Fingerprint, status: String, executionSeconds: Double?, runID: String) {
            self.key = key
            self.status = status
            self.executionSeconds = executionSeconds
            self.runID = runID
        }
    }

    static let header = "fleet-history v1"

    /// `runs/history-<16 hex>`.
    public let directory: String
    public private(set) var entries: [ActionReference: Entry]

    /// Loads the history of the workspace at `root` from `cacheDirectory`; a missing or foreign file is empty.
    public static func load(cacheDirectory: String, root: String) -> ActionHistory {
        let directory = RunDirectory(cacheDirectory: cacheDirectory).historyPath(forRoot: root)
        var entries: [ActionReference: Entry] = [:]
        if let bytes = try? FileSystem.readFile(FileSystem.join(directory, "index"), limit: 256 << 20) {
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            if let first = lines.first, String(decoding: first, as: UTF8.self) == header {
                for line in lines.dropFirst() {
                    let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                        .map { String(decoding: $0, as: UTF8.self) }
                    guard fields.count == 5, let colon = fields[0].firstIndex(of: ":"),
                        let key = Fingerprint(hex: fields[1])
                    else { continue }
                    let label = ActionReference(
                        target: String(fields[0][..<colon]), action: String(fields[0][fields[0].index(after: colon)...]))
                    entries[label] = Entry(
                        key: key, status: fields[2], executionSeconds: Double(fields[3]).flatMap { $0.isFinite ? $0 : nil },
                        runID: fields[4])
                }
            }
        }
        return ActionHistory(directory: directory, entries: entries)
    }

    /// The last known execution time of each action, for the planner's priorities.
    public var durations: [ActionReference: Double] {
        entries.compactMapValues(\.executionSeconds)
    }

    /// `runs/history-<hex>/<target>/<action>.json`.
    public func keyRecordPath(for label: ActionReference) -> String {
        FileSystem.join(FileSystem.join(directory, label.target), label.action + ".json")
    }

    /// The key record of the action's last run, if there is a readable one.
    public func keyRecord(for label: ActionReference) -> KeyRecord? {
        guard let bytes = try? FileSystem.readFile(keyRecordPath(for: label), limit: 1 << 30) else { return nil }
        return KeyRecord.decode(bytes)
    }

    /// Records one action's run. Returns whether its key differs from the one recorded before (then its key
    /// record must be rewritten).
    @discardableResult
    public mutating func update(_ label: ActionReference, with entry: Entry) -> Bool {
        let changed = entries[label]?.key != entry.key
        entries[label] = entry
        return changed
    }

    /// Writes the index atomically (entries sorted by label).
    public func saveIndex() throws(FileSystemError) {
        var text = Self.header + "\n"
        for (label, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let seconds = entry.executionSeconds.map { String(($0 * 1000).rounded() / 1000) } ?? "-"
            text += "\(label)\t\(entry.key.hex)\t\(entry.status)\t\(seconds)\t\(entry.runID)\n"
        }
        try FileSystem.createDirectory(directory)
        try FileSystem.writeAtomically(Array(text.utf8), to: FileSystem.join(directory, "index"), sync: false)
    }

    /// Writes key records, in parallel.
    public func saveKeyRecords(_ records: [KeyRecord]) async -> [FileSystemError] {
        let paths = records.map { keyRecordPath(for: ActionReference(target: $0.target, action: $0.action)) }
        let errors = await ThreadPool.shared.map(records.count) { i -> FileSystemError? in
            do throws(FileSystemError) {
                try FileSystem.createDirectory(FileSystem.parent(of: paths[i]))
                try FileSystem.writeAtomically(Array(records[i].json().utf8), to: paths[i], sync: false)
                return nil
            } catch {
                return error
            }
        }
        return errors.compactMap { $0 }
    }
}
