import FleetBasics
@testable import FleetManifest
import Testing

/// The plain-pattern shortcut of ``ManifestBuilder`` (compile once, prefix per directory) against the general path
/// (check, resolve with ``RelativePath``, compile): the same resolved pattern, the same glob, the same problems.
@Suite struct PlainPatternTests {
    static let location = SourceLocation(file: "fleet.yaml", line: 3, column: 5)

    func builder() -> ManifestBuilder {
        let workspace = Workspace(manifestPath: "/nonexistent/fleet.yaml", currentDirectory: "/nonexistent",
                                  repositoryRoot: "/nonexistent")
        return ManifestBuilder(raw: RawManifest(location: Self.location), workspace: workspace,
                               checkPathsOnDisk: false)
    }

    func expectSameOutcome(_ text: String, in directory: String, reportEscapes: Bool = true) {
        let entry = Located(text, at: Self.location)
        var shortcut = builder()
        // Twice: the second time the entry's analysis comes from the cache.
        _ = shortcut.expand([entry], in: directory, context: .outputs, reportEscapes: reportEscapes)
        shortcut.problems = []
        let list = shortcut.expand([entry], in: directory, context: .outputs, reportEscapes: reportEscapes)
        var general = builder()
        let compiled = general.compileAnyPattern(entry, in: directory, reportEscapes: reportEscapes)
        #expect(list.patterns == (compiled.map { [$0.0] } ?? []), "\(text) in \(directory)")
        #expect(list.globs.entries == (compiled.map { [$0.1] } ?? []), "\(text) in \(directory)")
        #expect(shortcut.problems == general.problems, "\(text) in \(directory)")
    }

    @Test(arguments: ["**", "!tests/**", "dist/", "!**/*.md", "src/main.py", "//x/**", "../common/**", "./a",
                      "a//b", "", "!", "/abs", "a/..", "*/..", "[z-a]", "a**", "é/**", "a\r\nb"])
    func tableAgreesWithTheGeneralPath(text: String) {
        for directory in ["", "services/api", "a", "é", "d*", "a/", "x\\y", "[x]"] {
            expectSameOutcome(text, in: directory)
        }
    }

    @Test func randomPatternsAgreeWithTheGeneralPath() {
        var random = SplitMix64(seed: 11)
        let pieces = ["**", "*", "*.py", "?", "[ab]", "\\*", "src", "tests", "é", ".", "..", "", "dist", "]", "a\r\nb"]
        let directories = ["", "a", "services", "svc-1", "é", "[x]", "d*", "..", ".", "b\\c"]
        for _ in 0..<3000 {
            let text = random.path(from: pieces, maxSegments: 4, prefixes: ["", "", "!", "//", "/"])
            let directory = random.path(from: directories, maxSegments: 3, suffixes: ["", "", "", "/"])
            expectSameOutcome(text, in: directory, reportEscapes: random.next(below: 2) == 0)
        }
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
