import FleetBasics
import FleetHashing
import Glibc

/// Outputs a previous version of an action left behind: after a restore, the target directory must hold what a
/// clean run of *this* version produces, so files the action's previous run (in this workspace) recorded as
/// outputs, that the restored result does not have, are removed.
///
/// Only files fleet itself recorded as this action's outputs are candidates (never other files that happen to
/// match the patterns), and each must still match the action's output patterns, be a plain relative path, and be
/// reached without going through a symlink. Directories left empty are removed up to the target directory.
enum StaleOutputs {
    /// Removes the stale files; returns the paths removed. Blocking.
    static func remove(
        previous: [String], keeping current: Set<String>, patterns: GlobList, targetDirectory: String
    ) -> [String] {
        var removed: [String] = []
        var parents = Set<String>()
        for path in previous where !current.contains(path) && isSafe(path) && patterns.matches(path) {
            guard ancestorsAreDirectories(of: path, in: targetDirectory) else { continue }
            let absolute = FileSystem.join(targetDirectory, path)
            guard let stat = try? FileStat.of(absolute), stat.fileMode != nil else { continue }
            if unlink(absolute) == 0 {
                removed.append(path)
                var parent = FileSystem.parent(of: path)
                while parent != "." && !parent.isEmpty {
                    parents.insert(parent)
                    parent = FileSystem.parent(of: parent)
                }
            }
        }
        // Deepest first; rmdir only succeeds on an empty directory.
        for parent in parents.sorted(by: { $0.utf8.count > $1.utf8.count }) {
            rmdir(FileSystem.join(targetDirectory, parent))
        }
        return removed
    }

    static func isSafe(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.utf8.contains(0) && RelativePath.normalize(path) == path
            && !path.split(separator: "/").contains("..")
    }

    static func ancestorsAreDirectories(of path: String, in root: String) -> Bool {
        var current = ""
        for part in path.split(separator: "/").dropLast() {
            current = current.isEmpty ? String(part) : current + "/" + part
            guard FileSystem.kind(of: FileSystem.join(root, current)) == .directory else { return false }
        }
        return true
    }
}
