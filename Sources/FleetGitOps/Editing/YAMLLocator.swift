import FleetBasics
import FleetManifest
import FleetYAML

/// Where a path leads in the raw tree of one document (aliases not expanded).
struct LocatedPath {
    /// The concrete steps taken from the root.
    var steps: [YAMLStep]
    /// The deepest node reached: the target when ``remaining`` is empty, else where missing keys would go.
    var node: YAMLNode
    /// Every node from the root to ``node``, inclusive.
    var chain: [YAMLNode]
    /// The key of ``node`` in its mapping, when it is a mapping value.
    var key: YAMLNode?
    /// The mapping holding ``node`` as a value, if any.
    var parentMapping: YAMLNode?
    /// The segments not found (all keys when creation is possible).
    var remaining: ArraySlice<YAMLPath.Segment>
    /// The path up to ``node``, for messages.
    var reached: YAMLPath
}

/// Finds paths in one document of a file and checks that the node found may be edited.
struct YAMLLocator {
    let file: YAMLFile
    let documentIndex: Int
    private(set) var anchors: [String: YAMLNode] = [:]
    private(set) var referencedAnchors: Set<String> = []

    init(file: YAMLFile, documentIndex: Int) {
        self.file = file
        self.documentIndex = documentIndex
        var stack = [file.documents[documentIndex].root]
        while let node = stack.popLast() {
            if let anchor = node.anchor { anchors[anchor] = node }
            switch node.content {
            case .alias(let name): referencedAnchors.insert(name)
            case .scalar: break
            case .sequence(let items, _): stack.append(contentsOf: items)
            case .mapping(let pairs, _):
                for pair in pairs {
                    stack.append(pair.key)
                    stack.append(pair.value)
                }
            }
        }
    }

    var root: YAMLNode { file.documents[documentIndex].root }

    func location(_ node: YAMLNode) -> SourceLocation { file.location(node) }

    /// Follows `path` as far as it exists.
    mutating func locate(_ path: YAMLPath) throws(YAMLEditError) -> LocatedPath {
        var found = LocatedPath(steps: [], node: root, chain: [root], key: nil, parentMapping: nil,
                                remaining: path.segments[...], reached: YAMLPath([]))
        while let segment = found.remaining.first {
            let node = found.node
            let shown = found.reached.segments.isEmpty ? "." : found.reached.description
            if case .alias(let name) = node.content {
                throw .alias(path: found.reached.description, name: name, at: location(node))
            }
            switch segment {
            case .key(let key):
                guard let pairs = node.pairs else {
                    if node.isNull { return found }
                    throw .wrongKind(path: shown, expected: "a mapping", found: node.kindDescription,
                                     at: location(node))
                }
                let indices = pairs.indices.filter { pairs[$0].key.scalar == key && !pairs[$0].key.isMergeKey }
                if indices.count > 1 {
                    throw .duplicateKey(path: shown, key: key, at: location(pairs[indices[1]].key))
                }
                guard let index = indices.first else {
                    if let merge = mergeSource(providing: key, in: node) {
                        throw .merged(path: shown, key: key, at: location(merge))
                    }
                    return found
                }
                found.parentMapping = node
                found.key = pairs[index].key
                found.steps.append(.pair(index))
                found.node = pairs[index].value
            case .index(let index):
                guard let items = node.items else {
                    throw .wrongKind(path: shown, expected: "a list", found: node.kindDescription, at: location(node))
                }
                guard items.indices.contains(index) else {
                    throw .indexOutOfRange(path: shown, index: index, count: items.count, at: location(node))
                }
                found.parentMapping = nil
                found.key = nil
                found.steps.append(.item(index))
                found.node = items[index]
            case .match(let keyPath, let value):
                guard let items = node.items else {
                    throw .wrongKind(path: shown, expected: "a list", found: node.kindDescription, at: location(node))
                }
                var matches: [Int] = []
                var candidates: [String] = []
                for (index, item) in items.enumerated() {
                    let resolved = expand(item)
                    switch YAMLFile.read(keyPath, in: resolved) {
                    case .scalar(let text):
                        candidates.append("\(keyPath)=\(text)")
                        if text == value { matches.append(index) }
                    case .missing, .collection:
                        break
                    }
                }
                let condition = "\(keyPath)=\(value)"
                guard let index = matches.first else {
                    throw .noMatch(path: shown, condition: condition, candidates: candidates, at: location(node))
                }
                if matches.count > 1 {
                    throw .ambiguousMatch(path: shown, condition: condition, count: matches.count,
                                          at: location(items[matches[1]]))
                }
                found.parentMapping = nil
                found.key = nil
                found.steps.append(.item(index))
                found.node = items[index]
            }
            found.chain.append(found.node)
            found.reached.segments.append(segment)
            found.remaining = found.remaining.dropFirst()
        }
        if case .alias(let name) = found.node.content {
            throw .alias(path: found.reached.description, name: name, at: location(found.node))
        }
        return found
    }

    /// Checks that the node found for `path` is a plain or quoted string scalar that may be replaced.
    func checkEditable(_ found: LocatedPath, path: YAMLPath) throws(YAMLEditError) {
        let node = found.node
        let shown = path.description
        switch node.content {
        case .mapping: throw .notAScalar(path: shown, found: "a mapping", at: location(node))
        case .sequence: throw .notAScalar(path: shown, found: "a list", at: location(node))
        case .alias(let name): throw .alias(path: shown, name: name, at: location(node))
        case .scalar(_, let style):
            if let anchor = node.anchor {
                throw .anchored(path: shown, name: anchor, isTarget: true, at: location(node))
            }
            try checkAnchors(found, path: path)
            if style == .literal || style == .folded { throw .blockScalar(path: shown, at: location(node)) }
            if let tag = node.tag, tag != YAMLTag.str, tag != "!" {
                throw .tagged(path: shown, tag: Self.shortTag(tag), at: location(node))
            }
        }
    }

    /// Refuses a change inside an anchored node that aliases refer to: the change would reach them too.
    func checkAnchors(_ found: LocatedPath, path: YAMLPath) throws(YAMLEditError) {
        for node in found.chain {
            if let anchor = node.anchor, referencedAnchors.contains(anchor) {
                throw .anchored(path: path.description, name: anchor, isTarget: node == found.node,
                                at: location(node))
            }
        }
    }

    /// The keys to create for a path that ends early, or why they cannot be created.
    func creatableKeys(_ found: LocatedPath, path: YAMLPath, allowCreate: Bool) throws(YAMLEditError) -> [String] {
        guard let first = found.remaining.first else { return [] }
        let missing = YAMLPath([first]).description
        let at = location(found.node)
        var keys: [String] = []
        for segment in found.remaining {
            guard case .key(let key) = segment else {
                throw .missing(path: path.description, missing: missing,
                               reason: "fleet can create missing keys, but not list items", at: at)
            }
            keys.append(key)
        }
        guard allowCreate else {
            throw .missing(path: path.description, missing: missing,
                           reason: "--no-create was given; without it fleet creates the missing keys", at: at)
        }
        if found.node.isNull {
            if found.chain.count == 1 { throw .emptyDocument(file: file.name, path: path.description, at: at) }
            guard case .scalar(let text, .plain) = found.node.content, text.isEmpty, found.node.tag == nil,
                  found.node.anchor == nil, found.parentMapping?.collectionStyle == .block
            else {
                throw .wrongKind(path: found.reached.description, expected: "a mapping", found: "null", at: at)
            }
        }
        return keys
    }

    /// The node of a `<<` merge key of `mapping` that provides `key`, if any.
    private func mergeSource(providing key: String, in mapping: YAMLNode) -> YAMLNode? {
        for pair in mapping.pairs ?? [] where pair.key.isMergeKey {
            let sources = pair.value.items ?? [pair.value]
            for source in sources where expand(source).pairs?.contains(where: { $0.key.scalar == key }) == true {
                return pair.key
            }
        }
        return nil
    }

    /// The node with aliases and merges expanded (for matching and merge checks only).
    func expand(_ node: YAMLNode) -> YAMLNode {
        var target = node
        if case .alias(let name) = node.content, let anchored = anchors[name] { target = anchored }
        let document = YAMLDocument(root: target, start: target.start, end: target.end, hasExplicitStart: false,
                                    hasExplicitEnd: false, file: file.name)
        // An alias inside refers to anchors outside this subtree: fall back to the raw node then.
        return (try? document.resolved()) ?? target
    }

    static func shortTag(_ tag: String) -> String {
        tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
    }
}

extension YAMLNode {
    /// A plain, untagged `<<`.
    var isMergeKey: Bool {
        if case .scalar("<<", .plain) = content { return tag == nil || tag == YAMLTag.merge }
        return false
    }
}
