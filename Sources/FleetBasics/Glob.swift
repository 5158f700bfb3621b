/// A compiled path glob, matched against `/`-separated relative paths.
///
/// Syntax: `*` matches any run of characters within one path segment, `**` (a whole segment) matches zero or more
/// segments, `?` one character other than `/`, `[abc]`, `[a-z]` and `[!abc]` (or `[^abc]`) one character from (or
/// not from) a set, and `\` escapes the next character. A trailing `/` means "everything under this directory"
/// (`dist/` is `dist/**`). Dotfiles are not special: `*` matches `.env`.
///
/// Patterns are relative: an absolute pattern, an empty segment, or a `.`/`..` segment is rejected, because the
/// caller resolves every pattern against a known directory first (see ``RelativePath``).
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    /// The normalised pattern text.
    public let pattern: String
    /// The leading segments that contain no wildcard, joined and followed by `/` (`"services/api/"` for
    /// `services/api/**/*.py`), or the whole pattern when it has no wildcard at all. Every path the glob matches
    /// starts with this prefix, which lets callers skip whole subtrees.
    public let literalPrefix: String
    /// True when the pattern has no wildcard: it matches exactly one path.
    public let isLiteral: Bool

    enum Token: Hashable, Sendable {
        case byte(UInt8)
        case any
        case star
        case set(ClassSet)
    }

    struct ClassSet: Hashable, Sendable {
        var negated: Bool
        var ranges: [ClosedRange<UInt32>]
        func contains(_ scalar: UInt32) -> Bool {
            ranges.contains { $0.contains(scalar) } != negated
        }
    }

    enum Segment: Hashable, Sendable {
        case literal([UInt8])
        case wildcard([Token])
        case globstar
    }

    let segments: [Segment]
    /// `dir/**` patterns: everything under the literal prefix matches, which needs no per-segment work.
    let matchesEverythingUnderPrefix: Bool

    /// Compiles a pattern.
    /// - Throws: ``GlobError`` with a message that says what is wrong with the pattern.
    public init(_ pattern: String) throws(GlobError) {
        var text = pattern
        if text.isEmpty { throw GlobError(pattern: pattern, reason: "empty pattern") }
        if text.hasPrefix("/") {
            throw GlobError(pattern: pattern, reason: "absolute paths are not allowed; patterns are relative")
        }
        if text.hasSuffix("/") { text += "**" }
        let bytes = Array(text.utf8)
        let ranges = Glob.segmentRanges(bytes)
        var segments: [Segment] = []
        segments.reserveCapacity(ranges.count)
        var literalCount = 0
        for range in ranges {
            let raw = bytes[range]
            if raw.isEmpty {
                throw GlobError(pattern: pattern, reason: "empty path segment ('//' inside a pattern)")
            }
            if raw.elementsEqual("**".utf8) {
                if segments.last != .globstar { segments.append(.globstar) }
                continue
            }
            if raw.elementsEqual(".".utf8) || raw.elementsEqual("..".utf8) {
                throw GlobError(
                    pattern: pattern, reason: "'\(String(decoding: raw, as: UTF8.self))' segments are not allowed")
            }
            let segment: Segment
            if !raw.contains(where: Glob.isSyntax) {
                // Nothing to tokenize: every byte stands for itself.
                segment = .literal(Array(raw))
            } else {
                let tokens = try Glob.tokenize(Array(raw), pattern: pattern)
                if tokens.allSatisfy({ if case .byte = $0 { true } else { false } }) {
                    segment = .literal(tokens.map { if case .byte(let b) = $0 { b } else { 0 } })
                } else {
                    segment = .wildcard(tokens)
                }
            }
            if case .literal = segment, literalCount == segments.count { literalCount += 1 }
            segments.append(segment)
        }
        self.pattern = text
        self.segments = segments
        self.isLiteral = literalCount == segments.count
        if !bytes.contains(UInt8(ascii: "\\")) {
            // Without escapes, literal segments are the text's own bytes: the prefix is a prefix of the text.
            literalPrefix = isLiteral ? text : literalCount == 0 ? ""
                : String(decoding: bytes[..<(ranges[literalCount - 1].upperBound + 1)], as: UTF8.self)
        } else {
            var prefix: [UInt8] = []
            for case .literal(let bytes) in segments[..<literalCount] {
                if !prefix.isEmpty { prefix.append(UInt8(ascii: "/")) }
                prefix += bytes
            }
            if !isLiteral, literalCount > 0 { prefix.append(UInt8(ascii: "/")) }
            literalPrefix = String(decoding: prefix, as: UTF8.self)
        }
        matchesEverythingUnderPrefix = segments.count == literalCount + 1 && segments.last == .globstar
    }

    /// The glob `directory/relative`, built without compiling either again: equal to
    /// `Glob(directory.pattern + "/" + relative.pattern)`. A manifest uses the same few patterns (`**`,
    /// `!tests/**`) in every target's directory; compiling each once and prefixing it with the target's directory
    /// is much cheaper than compiling every resolved pattern.
    ///
    /// Returns nil when `directory` is not ``isLiteral``: only literal segments can simply be put in front.
    public init?(prefixing directory: Glob, to relative: Glob) {
        guard directory.isLiteral else { return nil }
        // All of `directory` is literal, so its literal prefix is all of it and `relative`'s continues it.
        self.init(literalDirectory: directory, relative: relative,
                  pattern: RelativePath.joined(directory.pattern, relative.pattern[...]),
                  literalPrefix: RelativePath.joined(directory.literalPrefix, relative.literalPrefix[...]))
    }

    /// ``init(prefixing:to:)`` for a caller that already has the two texts, so that it can share them (a manifest
    /// builder uses the same `dir/` prefix for `**` and `**/*.md`).
    /// - Precondition: `directory.isLiteral`; `pattern` is `directory.pattern + "/" + relative.pattern` and
    ///   `literalPrefix` is `directory.literalPrefix + "/" + relative.literalPrefix` (checked in debug builds).
    package init(literalDirectory directory: Glob, relative: Glob, pattern: String, literalPrefix: String) {
        assert(directory.isLiteral)
        assert(pattern == directory.pattern + "/" + relative.pattern)
        assert(literalPrefix == directory.literalPrefix + "/" + relative.literalPrefix)
        self.pattern = pattern
        var segments: [Segment] = []
        segments.reserveCapacity(directory.segments.count + relative.segments.count)
        segments += directory.segments
        segments += relative.segments
        self.segments = segments
        isLiteral = relative.isLiteral
        self.literalPrefix = literalPrefix
        matchesEverythingUnderPrefix = relative.matchesEverythingUnderPrefix
    }

    public var description: String { pattern }

    /// Whether `path` (relative, `/`-separated, no leading `/`) matches.
    public func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the UTF-8 path matches. Allocation-free.
    public func matches(utf8 path: UnsafeBufferPointer<UInt8>) -> Bool {
        if isLiteral {
            return path.elementsEqual(literalPrefix.utf8)
        }
        if matchesEverythingUnderPrefix {
            return Glob.hasPrefix(path, literalPrefix.utf8) && path.count > literalPrefix.utf8.count
        }
        return matchSegments(0, path, 0)
    }

    // MARK: - Matching

    private func matchSegments(_ segmentIndex: Int, _ path: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var segmentIndex = segmentIndex
        var start = start
        while segmentIndex < segments.count {
            let segment = segments[segmentIndex]
            if case .globstar = segment {
                if segmentIndex == segments.count - 1 {
                    // A trailing `**` needs at least one more segment: `a/**` matches `a/b`, not `a`.
                    return start < path.count
                }
                // Try the rest of the pattern at every segment boundary from here on (zero or more segments).
                var position = start
                while true {
                    if matchSegments(segmentIndex + 1, path, position) { return true }
                    guard let slash = Glob.nextSlash(path, from: position) else { return false }
                    position = slash + 1
                }
            }
            guard start <= path.count else { return false }
            let end = Glob.nextSlash(path, from: start) ?? path.count
            if start == end && start == path.count { return false }
            let piece = UnsafeBufferPointer(rebasing: path[start..<end])
            switch segment {
            case .literal(let bytes):
                if !piece.elementsEqual(bytes) { return false }
            case .wildcard(let tokens):
                if !Glob.matchSegment(tokens, piece) { return false }
            case .globstar:
                break
            }
            segmentIndex += 1
            start = end + 1
            if segmentIndex == segments.count { return end == path.count }
        }
        return false
    }

    /// Classic wildcard matching with single-star backtracking: linear in practice, no recursion.
    static func matchSegment(_ tokens: [Token], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var t = 0, s = 0
        var starToken = -1, starText = 0
        while s < text.count {
            if t < tokens.count {
                switch tokens[t] {
                case .byte(let b) where b == text[s]:
                    t += 1; s += 1; continue
                case .any:
                    t += 1; s += scalarLength(text, s); continue
                case .set(let set):
                    let (scalar, length) = decodeScalar(text, s)
                    if set.contains(scalar) { t += 1; s += length; continue }
                case .star:
                    starToken = t; starText = s; t += 1; continue
                default:
                    break
                }
            }
            guard starToken >= 0 else { return false }
            t = starToken + 1
            starText += scalarLength(text, starText)
            s = starText
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }

    // MARK: - Parsing

    /// The ranges of the `/`-separated segments of `bytes`; an escaped `/` (`\/`) does not separate.
    static func segmentRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(8)
        var start = 0
        var escaped = false
        for (i, byte) in bytes.enumerated() {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "/") {
                ranges.append(start..<i)
                start = i + 1
            }
        }
        ranges.append(start..<bytes.count)
        return ranges
    }

    /// Bytes with a meaning in a segment: a segment without them is literal.
    static func isSyntax(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"): true
        default: false
        }
    }

    static func tokenize(_ raw: [UInt8], pattern: String) throws(GlobError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            switch byte {
            case UInt8(ascii: "\\"):
                guard i + 1 < raw.count else {
                    throw GlobError(pattern: pattern, reason: "a trailing '\\' escapes nothing")
                }
                tokens.append(.byte(raw[i + 1]))
                i += 2
            case UInt8(ascii: "*"):
                if i + 1 < raw.count, raw[i + 1] == UInt8(ascii: "*") {
                    throw GlobError(
                        pattern: pattern,
                        reason: "'**' must be a whole path segment, as in 'src/**/*.py'; use '*' inside a segment")
                }
                tokens.append(.star)
                i += 1
            case UInt8(ascii: "?"):
                tokens.append(.any)
                i += 1
            case UInt8(ascii: "["):
                let (set, next) = try parseClass(raw, from: i, pattern: pattern)
                tokens.append(.set(set))
                i = next
            case UInt8(ascii: "]"):
                throw GlobError(pattern: pattern, reason: "unmatched ']'; escape it as '\\]' to match it literally")
            default:
                tokens.append(.byte(byte))
                i += 1
            }
        }
        return tokens
    }

    static func parseClass(_ raw: [UInt8], from start: Int, pattern: String) throws(GlobError) -> (ClassSet, Int) {
        var i = start + 1
        var negated = false
        if i < raw.count, raw[i] == UInt8(ascii: "!") || raw[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        var scalars: [UInt32] = []
        var ranges: [ClosedRange<UInt32>] = []
        var closed = false
        var first = true
        while i < raw.count {
            if raw[i] == UInt8(ascii: "]") && !first {
                closed = true
                i += 1
                break
            }
            first = false
            var (scalar, length) = decodeScalar(raw, i)
            if raw[i] == UInt8(ascii: "\\"), i + 1 < raw.count {
                (scalar, length) = decodeScalar(raw, i + 1)
                length += 1
            }
            i += length
            if i + 1 < raw.count, raw[i] == UInt8(ascii: "-"), raw[i + 1] != UInt8(ascii: "]") {
                let (upper, upperLength) = decodeScalar(raw, i + 1)
                guard upper >= scalar else {
                    throw GlobError(pattern: pattern, reason: "invalid range in character class (upper < lower)")
                }
                ranges.append(scalar...upper)
                i += 1 + upperLength
            } else {
                scalars.append(scalar)
            }
        }
        guard closed else {
            throw GlobError(pattern: pattern, reason: "unclosed '[' character class; escape it as '\\[' to match it")
        }
        ranges.append(contentsOf: scalars.map { $0...$0 })
        return (ClassSet(negated: negated, ranges: ranges), i)
    }

    // MARK: - UTF-8 helpers

    static func nextSlash(_ path: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        while i < path.count {
            if path[i] == UInt8(ascii: "/") { return i }
            i += 1
        }
        return nil
    }

    static func hasPrefix(_ path: UnsafeBufferPointer<UInt8>, _ prefix: String.UTF8View) -> Bool {
        guard path.count >= prefix.count else { return false }
        var i = 0
        for byte in prefix {
            if path[i] != byte { return false }
            i += 1
        }
        return true
    }

    static func scalarLength(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let lead = text[i]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return min(length, text.count - i)
    }

    static func decodeScalar<C: RandomAccessCollection<UInt8>>(_ text: C, _ i: Int) -> (UInt32, Int)
    where C.Index == Int {
        let lead = UInt32(text[text.startIndex + i])
        if lead < 0x80 { return (lead, 1) }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard i + length <= text.count else { return (lead, 1) }
        var value = lead & (0xFF >> (length + 1))
        for k in 1..<length { value = (value << 6) | (UInt32(text[text.startIndex + i + k]) & 0x3F) }
        return (value, length)
    }
}

/// A pattern that cannot be compiled.
public struct GlobError: Error, Hashable, Sendable, CustomStringConvertible {
    public var pattern: String
    public var reason: String
    public init(pattern: String, reason: String) {
        self.pattern = pattern
        self.reason = reason
    }
    public var description: String { "invalid glob '\(pattern)': \(reason)" }
}
