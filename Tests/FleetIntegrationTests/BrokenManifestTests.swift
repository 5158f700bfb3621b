import FleetTestSupport
import Foundation
import Testing

/// Hostile and accidental manifests: the binary must exit 1 with a located error, never crash or hang.
@Suite(.tags(.integration)) struct BrokenManifestTests {
    static func garbage(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static let corpus: [(String, [UInt8], String)] = {
        var cases: [(String, [UInt8], String)] = [
            ("empty file", [], "fleet.yaml:1:1: error: the manifest is empty"),
            ("only comments", Array("# nothing\n".utf8), "fleet.yaml:1:1: error: the manifest is empty"),
            ("tabs", Array("version: 1\nlibs:\n\tcommon: {path: x}\n".utf8), "fleet.yaml:3:1: error: "),
            ("NUL byte", Array("version: 1\n".utf8) + [0] + Array("\n".utf8),
             "fleet.yaml:2:1: error: control character U+0000 (NUL) is not allowed"),
            ("invalid UTF-8", Array("version: 1\nname: ".utf8) + [0xC3, 0x28] + Array("\n".utf8),
             "fleet.yaml:2:8: error: invalid UTF-8: invalid trailing UTF-8 octet (byte 0x28)"),
            ("UTF-16", [0xFF, 0xFE, 0x76, 0x00], "fleet.yaml:1:1: error: the file is UTF-16 encoded"),
            ("garbage bytes", garbage(count: 4096, seed: 42), "fleet.yaml:"),
            ("deep nesting", Array(("version: 1\nx: " + String(repeating: "[", count: 50_000)).utf8),
             "fleet.yaml:2:515: error: collections nest deeper than 512 levels"),
            ("a list", Array("- a\n- b\n".utf8),
             "fleet.yaml:1:1: error: the top level of the manifest must be a mapping"),
            ("two documents", Array("version: 1\n---\nversion: 1\n".utf8),
             "fleet.yaml:2:1: error: the manifest must be"),
        ]
        var bomb = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            bomb += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        cases.append(("alias bomb", Array(bomb.utf8), "error: expanding aliases would create more than 1000000 nodes"))
        // 10 MB of comments, then an error on the last line: located exactly, quickly.
        let comment = Array("# \(String(repeating: "x", count: 97))\n".utf8)
        var big = Array("version: 1\n".utf8)
        big.reserveCapacity(10_500_000)
        for _ in 0..<100_000 { big += comment }
        big += Array("libs: [\n".utf8)
        cases.append(("10 MB file", big, "fleet.yaml:100003:1: error: "))
        cases.append(("10 MB of garbage", garbage(count: 10_000_000, seed: 7), "fleet.yaml:"))
        return cases
    }()

    @Test(arguments: corpus.indices)
    func brokenManifestExitsOneWithALocatedError(index: Int) throws {
        let (name, bytes, expected) = Self.corpus[index]
        let directory = try TemporaryDirectory(prefix: "fleet-broken")
        defer { directory.remove() }
        try writeBytes(bytes, to: directory.appending("fleet.yaml"))
        let result = try TestProcess.fleet(["validate"], in: directory.path)
        #expect(result.exitCode == 1, "\(name): \(result)")
        let first = lines(result.stderr).first ?? ""
        #expect(first.hasPrefix("fleet.yaml:") || first.hasPrefix("error:"), "\(name): \(first)")
        #expect(result.stderr.contains(expected), "\(name): \(result.stderr.prefix(500))")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"), "\(name)")
        // A located diagnostic: file:line:col.
        #expect(first.range(of: #"^fleet\.yaml:\d+:\d+: error: "#, options: .regularExpression) != nil,
                "\(name): \(first)")
    }

    @Test func manyErrorsAreCapped() throws {
        let directory = try TemporaryDirectory(prefix: "fleet-broken")
        defer { directory.remove() }
        var yaml = "version: 1\n"
        for i in 0..<500 { yaml += "unknown\(i): x\n" }
        try directory.write("fleet.yaml", yaml)
        let result = try TestProcess.fleet(["validate"], in: directory.path)
        #expect(result.exitCode == 1)
        let errors = lines(result.stderr).filter { $0.hasPrefix("fleet.yaml:") }
        #expect(errors.count == 100)
        #expect(result.stderr.contains("… 400 more not shown (use --verbose to see all)"))
        #expect(result.stderr.hasSuffix("500 errors\n"))
        let verbose = try TestProcess.fleet(["validate", "-v"], in: directory.path)
        #expect(lines(verbose.stderr).filter { $0.hasPrefix("fleet.yaml:") }.count == 500)
    }
}

/// Writes raw bytes (the fixtures' `write` takes text).
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
