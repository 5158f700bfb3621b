public import FleetBasics
public import FleetManifest

/// Where the planner reads the GitOps files: the working tree, or a commit.
public protocol GitOpsFileSource {
    /// The bytes of a file relative to the GitOps directory, or nil when it does not exist.
    func read(_ relative: String) throws(GitOpsError) -> [UInt8]?
    /// The path relative to the GitOps repository's root.
    func repositoryPath(_ relative: String) -> String
}

extension GitOpsDirectory: GitOpsFileSource {}

/// Who and when, for the versions registry.
public struct RegistryStamp: Sendable {
    public var commit: String?
    public var at: String
    public var by: String
    public init(commit: String?, at: String, by: String) {
        self.commit = commit
        self.at = at
        self.by = by
    }
}

/// Works out every edit that puts images into the layout `gitops.files` describes, and applies them to the files'
/// current bytes (without writing anything).
public struct GitOpsPlanner {
    public let settings: GitOpsSettings
    public let source: any GitOpsFileSource
    public var allowCreate = true
    public var stamp: RegistryStamp?

    public init(settings: GitOpsSettings, source: any GitOpsFileSource, allowCreate: Bool = true,
                stamp: RegistryStamp? = nil) {
        self.settings = settings
        self.source = source
        self.allowCreate = allowCreate
        self.stamp = stamp
    }

    /// A group of edits to one file and document, attributed to a service.
    struct FileEdits {
        var path: String
        var document: DocumentSelector?
        var edits: [(edit: YAMLEdit, service: String, environment: String)] = []
    }

    /// The plan that writes every target's image into every file its layout maps, and into the registry.
    /// - Throws: ``DiagnosticsError`` with every problem found (missing files, refused edits…).
    public func plan(_ targets: [ImageTarget]) throws(DiagnosticsError) -> GitOpsPlan {
        var problems = DiagnosticCollector()
        var cache: [String: [UInt8]?] = [:]
        func bytes(_ path: String) throws(GitOpsError) -> [UInt8]? {
            if let cached = cache[path] { return cached }
            let read = try source.read(path)
            cache[path] = read
            return read
        }

        var groups: [FileEdits] = []
        for target in targets {
            for entry in settings.files(for: target.service) {
                let path = entry.path(service: target.service, environment: target.environment)
                do {
                    guard let content = try bytes(path) else {
                        if entry.isOptional { continue }
                        throw GitOpsError.fileMissing(path: source.repositoryPath(path), service: target.service,
                                                      environment: target.environment)
                    }
                    let selector = documentSelector(entry, target)
                    let file = try YAMLFile(bytes: content, name: source.repositoryPath(path))
                    let edits = try self.edits(for: target, entry: entry, in: file, selector: selector)
                    if let index = groups.firstIndex(where: { $0.path == path && $0.document == selector }) {
                        groups[index].edits += edits.map { ($0, target.service, target.environment) }
                    } else {
                        groups.append(FileEdits(path: path, document: selector,
                                                edits: edits.map { ($0, target.service, target.environment) }))
                    }
                } catch let error as any DiagnosticConvertible {
                    problems.append(contentsOf: error.diagnostics)
                } catch {
                    problems.error("\(error)", at: nil)
                }
            }
        }

        var current: [String: [UInt8]] = [:]
        var changes: [GitOpsValueChange] = []
        for group in groups {
            do {
                guard let original = try bytes(group.path) else { continue }
                let before = current[group.path] ?? original
                let result = try YAMLEditor.apply(group.edits.map(\.edit), to: before,
                                                  name: source.repositoryPath(group.path), document: group.document,
                                                  allowCreate: allowCreate)
                current[group.path] = result.bytes
                for change in result.changes {
                    let owner = group.edits.first { $0.edit.path == change.path }
                    changes.append(GitOpsValueChange(
                        service: owner?.service ?? "", environment: owner?.environment ?? "",
                        file: source.repositoryPath(group.path), path: change.path.description, old: change.old,
                        new: change.new, line: change.line))
                }
            } catch let error as any DiagnosticConvertible {
                problems.append(contentsOf: error.diagnostics)
            } catch {
                problems.error("\(error)", at: nil)
            }
        }

        var files: [PlannedFile] = []
        var order: [String] = []
        for group in groups where !order.contains(group.path) { order.append(group.path) }
        for path in order {
            guard let new = current[path], let old = cache[path] ?? nil, new != old else { continue }
            files.append(PlannedFile(path: path, repositoryPath: source.repositoryPath(path), old: old, new: new))
        }

        if let registry = settings.registry, let stamp {
            do {
                let (file, registryChanges) = try VersionsRegistry.plan(
                    targets, path: registry, source: source, stamp: stamp)
                if let file {
                    files.append(file)
                    changes += registryChanges
                }
            } catch let error as any DiagnosticConvertible {
                problems.append(contentsOf: error.diagnostics)
            } catch {
                problems.error("\(error)", at: nil)
            }
        }
        try problems.throwIfErrors()
        return GitOpsPlan(targets: targets, files: files, changes: changes)
    }

    private func documentSelector(_ entry: GitOpsFileEntry, _ target: ImageTarget) -> DocumentSelector? {
        guard !entry.document.isEmpty else { return nil }
        let values = ["service": target.service, "env": target.environment]
        return .matching(entry.document.map {
            DocumentCondition(path: $0.path.substituting(values), value: Placeholders.substitute($0.value, values))
        })
    }

    /// The edits one file entry needs for one target.
    func edits(for target: ImageTarget, entry: GitOpsFileEntry, in file: YAMLFile, selector: DocumentSelector?)
        throws(GitOpsError) -> [YAMLEdit]
    {
        let values = ["service": target.service, "env": target.environment]
        let reference = target.reference
        var edits: [YAMLEdit] = []
        /// The digest to write: the new one, or "" to clear a stale digest (never created when absent).
        func digestEdit(_ path: YAMLPath) -> YAMLEdit? {
            if let digest = reference.digest { return YAMLEdit(path, digest) }
            let existing = try? file.string(at: path, document: selector)
            return existing.map { $0.isEmpty ? nil : YAMLEdit(path, "") } ?? nil
        }
        switch entry.kind {
        case .values(let repository, let tag, let digest):
            if let repository { edits.append(YAMLEdit(repository.substituting(values), reference.repository)) }
            edits.append(YAMLEdit(tag.substituting(values), reference.tag))
            if let digest, let edit = digestEdit(digest.substituting(values)) { edits.append(edit) }
        case .image(let path):
            edits.append(YAMLEdit(path.substituting(values), reference.description))
        case .kustomize:
            let index = try kustomizeIndex(for: target, in: file, selector: selector)
            let item = YAMLPath([.key("images"), .index(index)])
            let name = (try? file.string(at: item.appending(YAMLPath([.key("name")])), document: selector)) ?? nil
            if name != reference.repository {
                edits.append(YAMLEdit(item.appending(YAMLPath([.key("newName")])), reference.repository))
            }
            edits.append(YAMLEdit(item.appending(YAMLPath([.key("newTag")])), reference.tag))
            if let edit = digestEdit(item.appending(YAMLPath([.key("digest")]))) { edits.append(edit) }
        }
        return edits
    }

    /// The index of the service's entry in a kustomization's `images:` list: the one whose `newName` is the
    /// service's repository, else whose `name` is the repository, else whose `name` is the image name.
    func kustomizeIndex(for target: ImageTarget, in file: YAMLFile, selector: DocumentSelector?)
        throws(GitOpsError) -> Int
    {
        var entries: [(name: String?, newName: String?)] = []
        var index = 0
        while true {
            let item = YAMLPath([.key("images"), .index(index)])
            guard let value = try? file.value(at: item, document: selector), value != .missing else { break }
            let name = (try? file.string(at: item.appending(YAMLPath([.key("name")])), document: selector)) ?? nil
            let newName = (try? file.string(at: item.appending(YAMLPath([.key("newName")])), document: selector))
                ?? nil
            entries.append((name: name, newName: newName))
            index += 1
        }
        let repository = target.reference.repository
        let rules: [((name: String?, newName: String?)) -> Bool] = [
            { $0.newName == repository }, { $0.name == repository && $0.newName == nil },
            { $0.name == target.imageName },
        ]
        for rule in rules {
            let matches = entries.indices.filter { rule(entries[$0]) }
            if matches.count == 1, let match = matches.first { return match }
        }
        throw .noKustomizeImage(file: file.name, service: target.service,
                                candidates: [repository, target.imageName].reduce(into: []) {
                                    if !$0.contains($1) { $0.append($1) }
                                },
                                entries: entries.compactMap { $0.name })
    }

    // MARK: - Reading

    /// The image a service has in an environment according to the layout's files (the first file that names a
    /// tag), or nil when none does.
    public func currentImage(service: String, imageName: String, repository: String, environment: String)
        throws(DiagnosticsError) -> CurrentImage?
    {
        var found: [CurrentImage] = []
        var problems = DiagnosticCollector()
        let target = ImageTarget(service: service, environment: environment,
                                 reference: ImageReference(repository: repository, tag: "x"), imageName: imageName)
        for entry in settings.files(for: service) {
            let path = entry.path(service: service, environment: environment)
            let values = ["service": service, "env": environment]
            do {
                guard let bytes = try source.read(path) else { continue }
                let file = try YAMLFile(bytes: bytes, name: source.repositoryPath(path))
                let selector = documentSelector(entry, target)
                var image: (repository: String?, tag: String?, digest: String?)
                switch entry.kind {
                case .values(let repositoryPath, let tagPath, let digestPath):
                    image.repository = try repositoryPath.flatMap {
                        try file.string(at: $0.substituting(values), document: selector) }
                    image.tag = try file.string(at: tagPath.substituting(values), document: selector)
                    image.digest = try digestPath.flatMap {
                        try file.string(at: $0.substituting(values), document: selector) }
                case .image(let imagePath):
                    if let text = try file.string(at: imagePath.substituting(values), document: selector) {
                        let parsed = ImageReference.parse(text)
                        image = (parsed.repository, parsed.tag, parsed.digest)
                    }
                case .kustomize:
                    guard let index = try? kustomizeIndex(for: target, in: file, selector: selector) else { continue }
                    let item = YAMLPath([.key("images"), .index(index)])
                    image.repository = try file.string(at: item.appending(YAMLPath([.key("newName")])),
                                                       document: selector)
                        ?? file.string(at: item.appending(YAMLPath([.key("name")])), document: selector)
                    image.tag = try file.string(at: item.appending(YAMLPath([.key("newTag")])), document: selector)
                    image.digest = try file.string(at: item.appending(YAMLPath([.key("digest")])),
                                                   document: selector)
                }
                guard let tag = image.tag, !tag.isEmpty else { continue }
                found.append(CurrentImage(repository: image.repository, tag: tag,
                                          digest: image.digest.flatMap { $0.isEmpty ? nil : $0 },
                                          file: file.name, disagreements: []))
            } catch let error as any DiagnosticConvertible {
                problems.append(contentsOf: error.diagnostics)
            } catch {
                problems.error("\(error)", at: nil)
            }
        }
        try problems.throwIfErrors()
        guard var first = found.first else { return nil }
        first.disagreements = found.dropFirst().filter { $0.tag != first.tag || $0.digest != first.digest }
            .map { "\($0.file) (\($0.tag))" }
        return first
    }
}
