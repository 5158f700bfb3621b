/// How plain scalars are typed, and when a string must be quoted to stay a string.
///
/// Typing follows the YAML 1.2 core schema (what fleet's manifest uses). ``needsQuotes(_:)`` is deliberately more
/// conservative: it also guards against YAML 1.1 readers (PyYAML, older Go and Ruby libraries, many GitOps tools)
/// where `yes`, `on`, `0755`, `1_000`, `1:30` or `2024-01-01` are not strings.
public enum YAMLScalar {
    /// `~`, `null`, `Null`, `NULL` or the empty string (YAML 1.2 core). Applies to plain scalars only.
    public static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": true
        default: false
        }
    }

    /// `true`/`True`/`TRUE`/`false`/`False`/`FALSE` (YAML 1.2 core). `yes`, `no`, `on`, `off`, `y`, `n` are strings
    /// in YAML 1.2 (they were booleans in YAML 1.1): this returns nil for them; see ``isYAML11Bool(_:)``.
    public static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// Whether YAML 1.1 reads `text` as a boolean (`yes`, `No`, `ON`, `off`, `y`, `N`, `true`, …).
    public static func isYAML11Bool(_ text: String) -> Bool {
        let words: Set<String> = [
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
            "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ]
        return words.contains(text)
    }

    /// A YAML 1.2 core integer: `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`. Nil when out of range.
    /// Note the YAML 1.1 pitfall: `0755` is 755 here but octal 493 in YAML 1.1.
    public static func int(_ text: String) -> Int? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return nil }
        if utf8.count > 2, utf8[0] == UInt8(ascii: "0") {
            if utf8[1] == UInt8(ascii: "o") {
                return allDigits(utf8.dropFirst(2), radix: 8) ? Int(String(decoding: utf8.dropFirst(2), as: UTF8.self),
                                                                    radix: 8) : nil
            }
            if utf8[1] == UInt8(ascii: "x") {
                return allDigits(utf8.dropFirst(2), radix: 16)
                    ? Int(String(decoding: utf8.dropFirst(2), as: UTF8.self), radix: 16) : nil
            }
        }
        var digits = utf8[...]
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        guard allDigits(digits, radix: 10) else { return nil }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// A YAML 1.2 core float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` (any of the three
    /// spellings) or `.nan`. Integers match too (`3` is 3.0).
    public static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard matchesCoreFloat(Array(text.utf8)) else { return nil }
        return Double(text)
    }

    private static func matchesCoreFloat(_ s: [UInt8]) -> Bool {
        var i = 0
        if i < s.count, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") { i += 1 }
        let integerStart = i
        while i < s.count, isDigit(s[i]) { i += 1 }
        let integerDigits = i - integerStart
        var fractionDigits = 0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < s.count, isDigit(s[i]) { i += 1 }
            fractionDigits = i - fractionStart
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return false }
        if i < s.count, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            if i < s.count, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") { i += 1 }
            let exponentStart = i
            while i < s.count, isDigit(s[i]) { i += 1 }
            guard i > exponentStart else { return false }
        }
        return i == s.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func allDigits(_ bytes: some Collection<UInt8>, radix: Int) -> Bool {
        guard !bytes.isEmpty else { return false }
        return bytes.allSatisfy { byte in
            switch radix {
            case 8: byte >= 0x30 && byte <= 0x37
            case 16: isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
            default: isDigit(byte)
            }
        }
    }
}
