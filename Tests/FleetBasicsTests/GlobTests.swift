import FleetBasics
import Testing

@Suite struct GlobTests {
    @Test(arguments: [
        ("*.py", "main.py", true),
        ("*.py", "src/main.py", false),
        ("**/*.py", "main.py", true),
        ("**/*.py", "a/b/c/main.py", true),
        ("src/**/*.py", "src/main.py", true),
        ("src/**/*.py", "src/a/main.py", true),
        ("src/**/*.py", "srcx/main.py", false),
        ("src/**", "src/a/b", true),
        ("src/**", "src", false),
        ("**", ".env", true),
        ("*", ".hidden", true),
        ("a/**/b", "a/b", true),
        ("a/**/b", "a/x/y/b", true),
        ("a/**/b", "a/x/y/bc", false),
        ("file?.txt", "file1.txt", true),
        ("file?.txt", "file12.txt", false),
        ("file?.txt", "file/.txt", false),
        ("[abc].txt", "b.txt", true),
        ("[abc].txt", "d.txt", false),
        ("[!abc].txt", "d.txt", true),
        ("[a-c]x", "bx", true),
        ("[a-c]x", "dx", false),
        ("\\*.txt", "*.txt", true),
        ("\\*.txt", "a.txt", false),
        ("dist/", "dist/app.js", true),
        ("services/api/main.py", "services/api/main.py", true),
        ("services/api/main.py", "services/api/main.pyc", false),
        ("*_test.py", "a_test.py", true),
        ("**/*_test.py", "x/y/a_test.py", true),
        ("é?.txt", "éà.txt", true),
        ("*a*b*c", "xxaxxbxxc", true),
        ("*a*b*c", "xxaxxcxxb", false),
        ("**/**/x", "x", true),
    ])
    func matching(pattern: String, path: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(path) == expected, "\(pattern) vs \(path)")
    }

    @Test(arguments: ["", "/abs", "a//b", "a/../b", "./a", "a**", "[abc", "a]", "x\\", "[z-a]"])
    func rejectsBadPatterns(pattern: String) {
        #expect(throws: GlobError.self) { try Glob(pattern) }
    }

    @Test func literalPrefix() throws {
        #expect(try Glob("services/api/**/*.py").literalPrefix == "services/api/")
        #expect(try Glob("services/api/main.py").literalPrefix == "services/api/main.py")
        #expect(try Glob("services/api/main.py").isLiteral)
        #expect(try Glob("**/*.md").literalPrefix == "")
    }

    @Test func exclusionsApplyInOrder() throws {
        let list = try GlobList(patterns: ["**", "!tests/**", "!**/*.md", "tests/keep.md"])
        #expect(list.matches("main.py"))
        #expect(!list.matches("tests/a.py"))
        #expect(!list.matches("README.md"))
        #expect(list.matches("tests/keep.md"))
    }

    @Test func inclusionPrefixesAreMinimal() throws {
        let list = try GlobList(patterns: ["svc/a/**", "svc/a/b/*.py", "lib/x.py", "!svc/a/tmp/**"])
        #expect(list.inclusionPrefixes == ["lib/x.py", "svc/a/"])
        #expect(try GlobList(patterns: ["**/*.md", "a/**"]).inclusionPrefixes == [""])
    }
}

@Suite struct RelativePathTests {
    @Test func normalizes() {
        #expect(RelativePath.normalize("a/./b/../c/") == "a/c")
        #expect(RelativePath.normalize(".") == "")
        #expect(RelativePath.normalize("../x") == nil)
        #expect(RelativePath.normalize("/x") == nil)
    }

    @Test func resolvesPatterns() throws {
        #expect(RelativePath.resolvePattern("**/*.py", in: "services/api") == "services/api/**/*.py")
        #expect(RelativePath.resolvePattern("!tests/**", in: "services/api") == "!services/api/tests/**")
        #expect(RelativePath.resolvePattern("//config/*.json", in: "services/api") == "config/*.json")
        #expect(RelativePath.resolvePattern("../common/**", in: "libs/a") == "libs/common/**")
        #expect(RelativePath.resolvePattern("../../../x", in: "libs/a") == nil)
        #expect(RelativePath.resolvePattern("dist/", in: "svc") == "svc/dist/")
        // A directory is a path, not a pattern.
        #expect(RelativePath.resolvePattern("**", in: "svc/[x]") == #"svc/\[x\]/**"#)
        #expect(RelativePath.resolvePattern("!*.c", in: "a*b/q?") == #"!a\*b/q\?/*.c"#)
        #expect(RelativePath.resolvePattern("../c/**", in: "l/[a]") == "l/c/**")
        let odd = try GlobList(patterns: [RelativePath.resolvePattern("**", in: "svc/[x]") ?? ""])
        #expect(odd.matches("svc/[x]/m.c") && !odd.matches("svc/x/m.c"))
    }

    @Test func containment() {
        #expect(RelativePath.isWithin("services/api/x", directory: "services/api"))
        #expect(!RelativePath.isWithin("services/api-v2/x", directory: "services/api"))
        #expect(RelativePath.relative("services/api/x/y", to: "services/api") == "x/y")
    }
}

@Suite struct QuantityTests {
    @Test(arguments: [("90", 90.0), ("90s", 90), ("10m", 600), ("1h30m", 5400), ("500ms", 0.5), ("1.5h", 5400)])
    func parsesDurations(text: String, seconds: Double) {
        #expect(Quantity.seconds(from: text) == seconds)
    }

    @Test(arguments: ["", "0", "-5", "10x", "m", "5m3", "abc"])
    func rejectsBadDurations(text: String) {
        #expect(Quantity.seconds(from: text) == nil)
    }

    @Test func parsesSizes() {
        #expect(Quantity.bytes(from: "10GB") == 10 * 1024 * 1024 * 1024)
        #expect(Quantity.bytes(from: "512") == 512)
        #expect(Quantity.bytes(from: "1.5K") == 1536)
        #expect(Quantity.bytes(from: "12 parsecs") == nil)
    }
}

@Suite struct SuggestionTests {
    @Test func suggestsNearNames() {
        #expect(Suggestions.closest(to: "sercices", in: ["services", "libs", "version"]) == "services")
        #expect(Suggestions.closest(to: "dpes", in: ["deps", "env"]) == "deps")
        #expect(Suggestions.closest(to: "zzzzzz", in: ["deps", "env"]) == nil)
    }
}

@Suite struct DiagnosticTests {
    @Test func rendersCompilerStyle() {
        let d = Diagnostic.error("unknown field 'dpes'", at: SourceLocation(file: "fleet.yaml", line: 12, column: 5),
                                 hint: "did you mean 'deps'?")
        #expect(d.description == "fleet.yaml:12:5: error: unknown field 'dpes'\n  hint: did you mean 'deps'?")
    }
}
