/// Escaping for XML 1.0 text and attribute values.
enum XMLText {
    /// `text` as element content: `&`, `<`, `>` escaped (so `]]>` cannot occur), carriage returns kept as `&#13;`
    /// (parsers would turn a raw one into a newline), characters XML 1.0 forbids (most C0 controls, U+FFFE,
    /// U+FFFF) replaced with U+FFFD.
    static func text(_ text: String) -> String { escape(text, attribute: false) }

    /// `text` as an attribute value between double quotes: also `"` and `'`, and tabs and newlines as character
    /// references (parsers normalise raw ones to spaces).
    static func attribute(_ text: String) -> String { escape(text, attribute: true) }

    private static func escape(_ text: String, attribute: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\r": out.append(contentsOf: "&#13;".unicodeScalars)
            case "\"" where attribute: out.append(contentsOf: "&quot;".unicodeScalars)
            case "'" where attribute: out.append(contentsOf: "&apos;".unicodeScalars)
            case "\n" where attribute: out.append(contentsOf: "&#10;".unicodeScalars)
            case "\t" where attribute: out.append(contentsOf: "&#9;".unicodeScalars)
            default: out.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return String(out)
    }

    /// XML 1.0's `Char` production (Swift strings hold no surrogates).
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
