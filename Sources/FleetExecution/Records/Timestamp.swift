import Glibc

/// Wall-clock times as fleet writes them: ISO 8601 in UTC with milliseconds (`2025-01-31T12:00:00.123Z`), and
/// run ids that sort in time order (`20250131-120000.123-3fa9c1`).
public enum Timestamp {
    /// Seconds since 1970, now.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `2025-01-31T12:00:00.123Z`.
    public static func iso8601(_ seconds: Double) -> String {
        let (date, time, millis) = parts(seconds)
        return "\(date.0)-\(two(date.1))-\(two(date.2))T\(two(time.0)):\(two(time.1)):\(two(time.2)).\(three(millis))Z"
    }

    /// A run id: `20250131-120000.123-` and six random hex digits.
    public static func runID(at seconds: Double) -> String {
        let (date, time, millis) = parts(seconds)
        let random = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        let suffix = String(repeating: "0", count: 6 - random.count) + random
        return "\(date.0)\(two(date.1))\(two(date.2))-\(two(time.0))\(two(time.1))\(two(time.2)).\(three(millis))-\(suffix)"
    }

    /// Whether a directory name is a run id.
    public static func isRunID(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 26 else { return false }
        for (i, byte) in bytes.enumerated() {
            switch i {
            case 8, 19: guard byte == UInt8(ascii: "-") else { return false }
            case 15: guard byte == UInt8(ascii: ".") else { return false }
            case 20...: guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return false }
            default: guard byte >= 0x30 && byte <= 0x39 else { return false }
            }
        }
        return true
    }

    private static func parts(_ seconds: Double) -> ((Int, Int, Int), (Int, Int, Int), Int) {
        let whole = seconds.isFinite ? Int(seconds.rounded(.down)) : 0
        let millis = seconds.isFinite ? min(999, max(0, Int(((seconds - Double(whole)) * 1000).rounded(.down)))) : 0
        var t = time_t(whole)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        return ((Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday)),
                (Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec)), millis)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func three(_ value: Int) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }
}
