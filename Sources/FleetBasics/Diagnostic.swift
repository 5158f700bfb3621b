/// A message for the user about their input: what is wrong, where, and what to do about it.
///
/// Rendered as `path:line:col: error: message`, then one indented `hint:` line per hint and one `note:` line per
/// related location. Libraries never print diagnostics: they throw them (wrapped in ``DiagnosticsError``) or hand
/// them to a sink, and the command layer renders them.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Comparable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A secondary location that explains the main one (for example each edge of a dependency cycle).
    public struct Note: Hashable, Sendable {
        public var message: String
        public var location: SourceLocation?
        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    public var hints: [String]
    public var notes: [Note]

    public init(
        _ severity: Severity, _ message: String, at location: SourceLocation? = nil, hint: String? = nil,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hints = hint.map { [$0] } ?? []
        self.notes = notes
    }

    public static func error(_ message: String, at location: SourceLocation? = nil, hint: String? = nil,
                             notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location, hint: hint, notes: notes)
    }

    public static func warning(_ message: String, at location: SourceLocation? = nil, hint: String? = nil,
                               notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: location, hint: hint, notes: notes)
    }

    public var description: String { rendered(style: .plain) }

    /// The diagnostic as lines of text, optionally coloured.
    public func rendered(style: TerminalStyle) -> String {
        var out = ""
        if let location { out += style.bold("\(location): ") }
        let label: String
        switch severity {
        case .error: label = style.red("error:")
        case .warning: label = style.yellow("warning:")
        case .note: label = style.cyan("note:")
        }
        out += "\(style.bold(label)) \(message)"
        for note in notes {
            out += "\n  "
            if let location = note.location { out += "\(location): " }
            out += "\(style.cyan("note:")) \(note.message)"
        }
        for hint in hints { out += "\n  \(style.green("hint:")) \(hint)" }
        return out
    }
}

/// A value that can be shown to the user as one or more diagnostics. Every user-facing error type conforms.
public protocol DiagnosticConvertible {
    var diagnostics: [Diagnostic] { get }
}

/// An error made of diagnostics: the common currency thrown across module boundaries for bad user input.
public struct DiagnosticsError: Error, Sendable, DiagnosticConvertible, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    /// Shorthand for a single error diagnostic.
    public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.diagnostics = [Diagnostic(.error, message, at: location, hint: hint)]
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A bug in fleet, not in the user's input. Rendered with a request to report it.
public struct InternalError: Error, Sendable, DiagnosticConvertible, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "internal error: \(message)" }
    public var diagnostics: [Diagnostic] {
        [Diagnostic(.error, "internal error: \(message)", hint: "this is a bug in fleet; please report it")]
    }
}

/// Collects diagnostics while validating, so that every problem is reported in one pass.
public struct DiagnosticCollector: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    public init() {}

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public mutating func append(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }
    public mutating func append(contentsOf other: [Diagnostic]) { diagnostics.append(contentsOf: other) }

    public mutating func error(_ message: String, at location: SourceLocation?, hint: String? = nil,
                               notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(.error, message, at: location, hint: hint, notes: notes))
    }

    public mutating func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(Diagnostic(.warning, message, at: location, hint: hint))
    }

    /// Throws the collected diagnostics, sorted by location, if any of them is an error.
    public func throwIfErrors() throws(DiagnosticsError) {
        guard hasErrors else { return }
        throw DiagnosticsError(sorted)
    }

    /// Diagnostics in file order; diagnostics without a location come last. Stable for equal locations.
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (l?, r?): l == r ? a.offset < b.offset : l < r
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.offset < b.offset
            }
        }.map(\.element)
    }
}
