@testable import FleetBasics
import Testing

/// The fast paths of ``RelativePath`` against the straightforward algorithms they replace (kept here as oracles), on
/// tables and on seeded random inputs that mix in what the fast paths must leave to the general one: non-ASCII
/// text, `\r\n`, `.`/`..`, doubled and trailing `/`, `!` and `//`.
@Suite struct RelativePathFastPathTests {
    // MARK: - RelativePath

    @Test func randomPathsNormalizeAsBefore() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<5000 {
            let path = random.path(from: Self.directoryPieces + [".", "..", ""], maxSegments: 4,
                                   prefixes: ["", "", "", "/"], suffixes: ["", "", "/"])
            #expect(RelativePath.normalize(path) == ReferencePaths.normalize(path), "\(path)")
        }
    }

    @Test func randomPatternsResolveAsBefore() {
        var random = SplitMix64(seed: 4)
        for _ in 0..<5000 {
            let pattern = random.path(from: Self.patternPieces, maxSegments: 4,
                                      prefixes: ["", "", "!", "//", "!//", "/", "!/"])
            let directory = random.path(from: Self.directoryPieces + ["", ".."], maxSegments: 3)
            #expect(RelativePath.resolvePattern(pattern, in: directory)
                        == ReferencePaths.resolvePattern(pattern, in: directory), "\(pattern) in \(directory)")
        }
    }

    @Test func joinedIsConcatenation() {
        #expect(RelativePath.joined("a/b", "c*"[...]) == "a/b/c*")
        #expect(RelativePath.joined("é", "ü/"[...], prefix: "!") == "!é/ü/")
        #expect(RelativePath.join("a/", "b") == "a/b")
        #expect(RelativePath.join("a", "b") == "a/b")
        #expect(RelativePath.join("", "b") == "b")
    }

    // MARK: - Inputs

    static let directoryPieces = ["a", "services", "api", "svc-01", "lib.x", "é", "x\r\n", "ü", "b_c", "a\\b",
                                  "d*", "[x]", "...", ".hidden"]
    static let patternPieces = ["**", "*", "*.py", "?", "[ab]", "[!a-c]", "\\*", "src", "tests", "é", "x\\/y",
                                "a]", "[", "\\", ".", "..", "", "dist", "*.md", "a\r\nb", "e\u{301}", "\u{301}"]
}

// MARK: - Oracles

/// `RelativePath.normalize` and `resolvePattern` as they were before their fast paths.
enum ReferencePaths {
    static func normalize(_ path: String) -> String? {
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

    static func join(_ base: String, _ path: String) -> String {
        if base.isEmpty { return path }
        if path.isEmpty { return base }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    static func resolvePattern(_ pattern: String, in directory: String) -> String? {
        var text = Substring(pattern)
        let negated = text.hasPrefix("!")
        if negated { text = text.dropFirst() }
        // The directory is a path: its glob characters are escaped (and a leading `!`).
        var escaped = ""
        for character in directory {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        if escaped.hasPrefix("!") { escaped = "\\" + escaped }
        let rooted = text.hasPrefix("//") ? String(text.dropFirst(2)) : join(escaped, String(text))
        let trailingSlash = rooted.hasSuffix("/")
        guard let normalized = normalize(rooted) else { return nil }
        let resolved = normalized.isEmpty ? (trailingSlash ? "**" : "") : trailingSlash ? normalized + "/" : normalized
        return negated ? "!" + resolved : resolved
    }
}

/// A small seeded generator, so that a failure can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Up to `maxSegments` pieces joined by `/`, after one of `prefixes` and before one of `suffixes`.
    mutating func path(from pieces: [String], maxSegments: Int, prefixes: [String] = [""],
                       suffixes: [String] = ["", "", "", "/"]) -> String {
        let count = 1 + next(below: maxSegments)
        let body = (0..<count).map { _ in pieces[next(below: pieces.count)] }.joined(separator: "/")
        return prefixes[next(below: prefixes.count)] + body + suffixes[next(below: suffixes.count)]
    }
}
