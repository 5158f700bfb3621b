extension YAMLScalar {
    /// Whether `value` must be quoted to be read back as the same string by both YAML 1.1 and YAML 1.2 readers, in
    /// block and in flow context.
    ///
    /// True for: the empty string; null, boolean and number look-alikes of either version (`~`, `null`, `yes`,
    /// `off`, `y`, `1.20`, `0755`, `0x1F`, `0b101`, `1_000`, `1e3`, `.inf`, `1:30`, dates such as `2024-01-01`);
    /// a leading indicator (`-?:,[]{}#&*!|>'"%@` and backtick); `: ` or ` #` inside, or a trailing `:`; flow
    /// indicators anywhere; leading or trailing whitespace; line breaks, tabs and other control characters; `<<`.
    /// Quoting more than necessary is harmless; quoting less changes the value's type.
    public static func needsQuotes(_ value: String) -> Bool {
        if value.isEmpty { return true }
        if isNull(value) || isYAML11Bool(value) || value == "<<" || value == "=" { return true }
        if looksNumeric(value) || looksLikeTimestamp(value) { return true }

        let scalars = Array(value.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { return true }
        if " \t".unicodeScalars.contains(first) || " \t".unicodeScalars.contains(last) { return true }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return true }
        if last == ":" { return true }
        var previous: Unicode.Scalar?
        for scalar in scalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F, 0x80...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF:
                return true
            default:
                break
            }
            if ",[]{}".unicodeScalars.contains(scalar) { return true }
            if scalar == " ", previous == ":" { return true }
            if scalar == "#", previous == " " { return true }
            previous = scalar
        }
        return false
    }

    /// Numbers of YAML 1.2 core and of YAML 1.1 (which also allows `_` separators, `0b` binary, leading-zero
    /// octal, sexagesimal `1:30`, and `.5` / `1.` forms).
    static func looksNumeric(_ value: String) -> Bool {
        if int(value) != nil || float(value) != nil { return true }
        let lowered = value.lowercased()
        if [".inf", "+.inf", "-.inf", ".nan"].contains(lowered) { return true }
        var body = Substring(value)
        if let first = body.first, first == "-" || first == "+" { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        if body.hasPrefix("0b") || body.hasPrefix("0x") || body.hasPrefix("0o") {
            let digits = body.dropFirst(2).filter { $0 != "_" }
            return !digits.isEmpty && digits.allSatisfy { $0.isHexDigit }
        }
        // Sexagesimal (YAML 1.1): `1:30`, `190:20:30.15`.
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count > 1 {
            let whole = parts.dropLast().allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "_") }
            }
            return whole && isDecimal(parts[parts.count - 1])
        }
        return isDecimal(body)
    }

    /// `[0-9_]*(.[0-9_]*)?([eE][-+]?[0-9]+)?` with at least one digit: YAML 1.1 decimal ints and floats.
    private static func isDecimal(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        var digits = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        while i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") {
            if isDigit(bytes[i]) { digits += 1 }
            i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") {
                if isDigit(bytes[i]) { digits += 1 }
                i += 1
            }
        }
        guard digits > 0 else { return false }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            let start = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            guard i > start else { return false }
        }
        return i == bytes.count
    }

    /// `YYYY-MM-DD`, optionally followed by a time: YAML 1.1 timestamps.
    static func looksLikeTimestamp(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 8 else { return false }
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        guard digits(0..<4), bytes[4] == UInt8(ascii: "-") else { return false }
        var i = 5
        let monthStart = i
        while i < bytes.count, i - monthStart < 2, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        guard i > monthStart, i < bytes.count, bytes[i] == UInt8(ascii: "-") else { return false }
        i += 1
        let dayStart = i
        while i < bytes.count, i - dayStart < 2, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        guard i > dayStart else { return false }
        if i == bytes.count { return true }
        return bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: "t") || bytes[i] == UInt8(ascii: " ")
    }
}
