/// Helpers for `/`-separated relative paths, the form in which fleet stores every workspace path.
///
/// fleet never stores absolute paths in keys, reports or the cache: everything is relative to the workspace root
/// and normalised (no `.`, no `..`, no empty or trailing segments).
public enum RelativePath {
    /// Normalises `path` (`a/./b/../c/` → `a/c`). Returns nil when it is absolute or climbs above its start.
    /// The empty path and `.` normalise to `""`, meaning "the directory itself".
    public static func normalize(_ path: String) -> String? {
        // Most paths are already normal: checking that byte by byte is much cheaper than splitting into
        // Substrings and joining them again.
        if isNormalASCII(path[...]) { return path }
        if path.hasPrefix("/") { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// `base/path`, where an empty component is skipped. Does not normalise.
    public static func join(_ base: String, _ path: String) -> String {
        if base.isEmpty { return path }
        if path.isEmpty { return base }
        return base.hasSuffix("/") ? base + path : joined(base, path[...])
    }

    /// `prefix` + `base` + `/` + `path`, built in one allocation (`+` grows the string once per piece, which
    /// shows when a manifest resolves thousands of patterns). Does not normalise; `base` must not be empty.
    package static func joined(_ base: String, _ path: Substring, prefix: StaticString = "") -> String {
        var base = base
        var path = path
        return base.withUTF8 { base in
            path.withUTF8 { path in
                prefix.withUTF8Buffer { prefix in
                    String(unsafeUninitializedCapacity: prefix.count + base.count + 1 + path.count) { buffer in
                        var end = buffer.initialize(fromContentsOf: prefix)
                        end = buffer[end...].initialize(fromContentsOf: base)
                        buffer[end] = UInt8(ascii: "/")
                        return buffer[(end + 1)...].initialize(fromContentsOf: path)
                    }
                }
            }
        }
    }

    /// Whether `path` is `directory` or inside it (both normalised; `""` contains everything).
    public static func isWithin(_ path: String, directory: String) -> Bool {
        if directory.isEmpty { return true }
        if path == directory { return true }
        return path.hasPrefix(directory) && path.utf8.dropFirst(directory.utf8.count).first == UInt8(ascii: "/")
    }

    /// `path` relative to `directory`, or nil when it is not inside it.
    public static func relative(_ path: String, to directory: String) -> String? {
        if directory.isEmpty { return path }
        if path == directory { return "" }
        guard isWithin(path, directory: directory) else { return nil }
        return String(path.dropFirst(directory.count + 1))
    }

    /// Resolves a pattern written in a target's directory to the workspace root: `//x` is root-relative, `!` is
    /// kept in front, anything else is prefixed with `directory`.
    ///
    /// Returns nil when the pattern climbs out of the root. `..` is allowed only in the literal leading part.
    public static func resolvePattern(_ pattern: String, in directory: String) -> String? {
        if let resolved = resolvePlainPattern(pattern, in: directory) { return resolved }
        var text = Substring(pattern)
        let negated = text.hasPrefix("!")
        if negated { text = text.dropFirst() }
        let rooted: String
        if text.hasPrefix("//") {
            rooted = String(text.dropFirst(2))
        } else {
            // The directory is a path, not a pattern: `services/[legacy]` must match itself, not `services/l`.
            rooted = join(escapingGlobCharacters(directory), String(text))
        }
        guard let resolved = normalizePattern(rooted) else { return nil }
        return negated ? "!" + resolved : resolved
    }

    /// ``resolvePattern(_:in:)`` for the common case, with one allocation: an ASCII pattern that is not
    /// root-relative and already normal (a trailing `/` aside, which is kept), in a normal ASCII directory, is
    /// just joined to it. Nil for anything else.
    private static func resolvePlainPattern(_ pattern: String, in directory: String) -> String? {
        let negated = pattern.utf8.first == UInt8(ascii: "!")
        guard let body = plainPatternBody(negated ? pattern.utf8.dropFirst() : pattern.utf8[...]),
            isNormalASCII(directory[...]), isPlainDirectory(directory)
        else { return nil }
        if directory.isEmpty { return pattern }
        return joined(directory, body, prefix: negated ? "!" : "")
    }

    /// `body` when it is ASCII, does not start with `/` and is normal apart from one trailing `/`: resolving it
    /// in a normal directory is only a join. Nil otherwise.
    package static func plainPatternBody(_ body: Substring.UTF8View) -> Substring? {
        guard let first = body.first, first != UInt8(ascii: "/"), let last = body.last else { return nil }
        let path = last == UInt8(ascii: "/") ? body.dropLast() : body
        guard isNormalASCII(Substring(path)) else { return nil }
        return Substring(body)
    }

    /// Whether `path` is ASCII and already normal: empty, or segments that are neither empty nor `.` nor `..` (no
    /// leading, doubled or trailing `/`). For ASCII text this byte-level test agrees with the Character-level
    /// `split` of ``normalize(_:)``: no ASCII character combines with `/` or `.` into one Character.
    package static func isNormalASCII(_ path: Substring) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            var segmentLength = 0
            var dots = 0
            for byte in bytes {
                if byte == UInt8(ascii: "/") {
                    if segmentLength == 0 || (segmentLength == dots && dots <= 2) { return false }
                    segmentLength = 0
                    dots = 0
                } else if byte >= 0x80 {
                    return false
                } else {
                    if byte == UInt8(ascii: ".") { dots += 1 }
                    segmentLength += 1
                }
            }
            if segmentLength == 0 { return bytes.isEmpty }
            return !(segmentLength == dots && dots <= 2)
        }
    }

    /// Whether `directory` reads as itself when used as the start of a glob: no `*`, `?`, `[`, `]` or `\`, and
    /// no leading `!`. Only such a directory can be joined to a pattern without ``escapingGlobCharacters(_:)``.
    package static func isPlainDirectory(_ directory: String) -> Bool {
        if directory.utf8.first == UInt8(ascii: "!") { return false }
        return !directory.utf8.contains { byte in
            byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[")
                || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "\\")
        }
    }

    /// `path` as a glob that matches exactly itself: `*`, `?`, `[`, `]` and `\` escaped with `\`, and a leading
    /// `!` too (it would otherwise read as an exclusion).
    public static func escapingGlobCharacters(_ path: String) -> String {
        var out = ""
        for character in path {
            if character == "*" || character == "?" || character == "[" || character == "]" || character == "\\" {
                out.append("\\")
            }
            out.append(character)
        }
        return out.hasPrefix("!") ? "\\" + out : out
    }

    /// Like ``normalize(_:)`` but keeps a trailing `/` (it means "everything under", see ``Glob``).
    static func normalizePattern(_ pattern: String) -> String? {
        if plainPatternBody(pattern.utf8[...]) != nil { return pattern }
        let trailingSlash = pattern.hasSuffix("/")
        guard let normalized = normalize(pattern) else { return nil }
        if normalized.isEmpty { return trailingSlash ? "**" : "" }
        return trailingSlash ? normalized + "/" : normalized
    }
}
