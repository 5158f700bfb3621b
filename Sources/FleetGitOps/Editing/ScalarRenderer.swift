public import FleetYAML

/// Writes a string as YAML scalar text that every YAML 1.1 and 1.2 reader reads back as exactly that string.
public enum ScalarRenderer {
    /// The text of `value` in the style of the value it replaces: plain stays plain unless the new value needs
    /// quotes to stay a string (`1.20`, `on`, `0755`, `: ` inside, a leading `*`…), which gives double quotes;
    /// single-quoted stays single-quoted unless the value has characters single quotes cannot hold; double-quoted
    /// stays double-quoted.
    public static func render(_ value: String, like style: YAMLScalarStyle) -> (text: String, style: YAMLScalarStyle) {
        switch style {
        case .plain where !YAMLScalar.needsQuotes(value):
            return (value, .plain)
        case .singleQuoted where canSingleQuote(value):
            return (singleQuoted(value), .singleQuoted)
        default:
            return (doubleQuoted(value), .doubleQuoted)
        }
    }

    /// A key or value written where no old style exists (a created key): plain when safe, else double quotes.
    public static func renderNew(_ value: String) -> String { render(value, like: .plain).text }

    /// `'…'` with `'` doubled. Only for values without line breaks or other non-printable characters.
    public static func singleQuoted(_ value: String) -> String {
        var out = "'"
        for character in value {
            if character == "'" { out += "''" } else { out.append(character) }
        }
        return out + "'"
    }

    /// `"…"` with `\` escapes for `"`, `\` and every character that is not printable.
    public static func doubleQuoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\0": out += "\\0"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0B}": out += "\\v"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case "\u{1B}": out += "\\e"
            case "\u{85}": out += "\\N"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return out + "\""
    }

    /// Whether single quotes can hold `value` on one line: every character printable (no line breaks, tabs or
    /// control characters, which single quotes would fold or cannot escape).
    static func canSingleQuote(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy(isPrintable)
    }

    /// YAML's printable set (c-printable) minus tab and line breaks, and minus the byte order mark.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: true
        case 0x2028, 0x2029: false
        case 0xA0...0xD7FF: true
        case 0xE000...0xFFFD: scalar.value != 0xFEFF
        case 0x10000...0x10FFFF: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
