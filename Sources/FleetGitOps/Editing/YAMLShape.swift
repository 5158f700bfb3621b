import FleetYAML

/// The meaning of a YAML node without its positions or quoting: what the editor's self-check compares.
///
/// Two documents with equal shapes hold the same data for any reader: scalars compare by text and resolved type
/// (`1.20` plain is a float, `"1.20"` is a string), anchors and aliases by name, mappings by their pairs in order.
indirect enum YAMLShape: Hashable, CustomStringConvertible {
    case scalar(String, type: String, anchor: String?)
    case sequence([YAMLShape], tag: String?, anchor: String?)
    /// Keys and values alternating, in document order.
    case mapping([YAMLShape], tag: String?, anchor: String?)
    case alias(String)

    /// A string value, as the editor writes it.
    static func string(_ text: String) -> YAMLShape { .scalar(text, type: "str", anchor: nil) }

    init(_ node: YAMLNode) {
        switch node.content {
        case .scalar(let text, _):
            self = .scalar(text, type: Self.type(of: node), anchor: node.anchor)
        case .sequence(let items, _):
            self = .sequence(items.map(YAMLShape.init), tag: node.tag, anchor: node.anchor)
        case .mapping(let pairs, _):
            self = .mapping(pairs.flatMap { [YAMLShape($0.key), YAMLShape($0.value)] }, tag: node.tag,
                            anchor: node.anchor)
        case .alias(let name):
            self = .alias(name)
        }
    }

    /// `str`, `null`, `bool`, `int`, `float` (YAML 1.2 core schema), or the explicit tag.
    static func type(of node: YAMLNode) -> String {
        if let tag = node.tag { return tag == YAMLTag.str || tag == "!" ? "str" : tag }
        guard node.scalarStyle == .plain else { return "str" }
        if node.isNull { return "null" }
        if node.bool != nil { return "bool" }
        if node.int != nil { return "int" }
        if node.double != nil { return "float" }
        return "str"
    }

    var description: String {
        switch self {
        case .scalar(let text, let type, _): "\(type) '\(text)'"
        case .sequence(let items, _, _): "a list of \(items.count)"
        case .mapping(let flat, _, _): "a mapping of \(flat.count / 2)"
        case .alias(let name): "*\(name)"
        }
    }

    /// The shape with the node at `steps` replaced.
    func replacing(at steps: ArraySlice<YAMLStep>, with replacement: YAMLShape) -> YAMLShape {
        guard let step = steps.first else { return replacement }
        switch (self, step) {
        case (.sequence(var items, let tag, let anchor), .item(let index)) where items.indices.contains(index):
            items[index] = items[index].replacing(at: steps.dropFirst(), with: replacement)
            return .sequence(items, tag: tag, anchor: anchor)
        case (.mapping(var flat, let tag, let anchor), .pair(let index)) where index * 2 + 1 < flat.count:
            flat[index * 2 + 1] = flat[index * 2 + 1].replacing(at: steps.dropFirst(), with: replacement)
            return .mapping(flat, tag: tag, anchor: anchor)
        default:
            return self
        }
    }

    /// The shape with `key: value` appended to the mapping at `steps`.
    func appending(key: String, value: YAMLShape, at steps: ArraySlice<YAMLStep>) -> YAMLShape {
        guard let step = steps.first else {
            if case .mapping(let flat, let tag, let anchor) = self {
                return .mapping(flat + [.string(key), value], tag: tag, anchor: anchor)
            }
            return self
        }
        switch (self, step) {
        case (.sequence(var items, let tag, let anchor), .item(let index)) where items.indices.contains(index):
            items[index] = items[index].appending(key: key, value: value, at: steps.dropFirst())
            return .sequence(items, tag: tag, anchor: anchor)
        case (.mapping(var flat, let tag, let anchor), .pair(let index)) where index * 2 + 1 < flat.count:
            flat[index * 2 + 1] = flat[index * 2 + 1].appending(key: key, value: value, at: steps.dropFirst())
            return .mapping(flat, tag: tag, anchor: anchor)
        default:
            return self
        }
    }

    /// Nested single-key mappings ending in `value`: `a: {b: value}` for `[a, b]`.
    static func nested(_ keys: ArraySlice<String>, value: String) -> YAMLShape {
        guard let first = keys.first else { return .string(value) }
        return .mapping([.string(first), nested(keys.dropFirst(), value: value)], tag: nil, anchor: nil)
    }

    /// A human description of the first difference between two shapes, for the self-check's message.
    static func difference(_ old: YAMLShape, _ new: YAMLShape, path: String = "") -> String? {
        if old == new { return nil }
        switch (old, new) {
        case (.mapping(let a, _, _), .mapping(let b, _, _)) where a.count == b.count:
            for index in stride(from: 0, to: a.count, by: 2) {
                let key = a[index].scalarText ?? "?"
                if a[index] != b[index] { return "key \(a[index]) became \(b[index]) at '\(path)'" }
                if let found = difference(a[index + 1], b[index + 1], path: path.isEmpty ? key : path + "." + key) {
                    return found
                }
            }
        case (.sequence(let a, _, _), .sequence(let b, _, _)) where a.count == b.count:
            for index in a.indices {
                if let found = difference(a[index], b[index], path: path + "[\(index)]") { return found }
            }
        default:
            break
        }
        return "\(old) became \(new) at '\(path.isEmpty ? "." : path)'"
    }

    var scalarText: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }
}

/// One concrete step from a node to a child: the N-th pair of a mapping (to its value) or the N-th list item.
enum YAMLStep: Hashable {
    case pair(Int)
    case item(Int)
}
