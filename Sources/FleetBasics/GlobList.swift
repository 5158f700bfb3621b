/// An ordered list of globs where `!pattern` entries remove what earlier entries matched, and a later positive
/// entry adds it back (the order matters, as in `.gitignore`).
///
/// All patterns are relative to the same directory (fleet resolves them to the workspace root first).
public struct GlobList: Hashable, Sendable, CustomStringConvertible {
    public struct Entry: Hashable, Sendable {
        public var glob: Glob
        public var isExclusion: Bool
        public init(glob: Glob, isExclusion: Bool) {
            self.glob = glob
            self.isExclusion = isExclusion
        }
        /// The entry as written, with its `!` when it excludes.
        public var text: String { isExclusion ? "!" + glob.pattern : glob.pattern }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) { self.entries = entries }

    /// Compiles `patterns`, where a leading `!` marks an exclusion.
    public init(patterns: [String]) throws(GlobError) {
        var entries: [Entry] = []
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                entries.append(Entry(glob: try Glob(String(pattern.dropFirst())), isExclusion: true))
            } else {
                entries.append(Entry(glob: try Glob(pattern), isExclusion: false))
            }
        }
        self.entries = entries
    }

    public var isEmpty: Bool { !entries.contains { !$0.isExclusion } }
    public var description: String { entries.map(\.text).joined(separator: ", ") }

    /// Whether the last entry that matches `path` is an inclusion.
    public func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { matches(utf8: $0) }
    }

    public func matches(utf8 path: UnsafeBufferPointer<UInt8>) -> Bool {
        for entry in entries.reversed() where entry.glob.matches(utf8: path) {
            return !entry.isExclusion
        }
        return false
    }

    /// The literal prefixes of the inclusion entries, minimal (a prefix contained in another is dropped). Every
    /// matching path starts with one of them; `""` means "anywhere".
    public var inclusionPrefixes: [String] {
        let prefixes = Set(entries.filter { !$0.isExclusion }.map(\.glob.literalPrefix)).sorted()
        var result: [String] = []
        for prefix in prefixes {
            if let last = result.last, last.hasSuffix("/") || last.isEmpty, prefix.hasPrefix(last) { continue }
            result.append(prefix)
        }
        return result
    }
}
