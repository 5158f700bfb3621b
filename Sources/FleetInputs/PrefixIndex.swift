/// Finds the values registered under a path's literal prefixes without testing every value: a glob's literal
/// prefix is either a directory (`services/api/`), a whole path (`go.work`) or empty (matches anywhere), so the
/// candidates for `a/b/c.txt` are those under `""`, `a/`, `a/b/` and `a/b/c.txt`.
struct PrefixIndex<Value> {
    private var buckets: [Substring: [Value]] = [:]

    mutating func insert(_ value: Value, prefix: String) {
        buckets[Substring(prefix), default: []].append(value)
    }

    /// Calls `body` for every value registered under a prefix of `path`.
    func forEachCandidate(of path: String, _ body: (Value) -> Void) {
        if let values = buckets[""] { values.forEach(body) }
        // Scan bytes, not Characters: '/' is ASCII, so every index found is a valid String index.
        let utf8 = path.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let next = utf8.index(after: index)
            if utf8[index] == UInt8(ascii: "/"), let values = buckets[path[..<next]] { values.forEach(body) }
            index = next
        }
        if let values = buckets[path[...]] { values.forEach(body) }
    }

    var isEmpty: Bool { buckets.isEmpty }
}
extension PrefixIndex: Sendable where Value: Sendable {}
