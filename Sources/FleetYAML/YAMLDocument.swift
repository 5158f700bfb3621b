/// One document of a YAML stream.
public struct YAMLDocument: Hashable, Sendable {
    /// The document's root node (raw: aliases are kept). An empty explicit document (`---` alone) has an empty
    /// plain scalar, which is null.
    public var root: YAMLNode {
        get { storedRoot }
        set {
            storedRoot = newValue
            shape = nil
        }
    }
    private var storedRoot: YAMLNode
    /// What the parser saw while building ``root``; nil when unknown (the document was made or changed by other
    /// code). Not part of the document's value.
    var shape: YAMLTreeShape?
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
        self.storedRoot = root
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
        // Most documents have no alias and no merge key: then the resolved view is the raw tree itself, and
        // rebuilding it node by node (a large share of loading a big manifest) can be skipped. The resolver would
        // throw only for size or depth, which the shape tells too.
        if let shape, !shape.hasAliases, !shape.hasMergeKeys, shape.nodes <= limits.maxResolvedNodes,
            shape.depth <= limits.maxDepth
        {
            return root
        }
        var resolver = YAMLResolver(file: file, limits: limits)
        return try resolver.resolve(root)
    }
}

extension YAMLDocument {
    /// Equal when the public fields are (``shape`` is a cache).
    public static func == (lhs: YAMLDocument, rhs: YAMLDocument) -> Bool {
        lhs.root == rhs.root && lhs.start == rhs.start && lhs.end == rhs.end
            && lhs.hasExplicitStart == rhs.hasExplicitStart && lhs.hasExplicitEnd == rhs.hasExplicitEnd
            && lhs.file == rhs.file
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(root)
        hasher.combine(start)
        hasher.combine(end)
        hasher.combine(hasExplicitStart)
        hasher.combine(hasExplicitEnd)
        hasher.combine(file)
    }
}

/// What the parser learnt about a raw tree while building it.
struct YAMLTreeShape: Hashable, Sendable {
    /// Every node: scalars, aliases and collections.
    var nodes = 0
    /// The deepest nesting of collections (1 for a flat mapping).
    var depth = 0
    var hasAliases = false
    /// Whether any scalar is `<<` (it may be a merge key).
    var hasMergeKeys = false
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
