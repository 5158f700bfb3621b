public import FleetBasics

/// Damaged cache content found (and removed) while reading: reported as a warning, never failing a build. The
/// read that found it is a miss.
public struct CacheProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// A blob that does not decompress, is truncated, or whose content does not hash to its name.
        case corruptBlob
        /// An action entry with a bad checksum, bad JSON, or the wrong key.
        case corruptActionEntry
        /// A cache file that exists but cannot be read (permissions, I/O error); left in place.
        case unreadable
    }

    public var kind: Kind
    /// The cache file concerned.
    public var path: String
    /// What was wrong with it.
    public var detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }

    /// The problem as a warning for the user.
    public var diagnostic: Diagnostic {
        switch kind {
        case .corruptBlob, .corruptActionEntry:
            Diagnostic(
                .warning, "removed a corrupt cache file \(path): \(detail)",
                hint: "treated as a cache miss; 'fleet cache verify' checks the whole cache")
        case .unreadable:
            Diagnostic(.warning, "cannot read cache file \(path): \(detail)", hint: "treated as a cache miss")
        }
    }
}
