public import FleetBasics

/// One node of a YAML document with everything needed to report on it or to edit it in place: its content, the
/// exact span it covers in the input, its tag, its anchor and its style.
///
/// In the raw tree (``YAMLDocument/root``) aliases stay ``Content/alias(_:)`` nodes. The resolved view
/// (``YAMLDocument/resolved(limits:)``) replaces them by the node they name and applies `<<` merge keys.
///
/// Value semantics: a node owns its children. Depth is bounded by ``YAMLLimits/maxDepth``, so the synthesized
/// `Equatable`/`Hashable` conformances and deinitialisation recurse a bounded number of levels.
public struct YAMLNode: Hashable, Sendable {
    /// What the node holds.
    public enum Content: Hashable, Sendable {
        /// A scalar: its value after unescaping and folding, and how it was written.
        case scalar(String, YAMLScalarStyle)
        /// A sequence (a YAML list).
        case sequence([YAMLNode], YAMLCollectionStyle)
        /// A mapping, in document order. Keys are nodes too (usually scalars).
        case mapping([YAMLPair], YAMLCollectionStyle)
        /// `*name`: a reference to the most recent earlier node anchored `&name`. Only in the raw tree.
        case alias(String)
    }

    public var content: Content
    /// Where the node starts (for a block collection: its first entry; for a quoted scalar: the opening quote).
    public var start: YAMLMark
    /// Where the node ends (exclusive: the position just after its last character).
    public var end: YAMLMark
    /// The resolved tag (`!!str` is `tag:yaml.org,2002:str`), or nil when the node had none.
    public var tag: String?
    /// The anchor name (without `&`), or nil.
    public var anchor: String?

    public init(_ content: Content, start: YAMLMark, end: YAMLMark, tag: String? = nil, anchor: String? = nil) {
        self.content = content
        self.start = start
        self.end = end
        self.tag = tag
        self.anchor = anchor
    }

    /// The byte range the node covers in the input.
    public var byteRange: Range<Int> { start.offset..<max(start.offset, end.offset) }

    /// The node's start in `file`, for diagnostics.
    public func location(in file: String) -> SourceLocation { start.location(in: file) }
}

/// A key and its value in a mapping.
public struct YAMLPair: Hashable, Sendable {
    public var key: YAMLNode
    public var value: YAMLNode
    /// True when the pair was copied into the mapping by a `<<` merge key (resolved view only). Duplicate-key checks
    /// ignore merged pairs: overriding them is the point of a merge.
    public var isMerged: Bool

    public init(key: YAMLNode, value: YAMLNode, isMerged: Bool = false) {
        self.key = key
        self.value = value
        self.isMerged = isMerged
    }
}

// MARK: - Accessors

extension YAMLNode {
    /// The scalar's text, or nil for collections and aliases.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The scalar's style, or nil for collections and aliases.
    public var scalarStyle: YAMLScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// The sequence's items, or nil when this is not a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let items, _) = content { return items }
        return nil
    }

    /// The mapping's pairs in document order, or nil when this is not a mapping.
    public var pairs: [YAMLPair]? {
        if case .mapping(let pairs, _) = content { return pairs }
        return nil
    }

    /// The collection style, or nil for scalars and aliases.
    public var collectionStyle: YAMLCollectionStyle? {
        switch content {
        case .sequence(_, let style), .mapping(_, let style): style
        case .scalar, .alias: nil
        }
    }

    public var isScalar: Bool { scalar != nil }
    public var isSequence: Bool { items != nil }
    public var isMapping: Bool { pairs != nil }

    /// The value of the first pair whose key is the scalar `key`, when this is a mapping.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key.scalar == key }?.value
    }

    /// Whether this is a null under the YAML 1.2 core schema: an untagged plain `null`/`Null`/`NULL`/`~`/empty
    /// scalar, or a node tagged `!!null`.
    public var isNull: Bool {
        guard case .scalar(let text, let style) = content else { return false }
        if tag == YAMLTag.null { return true }
        return tag == nil && style == .plain && YAMLScalar.isNull(text)
    }

    /// The boolean value of an untagged plain `true`/`false` (YAML 1.2 core), or of a `!!bool` node.
    public var bool: Bool? {
        guard case .scalar(let text, let style) = content else { return nil }
        guard (tag == nil && style == .plain) || tag == YAMLTag.bool else { return nil }
        return YAMLScalar.bool(text)
    }

    /// The integer value of an untagged plain integer (YAML 1.2 core: `12`, `-3`, `0o17`, `0x1F`), or of `!!int`.
    public var int: Int? {
        guard case .scalar(let text, let style) = content else { return nil }
        guard (tag == nil && style == .plain) || tag == YAMLTag.int else { return nil }
        return YAMLScalar.int(text)
    }

    /// The floating-point value of an untagged plain number (integers included), or of `!!float`.
    public var double: Double? {
        guard case .scalar(let text, let style) = content else { return nil }
        guard (tag == nil && style == .plain) || tag == YAMLTag.float || tag == YAMLTag.int else { return nil }
        return YAMLScalar.float(text) ?? YAMLScalar.int(text).map(Double.init)
    }

    /// What the node is, for messages such as "expected a list of strings, found a mapping".
    public var kindDescription: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        case .scalar(let text, _):
            if isNull { return "null" }
            if bool != nil { return "a boolean" }
            if int != nil { return "an integer" }
            if double != nil { return "a number" }
            return text.isEmpty ? "an empty string" : "a string"
        }
    }
}

/// The standard tags libyaml reports after expanding `!!`.
public enum YAMLTag {
    public static let null = "tag:yaml.org,2002:null"
    public static let bool = "tag:yaml.org,2002:bool"
    public static let int = "tag:yaml.org,2002:int"
    public static let float = "tag:yaml.org,2002:float"
    public static let str = "tag:yaml.org,2002:str"
    public static let merge = "tag:yaml.org,2002:merge"
    public static let seq = "tag:yaml.org,2002:seq"
    public static let map = "tag:yaml.org,2002:map"
}
