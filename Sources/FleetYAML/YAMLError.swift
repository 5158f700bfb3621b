public import FleetBasics

/// A YAML input that cannot be read: malformed syntax, bad encoding, or a structure beyond ``YAMLLimits``.
///
/// Carries libyaml's problem (rephrased where it helps), its exact position, the construct being read when it
/// happened, and a hint for common mistakes (tabs, unquoted `: `, reserved characters).
public struct YAMLError: Error, Hashable, Sendable, DiagnosticConvertible, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The text is not well-formed YAML (libyaml's scanner or parser rejected it).
        case syntax
        /// The bytes are not valid UTF-8, use an unsupported encoding, or contain control characters.
        case encoding
        /// Collections nest deeper than ``YAMLLimits/maxDepth``.
        case tooDeep
        /// Alias and merge expansion would exceed ``YAMLLimits/maxResolvedNodes``.
        case tooLarge
        /// `*name` with no earlier `&name`.
        case undefinedAlias
        /// `*name` inside the node anchored `&name`.
        case recursiveAlias
        /// A `<<` merge key whose value is not a mapping or a list of mappings.
        case invalidMerge
        /// libyaml ran out of memory.
        case memory
    }

    public var kind: Kind
    public var message: String
    public var file: String
    public var mark: YAMLMark
    /// What libyaml was reading when the problem occurred, and where that started ("while parsing a block
    /// mapping" at 3:1).
    public var context: String?
    public var contextMark: YAMLMark?
    public var hint: String?

    public init(_ kind: Kind, _ message: String, file: String, at mark: YAMLMark, context: String? = nil,
                contextMark: YAMLMark? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.mark = mark
        self.context = context
        self.contextMark = contextMark
        self.hint = hint
    }

    public var location: SourceLocation { mark.location(in: file) }

    public var diagnostics: [Diagnostic] {
        var notes: [Diagnostic.Note] = []
        // libyaml's context ("while parsing a block mapping") helps when it points elsewhere than the problem.
        if let context, contextMark != mark {
            notes.append(Diagnostic.Note(context, at: contextMark.map { $0.location(in: file) }))
        }
        return [Diagnostic(.error, message, at: location, hint: hint, notes: notes)]
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
