#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who made a commit and when: git's author or committer line.
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// The author's offset from UTC in minutes (`+0130` is 90).
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Int64, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// A signature dated now, in the local time zone.
    public static func now(name: String, email: String) -> Signature {
        let seconds = currentUnixTime()
        return Signature(
            name: name, email: email, time: seconds, offsetMinutes: GitDate.localOffsetMinutes(at: seconds))
    }

    /// The identity fleet uses when neither the environment nor the repository's config names one.
    public static let fallbackName = "fleet"
    public static let fallbackEmail = "fleet@localhost"

    /// `Name <email> 1700000000 +0000`, the form in a commit object.
    public var description: String { "\(name) <\(email)> \(time) \(GitDate.formatOffset(offsetMinutes))" }

    /// Whose line this is; selects the `GIT_AUTHOR_*` or `GIT_COMMITTER_*` variables.
    enum Role: String {
        case author = "AUTHOR"
        case committer = "COMMITTER"
    }

    /// The signature git would use: `GIT_<ROLE>_NAME`/`_EMAIL`/`_DATE` from `environment`, else `user.name` and
    /// `user.email` from the repository's config, else the fleet fallback; dated now unless `GIT_<ROLE>_DATE` says
    /// otherwise.
    static func resolve(
        _ role: Role, environment: [String: String], configName: String?, configEmail: String?
    ) throws(GitError) -> Signature {
        let prefix = "GIT_\(role.rawValue)_"
        let name = nonEmpty(environment[prefix + "NAME"]) ?? nonEmpty(configName) ?? fallbackName
        let email = environment[prefix + "EMAIL"] ?? nonEmpty(configEmail) ?? fallbackEmail
        var signature = Signature.now(name: name, email: email)
        if let date = environment[prefix + "DATE"] {
            guard let parsed = GitDate.parse(date) else {
                throw GitError.invalidSignature(
                    source: prefix + "DATE", value: date,
                    reason: "expected '@<seconds> <+hhmm>', ISO 8601 ('2024-05-01T12:00:00+02:00') or RFC 2822")
            }
            signature.time = parsed.time
            signature.offsetMinutes = parsed.offsetMinutes
        }
        try signature.validate(source: role == .author ? "author" : "committer")
        return signature
    }

    /// Rejects what git cannot write into a commit header.
    func validate(source: String) throws(GitError) {
        for (field, value) in [("name", name), ("email", email)] {
            if value.contains(where: { $0 == "<" || $0 == ">" || $0 == "\n" || $0 == "\0" }) {
                throw GitError.invalidSignature(
                    source: "\(source) \(field)", value: value, reason: "may not contain '<', '>' or a line break")
            }
        }
        if name.allSatisfy(\.isWhitespace) {
            throw GitError.invalidSignature(source: "\(source) name", value: name, reason: "may not be empty")
        }
        if abs(offsetMinutes) >= 24 * 60 {
            throw GitError.invalidSignature(
                source: "\(source) time zone", value: GitDate.formatOffset(offsetMinutes), reason: "out of range")
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

/// Parsing of the date formats git accepts in `GIT_AUTHOR_DATE` and `GIT_COMMITTER_DATE` (its strict ones; git's
/// "approxidate" fallback such as `yesterday` is not supported).
enum GitDate {
    struct Parsed: Equatable {
        var time: Int64
        var offsetMinutes: Int
    }

    /// Accepts `@<seconds> [<+hhmm>]`, `<seconds> <+hhmm>`, ISO 8601 (`2024-05-01T12:00:00[.fff][Z|+02:00|+0200]`,
    /// `T` or a space) and RFC 2822 (`[Wed, ]01 May 2024 12:00:00 +0200`). A missing zone means local time.
    static func parse(_ text: String) -> Parsed? {
        let trimmed = text.trimmingSpaces
        if let raw = parseRaw(trimmed) { return raw }
        if let iso = parseISO(trimmed) { return iso }
        return parseRFC2822(trimmed)
    }

    static func formatOffset(_ minutes: Int) -> String {
        let sign = minutes < 0 ? "-" : "+"
        let value = abs(minutes)
        let hours = value / 60
        let rest = value % 60
        return sign + (hours < 10 ? "0" : "") + String(hours) + (rest < 10 ? "0" : "") + String(rest)
    }

    static func localOffsetMinutes(at seconds: Int64) -> Int {
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff) / 60
    }

    // MARK: - Formats

    /// `@1700000000 +0000`, `1700000000 +0000`, `@1700000000`.
    private static func parseRaw(_ text: String) -> Parsed? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = fields.first, fields.count <= 2 else { return nil }
        let hasAt = first.hasPrefix("@")
        let digits = hasAt ? first.dropFirst() : first[...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let seconds = Int64(digits) else { return nil }
        if fields.count == 1 {
            guard hasAt else { return nil }  // a bare number is ambiguous in git too
            return Parsed(time: seconds, offsetMinutes: 0)
        }
        guard let offset = parseOffset(fields[1]) else { return nil }
        return Parsed(time: seconds, offsetMinutes: offset)
    }

    /// `+0200`, `-05:30`, `Z`, `UTC`, `GMT`.
    private static func parseOffset(_ text: Substring) -> Int? {
        if text == "Z" || text == "UTC" || text == "GMT" { return 0 }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else { return nil }
        let hours = value / 100
        let minutes = value % 100
        guard hours < 24, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    /// `2024-05-01T12:00:00`, optional fraction, optional zone (`Z`, `+02:00`, `+0200`, ` +0200`).
    private static func parseISO(_ text: String) -> Parsed? {
        let chars = Array(text)
        guard chars.count >= 19, chars[4] == "-", chars[7] == "-", chars[10] == "T" || chars[10] == " ",
            chars[13] == ":", chars[16] == ":"
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            let slice = chars[range]
            guard slice.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int(String(slice))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        if index < chars.count, chars[index] == "." || chars[index] == "," {
            index += 1
            while index < chars.count, chars[index].isASCIIDigit { index += 1 }
        }
        while index < chars.count, chars[index] == " " { index += 1 }
        let zone = Substring(String(chars[index...]))
        let offset: Int?
        if zone.isEmpty {
            offset = nil
        } else {
            guard let parsed = parseOffset(zone) else { return nil }
            offset = parsed
        }
        return civil(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    /// `Wed, 01 May 2024 12:00:00 +0200` (the weekday is optional and not checked).
    private static func parseRFC2822(_ text: String) -> Parsed? {
        var fields = text.split(separator: " ", omittingEmptySubsequences: true)
        if let first = fields.first, first.hasSuffix(",") { fields.removeFirst() }
        guard fields.count == 5 || fields.count == 4 else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let day = Int(fields[0]), let monthIndex = months.firstIndex(of: fields[1].lowercased()),
            let year = Int(fields[2])
        else { return nil }
        let clock = fields[3].split(separator: ":")
        guard clock.count == 2 || clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]) else {
            return nil
        }
        let second = clock.count == 3 ? Int(clock[2]) : 0
        guard let second else { return nil }
        var offset: Int?
        if fields.count == 5 {
            guard let parsed = parseOffset(fields[4]) else { return nil }
            offset = parsed
        }
        return civil(
            year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second,
            offset: offset)
    }

    /// Converts a civil date and time in the given zone (nil: local) to a timestamp.
    private static func civil(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int?
    ) -> Parsed? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second), (1970...9999).contains(year)
        else { return nil }
        let utc =
            Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
        if let offset { return Parsed(time: utc - Int64(offset * 60), offsetMinutes: offset) }
        // Local time: the offset at the instant itself (one correction step handles DST boundaries well enough).
        let guess = utc - Int64(localOffsetMinutes(at: utc) * 60)
        let local = localOffsetMinutes(at: guess)
        return Parsed(time: utc - Int64(local * 60), offsetMinutes: local)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

private func currentUnixTime() -> Int64 { Int64(time(nil)) }

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
