/// Unified diffs (`diff -u`, `git diff`) of two versions of a file, line by line, exactly as `patch` and
/// `git apply` read them: three lines of context, `\ No newline at end of file` where it applies, and a line's own
/// `\r` kept in the line.
public enum UnifiedDiff {
    /// The diff of `old` and `new`, or `""` when they are equal.
    /// - Parameters:
    ///   - path: the path shown after `a/` and `b/`.
    ///   - old: nil for a new file (`--- /dev/null`).
    public static func render(path: String, old: [UInt8]?, new: [UInt8], context: Int = 3) -> String {
        if let old, old == new { return "" }
        let a = lines(of: old ?? [])
        let b = lines(of: new)
        let operations = diff(a.map(\.key), b.map(\.key))
        var out = "--- " + (old == nil ? "/dev/null" : "a/" + path) + "\n+++ b/" + path + "\n"
        for hunk in hunks(operations, context: context) {
            let oldStart = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart + 1
            let newStart = hunk.newCount == 0 ? hunk.newStart : hunk.newStart + 1
            out += "@@ -\(range(oldStart, hunk.oldCount)) +\(range(newStart, hunk.newCount)) @@\n"
            for operation in hunk.operations {
                switch operation {
                case .same(let i, _):
                    out += " " + a[i].text + "\n"
                    if !a[i].hasBreak { out += "\\ No newline at end of file\n" }
                case .delete(let i):
                    out += "-" + a[i].text + "\n"
                    if !a[i].hasBreak { out += "\\ No newline at end of file\n" }
                case .insert(let j):
                    out += "+" + b[j].text + "\n"
                    if !b[j].hasBreak { out += "\\ No newline at end of file\n" }
                }
            }
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }

    struct Line {
        var text: String
        var hasBreak: Bool
        /// What lines compare by: a last line without its newline differs from the same text with one.
        var key: String { hasBreak ? text + "\n" : text }
    }

    /// Lines split after each `\n`; a `\r` before it stays part of the line's text.
    static func lines(of bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(Line(text: String(decoding: bytes[start..<index], as: UTF8.self), hasBreak: true))
            start = index + 1
        }
        if start < bytes.count {
            result.append(Line(text: String(decoding: bytes[start...], as: UTF8.self), hasBreak: false))
        }
        return result
    }

    enum Operation: Equatable {
        case same(Int, Int)
        case delete(Int)
        case insert(Int)
    }

    /// Myers' O((N+M)D) shortest edit script.
    static func diff(_ a: [String], _ b: [String]) -> [Operation] {
        let n = a.count, m = b.count
        let maximum = n + m
        if maximum == 0 { return [] }
        var v = [Int](repeating: 0, count: 2 * maximum + 2)
        var trace: [[Int]] = []
        var found = false
        for d in 0...maximum {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[k - 1 + maximum] < v[k + 1 + maximum]) {
                    x = v[k + 1 + maximum]
                } else {
                    x = v[k - 1 + maximum] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[k + maximum] = x
                if x >= n && y >= m {
                    found = true
                    break
                }
            }
            if found { break }
        }
        // Walk back through the saved frontiers.
        var operations: [Operation] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && v[k - 1 + maximum] < v[k + 1 + maximum]) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = d == 0 ? 0 : v[previousK + maximum]
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                x -= 1
                y -= 1
                operations.append(.same(x, y))
            }
            if d > 0 {
                if x == previousX {
                    y -= 1
                    operations.append(.insert(y))
                } else {
                    x -= 1
                    operations.append(.delete(x))
                }
            }
        }
        return operations.reversed()
    }

    struct Hunk {
        var oldStart: Int
        var oldCount: Int
        var newStart: Int
        var newCount: Int
        var operations: [Operation]
    }

    /// Groups changes with `context` lines around them; changes closer than twice the context share a hunk.
    static func hunks(_ operations: [Operation], context: Int) -> [Hunk] {
        let changed = operations.indices.filter { if case .same = operations[$0] { false } else { true } }
        guard !changed.isEmpty else { return [] }
        var groups: [ClosedRange<Int>] = []
        var start = changed[0], end = changed[0]
        for index in changed.dropFirst() {
            if index - end - 1 <= 2 * context {
                end = index
            } else {
                groups.append(start...end)
                start = index
                end = index
            }
        }
        groups.append(start...end)
        return groups.map { group in
            let lower = max(0, group.lowerBound - context)
            let upper = min(operations.count - 1, group.upperBound + context)
            let slice = Array(operations[lower...upper])
            // Line numbers before the hunk: count what precedes it.
            var oldLine = 0, newLine = 0
            for operation in operations[..<lower] {
                switch operation {
                case .same: oldLine += 1; newLine += 1
                case .delete: oldLine += 1
                case .insert: newLine += 1
                }
            }
            let oldCount = slice.filter { if case .insert = $0 { false } else { true } }.count
            let newCount = slice.filter { if case .delete = $0 { false } else { true } }.count
            return Hunk(oldStart: oldLine, oldCount: oldCount, newStart: newLine, newCount: newCount,
                        operations: slice)
        }
    }
}
