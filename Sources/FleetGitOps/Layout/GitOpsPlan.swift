/// One service's new image in one environment.
public struct ImageTarget: Hashable, Sendable {
    public var service: String
    public var environment: String
    public var reference: ImageReference
    /// The service's image name (`image.name`), which a kustomize `images:` entry may use as its `name`.
    public var imageName: String

    public init(service: String, environment: String, reference: ImageReference, imageName: String) {
        self.service = service
        self.environment = environment
        self.reference = reference
        self.imageName = imageName
    }
}

/// One value changed in the GitOps repository.
public struct GitOpsValueChange: Hashable, Sendable {
    public var service: String
    public var environment: String
    /// The file, relative to the GitOps repository's root.
    public var file: String
    /// The YAML path of the value in the file.
    public var path: String
    /// The old value; nil when the key did not exist.
    public var old: String?
    public var new: String
    /// The 1-based line of the value after the change.
    public var line: Int
}

/// One file the plan writes: its old bytes (nil when it is new) and its new bytes.
public struct PlannedFile: Hashable, Sendable {
    /// Relative to the GitOps directory (where fleet writes it).
    public var path: String
    /// Relative to the GitOps repository's root (diffs, commits, messages).
    public var repositoryPath: String
    public var old: [UInt8]?
    public var new: [UInt8]

    public init(path: String, repositoryPath: String, old: [UInt8]?, new: [UInt8]) {
        self.path = path
        self.repositoryPath = repositoryPath
        self.old = old
        self.new = new
    }

    /// The unified diff of the change.
    public var diff: String { UnifiedDiff.render(path: repositoryPath, old: old, new: new) }
}

/// What a bump or a promotion would write: the changed files and every value changed in them. Empty when the
/// GitOps repository is up to date.
public struct GitOpsPlan: Sendable {
    public var targets: [ImageTarget]
    public var files: [PlannedFile]
    public var changes: [GitOpsValueChange]

    public init(targets: [ImageTarget], files: [PlannedFile], changes: [GitOpsValueChange]) {
        self.targets = targets
        self.files = files
        self.changes = changes
    }

    public var isUpToDate: Bool { files.isEmpty }

    /// The services whose image changes, in the order of ``targets``.
    public var changedServices: [String] {
        let changed = Set(changes.map(\.service))
        var seen = Set<String>()
        return targets.map(\.service).filter { changed.contains($0) && seen.insert($0).inserted }
    }

    /// The unified diff of every file.
    public var diff: String { files.map(\.diff).joined() }
}

/// The current image of a service in an environment, as the GitOps files say.
public struct CurrentImage: Hashable, Sendable {
    public var repository: String?
    public var tag: String
    public var digest: String?
    /// The file it was read from (repository-relative).
    public var file: String
    /// Other files of the layout that disagree with ``file`` (repository-relative path and their tag).
    public var disagreements: [String]
}
