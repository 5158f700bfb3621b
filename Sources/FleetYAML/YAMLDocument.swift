/// One document of a YAML stream.
public struct YAMLDocument: Hashable, Sendable {
    /// The document's root node (raw: aliases are kept). An empty explicit document (`---` alone) has an empty
    /// plain scalar, which is null.
    public var root: YAMLNode
    /// Where the document starts: its `---` when explicit, else its first token.
    public var start: YAMLMark
    /// Where the document ends: after its `...` when explicit, else where the next document or the input ends.
    public var end: YAMLMark
    /// Whether the document began with `---`.
    public var hasExplicitStart: Bool
    /// Whether the document ended with `...`.
    public var hasExplicitEnd: Bool
    /// The file name used in error locations.
    public var file: String

    public init(root: YAMLNode, start: YAMLMark, end: YAMLMark, hasExplicitStart: Bool, hasExplicitEnd: Bool,
                file: String) {
        self.root = root
        self.start = start
        self.end = end
        self.hasExplicitStart = hasExplicitStart
        self.hasExplicitEnd = hasExplicitEnd
        self.file = file
    }

    /// The document with aliases replaced by the nodes they name and `<<` merge keys applied.
    ///
    /// Nodes copied from an anchor keep the anchor's positions. Merged pairs are marked ``YAMLPair/isMerged``.
    /// - Throws: ``YAMLError`` when the expansion exceeds ``YAMLLimits/maxResolvedNodes`` (an alias bomb),
    ///   nests deeper than ``YAMLLimits/maxDepth``, refers to itself, or a merge key has a bad value.
    public func resolved(limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode {
        var resolver = YAMLResolver(file: file, limits: limits)
        return try resolver.resolve(root)
    }
}

/// Bounds that keep hostile or accidental inputs from exhausting the stack, memory or time.
public struct YAMLLimits: Hashable, Sendable {
    /// The deepest nesting of collections accepted, in the raw tree and in the resolved view.
    public var maxDepth: Int
    /// The most nodes the resolved view of one document may have after alias and merge expansion.
    public var maxResolvedNodes: Int

    public init(maxDepth: Int = 512, maxResolvedNodes: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxResolvedNodes = maxResolvedNodes
    }

    public static let `default` = YAMLLimits()
}
