/// Builds the resolved view of a document: aliases replaced by their anchored nodes, `<<` merge keys applied.
///
/// Iterative (an explicit stack), so depth is bounded by ``YAMLLimits/maxDepth`` rather than the thread's stack.
/// Every node of the result is charged against ``YAMLLimits/maxResolvedNodes``: an alias costs the size of the
/// node it names, which is what makes "billion laughs" documents fail fast instead of exhausting memory. Copies
/// are cheap (arrays are copy-on-write), so the work done is proportional to the input plus the charges.
struct YAMLResolver {
    private struct Frame {
        var original: YAMLNode
        /// Children in document order; for a mapping key, value, key, value…
        var children: [YAMLNode]
        var next = 0
        var resolved: [YAMLNode] = []
        var size = 1
        var height = 1
    }

    private struct Anchored {
        var node: YAMLNode
        var size: Int
        var height: Int
    }

    let file: String
    let limits: YAMLLimits
    private var anchors: [String: Anchored] = [:]
    /// Anchors of collections being resolved (an alias to one of them is recursive).
    private var open: [String: Int] = [:]
    private var total = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    mutating func resolve(_ root: YAMLNode) throws(YAMLError) -> YAMLNode {
        var stack: [Frame] = []
        var pending: YAMLNode? = root
        var result: YAMLNode?

        while true {
            if let node = pending {
                pending = nil
                switch node.content {
                case .scalar:
                    try charge(1, at: node.start)
                    if let anchor = node.anchor { anchors[anchor] = Anchored(node: node, size: 1, height: 0) }
                    deliver(node, size: 1, height: 0, to: &stack, result: &result)
                case .alias(let name):
                    if open[name, default: 0] > 0 {
                        throw YAMLError(.recursiveAlias, "alias '*\(name)' refers to a node that contains it",
                                        file: file, at: node.start,
                                        hint: "recursive structures are not supported")
                    }
                    guard let target = anchors[name] else {
                        throw YAMLError(.undefinedAlias, "unknown alias '*\(name)'", file: file, at: node.start)
                    }
                    try charge(target.size, at: node.start)
                    if stack.count + target.height > limits.maxDepth {
                        throw YAMLError(.tooDeep, "alias '*\(name)' nests collections deeper than "
                                            + "\(limits.maxDepth) levels", file: file, at: node.start)
                    }
                    deliver(target.node, size: target.size, height: target.height, to: &stack, result: &result)
                case .sequence(let items, _):
                    try enter(node, children: items, stack: &stack)
                case .mapping(let pairs, _):
                    var children: [YAMLNode] = []
                    children.reserveCapacity(pairs.count * 2)
                    for pair in pairs {
                        children.append(pair.key)
                        children.append(pair.value)
                    }
                    try enter(node, children: children, stack: &stack)
                }
            }
            guard let top = stack.indices.last else { break }
            if stack[top].next < stack[top].children.count {
                pending = stack[top].children[stack[top].next]
                stack[top].next += 1
                continue
            }
            let frame = stack.removeLast()
            var node = frame.original
            switch frame.original.content {
            case .mapping(_, let style):
                node.content = .mapping(try merged(frame.resolved), style)
            case .sequence(_, let style):
                node.content = .sequence(frame.resolved, style)
            case .scalar, .alias:
                break
            }
            if let anchor = node.anchor {
                open[anchor, default: 1] -= 1
                anchors[anchor] = Anchored(node: node, size: frame.size, height: frame.height)
            }
            deliver(node, size: frame.size, height: frame.height, to: &stack, result: &result)
        }
        guard let result else { return root }
        return result
    }

    private mutating func enter(_ node: YAMLNode, children: [YAMLNode], stack: inout [Frame]) throws(YAMLError) {
        try charge(1, at: node.start)
        guard stack.count < limits.maxDepth else {
            throw YAMLError(.tooDeep, "collections nest deeper than \(limits.maxDepth) levels", file: file,
                            at: node.start)
        }
        if let anchor = node.anchor { open[anchor, default: 0] += 1 }
        var frame = Frame(original: node, children: children)
        frame.resolved.reserveCapacity(children.count)
        stack.append(frame)
    }

    private func deliver(_ node: YAMLNode, size: Int, height: Int, to stack: inout [Frame], result: inout YAMLNode?) {
        guard let top = stack.indices.last else {
            result = node
            return
        }
        stack[top].resolved.append(node)
        stack[top].size += size
        stack[top].height = max(stack[top].height, height + 1)
    }

    private mutating func charge(_ count: Int, at mark: YAMLMark) throws(YAMLError) {
        total += count
        if total > limits.maxResolvedNodes {
            throw YAMLError(
                .tooLarge, "expanding aliases would create more than \(limits.maxResolvedNodes) nodes", file: file,
                at: mark, hint: "this looks like an alias bomb (\"billion laughs\"); reduce the use of aliases")
        }
    }

    /// Pairs up resolved keys and values and applies YAML 1.1 merge keys: the pairs of the merged mapping (or of
    /// each mapping of a merged list, earlier ones first) are inserted where `<<` stood, except keys the mapping
    /// sets explicitly or that an earlier merged mapping already provided.
    ///
    /// The merged pairs are a subset of the `<<` value, which was already charged, so merging charges nothing.
    private func merged(_ flat: [YAMLNode]) throws(YAMLError) -> [YAMLPair] {
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity(flat.count / 2)
        var index = 0
        var hasMerge = false
        while index + 1 < flat.count {
            pairs.append(YAMLPair(key: flat[index], value: flat[index + 1]))
            if Self.isMergeKey(flat[index]) { hasMerge = true }
            index += 2
        }
        guard hasMerge else { return pairs }

        var explicit = Set<String>()
        for pair in pairs where !Self.isMergeKey(pair.key) {
            if let key = pair.key.scalar { explicit.insert(key) }
        }
        var result: [YAMLPair] = []
        var provided = Set<String>()
        for pair in pairs {
            guard Self.isMergeKey(pair.key) else {
                result.append(pair)
                continue
            }
            var sources: [YAMLNode] = []
            switch pair.value.content {
            case .mapping:
                sources = [pair.value]
            case .sequence(let items, _):
                for item in items {
                    guard item.isMapping else {
                        throw YAMLError(.invalidMerge,
                                        "a merge key '<<' takes mappings, but this list item is "
                                            + item.kindDescription,
                                        file: file, at: item.start)
                    }
                }
                sources = items
            default:
                throw YAMLError(.invalidMerge,
                                "a merge key '<<' takes a mapping or a list of mappings, found "
                                    + pair.value.kindDescription, file: file, at: pair.value.start)
            }
            for source in sources {
                for candidate in source.pairs ?? [] {
                    if let key = candidate.key.scalar {
                        if explicit.contains(key) || provided.contains(key) { continue }
                        provided.insert(key)
                    }
                    result.append(YAMLPair(key: candidate.key, value: candidate.value, isMerged: true))
                }
            }
        }
        return result
    }

    /// A plain, untagged `<<` key (or one tagged `!!merge`).
    static func isMergeKey(_ node: YAMLNode) -> Bool {
        guard case .scalar("<<", let style) = node.content else { return false }
        return (style == .plain && node.tag == nil) || node.tag == YAMLTag.merge
    }
}
