import FleetBasics
import FleetGit
import FleetHashing

/// The changes between a commit and the working tree, without the paths whose content and mode are in fact the
/// same on both sides.
///
/// libgit2 compares a commit with the working tree in two steps (commit → index, index → working tree) and merges
/// them. Unlike `git diff <commit>`, the merge keeps a path that changed in the index and changed back in the
/// working tree (an edit or a `chmod` staged, then reverted), and `git rm --cached` yields a deletion plus an
/// untracked addition of the same file. Such a path is no change to any key, so the fast path must not see it:
/// it would select targets whose keys are equal (an extra answer, and a wrong `files` reason).
///
/// Only changes that can be such artefacts are checked, by reading the base blob and the working-tree file:
/// modifications and type changes whose mode is unchanged and whose new content libgit2 did not hash, and
/// deletions of a path that is also added. Likewise a submodule whose own working tree is dirty is "modified" for
/// libgit2, but only the commit checked out in it is an input.
enum WorkingTreeChanges {
    static func changes(from base: ObjectID?, repository: GitRepository) throws(GitError) -> [FileChange] {
        let changes = try repository.workingTreeChanges(from: base, detectRenames: false)
        guard let workdir = repository.workingDirectory else { return changes }
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
                    // A submodule with edits of its own but the same commit checked out: no change of the
                    // superproject (its key is the commit).
                    if FileInventory.submoduleCommit(path, repository: repository) == oldID { unchanged.insert(path) }
                    continue
                }
                if let newID = change.newID {
                    if newID == oldID { unchanged.insert(path) }
                } else if sameContent(workdir: workdir, path: path, blob: oldID, repository: repository) {
                    unchanged.insert(path)
                }
            case .deleted:
                guard let path = change.oldPath, let readded = added[path], let oldID = change.oldID,
                    let mode = change.oldMode, mode != .gitlink, readded.newMode == mode
                else { continue }
                if readded.newID == oldID
                    || sameContent(workdir: workdir, path: path, blob: oldID, repository: repository)
                {
                    unchanged.insert(path)
                }
            case .added, .renamed, .copied:
                continue
            }
        }
        if unchanged.isEmpty { return changes }
        return changes.filter { change in
            let isMove = change.oldPath != nil && change.newPath != nil && change.oldPath != change.newPath
            return isMove || !unchanged.contains(change.path)
        }
    }

    /// Whether the working-tree file (or symlink) at `path` has exactly the content of `blob`.
    private static func sameContent(workdir: String, path: String, blob: ObjectID, repository: GitRepository)
        -> Bool
    {
        let absolute = FileSystem.join(workdir, path)
        guard let content = try? repository.blobContent(blob), let stat = try? FileStat.of(absolute),
            stat.size == UInt64(content.count),
            let file = try? ContentHash.ofFile(at: absolute)
        else { return false }
        return file.digest.size == UInt64(content.count) && file.digest.digest == ContentHash.of(content)
    }
}
