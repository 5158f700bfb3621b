/// Helpers for `/`-separated relative paths, the form in which fleet stores every workspace path.
///
/// fleet never stores absolute paths in keys, reports or the cache: everything is relative to the workspace root
/// and normalised (no `.`, no `..`, no empty or trailing segments).
public enum RelativePath {
    /// Normalises `path` (`a/./b/../c/` → `a/c`). Returns nil when it is absolute or climbs above its start.
    /// The empty path and `.` normalise to `""`, meaning "the directory itself".
    public static func normalize(_ path: String) -> String? {
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
        return base.hasSuffix("/") ? base + path : base + "/" + path
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
        let trailingSlash = pattern.hasSuffix("/")
        guard let normalized = normalize(pattern) else { return nil }
        if normalized.isEmpty { return trailingSlash ? "**" : "" }
        return trailingSlash ? normalized + "/" : normalized
    }
}
