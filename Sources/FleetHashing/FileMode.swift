/// A file's mode as git records it: only "regular", "executable" (any execute bit set) or "symlink" matter.
///
/// Permission details beyond the execute bit (group write, umask) are not content: two checkouts with different
/// umasks must hash alike. Encodes as its octal text (`"100755"`), as git prints it.
public enum FileMode: UInt32, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case regular = 0o100644
    case executable = 0o100755
    case symlink = 0o120000

    /// Normalises a `stat` mode; nil for directories, devices, FIFOs and sockets.
    public init?(statMode: UInt32) {
        switch statMode & 0o170000 {
        case 0o100000: self = statMode & 0o111 != 0 ? .executable : .regular
        case 0o120000: self = .symlink
        default: return nil
        }
    }

    /// The permission bits a restored file gets (`0o644` or `0o755`; meaningless for symlinks).
    public var permissions: UInt32 { rawValue & 0o777 }

    /// The octal text git uses (`100644`, `100755`, `120000`).
    public var description: String { String(rawValue, radix: 8) }
}

extension FileMode: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let raw = UInt32(text, radix: 8), let mode = FileMode(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected 100644, 100755 or 120000, found '\(text.prefix(20))'")
        }
        self = mode
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
