/// Parses the human durations and sizes fleet accepts in manifests and flags.
public enum Quantity {
    /// Parses `90`, `90s`, `10m`, `1h30m`, `2h`, `1d`, `500ms` into seconds.
    /// Returns nil for anything else, negative values, or a zero total.
    public static func seconds(from text: String) -> Double? {
        let trimmed = text.trimmingWhitespace()
        if let whole = Int(trimmed) { return whole > 0 ? Double(whole) : nil }
        var total = 0.0
        var number = ""
        var sawUnit = false
        var chars = Array(trimmed)
        chars.append(" ")
        var i = 0
        while i < chars.count - 1 {
            let c = chars[i]
            if c.isNumber || c == "." {
                number.append(c)
                i += 1
                continue
            }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            var unit = String(c)
            if c == "m", chars[i + 1] == "s" {
                unit = "ms"
                i += 1
            }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86400
            default: return nil
            }
            total += value * scale
            number = ""
            sawUnit = true
            i += 1
        }
        guard number.isEmpty, sawUnit, total > 0, total.isFinite else { return nil }
        return total
    }

    /// Parses `500`, `10KB`, `512MiB`, `10G`, `1.5GB` into bytes (K/M/G/T are powers of 1024, as `du` shows).
    public static func bytes(from text: String) -> UInt64? {
        let trimmed = text.trimmingWhitespace().uppercased()
        var digits = ""
        var rest = Substring(trimmed)
        while let c = rest.first, c.isNumber || c == "." {
            digits.append(c)
            rest = rest.dropFirst()
        }
        guard let value = Double(digits), value >= 0 else { return nil }
        let unit = rest.trimmingWhitespace()
        let scale: Double
        switch unit {
        case "", "B": scale = 1
        case "K", "KB", "KIB": scale = 1024
        case "M", "MB", "MIB": scale = 1024 * 1024
        case "G", "GB", "GIB": scale = 1024 * 1024 * 1024
        case "T", "TB", "TIB": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let result = value * scale
        guard result.isFinite, result < Double(UInt64.max) else { return nil }
        return UInt64(result)
    }

    /// `1.2 GiB`, `340 KiB`, `12 B`.
    public static func formatBytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) \(units[unit])"
    }

    /// `850ms`, `2.4s`, `3m12s`, `1h05m`. Rounds before choosing the unit, so 59.96 s is `1m00s`, not `60.0s`.
    /// Negative values show as `0ms`; NaN and infinities as `?` (never a trap).
    public static func formatDuration(seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let seconds = max(0, seconds)
        let milliseconds = (seconds * 1000).rounded()
        if milliseconds < 1000 { return "\(Int(milliseconds))ms" }
        let tenths = (seconds * 10).rounded()
        if tenths < 600 { return "\(Int(tenths) / 10).\(Int(tenths) % 10)s" }
        // 10^15 s is 31 million years: beyond it the hours are not worth printing exactly, and Int must not trap.
        let whole = Int(min(seconds, 1e15).rounded())
        if whole < 3600 { return "\(whole / 60)m\(String(format2: whole % 60))s" }
        return "\(whole / 3600)h\(String(format2: (whole % 3600) / 60))m"
    }
}

extension String {
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) }) ?? start
        return String(self[start...end])
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines: ``StringProtocol/trimmingWhitespace()``,
    /// with a fast path for the common case where there is nothing to trim (and without the cost of calling a
    /// generic function across modules).
    public func trimmingWhitespace() -> String {
        // A Character that starts or ends with another byte is none of the four whitespace Characters.
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        if let first = utf8.first, let last = utf8.last, !isSpace(first), !isSpace(last) { return self }
        return self[...].trimmingWhitespace()
    }
}
