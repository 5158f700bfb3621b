/// Parses YAML text into located node trees, one per document.
///
/// The tree is built iteratively from libyaml's events, so input-controlled nesting never recurses; nesting beyond
/// ``YAMLLimits/maxDepth`` fails cleanly. Aliases are kept as aliases (see ``YAMLDocument/resolved(limits:)``);
/// an alias with no earlier anchor is an error.
public enum YAMLParser {
    /// Parses every document of `bytes`. Empty input (or only comments) gives no documents.
    /// - Parameters:
    ///   - file: the name used in error locations (usually the path as the user wrote it).
    /// - Throws: ``YAMLError`` for malformed YAML, encodings other than UTF-8, control characters, undefined
    ///   aliases and nesting beyond the limit.
    public static func parse(_ bytes: [UInt8], file: String = "<input>", limits: YAMLLimits = .default)
        throws(YAMLError) -> [YAMLDocument]
    {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw YAMLError(.encoding, "the file is UTF-16 encoded; only UTF-8 is supported", file: file,
                            at: .start, hint: "save the file as UTF-8")
        }
        let map = YAMLSourceMap(bytes: bytes)
        guard let reader = YAMLEventReader(bytes: bytes) else {
            throw YAMLError(.memory, "libyaml could not allocate a parser", file: file, at: .start)
        }
        var builder = TreeBuilder(file: file, map: map, limits: limits)
        while true {
            let event: YAMLEvent
            do {
                event = try reader.next()
            } catch {
                throw YAMLErrorTranslator(file: file, map: map).error(for: error)
            }
            if try builder.consume(event) { return builder.documents }
        }
    }

    /// Parses UTF-8 text; see ``parse(_:file:limits:)-([UInt8],_,_)``.
    public static func parse(_ text: String, file: String = "<input>", limits: YAMLLimits = .default)
        throws(YAMLError) -> [YAMLDocument]
    {
        try parse(Array(text.utf8), file: file, limits: limits)
    }
}

/// Assembles events into nodes with an explicit stack.
private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var start: YAMLMark
        var tag: String?
        var anchor: String?
        var style: YAMLCollectionStyle
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var lastEnd: YAMLMark?
    }

    let file: String
    let map: YAMLSourceMap
    let limits: YAMLLimits
    var documents: [YAMLDocument] = []
    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var documentStart = YAMLMark.start
    private var explicitStart = false
    /// Anchors seen in the current document: true once the anchored node is complete.
    private var anchors: [String: Bool] = [:]
    /// What the current document's tree holds, for ``YAMLDocument/resolved(limits:)``.
    private var shape = YAMLTreeShape()

    init(file: String, map: YAMLSourceMap, limits: YAMLLimits) {
        self.file = file
        self.map = map
        self.limits = limits
    }

    private func mark(_ raw: YAMLEvent.RawMark) -> YAMLMark {
        map.mark(index: raw.index, line: raw.line, column: raw.column)
    }

    /// Consumes one event; returns true at the end of the stream.
    mutating func consume(_ event: YAMLEvent) throws(YAMLError) -> Bool {
        switch event.kind {
        case .streamStart:
            break
        case .streamEnd:
            return true
        case .documentStart(let implicit):
            documentStart = mark(event.start)
            explicitStart = !implicit
            anchors = [:]
            shape = YAMLTreeShape()
            root = nil
        case .documentEnd(let implicit):
            let start = mark(event.start)
            let empty = YAMLNode(.scalar("", .plain), start: start, end: start)
            var document = YAMLDocument(
                root: root ?? empty, start: documentStart, end: mark(event.end), hasExplicitStart: explicitStart,
                hasExplicitEnd: !implicit, file: file)
            if root == nil { shape.nodes = 1 }
            document.shape = shape
            documents.append(document)
        case .alias(let name):
            let start = mark(event.start)
            guard anchors[name] != nil else {
                throw YAMLError(.undefinedAlias, "unknown alias '*\(name)'", file: file, at: start,
                                hint: "an alias must refer to an anchor '&\(name)' defined earlier in the document")
            }
            shape.hasAliases = true
            complete(YAMLNode(.alias(name), start: start, end: mark(event.end)))
        case .scalar(let value, let anchor, let tag, let style):
            if let anchor { anchors[anchor] = true }
            if value == "<<" { shape.hasMergeKeys = true }
            complete(YAMLNode(.scalar(value, style), start: mark(event.start), end: mark(event.end), tag: tag,
                              anchor: anchor))
        case .sequenceStart(let anchor, let tag, let style):
            try push(Frame(isMapping: false, start: mark(event.start), tag: tag, anchor: anchor, style: style))
        case .mappingStart(let anchor, let tag, let style):
            try push(Frame(isMapping: true, start: mark(event.start), tag: tag, anchor: anchor, style: style))
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else { break }
            // A block collection ends where its last entry ends; libyaml's end mark is the next token.
            let eventEnd = mark(event.end)
            let end = frame.style == .block ? (frame.lastEnd ?? eventEnd) : eventEnd
            let content: YAMLNode.Content =
                frame.isMapping ? .mapping(frame.pairs, frame.style) : .sequence(frame.items, frame.style)
            if let anchor = frame.anchor { anchors[anchor] = true }
            complete(YAMLNode(content, start: frame.start, end: end, tag: frame.tag, anchor: frame.anchor))
        }
        return false
    }

    private mutating func push(_ frame: Frame) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw YAMLError(.tooDeep, "collections nest deeper than \(limits.maxDepth) levels", file: file,
                            at: frame.start)
        }
        if let anchor = frame.anchor { anchors[anchor] = false }
        stack.append(frame)
        shape.depth = max(shape.depth, stack.count)
    }

    /// Adds a finished node to its parent. Takes the node and the pending key (moves, not copies: this runs for
    /// every node of the document).
    private mutating func complete(_ node: consuming YAMLNode) {
        shape.nodes += 1
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].lastEnd = node.end
        // Collections start with room for a few entries: most are small, and growing 1, 2, 4 reallocates twice.
        if !stack[top].isMapping {
            if stack[top].items.isEmpty { stack[top].items.reserveCapacity(4) }
            stack[top].items.append(node)
        } else if let key = stack[top].pendingKey.take() {
            if stack[top].pairs.isEmpty { stack[top].pairs.reserveCapacity(4) }
            stack[top].pairs.append(YAMLPair(key: key, value: node))
        } else {
            stack[top].pendingKey = node
        }
    }
}
