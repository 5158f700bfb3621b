public import FleetManifest
import FleetYAML

/// Sets one value: the string at `path` becomes `value`.
public struct YAMLEdit: Hashable, Sendable {
    public var path: YAMLPath
    public var value: String
    public init(_ path: YAMLPath, _ value: String) {
        self.path = path
        self.value = value
    }
}

/// One value the editor changed or created.
public struct YAMLChange: Hashable, Sendable {
    /// The document's index in the file (0-based).
    public var document: Int
    /// The path as requested.
    public var path: YAMLPath
    /// The old string; nil when the key did not exist (or held null).
    public var old: String?
    public var new: String
    /// The 1-based line of the new value in the edited file.
    public var line: Int
}

/// The outcome of ``YAMLEditor/apply(_:to:document:allowCreate:)``: the new bytes and what changed. When nothing
/// changed, ``bytes`` are the input bytes and ``changes`` is empty.
public struct YAMLEditResult: Sendable {
    public var bytes: [UInt8]
    public var changes: [YAMLChange]
}

/// Changes scalar values of a YAML file in place, byte-exact: the new text replaces exactly the bytes of the old
/// scalar, and every other byte stays as it was (comments, blank lines, indentation, key order, quoting of other
/// values, line endings, document markers).
///
/// Each edit is spliced in, the whole file is parsed again, and its documents must equal the old ones with exactly
/// the intended values changed (compared as data: text and type of every scalar, anchors, aliases, order), or the
/// edit is refused. Nothing is written here: callers write ``YAMLEditResult/bytes`` when all edits succeeded.
public enum YAMLEditor {
    /// Applies `edits` in order.
    ///
    /// - Parameters:
    ///   - document: which document each edit applies to; nil: the one document that has the path (a missing path
    ///     is created in a single-document file).
    ///   - allowCreate: create missing keys with the indentation of their siblings; false refuses instead.
    /// - Throws: ``YAMLEditError`` for the first edit refused; no bytes are returned then.
    public static func apply(_ edits: [YAMLEdit], to file: YAMLFile, document: DocumentSelector? = nil,
                             allowCreate: Bool = true) throws(YAMLEditError) -> YAMLEditResult {
        var session = EditSession(file: file)
        var requested: [String: String] = [:]
        for edit in edits {
            let key = "\(document.map { "\($0)" } ?? "")|\(edit.path)"
            if let earlier = requested[key] {
                if earlier != edit.value {
                    throw .conflictingEdits(path: edit.path.description, first: earlier, second: edit.value)
                }
                continue
            }
            requested[key] = edit.value
            try session.apply(edit, document: document, allowCreate: allowCreate)
        }
        return try session.finish()
    }

    /// Parses `bytes` and applies `edits`; see ``apply(_:to:document:allowCreate:)``.
    public static func apply(_ edits: [YAMLEdit], to bytes: [UInt8], name: String,
                             document: DocumentSelector? = nil, allowCreate: Bool = true)
        throws(YAMLEditError) -> YAMLEditResult
    {
        try apply(edits, to: try YAMLFile(bytes: bytes, name: name), document: document, allowCreate: allowCreate)
    }
}

/// The state of a series of edits: the current bytes and documents, and the shapes they must have.
struct EditSession {
    private(set) var file: YAMLFile
    private let original: YAMLFile
    private var expected: [YAMLShape]
    private var pending: [(change: YAMLChange, steps: [YAMLStep])] = []

    init(file: YAMLFile) {
        self.file = file
        self.original = file
        self.expected = file.documents.map { YAMLShape($0.root) }
    }

    mutating func apply(_ edit: YAMLEdit, document selector: DocumentSelector?, allowCreate: Bool)
        throws(YAMLEditError)
    {
        guard !file.documents.isEmpty else { throw .noDocument(file: file.name) }
        let index = try chooseDocument(for: edit.path, selector: selector)
        var locator = YAMLLocator(file: file, documentIndex: index)
        let found = try locator.locate(edit.path)
        let splice: Splice
        let steps: [YAMLStep]
        let old: String?
        if found.remaining.isEmpty {
            try locator.checkEditable(found, path: edit.path)
            let node = found.node
            let type = YAMLShape.type(of: node)
            if type == "str", node.scalar == edit.value { return }
            old = type == "null" ? nil : node.scalar
            splice = YAMLInsertion.replacement(of: node, with: edit.value, in: file.bytes)
            steps = found.steps
            expected[index] = expected[index].replacing(at: steps[...], with: .string(edit.value))
        } else {
            let keys = try locator.creatableKeys(found, path: edit.path, allowCreate: allowCreate)
            try locator.checkAnchors(found, path: edit.path)
            let insertion = try YAMLInsertion.insertion(of: keys, value: edit.value, into: found, locator: locator,
                                                        path: edit.path)
            splice = insertion.splice
            old = nil
            steps = found.steps + insertion.steps
            if found.node.isMapping {
                expected[index] = expected[index].appending(
                    key: keys[0], value: YAMLShape.nested(keys.dropFirst(), value: edit.value),
                    at: found.steps[...])
            } else {
                expected[index] = expected[index].replacing(
                    at: found.steps[...], with: YAMLShape.nested(keys[...], value: edit.value))
            }
        }
        var bytes = file.bytes
        bytes.replaceSubrange(splice.range, with: Array(splice.text.utf8))
        let edited: YAMLFile
        do {
            edited = try YAMLFile(bytes: bytes, name: file.name)
        } catch {
            throw .verificationFailed(file: file.name, path: edit.path.description,
                                      detail: "the result does not parse: \(error)")
        }
        let shapes = edited.documents.map { YAMLShape($0.root) }
        guard shapes.count == expected.count else {
            throw .verificationFailed(file: file.name, path: edit.path.description,
                                      detail: "\(expected.count) documents became \(shapes.count)")
        }
        for (new, wanted) in zip(shapes, expected) where new != wanted {
            throw .verificationFailed(file: file.name, path: edit.path.description,
                                      detail: YAMLShape.difference(wanted, new) ?? "documents differ")
        }
        file = edited
        pending.append((YAMLChange(document: index, path: edit.path, old: old, new: edit.value, line: 0), steps))
    }

    /// The result, with each change's line in the final text.
    func finish() throws(YAMLEditError) -> YAMLEditResult {
        var changes: [YAMLChange] = []
        for (change, steps) in pending {
            var located = change
            var node = file.documents[change.document].root
            for step in steps {
                switch (step, node.content) {
                case (.pair(let index), .mapping(let pairs, _)) where pairs.indices.contains(index):
                    node = pairs[index].value
                case (.item(let index), .sequence(let items, _)) where items.indices.contains(index):
                    node = items[index]
                default:
                    break
                }
            }
            located.line = node.start.line
            changes.append(located)
        }
        return YAMLEditResult(bytes: file.bytes, changes: changes)
    }

    private func chooseDocument(for path: YAMLPath, selector: DocumentSelector?) throws(YAMLEditError) -> Int {
        if let selector { return try file.documentIndex(selector) }
        if file.documents.count == 1 { return 0 }
        var having: [Int] = []
        for index in file.documents.indices {
            var locator = YAMLLocator(file: file, documentIndex: index)
            if let found = try? locator.locate(path), found.remaining.isEmpty { having.append(index) }
        }
        if having.count > 1 {
            throw .ambiguousDocument(file: file.name, what: "'\(path)'", documents: having,
                                     locations: having.map { file.documents[$0].start.location(in: file.name) })
        }
        guard let index = having.first else {
            throw .noDocumentHasPath(file: file.name, path: path.description, count: file.documents.count)
        }
        return index
    }
}

/// Bytes to put in place of a range of the file.
struct Splice {
    var range: Range<Int>
    var text: String
}
