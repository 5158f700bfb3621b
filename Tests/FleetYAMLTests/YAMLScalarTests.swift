import FleetYAML
import Testing

@Suite struct YAMLScalarTests {
    @Test(arguments: [
        // Must be quoted: YAML 1.1 and 1.2 keywords.
        ("", true), ("~", true), ("null", true), ("Null", true), ("NULL", true),
        ("true", true), ("False", true), ("yes", true), ("No", true), ("on", true), ("OFF", true), ("y", true),
        ("n", true), ("Y", true), ("<<", true), ("=", true),
        // Numbers of either version.
        ("1", true), ("-1", true), ("+1", true), ("1.20", true), ("0755", true), ("0x1F", true), ("0o17", true),
        ("0b101", true), ("1e3", true), ("1E-3", true), (".5", true), ("1.", true), (".inf", true), ("-.Inf", true),
        (".nan", true), ("1_000", true), ("1:30", true), ("190:20:30", true), ("2024-01-01", true),
        ("2001-12-14t21:59:43.10-05:00", true),
        // Leading indicators.
        ("-x", true), ("?x", true), (":x", true), (",x", true), ("[x", true), ("]x", true), ("{x", true),
        ("}x", true), ("#x", true), ("&x", true), ("*x", true), ("!x", true), ("|x", true), (">x", true),
        ("'x", true), ("\"x", true), ("%x", true), ("@x", true), ("`x", true),
        // Inside.
        ("a: b", true), ("a #b", true), ("key:", true), ("a,b", true), ("a[0]", true), ("a{b}", true),
        (" x", true), ("x ", true), ("\tx", true), ("a\nb", true), ("a\tb", true), ("a\u{7}b", true),
        ("a\u{2028}b", true),
        // Plain strings are fine.
        ("hello", false), ("v1.2.3", false), ("1.2.3", false), ("api-gateway", false), ("a:b", false),
        ("a#b", false), ("ghcr.io/acme/api:1.4.2", false), ("sha256:abc", false), ("é", false),
        ("hello world", false), ("yesterday", false), ("nullable", false), ("0.1.0-rc1", false),
        ("1.0.0", false), ("1-2", false), ("x-1", false), ("e3", false), ("abc123", false),
    ])
    func needsQuotes(value: String, expected: Bool) {
        #expect(YAMLScalar.needsQuotes(value) == expected, "\(value.debugDescription)")
    }

    @Test func needsQuotesAgreesWithTheParser() throws {
        // Whatever needsQuotes calls safe must come back from the parser as the same plain string.
        let candidates = ["hello", "v1.2.3", "a:b", "a#b", "ghcr.io/acme/api:1.4.2", "é", "1.2.3", "x-1"]
        for value in candidates where !YAMLScalar.needsQuotes(value) {
            let node = try parseOne("k: \(value)\n")
            #expect(node["k"]?.scalar == value)
            #expect(node["k"]?.kindDescription == "a string")
        }
    }

    @Test(arguments: [
        ("0", 0), ("12", 12), ("-3", -3), ("+4", 4), ("0o17", 15), ("0x1F", 31), ("0755", 755),
    ])
    func integers(text: String, value: Int) {
        #expect(YAMLScalar.int(text) == value)
    }

    @Test(arguments: ["", "1.0", "0o", "0x", "1_000", "12a", "- 1", "99999999999999999999", "0b1"])
    func notIntegers(text: String) {
        #expect(YAMLScalar.int(text) == nil)
    }

    @Test func floats() {
        #expect(YAMLScalar.float("1.5") == 1.5)
        #expect(YAMLScalar.float("-.5") == -0.5)
        #expect(YAMLScalar.float("1e3") == 1000)
        #expect(YAMLScalar.float("3") == 3)
        #expect(YAMLScalar.float(".inf") == .infinity)
        #expect(YAMLScalar.float("-.INF") == -.infinity)
        #expect(YAMLScalar.float(".nan")?.isNaN == true)
        #expect(YAMLScalar.float("1.2.3") == nil)
        #expect(YAMLScalar.float(".") == nil)
        #expect(YAMLScalar.float("e3") == nil)
        #expect(YAMLScalar.float("inf") == nil)
    }

    @Test func booleansAndNulls() {
        #expect(YAMLScalar.bool("true") == true)
        #expect(YAMLScalar.bool("FALSE") == false)
        #expect(YAMLScalar.bool("yes") == nil)
        #expect(YAMLScalar.isYAML11Bool("yes"))
        #expect(YAMLScalar.isYAML11Bool("Off"))
        #expect(!YAMLScalar.isYAML11Bool("maybe"))
        #expect(YAMLScalar.isNull("~"))
        #expect(YAMLScalar.isNull(""))
        #expect(!YAMLScalar.isNull("nil"))
    }
}
