public import FleetBasics

/// An ordered list of path patterns resolved to the workspace root, with its compiled matcher.
///
/// Order is kept because `!` exclusions apply to what earlier entries matched and a later entry can add files
/// back. Every pattern is root-relative (`services/api/**`, `!services/api/tests/**`), whatever directory it was
/// written in; named input sets and `srcs` have already been expanded.
public struct PatternList: Hashable, Sendable, CustomStringConvertible {
    /// The root-relative patterns, `!`-prefixed for exclusions, in order.
    public var patterns: [String]
    /// Where each pattern was written (the list entry, or the entry of the named set it came from).
    public var locations: [SourceLocation?]
    /// The compiled matcher for ``patterns``.
    public var globs: GlobList

    public init(patterns: [String], locations: [SourceLocation?], globs: GlobList) {
        self.patterns = patterns
        self.locations = locations
        self.globs = globs
    }

    /// An empty list: matches nothing.
    public static let empty = PatternList(patterns: [], locations: [], globs: GlobList())

    /// Compiles root-relative patterns (for tests and programmatic use).
    public init(_ patterns: [String]) throws(GlobError) {
        self.patterns = patterns
        self.locations = Array(repeating: nil, count: patterns.count)
        self.globs = try GlobList(patterns: patterns)
    }

    /// Whether a root-relative file path is matched (the last matching entry decides).
    public func matches(_ path: String) -> Bool { globs.matches(path) }

    /// True when no entry can match anything.
    public var isEmpty: Bool { globs.isEmpty }

    public var description: String { patterns.joined(separator: ", ") }

    /// Equal when the patterns are (the matcher is derived from them): locations are provenance, not identity.
    public static func == (lhs: PatternList, rhs: PatternList) -> Bool { lhs.patterns == rhs.patterns }

    public func hash(into hasher: inout Hasher) { hasher.combine(patterns) }

    /// The concatenation of two lists (order kept).
    public static func + (lhs: PatternList, rhs: PatternList) -> PatternList {
        PatternList(patterns: lhs.patterns + rhs.patterns, locations: lhs.locations + rhs.locations,
                    globs: GlobList(lhs.globs.entries + rhs.globs.entries))
    }
}

/// A value together with where it was written in the manifest.
public struct Located<Value: Hashable & Sendable>: Hashable, Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}
