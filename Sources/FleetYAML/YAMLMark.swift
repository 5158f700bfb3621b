public import FleetBasics

/// A position in a YAML input, in two coordinate systems at once: 1-based line and column for users, and the exact
/// 0-based byte offset into the input bytes for tools that edit the text in place.
///
/// `column` counts Unicode scalars (code points) from the start of the line, as libyaml does; `offset` counts UTF-8
/// bytes from the start of the input, including a leading byte order mark. libyaml's own marks count characters,
/// not bytes; the parser converts them (see ``YAMLSourceMap``).
public struct YAMLMark: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 1-based line, as editors show it. libyaml's line breaks: `\r\n`, `\r`, `\n` (and NEL, LS, PS).
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int
    /// 0-based byte offset into the input.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The start of an input.
    public static let start = YAMLMark(line: 1, column: 1, offset: 0)

    /// This position in `file`, for diagnostics.
    public func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    public static func < (lhs: YAMLMark, rhs: YAMLMark) -> Bool { lhs.offset < rhs.offset }
}

/// How a scalar was written. The editor keeps the style when it replaces a value.
public enum YAMLScalarStyle: String, Hashable, Sendable, CaseIterable {
    /// `value`
    case plain
    /// `'value'`
    case singleQuoted
    /// `"value"`
    case doubleQuoted
    /// `|` block scalar.
    case literal
    /// `>` block scalar.
    case folded

    /// Whether the text may be interpreted as null, a boolean or a number (only plain scalars are).
    public var isPlain: Bool { self == .plain }
}

/// How a sequence or mapping was written.
public enum YAMLCollectionStyle: String, Hashable, Sendable, CaseIterable {
    /// Indentation-based, one entry per line.
    case block
    /// `[a, b]` or `{a: 1}`.
    case flow
}
