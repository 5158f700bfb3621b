/// The syntax of the names a manifest defines.
public enum NameRules {
    /// The longest target or action name.
    public static let maxNameLength = 63

    /// Target and action names: `[a-z0-9][a-z0-9._-]*`, at most 63 characters.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= maxNameLength, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
            || $0 == UInt8(ascii: "-") }
    }

    /// A valid name close to `name` (lowercased, spaces and other characters replaced by `-`), if any.
    public static func suggestedName(for name: String) -> String? {
        var result = ""
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII, isLowerAlnum(UInt8(scalar.value)) || scalar == "." || scalar == "_" || scalar == "-" {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        while let first = result.first, !first.isLetter, !first.isNumber { result.removeFirst() }
        while result.hasSuffix("-") { result.removeLast() }
        if result.count > maxNameLength { result = String(result.prefix(maxNameLength)) }
        return isValidName(result) && result != name ? result : nil
    }

    /// Environment variable names: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isValidEnvName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, isAlpha(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// Named input set names: `[A-Za-z_][A-Za-z0-9_-]*`, not `srcs`.
    public static func isValidInputSetName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard name != "srcs", let first = bytes.first, isAlpha(first) || first == UInt8(ascii: "_") else {
            return false
        }
        return bytes.allSatisfy { isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || isDigit(byte)
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
