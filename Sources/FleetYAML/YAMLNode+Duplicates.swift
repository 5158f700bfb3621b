/// A key that appears more than once in one mapping.
public struct YAMLDuplicateKey: Hashable, Sendable {
    /// The key's text.
    public var key: String
    /// The first occurrence of the key.
    public var first: YAMLNode
    /// A later occurrence.
    public var duplicate: YAMLNode
}

extension YAMLNode {
    /// The scalar keys of this mapping that repeat an earlier key, in document order. Pairs added by a `<<` merge
    /// are ignored (overriding them is allowed); non-scalar keys are ignored. Empty for non-mappings.
    public func duplicateKeys() -> [YAMLDuplicateKey] {
        guard let pairs else { return [] }
        if pairs.count <= 16 {
            // Most mappings are small: comparing keys is cheaper than hashing them.
            var duplicates: [YAMLDuplicateKey] = []
            for (index, pair) in pairs.enumerated() where !pair.isMerged {
                guard let key = pair.key.scalar else { continue }
                if let first = pairs[..<index].first(where: { !$0.isMerged && $0.key.scalar == key }) {
                    duplicates.append(YAMLDuplicateKey(key: key, first: first.key, duplicate: pair.key))
                }
            }
            return duplicates
        }
        var seen: [String: YAMLNode] = [:]
        var duplicates: [YAMLDuplicateKey] = []
        for pair in pairs where !pair.isMerged {
            guard let key = pair.key.scalar else { continue }
            if let first = seen[key] {
                duplicates.append(YAMLDuplicateKey(key: key, first: first, duplicate: pair.key))
            } else {
                seen[key] = pair.key
            }
        }
        return duplicates
    }

    /// Duplicate keys in this node and every mapping below it, in document order. Iterative.
    public func allDuplicateKeys() -> [YAMLDuplicateKey] {
        var result: [YAMLDuplicateKey] = []
        var stack: [YAMLNode] = [self]
        while let node = stack.popLast() {
            switch node.content {
            case .mapping(let pairs, _):
                result.append(contentsOf: node.duplicateKeys())
                for pair in pairs.reversed() where !pair.isMerged {
                    stack.append(pair.value)
                    stack.append(pair.key)
                }
            case .sequence(let items, _):
                stack.append(contentsOf: items.reversed())
            case .scalar, .alias:
                break
            }
        }
        return result.sorted { $0.duplicate.start < $1.duplicate.start }
    }
}
