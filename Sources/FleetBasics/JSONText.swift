/// Builds JSON text with a fixed key order: fleet's JSON outputs are byte-stable, so scripts and golden tests can
/// compare them. Values are composed from already-encoded parts.
public enum JSONText {
    /// A JSON string literal: quotes, backslashes and control characters escaped; other characters as UTF-8.
    public static func quote(_ value: String) -> String {
        // Most strings (names, keys, paths) need no escaping: copy them whole instead of scalar by scalar.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
            return "\"" + value + "\""
        }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `{"k":v,…}` from already-encoded values, in the order given.
    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// `[v,…]` from already-encoded values.
    public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    /// `["a","b"]`.
    public static func strings(_ items: [String]) -> String { array(items.map(quote)) }

    /// A number as JSON: integers without a fraction, others with up to 3 decimals (durations, sizes).
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let rounded = (value * 1000).rounded() / 1000
        return String(rounded)
    }

    public static func number(_ value: Int) -> String { String(value) }

    /// `null` or the quoted string.
    public static func optional(_ value: String?) -> String { value.map(quote) ?? "null" }

    public static func bool(_ value: Bool) -> String { value ? "true" : "false" }
}
