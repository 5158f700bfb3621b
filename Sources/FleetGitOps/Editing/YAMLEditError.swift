public import FleetBasics
public import FleetYAML

/// Why an edit of a YAML file was refused. The file is never written when any edit is refused.
public enum YAMLEditError: Error, Hashable, Sendable {
    /// The file is not valid YAML (libyaml's message and position).
    case syntax(YAMLError)
    /// The file holds no document.
    case noDocument(file: String)
    /// `--doc N` beyond the documents of the file.
    case documentOutOfRange(file: String, index: Int, count: Int)
    /// No document meets the `--doc-where` conditions.
    case noDocumentMatches(file: String, conditions: String)
    /// Several documents meet the conditions, or have the path.
    case ambiguousDocument(file: String, what: String, documents: [Int], locations: [SourceLocation])
    /// No document has the path (and there are several, so none is chosen for creating it).
    case noDocumentHasPath(file: String, path: String, count: Int)
    /// The document is empty (null): there is nowhere to create keys.
    case emptyDocument(file: String, path: String, at: SourceLocation)
    /// A key of the path is missing and creating it is not allowed (`--no-create`), or cannot be done.
    case missing(path: String, missing: String, reason: String?, at: SourceLocation)
    /// A key step into something that is not a mapping, or an index step into something that is not a list.
    case wrongKind(path: String, expected: String, found: String, at: SourceLocation)
    case indexOutOfRange(path: String, index: Int, count: Int, at: SourceLocation)
    case noMatch(path: String, condition: String, candidates: [String], at: SourceLocation)
    case ambiguousMatch(path: String, condition: String, count: Int, at: SourceLocation)
    case duplicateKey(path: String, key: String, at: SourceLocation)
    /// The path names a mapping or a list, not a value.
    case notAScalar(path: String, found: String, at: SourceLocation)
    /// The path goes through or ends at an alias (`*name`).
    case alias(path: String, name: String, at: SourceLocation)
    /// The node is an anchor (`&name`), or lies inside an anchored node that aliases refer to.
    case anchored(path: String, name: String, isTarget: Bool, at: SourceLocation)
    /// A key provided by a `<<` merge key: editing it would change the merged mapping.
    case merged(path: String, key: String, at: SourceLocation)
    /// A `|` or `>` block scalar.
    case blockScalar(path: String, at: SourceLocation)
    /// A scalar with a tag other than `!!str` (`!!int 3`, `!Ref x`).
    case tagged(path: String, tag: String, at: SourceLocation)
    /// Two edits set one value to different strings.
    case conflictingEdits(path: String, first: String, second: String)
    /// After the edit the file did not parse to the old documents with exactly the intended values changed. The
    /// file is left untouched; this is a bug in fleet's editor.
    case verificationFailed(file: String, path: String, detail: String)
}

extension YAMLEditError: DiagnosticConvertible, CustomStringConvertible {
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    private static let aliasHint = "fleet never edits through aliases or anchors, because the change would also "
        + "apply to every place that uses them; edit the anchored value itself, or replace the alias by a value"

    public var diagnostics: [Diagnostic] {
        switch self {
        case .syntax(let error):
            return error.diagnostics.map { diagnostic in
                var copy = diagnostic
                copy.message = "invalid YAML: " + copy.message
                return copy
            }
        case .noDocument(let file):
            return [.error("'\(file)' holds no YAML document", at: SourceLocation(file: file, line: 1, column: 1))]
        case .documentOutOfRange(let file, let index, let count):
            return [.error("document \(index) does not exist: '\(file)' has \(count) document"
                               + (count == 1 ? "" : "s"), hint: "documents are numbered from 0")]
        case .noDocumentMatches(let file, let conditions):
            return [.error("no document of '\(file)' has \(conditions)")]
        case .ambiguousDocument(let file, let what, let documents, let locations):
            let list = documents.map(String.init).joined(separator: ", ")
            return [.error("\(documents.count) documents of '\(file)' have \(what) (documents \(list))",
                           hint: "choose one with --doc N or --doc-where key=value",
                           notes: locations.map { Diagnostic.Note("a document with it starts here", at: $0) })]
        case .noDocumentHasPath(let file, let path, let count):
            return [.error("none of the \(count) documents of '\(file)' has '\(path)'",
                           hint: "choose the document with --doc N or --doc-where key=value to create it")]
        case .emptyDocument(let file, let path, let at):
            return [.error("cannot create '\(path)': the document in '\(file)' is empty", at: at)]
        case .missing(let path, let missing, let reason, let at):
            return [.error("'\(path)' does not exist: there is no '\(missing)'", at: at,
                           hint: reason ?? "fleet creates missing keys unless --no-create is given")]
        case .wrongKind(let path, let expected, let found, let at):
            return [.error("'\(path)' is \(found), not \(expected)", at: at)]
        case .indexOutOfRange(let path, let index, let count, let at):
            return [.error("index \(index) is out of range: '\(path)' has \(count) item" + (count == 1 ? "" : "s"),
                           at: at, hint: "indexes start at 0")]
        case .noMatch(let path, let condition, let candidates, let at):
            let shown = candidates.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            return [.error("no item of '\(path)' has \(condition)", at: at,
                           hint: candidates.isEmpty ? nil : "the items have: \(shown)")]
        case .ambiguousMatch(let path, let condition, let count, let at):
            return [.error("\(count) items of '\(path)' have \(condition)", at: at,
                           hint: "select one by index, as in \(path)[0]")]
        case .duplicateKey(let path, let key, let at):
            return [.error("'\(path)' has the key '\(key)' more than once", at: at,
                           hint: "remove the duplicate: YAML readers disagree on which one wins")]
        case .notAScalar(let path, let found, let at):
            return [.error("'\(path)' is \(found), not a single value", at: at,
                           hint: "name a value inside it, as in \(path).tag or \(path)[0]")]
        case .alias(let path, let name, let at):
            return [.error("'\(path)' goes through the alias '*\(name)'", at: at, hint: Self.aliasHint)]
        case .anchored(let path, let name, let isTarget, let at):
            let message = isTarget ? "'\(path)' is the anchor '&\(name)'"
                : "'\(path)' is inside the anchor '&\(name)', which aliases refer to"
            return [.error(message, at: at, hint: Self.aliasHint)]
        case .merged(let path, let key, let at):
            return [.error("'\(key)' of '\(path)' comes from a '<<' merge key", at: at,
                           hint: "fleet does not edit merged values: that would change the merged mapping too")]
        case .blockScalar(let path, let at):
            return [.error("'\(path)' is a block scalar ('|' or '>'); fleet only edits single-line values", at: at)]
        case .tagged(let path, let tag, let at):
            return [.error("'\(path)' has the tag '\(tag)'; fleet only edits string values", at: at)]
        case .conflictingEdits(let path, let first, let second):
            return [.error("'\(path)' is set twice, to '\(first)' and to '\(second)'")]
        case .verificationFailed(let file, let path, let detail):
            return [.error("internal error: editing '\(path)' in '\(file)' would change more than intended "
                               + "(\(detail)); the file was left untouched",
                           hint: "this is a bug in fleet; please report it with the file")]
        }
    }
}
