@testable import FleetBasics
import Testing

/// ``Glob/init(prefixing:to:)`` and the literal-segment path of ``Glob/init(_:)`` against the glob of the joined
/// pattern and the compiler as it was before (kept here as an oracle), on tables and seeded random patterns with
/// escapes, wildcards, classes, `.`/`..`, empty segments and non-ASCII text.
@Suite struct GlobFastPathTests {
    // MARK: - Glob(prefixing:to:)

    @Test(arguments: [
        ("services/api", "**"), ("services/api", "!tests/**"), ("a", "*.py"), ("a/b", "src/**/*.py"),
        ("a", "dist/"), ("a", "x/y/z.txt"), ("svc", "[ab]?/**"), ("é/ü", "**/*.md"), ("a", "\\*x"),
        ("dir\\*", "**"), ("a", "**/**/x"), ("a.b/c-d", "file"),
    ])
    func prefixedGlobIsTheGlobOfTheJoinedPattern(directory: String, relative: String) throws {
        let relative = relative.hasPrefix("!") ? String(relative.dropFirst()) : relative
        let directoryGlob = try Glob(directory)
        let relativeGlob = try Glob(relative)
        let prefixed = try #require(Glob(prefixing: directoryGlob, to: relativeGlob))
        #expect(prefixed == (try Glob(directory + "/" + relative)))
        #expect(prefixed == (try Glob(directory + "/" + relativeGlob.pattern)))
    }

    @Test func prefixingNeedsALiteralDirectory() throws {
        #expect(Glob(prefixing: try Glob("a/*"), to: try Glob("b")) == nil)
        #expect(Glob(prefixing: try Glob("a/**"), to: try Glob("b")) == nil)
        #expect(Glob(prefixing: try Glob("a/"), to: try Glob("b")) == nil)
    }

    @Test func randomPrefixedGlobsMatchTheJoinedPattern() {
        var random = SplitMix64(seed: 1)
        var checked = 0
        for _ in 0..<4000 {
            let directory = random.path(from: Self.directoryPieces, maxSegments: 3)
            let relative = random.path(from: Self.patternPieces, maxSegments: 4)
            guard let directoryGlob = try? Glob(directory), directoryGlob.isLiteral,
                let relativeGlob = try? Glob(relative)
            else { continue }
            let joined = try? Glob(directory + "/" + relative)
            #expect(Glob(prefixing: directoryGlob, to: relativeGlob) == joined, "\(directory) + \(relative)")
            checked += 1
        }
        #expect(checked > 1000)
    }

    // MARK: - Glob.init

    @Test func randomPatternsCompileAsBefore() {
        var random = SplitMix64(seed: 2)
        for _ in 0..<5000 {
            let pattern = random.path(from: Self.patternPieces, maxSegments: 4, prefixes: ["", "", "/", "./"])
            let reference = Result { () throws(GlobError) in try ReferenceGlob(pattern) }
            let glob = Result { () throws(GlobError) in try Glob(pattern) }
            switch (glob, reference) {
            case (.success(let glob), .success(let reference)):
                #expect(glob.pattern == reference.pattern, "\(pattern)")
                #expect(glob.segments == reference.segments, "\(pattern)")
                #expect(glob.literalPrefix == reference.literalPrefix, "\(pattern)")
                #expect(glob.isLiteral == reference.isLiteral, "\(pattern)")
                #expect(glob.matchesEverythingUnderPrefix == reference.matchesEverythingUnderPrefix, "\(pattern)")
            case (.failure(let error), .failure(let expected)):
                #expect(error == expected, "\(pattern)")
            default:
                Issue.record("'\(pattern)': \(glob) but before: \(reference)")
            }
        }
    }

    // MARK: - Inputs

    static let directoryPieces = ["a", "services", "api", "svc-01", "lib.x", "é", "x\r\n", "ü", "b_c", "a\\b",
                                  "d*", "[x]", "...", ".hidden"]
    static let patternPieces = ["**", "*", "*.py", "?", "[ab]", "[!a-c]", "\\*", "src", "tests", "é", "x\\/y",
                                "a]", "[", "\\", ".", "..", "", "dist", "*.md", "a\r\nb", "e\u{301}", "\u{301}"]
}

// MARK: - Oracles

/// `Glob.init` as it was before the literal-segment fast path.
struct ReferenceGlob {
    var pattern: String
    var segments: [Glob.Segment]
    var literalPrefix: String
    var isLiteral: Bool
    var matchesEverythingUnderPrefix: Bool

    init(_ pattern: String) throws(GlobError) {
        var text = pattern
        if text.isEmpty { throw GlobError(pattern: pattern, reason: "empty pattern") }
        if text.hasPrefix("/") {
            throw GlobError(pattern: pattern, reason: "absolute paths are not allowed; patterns are relative")
        }
        if text.hasSuffix("/") { text += "**" }
        var segments: [Glob.Segment] = []
        for raw in Self.splitSegments(Array(text.utf8)) {
            if raw.isEmpty {
                throw GlobError(pattern: pattern, reason: "empty path segment ('//' inside a pattern)")
            }
            if raw == Array("**".utf8) {
                if segments.last != .globstar { segments.append(.globstar) }
                continue
            }
            if raw == Array(".".utf8) || raw == Array("..".utf8) {
                throw GlobError(
                    pattern: pattern, reason: "'\(String(decoding: raw, as: UTF8.self))' segments are not allowed")
            }
            let tokens = try Glob.tokenize(raw, pattern: pattern)
            if tokens.allSatisfy({ if case .byte = $0 { true } else { false } }) {
                segments.append(.literal(tokens.map { if case .byte(let b) = $0 { b } else { 0 } }))
            } else {
                segments.append(.wildcard(tokens))
            }
        }
        self.pattern = text
        self.segments = segments
        var prefix: [String] = []
        for segment in segments {
            guard case .literal(let bytes) = segment else { break }
            prefix.append(String(decoding: bytes, as: UTF8.self))
        }
        isLiteral = prefix.count == segments.count
        literalPrefix = isLiteral ? prefix.joined(separator: "/")
            : prefix.isEmpty ? "" : prefix.joined(separator: "/") + "/"
        matchesEverythingUnderPrefix = segments.count == prefix.count + 1 && segments.last == .globstar
    }

    static func splitSegments(_ bytes: [UInt8]) -> [[UInt8]] {
        var segments: [[UInt8]] = [[]]
        var escaped = false
        for byte in bytes {
            if escaped {
                segments[segments.count - 1].append(byte)
                escaped = false
                continue
            }
            if byte == UInt8(ascii: "\\") { escaped = true }
            if byte == UInt8(ascii: "/") {
                segments.append([])
            } else {
                segments[segments.count - 1].append(byte)
            }
        }
        return segments
    }
}
