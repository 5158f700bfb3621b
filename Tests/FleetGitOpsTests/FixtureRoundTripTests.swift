import FleetBasics
import FleetGitOps
import FleetManifest
import FleetYAML
import Foundation
import Testing

/// Shapes real GitOps repositories use (Tests/FleetGitOpsTests/Fixtures): NAME.yaml, the edits NAME.edits (one
/// PATH=VALUE per line; `--doc N` or `--doc-where C` lines choose the document), and the exact expected bytes
/// NAME.expected.yaml.
@Suite struct FixtureRoundTripTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static let names: [String] = {
        ((try? FileSystem.listDirectory(directory)) ?? []).filter { $0.hasSuffix(".edits") }
            .map { String($0.dropLast(".edits".count)) }.sorted()
    }()

    @Test func fixturesExist() { #expect(Self.names.count >= 7) }

    @Test(arguments: names)
    func byteExact(name: String) throws {
        let input = try FileSystem.readFile(FileSystem.join(Self.directory, name + ".yaml"))
        let expected = try FileSystem.readFile(FileSystem.join(Self.directory, name + ".expected.yaml"))
        var selector: DocumentSelector?
        var edits: [YAMLEdit] = []
        for line in try FileSystem.readText(FileSystem.join(Self.directory, name + ".edits")).split(separator: "\n") {
            if line.hasPrefix("--doc-where ") {
                selector = .matching(try DocumentCondition.parseList(String(line.dropFirst("--doc-where ".count))))
            } else if line.hasPrefix("--doc ") {
                selector = .index(try #require(Int(line.dropFirst("--doc ".count))))
            } else {
                let (path, value) = try #require(YAMLPath.splitAssignment(String(line)))
                edits.append(YAMLEdit(try YAMLPath(parsing: path), value))
            }
        }
        let result = try YAMLEditor.apply(edits, to: input, name: name, document: selector)
        #expect(result.bytes == expected, "\(String(decoding: result.bytes, as: UTF8.self))")
        #expect(result.changes.count == edits.count)
        // Applying the same edits again changes nothing.
        let again = try YAMLEditor.apply(edits, to: result.bytes, name: name, document: selector)
        #expect(again.changes.isEmpty)
        #expect(again.bytes == expected)
        // Read back through the resolved tree: exactly the intended values.
        for edit in edits {
            let file = try YAMLFile(bytes: result.bytes, name: name)
            #expect(try file.string(at: edit.path, document: selector) == edit.value)
        }
    }
}

/// For many random values, including the YAML 1.1/1.2 pitfalls: set, then parse again: the value reads back as
/// exactly that string, and no byte outside the value changed.
@Suite struct RandomValueTests {
    static let pitfalls = [
        "", " ", "1.20", "0755", "0o17", "0x1F", "1e3", "1_000", "1:30", ".inf", "-.Inf", ".nan", "null", "~", "Null",
        "yes", "No", "on", "OFF", "y", "n", "true", "False", "2024-01-01", "2024-1-1 10:00", "*alias", "&anchor",
        "!tag", "|", ">", "%x", "@x", "`x", "- x", "-", "? x", ": x", "a: b", "a #b", "a#b", "#c", "x:", "[a]",
        "{a: 1}", "a,b", "'q'", "\"dq\"", "tab\there", "line\nbreak", "cr\r", "trail ", " lead", "<<", "=", "é",
        "sha-4e1f0a2", "sha256:" + String(repeating: "a", count: 64), "ghcr.io/acme/api:1.2@sha256:ff", "\u{2028}",
        "\u{85}", "\u{FEFF}x", "\u{7}", "back\\slash", "emoji 🚀",
    ]

    @Test func setThenReadBack() throws {
        var generator = SplitMix(seed: 0x5EED)
        let alphabet = Array("abcXYZ019 .:-_#'\"\\{}[],&*!|>%@`\t\n?=~é🚀")
        var values = Self.pitfalls
        for _ in 0..<300 {
            let length = Int(generator.next() % 12)
            values.append(String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        }
        let styles = ["plain: old", "single: 'old'", "double: \"old\"", "empty:", "flow: {v: old}"]
        for value in values {
            for (index, line) in styles.enumerated() {
                let key = String(line.prefix { $0 != ":" })
                let path = key == "flow" ? "flow.v" : key
                let text = "# before\n" + line + "  # after\nnext: 1\n"
                let result = try YAMLEditor.apply([YAMLEdit(try YAMLPath(parsing: path), value)],
                                                  to: Array(text.utf8), name: "t\(index)")
                let file = try YAMLFile(bytes: result.bytes, name: "t")
                #expect(try file.string(at: try YAMLPath(parsing: path)) == value,
                        "\(line) ← \(value.debugDescription): \(String(decoding: result.bytes, as: UTF8.self))")
                let node = try #require(try YAMLParser.parse(result.bytes).first?.resolved())
                let edited = key == "flow" ? node["flow"]?["v"] : node[key]
                #expect(edited.map { $0.scalarStyle != .plain || !YAMLScalar.needsQuotes(value) } == true)
                // Every byte outside the value is the old one.
                let old = Array(text.utf8)
                let prefix = zip(old, result.bytes).prefix { $0 == $1 }.count
                let suffix = zip(old.reversed(), result.bytes.reversed()).prefix { $0 == $1 }.count
                let oldMiddle = String(decoding: old[prefix..<max(prefix, old.count - suffix)], as: UTF8.self)
                #expect(oldMiddle.allSatisfy { !"\n#".contains($0) }, "changed outside the value: \(oldMiddle)")
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failure reproduces.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
