/// Writes new YAML files (scaffolded values, a new versions registry) in block style, two spaces per level,
/// scalars quoted only when they need it.
public enum BlockYAMLWriter {
    /// A mapping entry: a scalar, a nested mapping, or a list of scalars.
    public indirect enum Node: Hashable, Sendable {
        case scalar(String)
        case mapping([Entry])
        case list([String])
    }

    public struct Entry: Hashable, Sendable {
        public var key: String
        public var node: Node
        public var comment: String?
        public init(_ key: String, _ node: Node, comment: String? = nil) {
            self.key = key
            self.node = node
            self.comment = comment
        }
    }

    /// The entries as block YAML, one line each, ending with a newline.
    public static func render(_ entries: [Entry], indent: Int = 0) -> String {
        var out = ""
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            if let comment = entry.comment { out += pad + "# " + comment + "\n" }
            let key = ScalarRenderer.renderNew(entry.key)
            switch entry.node {
            case .scalar(let value):
                out += pad + key + ": " + ScalarRenderer.renderNew(value) + "\n"
            case .mapping(let children):
                out += pad + key + ":" + (children.isEmpty ? " {}" : "") + "\n"
                out += render(children, indent: indent + 2)
            case .list(let items):
                out += pad + key + ":" + (items.isEmpty ? " []" : "") + "\n"
                for item in items { out += pad + "  - " + ScalarRenderer.renderNew(item) + "\n" }
            }
        }
        return out
    }

    /// Merges `path = value` into `entries`, creating nested mappings in order of first appearance.
    public static func insert(_ value: Node, at keys: ArraySlice<String>, into entries: inout [Entry]) {
        guard let key = keys.first else { return }
        if keys.count == 1 {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                entries[index].node = value
            } else {
                entries.append(Entry(key, value))
            }
            return
        }
        var children: [Entry] = []
        let index = entries.firstIndex(where: { $0.key == key })
        if let index, case .mapping(let existing) = entries[index].node { children = existing }
        insert(value, at: keys.dropFirst(), into: &children)
        if let index {
            entries[index].node = .mapping(children)
        } else {
            entries.append(Entry(key, .mapping(children)))
        }
    }
}
