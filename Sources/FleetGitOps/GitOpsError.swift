public import FleetBasics

/// Why a GitOps command refused to run or to write. Nothing is written when any of these is thrown.
public enum GitOpsError: Error, Hashable, Sendable {
    case noGitOpsSection(manifest: String)
    case unknownEnvironment(String, known: [String])
    case unknownService(String, known: [String])
    case notAService(String)
    case directoryMissing(String)
    case fileMissing(path: String, service: String, environment: String)
    case pathEscapes(String, directory: String)
    case noKustomizeImage(file: String, service: String, candidates: [String], entries: [String])
    case runRecordMissing(path: String)
    case runRecordInvalid(path: String, reason: String)
    case runRecordWithoutCommit(path: String)
    case runRecordDirty(path: String)
    case nothingBuilt(path: String, status: String)
    case notBuiltByRun(String, path: String)
    case placeholderUnavailable(String, service: String, reason: String)
    case versionFileMissing(path: String, service: String)
    case invalidTag(String, reason: String)
    case invalidDigest(String, source: String)
    case digestForSeveralServices(Int)
    case dirtyFile(String)
    case nothingToPromote(service: String, environment: String)
    case promotionSkipsStages(from: String, to: String, skipped: [String])
    case promotionBackwards(from: String, to: String)
    case sameEnvironment(String)
    case unreadable(path: String, reason: String)
    case commitNeedsRepository(String)
}

extension GitOpsError: DiagnosticConvertible, CustomStringConvertible {
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    public var diagnostics: [Diagnostic] {
        switch self {
        case .noGitOpsSection(let manifest):
            return [.error("\(manifest) has no 'gitops:' section", hint: "see docs/gitops.md to describe the GitOps "
                               + "repository; 'fleet gitops set' works without it")]
        case .unknownEnvironment(let name, let known):
            var d = Diagnostic.error("unknown environment '\(name)'",
                                     hint: Suggestions.hint(for: name, in: known))
            d.hints.append("gitops.environments: " + known.joined(separator: ", "))
            return [d]
        case .unknownService(let name, let known):
            return [.error("unknown service '\(name)'", hint: Suggestions.hint(for: name, in: known))]
        case .notAService(let name):
            return [.error("'\(name)' is a lib; only services are deployed")]
        case .directoryMissing(let path):
            return [.error("the GitOps directory '\(path)' does not exist",
                           hint: "create it, clone the GitOps repository there, or pass --gitops-dir")]
        case .fileMissing(let path, let service, let environment):
            return [.error("'\(path)' does not exist (the image of \(service) in \(environment))",
                           hint: "run 'fleet gitops scaffold --env \(environment)' to create it, or mark the file "
                               + "entry 'optional: true'")]
        case .pathEscapes(let path, let directory):
            return [.error("'\(path)' leads outside the GitOps directory '\(directory)'",
                           hint: "fleet never writes outside gitops.dir, through '..' or symbolic links")]
        case .noKustomizeImage(let file, let service, let candidates, let entries):
            let names = candidates.map { "'\($0)'" }.joined(separator: " or ")
            let shown = entries.isEmpty ? "it has no images: entries"
                : "its images: entries are " + entries.map { "'\($0)'" }.joined(separator: ", ")
            return [.error("\(file) has no images: entry for \(service) (name or newName \(names)); \(shown)",
                           hint: "add '- name: \(candidates.last ?? service)' under images:")]
        case .runRecordMissing(let path):
            return [.error("no run record at '\(path)'",
                           hint: "run 'fleet run build' first, or bump with --tag and the services to bump")]
        case .runRecordInvalid(let path, let reason):
            return [.error("cannot read the run record '\(path)': \(reason)")]
        case .runRecordWithoutCommit(let path):
            return [.error("the last run (\(path)) was not of a git commit, so its tag would not identify the "
                               + "sources", hint: "pass --tag to choose the tag yourself")]
        case .runRecordDirty(let path):
            return [.error("the last run (\(path)) built uncommitted changes, so a tag from its commit would not "
                               + "identify the sources",
                           hint: "commit and run again, or pass --tag to choose the tag yourself")]
        case .nothingBuilt(let path, let status):
            return [.error("the last run (\(path), \(status)) built no service", hint: "nothing to bump")]
        case .notBuiltByRun(let service, let path):
            return [.error("\(service) was not built by the last run (\(path))",
                           hint: "run its build, or leave it out")]
        case .placeholderUnavailable(let name, let service, let reason):
            return [.error("cannot compute the tag of \(service): {\(name)} \(reason)",
                           hint: "pass --tag, or change gitops.tag")]
        case .versionFileMissing(let path, let service):
            return [.error("the tag of \(service) uses {version}, but '\(path)' does not exist or is empty")]
        case .invalidTag(let tag, let reason):
            return [.error("invalid image tag '\(tag)': \(reason)",
                           hint: "tags have 1 to 128 letters, digits, '_', '.' and '-', and do not start with '.' "
                               + "or '-'")]
        case .invalidDigest(let text, let source):
            return [.error("invalid image digest '\(text)' (\(source))",
                           hint: "a digest is 'sha256:' followed by 64 lowercase hexadecimal digits")]
        case .digestForSeveralServices(let count):
            return [.error("--digest names one image, but \(count) services are being bumped",
                           hint: "name one service, or leave out --digest")]
        case .dirtyFile(let path):
            return [.error("'\(path)' has uncommitted changes in the GitOps repository",
                           hint: "commit or stash them first, or pass --allow-dirty to edit it anyway")]
        case .nothingToPromote(let service, let environment):
            return [.error("\(service) has no image in \(environment): nothing to promote")]
        case .promotionSkipsStages(let from, let to, let skipped):
            let stages = skipped.map { "'\($0)'" }.joined(separator: ", ")
            return [.error("promoting from \(from) to \(to) skips \(stages) of the promotion order",
                           hint: "promote one stage at a time, or pass --force")]
        case .promotionBackwards(let from, let to):
            return [.error("\(to) comes before \(from) in the promotion order",
                           hint: "pass --force to copy an image backwards (a rollback)")]
        case .sameEnvironment(let name):
            return [.error("--from and --to are both '\(name)'")]
        case .unreadable(let path, let reason):
            return [.error("cannot read '\(path)': \(reason)")]
        case .commitNeedsRepository(let path):
            return [.error("--commit needs a git repository, but '\(path)' is not in one")]
        }
    }
}
