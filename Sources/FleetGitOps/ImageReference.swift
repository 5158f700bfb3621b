/// Where an image is and which version of it: `repository:tag@digest`.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// `ghcr.io/acme/api-gateway`.
    public var repository: String
    /// `sha-4e1f0a2`.
    public var tag: String
    /// `sha256:…`, when known.
    public var digest: String?

    public init(repository: String, tag: String, digest: String? = nil) {
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// `repository:tag` or `repository:tag@digest`: the form of a container's `image:` field.
    public var description: String {
        repository + ":" + tag + (digest.map { "@" + $0 } ?? "")
    }

    /// Parses `repo[:tag][@digest]` (a registry port such as `host:5000/x` is part of the repository).
    public static func parse(_ text: String) -> (repository: String, tag: String?, digest: String?) {
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
        if let colon = rest[lastSlash...].lastIndex(of: ":") {
            return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]), digest)
        }
        return (String(rest), nil, digest)
    }

    /// Whether `text` is a valid tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    public static func tagProblem(_ text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        if text.utf8.count > 128 { return "it is longer than 128 characters" }
        if let first = text.first, first == "." || first == "-" { return "it starts with '\(first)'" }
        if let bad = text.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0))) }) {
            return "it contains '\(bad)'"
        }
        return nil
    }

    /// Whether `text` is `sha256:` and 64 lowercase hexadecimal digits.
    public static func isDigest(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.utf8.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
