import FleetBasics
import FleetYAML

/// The `cache:` section: `max-size` and `max-age`, each checked where it is written.
extension ManifestDecoder {
    static let cacheKeys = ["max-size", "max-age"]

    mutating func decodeCache(_ node: YAMLNode) -> CacheSettings {
        var settings = CacheSettings(location: location(node))
        guard !node.isNull else { return settings }
        guard node.isMapping else {
            problems.append(.wrongType(key: "cache", expected: "a mapping with 'max-size' and/or 'max-age'",
                                       found: node.kindDescription, hint: "write 'cache: {max-size: 10GB}'",
                                       at: location(node)))
            return settings
        }
        for (key, (_, value)) in keyed(node, section: "cache", allowed: Self.cacheKeys).ordered {
            if value.isNull { continue }
            switch key {
            case "max-size": settings.maxSize = decodeSize(value, key: "cache.max-size")
            case "max-age": settings.maxAge = decodeAge(value, key: "cache.max-age")
            default: break
            }
        }
        return settings
    }

    /// A positive number of bytes: an integer, or a number with a unit (`10GB`, `512MiB`, `1.5T`).
    private mutating func decodeSize(_ node: YAMLNode, key: String) -> UInt64? {
        let expected = "a size such as 10GB, 512MB or 1.5TiB"
        guard let text = node.scalar, node.isScalar else {
            problems.append(.wrongType(key: key, expected: expected, found: node.kindDescription, hint: nil,
                                       at: location(node)))
            return nil
        }
        guard let bytes = Quantity.bytes(from: text), bytes > 0 else {
            problems.append(.wrongType(
                key: key, expected: expected, found: "'\(text)'",
                hint: "a plain number is bytes; units are B, KB, MB, GB, TB (powers of 1024, KiB… also accepted)",
                at: location(node)))
            return nil
        }
        return bytes
    }

    /// A positive duration: seconds, or a duration such as `30d`, `12h`, `1d12h`.
    private mutating func decodeAge(_ node: YAMLNode, key: String) -> Double? {
        let expected = "a duration such as 30d, 12h or 90m"
        guard let text = node.scalar, node.isScalar else {
            problems.append(.wrongType(key: key, expected: expected, found: node.kindDescription, hint: nil,
                                       at: location(node)))
            return nil
        }
        guard let seconds = Quantity.seconds(from: text) else {
            problems.append(.wrongType(
                key: key, expected: expected, found: "'\(text)'",
                hint: "a plain number is seconds; units are ms, s, m, h and d (1d12h)", at: location(node)))
            return nil
        }
        return seconds
    }
}
