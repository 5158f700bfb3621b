/// A path to a node inside a YAML document, as written in `gitops.files` and on `fleet gitops set`'s command line.
///
/// Syntax: keys separated by `.` (`image.tag`); `[N]` selects the N-th item of a list (0-based, `list[2]`);
/// `[key=value]` selects the one list item (a mapping) whose `key` equals `value`
/// (`images[name=ghcr.io/acme/api].newTag`; `key` may itself be a dotted path). A key that contains `.`, `[`, `]`,
/// `=` or quotes is written in double or single quotes: `metadata.annotations."argocd.argoproj.io/sync-wave"`.
/// Inside double quotes `\"` and `\\` escape; inside single quotes `''` is one quote. A selector value may be
/// quoted the same way to contain `]`.
///
/// Braces are ordinary characters, so a template such as `{service}.image.tag` parses to the key `{service}`;
/// ``substituting(_:)`` fills placeholders per segment, which keeps a service called `web.app` one key.
public struct YAMLPath: Hashable, Sendable, CustomStringConvertible {
    public enum Segment: Hashable, Sendable {
        /// A mapping key.
        case key(String)
        /// A list index, 0-based.
        case index(Int)
        /// The one list item whose value at `path` is the string `value`.
        case match(path: YAMLPath, value: String)
    }

    public var segments: [Segment]

    public init(_ segments: [Segment]) { self.segments = segments }

    /// Parses the path syntax described on the type.
    /// - Throws: ``YAMLPathError`` with the offset of the problem.
    public init(parsing text: String) throws(YAMLPathError) {
        var parser = YAMLPathParser(text: text)
        self.segments = try parser.parsePath(until: nil)
    }

    /// Whether every segment is a key (such a path can be created in a mapping).
    public var isKeysOnly: Bool {
        segments.allSatisfy { if case .key = $0 { true } else { false } }
    }

    /// The keys of a keys-only path.
    public var keys: [String] {
        segments.compactMap { if case .key(let key) = $0 { key } else { nil } }
    }

    /// `prefix + other`.
    public func appending(_ other: YAMLPath) -> YAMLPath { YAMLPath(segments + other.segments) }

    /// The path with `{name}` placeholders in keys and selector values replaced by `values[name]`. Unknown
    /// placeholders stay as written.
    public func substituting(_ values: [String: String]) -> YAMLPath {
        YAMLPath(segments.map { segment in
            switch segment {
            case .key(let key): .key(Placeholders.substitute(key, values))
            case .index: segment
            case .match(let path, let value):
                .match(path: path.substituting(values), value: Placeholders.substitute(value, values))
            }
        })
    }

    /// Every `{name}` placeholder used in keys and selector values, in order of appearance.
    public var placeholders: [String] {
        segments.flatMap { segment -> [String] in
            switch segment {
            case .key(let key): Placeholders.names(in: key)
            case .index: []
            case .match(let path, let value): path.placeholders + Placeholders.names(in: value)
            }
        }
    }

    /// The path in its canonical written form (keys quoted only when needed); parses back to an equal path.
    public var description: String {
        var out = ""
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .key(let key):
                if position > 0 { out += "." }
                out += Self.render(key: key)
            case .index(let index):
                out += "[\(index)]"
            case .match(let path, let value):
                out += "[\(path)=\(Self.render(selectorValue: value))]"
            }
        }
        return out
    }

    static func render(key: String) -> String {
        let special = key.isEmpty || key.contains { ".[]=\"'".contains($0) } || key.first == " " || key.last == " "
        return special ? quoted(key) : key
    }

    static func render(selectorValue value: String) -> String {
        let special = value.contains { "[]\"'".contains($0) } || value.first == " " || value.last == " "
        return special ? quoted(value) : value
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    /// Splits `PATH=VALUE` at the first `=` outside brackets and quotes; nil when there is none.
    public static func splitAssignment(_ text: String) -> (path: String, value: String)? {
        var depth = 0
        var quote: Character?
        var escaped = false
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if escaped {
                    escaped = false
                } else if open == "\"", character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "[": depth += 1
            case "]": depth = max(0, depth - 1)
            case "=" where depth == 0:
                return (String(text[..<index]), String(text[text.index(after: index)...]))
            default: break
            }
        }
        return nil
    }
}

/// A path that does not parse.
public struct YAMLPathError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// The 0-based character offset of the problem in `path`.
    public var offset: Int

    public init(path: String, reason: String, offset: Int) {
        self.path = path
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "invalid path '\(path)': \(reason) (at character \(offset + 1))" }
}

private struct YAMLPathParser {
    let text: String
    let characters: [Character]
    var position = 0

    init(text: String) {
        self.text = text
        self.characters = Array(text)
    }

    func fail(_ reason: String, at offset: Int? = nil) -> YAMLPathError {
        YAMLPathError(path: text, reason: reason, offset: offset ?? position)
    }

    var current: Character? { position < characters.count ? characters[position] : nil }

    /// Parses segments until the end, or until an unbracketed `stop` character (`=` inside a selector).
    mutating func parsePath(until stop: Character?) throws(YAMLPathError) -> [YAMLPath.Segment] {
        var segments: [YAMLPath.Segment] = []
        var expectKey = true
        if current == "[" { expectKey = false }
        while true {
            if expectKey {
                segments.append(.key(try parseKey(stop: stop)))
            }
            expectKey = false
            guard let character = current, character != stop else { break }
            switch character {
            case ".":
                position += 1
                expectKey = true
            case "[":
                segments.append(try parseBracket())
            default:
                throw fail("expected '.', '[' or the end after a segment, found '\(character)'")
            }
        }
        if segments.isEmpty { throw fail("the path is empty") }
        return segments
    }

    mutating func parseKey(stop: Character?) throws(YAMLPathError) -> String {
        guard let first = current else {
            throw fail(position == 0 ? "the path is empty" : "expected a key after '.'")
        }
        if first == "\"" || first == "'" { return try parseQuoted() }
        let start = position
        var key = ""
        while let character = current, character != ".", character != "[", character != stop {
            if character == "]" { throw fail("unmatched ']'") }
            if character == "\"" || character == "'" {
                throw fail("a quote inside a key: quote the whole key, as in \"my.key\"")
            }
            key.append(character)
            position += 1
        }
        if key.isEmpty { throw fail("empty key", at: start) }
        return key
    }

    mutating func parseQuoted() throws(YAMLPathError) -> String {
        let start = position
        guard let open = current else { throw fail("expected a quote") }
        position += 1
        var value = ""
        while let character = current {
            position += 1
            if open == "\"", character == "\\" {
                guard let next = current else { break }
                value.append(next)
                position += 1
                continue
            }
            if character == open {
                if open == "'", current == "'" {
                    value.append("'")
                    position += 1
                    continue
                }
                return value
            }
            value.append(character)
        }
        throw fail("the quote is not closed", at: start)
    }

    mutating func parseBracket() throws(YAMLPathError) -> YAMLPath.Segment {
        let open = position
        position += 1
        var digits = ""
        var probe = position
        while probe < characters.count, characters[probe].isASCII, characters[probe].isNumber {
            digits.append(characters[probe])
            probe += 1
        }
        if !digits.isEmpty, probe < characters.count, characters[probe] == "]" {
            guard let index = Int(digits) else { throw fail("index \(digits) is too large") }
            position = probe + 1
            return .index(index)
        }
        if current == "]" { throw fail("empty brackets: write [N] or [key=value]", at: open) }
        if current == "-" { throw fail("negative indexes are not supported", at: position) }
        let keyPath = try parsePath(until: "=")
        guard current == "=" else {
            throw fail("expected '=' in the selector, as in [name=value]; an index is a number", at: open)
        }
        position += 1
        let value: String
        if current == "\"" || current == "'" {
            value = try parseQuoted()
        } else {
            var text = ""
            while let character = current, character != "]" {
                text.append(character)
                position += 1
            }
            value = text
        }
        guard current == "]" else { throw fail("the '[' is not closed", at: open) }
        position += 1
        return .match(path: YAMLPath(keyPath), value: value)
    }
}

/// `{name}` placeholders in templates.
public enum Placeholders {
    /// The names of the `{name}` placeholders in `text`, in order (repeats included).
    public static func names(in text: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in text {
            if character == "{" {
                current = ""
            } else if character == "}" {
                if let name = current { names.append(name) }
                current = nil
            } else if current != nil {
                current?.append(character)
            }
        }
        return names
    }

    /// `text` with each `{name}` whose name is in `values` replaced.
    public static func substitute(_ text: String, _ values: [String: String]) -> String {
        guard text.contains("{") else { return text }
        var out = ""
        var pending: String?
        for character in text {
            if character == "{" {
                if let open = pending { out += "{" + open }
                pending = ""
            } else if character == "}", let name = pending {
                out += values[name] ?? "{\(name)}"
                pending = nil
            } else if pending != nil {
                pending?.append(character)
            } else {
                out.append(character)
            }
        }
        if let open = pending { out += "{" + open }
        return out
    }
}
