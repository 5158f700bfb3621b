/// One changed path between two trees, or between a tree and the working tree.
public struct FileChange: Hashable, Sendable, CustomStringConvertible {
    /// What happened to the path, as `git diff --name-status` letters it.
    public enum Status: String, Hashable, Sendable {
        /// `A`: a new path (also untracked files in working-tree changes).
        case added = "A"
        /// `D`
        case deleted = "D"
        /// `M`: content or mode (e.g. `chmod +x`) changed, or a submodule moved to another commit.
        case modified = "M"
        /// `R`: moved, exactly or with similar content (see ``FileChange/similarity``).
        case renamed = "R"
        /// `C`: copied (only reported when copy detection is asked for).
        case copied = "C"
        /// `T`: the kind changed: file ↔ symlink ↔ submodule.
        case typeChanged = "T"
    }

    public var status: Status
    /// The path before; nil for ``Status/added``.
    public var oldPath: String?
    /// The path after; nil for ``Status/deleted``.
    public var newPath: String?
    public var oldMode: GitFileMode?
    public var newMode: GitFileMode?
    /// The blob before; nil when the path did not exist.
    public var oldID: ObjectID?
    /// The blob after; nil when the path does not exist, and for working-tree files whose content libgit2 did not
    /// need to hash (compare contents yourself if you need them).
    public var newID: ObjectID?
    /// 0–100 for ``Status/renamed`` and ``Status/copied`` (100 is an exact rename); nil otherwise.
    public var similarity: Int?

    public init(
        status: Status, oldPath: String?, newPath: String?, oldMode: GitFileMode? = nil,
        newMode: GitFileMode? = nil, oldID: ObjectID? = nil, newID: ObjectID? = nil, similarity: Int? = nil
    ) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldMode = oldMode
        self.newMode = newMode
        self.oldID = oldID
        self.newID = newID
        self.similarity = similarity
    }

    /// The path the change is listed under: the new path, or the old one for deletions.
    public var path: String { newPath ?? oldPath ?? "" }

    /// Every path the change touches (both sides of a rename), without duplicates.
    public var paths: [String] {
        switch (oldPath, newPath) {
        case (let old?, let new?) where old != new: [old, new]
        case (let old?, _): [old]
        case (nil, let new?): [new]
        case (nil, nil): []
        }
    }

    /// One line of `git diff --name-status`: `M\tpath`, `R087\told\tnew`.
    public var description: String {
        switch status {
        case .renamed, .copied:
            let score = similarity.map { String($0) } ?? "100"
            let padded = String(repeating: "0", count: max(0, 3 - score.count)) + score
            return "\(status.rawValue)\(padded)\t\(oldPath ?? "")\t\(newPath ?? "")"
        default:
            return "\(status.rawValue)\t\(path)"
        }
    }
}
