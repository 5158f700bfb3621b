import FleetBasics

/// The safety rules for output paths and output symlinks, shared by capture and restore.
enum OutputPaths {
    /// Names of temporary files that restore creates next to outputs; capture never picks them up.
    static let restoreTemporaryPrefix = ".fleet-restore-"

    /// Why `path` is not acceptable as an output path (relative to the target directory), or nil when it is.
    static func problem(with path: String) -> String? {
        if path.isEmpty { return "empty path" }
        if path.hasPrefix("/") { return "absolute path" }
        if path.utf8.contains(0) { return "contains a NUL byte" }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "climbs out with '..'"
        }
        if RelativePath.normalize(path) != path { return "not a normalised path" }
        return nil
    }

    /// Whether a symlink at `path` with target text `target` resolves, lexically, to the target directory or
    /// below it. Absolute targets never do (they would not survive a move of the workspace); neither does a
    /// relative target that climbs above the target directory on the way, even if it comes back.
    static func symlinkStaysInside(target: [UInt8], at path: String) -> Bool {
        guard !target.isEmpty, !target.contains(0), let text = String(validating: target, as: UTF8.self),
            !text.hasPrefix("/")
        else { return false }
        let directory = path.contains("/") ? FileSystem.parent(of: path) : ""
        var depth = directory.split(separator: "/").count
        for part in text.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            depth += part == ".." ? -1 : 1
            if depth < 0 { return false }
        }
        return true
    }

    /// `path`'s ancestors, outermost first (`a/b/c` → `a`, `a/b`).
    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = ""
        let parts = path.split(separator: "/")
        for part in parts.dropLast() {
            current = current.isEmpty ? String(part) : current + "/" + part
            result.append(current)
        }
        return result
    }
}

/// Runs `body` for indices `0..<count` with at most `width` running at once; results keep the input order.
func mapConcurrently<R: Sendable>(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) async -> R) async -> [R] {
    await withTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: count)
        var next = 0
        while next < min(max(width, 1), count) {
            let index = next
            group.addTask { (index, await body(index)) }
            next += 1
        }
        while let (index, result) = await group.next() {
            results[index] = result
            if next < count {
                let index = next
                group.addTask { (index, await body(index)) }
                next += 1
            }
        }
        return results.compactMap { $0 }
    }
}
