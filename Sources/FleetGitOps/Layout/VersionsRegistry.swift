import FleetManifest

/// `gitops.registry`: one YAML file recording, per service and environment, the tag and digest deployed, the source
/// commit, when and by whom (`api-gateway: {dev: {tag, digest, commit, at, by}}`). Written with the same byte-exact
/// editor; an entry changes only when its tag or digest does, so a repeated bump leaves it alone.
enum VersionsRegistry {
    static let header = "# Image versions per service and environment, written by fleet bump and fleet promote.\n"
        + "# service → environment → tag, digest, commit (the source commit), at (UTC), by\n"

    static func plan(_ targets: [ImageTarget], path: String, source: any GitOpsFileSource, stamp: RegistryStamp)
        throws -> (PlannedFile?, [GitOpsValueChange])
    {
        let repositoryPath = source.repositoryPath(path)
        let old = try source.read(path)
        var file = old.map { _ in nil as YAMLFile? } ?? nil
        if let old { file = try YAMLFile(bytes: old, name: repositoryPath) }

        var edits: [(YAMLEdit, ImageTarget)] = []
        for target in targets {
            let base = YAMLPath([.key(target.service), .key(target.environment)])
            func current(_ key: String) -> String? {
                guard let file, !file.documents.isEmpty else { return nil }
                return (try? file.string(at: base.appending(YAMLPath([.key(key)])))) ?? nil
            }
            let digest = target.reference.digest ?? ""
            if current("tag") == target.reference.tag, (current("digest") ?? "") == digest { continue }
            let fields = [("tag", target.reference.tag), ("digest", digest), ("commit", stamp.commit ?? ""),
                          ("at", stamp.at), ("by", stamp.by)]
            for (key, value) in fields {
                edits.append((YAMLEdit(base.appending(YAMLPath([.key(key)])), value), target))
            }
        }
        guard !edits.isEmpty else { return (nil, []) }

        let new: [UInt8]
        var changes: [GitOpsValueChange] = []
        if let file, !file.documents.isEmpty, !file.documents[0].root.isNull {
            let result = try YAMLEditor.apply(edits.map(\.0), to: file)
            new = result.bytes
            for change in result.changes {
                let target = edits.first { $0.0.path == change.path }?.1
                changes.append(GitOpsValueChange(
                    service: target?.service ?? "", environment: target?.environment ?? "", file: repositoryPath,
                    path: change.path.description, old: change.old, new: change.new, line: change.line))
            }
        } else {
            var entries: [BlockYAMLWriter.Entry] = []
            for (edit, _) in edits {
                BlockYAMLWriter.insert(.scalar(edit.value), at: edit.path.keys[...], into: &entries)
            }
            let prefix = old.map { String(decoding: $0, as: UTF8.self) } ?? header
            let text = prefix + (prefix.isEmpty || prefix.hasSuffix("\n") ? "" : "\n")
                + BlockYAMLWriter.render(entries)
            new = Array(text.utf8)
            let written = try YAMLFile(bytes: new, name: repositoryPath)
            for (edit, target) in edits {
                let line = Self.line(of: edit.path, in: written)
                changes.append(GitOpsValueChange(
                    service: target.service, environment: target.environment, file: repositoryPath,
                    path: edit.path.description, old: nil, new: edit.value, line: line))
            }
        }
        return (PlannedFile(path: path, repositoryPath: repositoryPath, old: old, new: new), changes)
    }

    private static func line(of path: YAMLPath, in file: YAMLFile) -> Int {
        guard var node = file.documents.first?.root else { return 0 }
        for key in path.keys {
            guard let value = node[key] else { return 0 }
            node = value
        }
        return node.start.line
    }
}
