#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetBasics

// MARK: - Changes of content between a commit and the working tree

extension GitRepository {
    /// The paths whose content or mode differ between `base` and the working tree (staged, unstaged, deleted and
    /// untracked, not ignored), sorted in git's order: ``workingTreeChangedPaths(from:)`` without the paths that
    /// only the route through the index makes look changed.
    ///
    /// Comparing through the index (as `git status` and libgit2's merged diff both do) reports a path that changed
    /// in the index and changed back in the working tree (an edit or a `chmod` staged, then reverted), and
    /// `git rm --cached` of a file left in place (a deletion plus an untracked addition). Such a path has the
    /// base's bytes and mode, so it is no change to anything keyed by content. Likewise a submodule whose own
    /// working tree is dirty is "modified" for libgit2, while only the commit checked out in it stands for it.
    ///
    /// Only the paths that can be such artefacts are compared with the base, byte for byte as they are on disk
    /// (the bytes fleet's keys hash, not git's filtered form).
    public func workingTreeContentChangedPaths(from base: ObjectID?) throws(GitError) -> [String] {
        _ = try requireWorkingDirectory(for: "compare with the working tree")
        if let fast = try fastWorkingTreeChangedPaths(from: base, droppingContentEqualToBase: true) { return fast }
        return try slowWorkingTreeContentChangedPaths(from: base)
    }

    /// The libgit2 route of ``workingTreeContentChangedPaths(from:)``: its diff, with the artefacts removed.
    func slowWorkingTreeContentChangedPaths(from base: ObjectID?) throws(GitError) -> [String] {
        let changes = try workingTreeChanges(from: base, detectRenames: false)
        var added: [String: FileChange] = [:]
        for change in changes where change.status == .added {
            if let path = change.newPath { added[path] = change }
        }
        var unchanged = Set<String>()
        for change in changes {
            switch change.status {
            case .modified, .typeChanged:
                guard let path = change.newPath, change.oldPath == path, let oldID = change.oldID,
                    let mode = change.oldMode, change.newMode == mode
                else { continue }
                if mode == .gitlink {
                    // A submodule with edits of its own but the same commit checked out: no change here.
                    if submoduleCommit(at: path) == oldID { unchanged.insert(path) }
                } else if change.newID == oldID || hasContent(of: oldID, mode: mode, at: path) {
                    unchanged.insert(path)
                }
            case .deleted:
                guard let path = change.oldPath, let readded = added[path], let oldID = change.oldID,
                    let mode = change.oldMode, mode != .gitlink, readded.newMode == mode
                else { continue }
                if readded.newID == oldID || hasContent(of: oldID, mode: mode, at: path) { unchanged.insert(path) }
            case .added, .renamed, .copied:
                continue
            }
        }
        var paths = Set<String>()
        for change in changes {
            let isMove = change.oldPath != nil && change.newPath != nil && change.oldPath != change.newPath
            if isMove || !unchanged.contains(change.path) { paths.formUnion(change.paths) }
        }
        return paths.sorted(by: PathOrder.precedes)
    }

    /// The commit a working-tree submodule stands for: the one checked out in it, or, when it is not checked out
    /// (not initialised), the one HEAD records, as git sees it.
    public func submoduleCommit(at path: String) -> ObjectID? {
        if let workdir = workingDirectory,
            let submodule = try? GitRepository.open(at: FileSystem.join(workdir, path), environment: [:]),
            let head = try? submodule.headCommit()
        {
            return head
        }
        guard let head = try? headCommit(), let entry = try? entry(at: path, in: head), entry.mode == .gitlink
        else { return nil }
        return entry.id
    }

    /// Whether the working tree has, at `path`, a file of `mode` (a symlink for ``GitFileMode/symlink``) whose
    /// bytes on disk (a symlink's target text) are exactly those of `blob`.
    func hasContent(of blob: ObjectID, mode: GitFileMode, at path: String) -> Bool {
        guard let workdir = workingDirectory, let expected = try? blobContent(blob) else { return false }
        let absolute = FileSystem.join(workdir, path)
        var info = stat()
        guard lstat(absolute, &info) == 0 else { return false }
        switch mode {
        case .symlink:
            guard info.st_mode & S_IFMT == S_IFLNK else { return false }
            var buffer = [UInt8](repeating: 0, count: expected.count + 1)
            let count = readlink(absolute, &buffer, buffer.count)
            return count == expected.count && buffer.prefix(count).elementsEqual(expected)
        case .regular, .executable:
            guard info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) == expected.count,
                (info.st_mode & S_IXUSR != 0) == (mode == .executable),
                let bytes = try? FileSystem.readFile(absolute, limit: expected.count + 1)
            else { return false }
            return bytes == expected
        case .gitlink:
            return false
        }
    }
}
