import FleetBasics
public import FleetManifest
public import FleetYAML

/// Which document of a multi-document file an edit or a read applies to.
public enum DocumentSelector: Hashable, Sendable, CustomStringConvertible {
    /// The N-th document, 0-based (`--doc N`).
    case index(Int)
    /// The one document that meets every condition (`--doc-where kind=Deployment,metadata.name=web`).
    case matching([DocumentCondition])

    public var description: String {
        switch self {
        case .index(let index): "document \(index)"
        case .matching(let conditions): conditions.map(\.description).joined(separator: ",")
        }
    }
}

/// A parsed YAML file: its exact bytes and its documents with byte positions. Reads values; ``YAMLEditor`` edits.
public struct YAMLFile: Sendable {
    /// The file's name as shown in messages.
    public let name: String
    public let bytes: [UInt8]
    public let documents: [YAMLDocument]

    /// Parses `bytes`.
    /// - Throws: ``YAMLEditError/syntax(_:)`` when the bytes are not valid YAML.
    public init(bytes: [UInt8], name: String) throws(YAMLEditError) {
        self.name = name
        self.bytes = bytes
        do {
            documents = try YAMLParser.parse(bytes, file: name)
        } catch {
            throw .syntax(error)
        }
    }

    // MARK: - Reading

    /// What a path holds in a document, following aliases and merge keys as a YAML reader would.
    public enum Value: Hashable, Sendable {
        case scalar(String)
        case missing
        /// A mapping or a list ("a mapping", "a list").
        case collection(String)
    }

    /// The value at `path` in the selected document (without a selector: in the document that has it).
    /// - Throws: ``YAMLEditError`` when the selector picks no document or several do have the path.
    public func value(at path: YAMLPath, document selector: DocumentSelector? = nil) throws(YAMLEditError) -> Value {
        guard !documents.isEmpty else { return .missing }
        if let selector {
            let index = try documentIndex(selector)
            return Self.read(path, in: resolvedRoot(index))
        }
        var found: [(Int, Value)] = []
        for index in documents.indices {
            let value = Self.read(path, in: resolvedRoot(index))
            if value != .missing { found.append((index, value)) }
        }
        if found.count > 1 {
            throw .ambiguousDocument(file: name, what: "'\(path)'", documents: found.map(\.0),
                                     locations: found.map { documents[$0.0].start.location(in: name) })
        }
        return found.first?.1 ?? .missing
    }

    /// The string at `path`, or nil when it is missing, null or not a scalar.
    public func string(at path: YAMLPath, document selector: DocumentSelector? = nil) throws(YAMLEditError)
        -> String?
    {
        if case .scalar(let text) = try value(at: path, document: selector) { return text }
        return nil
    }

    /// The resolved root of a document (aliases expanded, merges applied); the raw root when expansion fails.
    func resolvedRoot(_ index: Int) -> YAMLNode {
        (try? documents[index].resolved()) ?? documents[index].root
    }

    /// Reads a path in a resolved tree.
    static func read(_ path: YAMLPath, in root: YAMLNode) -> Value {
        var node = root
        for segment in path.segments {
            switch segment {
            case .key(let key):
                guard let pairs = node.pairs, let pair = pairs.last(where: { $0.key.scalar == key }) else {
                    return .missing
                }
                node = pair.value
            case .index(let index):
                guard let items = node.items, items.indices.contains(index) else { return .missing }
                node = items[index]
            case .match(let keyPath, let value):
                guard let items = node.items else { return .missing }
                let matches = items.filter { read(keyPath, in: $0) == .scalar(value) }
                guard matches.count == 1, let match = matches.first else { return .missing }
                node = match
            }
        }
        switch node.content {
        case .scalar(let text, _): return node.isNull ? .missing : .scalar(text)
        case .mapping: return .collection("a mapping")
        case .sequence: return .collection("a list")
        case .alias: return .missing
        }
    }

    // MARK: - Documents

    /// The index of the document a selector picks.
    func documentIndex(_ selector: DocumentSelector) throws(YAMLEditError) -> Int {
        switch selector {
        case .index(let index):
            guard documents.indices.contains(index) else {
                throw .documentOutOfRange(file: name, index: index, count: documents.count)
            }
            return index
        case .matching(let conditions):
            let matching = documents.indices.filter { index in
                let root = resolvedRoot(index)
                return conditions.allSatisfy { Self.read($0.path, in: root) == .scalar($0.value) }
            }
            let shown = conditions.map(\.description).joined(separator: ",")
            guard let first = matching.first else { throw .noDocumentMatches(file: name, conditions: shown) }
            if matching.count > 1 {
                throw .ambiguousDocument(file: name, what: shown, documents: matching,
                                         locations: matching.map { documents[$0].start.location(in: name) })
            }
            return first
        }
    }

    func location(_ node: YAMLNode) -> SourceLocation { node.start.location(in: name) }
}
