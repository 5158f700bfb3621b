public import FleetBasics
public import FleetManifest

/// What `fleet bump` is asked to do.
public struct BumpRequest: Sendable {
    public var environment: String
    /// The services to bump; empty: every service (or, with a run record, every service it built).
    public var services: [String]
    /// `--tag`: the tag of every service, instead of `gitops.tag`.
    public var tag: String?
    /// `--digest`: the digest of the (one) service.
    public var digest: String?
    /// `--from-run`: the last run's record and its path (for messages).
    public var run: (record: RunRecord, path: String)?
    /// The source commit (the code repository's HEAD) when not bumping from a run.
    public var sourceCommit: String?

    public init(environment: String, services: [String] = [], tag: String? = nil, digest: String? = nil,
                run: (record: RunRecord, path: String)? = nil, sourceCommit: String? = nil) {
        self.environment = environment
        self.services = services
        self.tag = tag
        self.digest = digest
        self.run = run
        self.sourceCommit = sourceCommit
    }

    /// The commit the new images are built from: the run's, else the code repository's HEAD.
    public var commit: String? { run?.record.commit ?? sourceCommit }
}

/// Works out the new image of each service for `fleet bump`.
public enum Bump {
    /// The settings, or why there are none.
    public static func settings(of manifest: Manifest) throws(GitOpsError) -> GitOpsSettings {
        guard let gitops = manifest.gitops else {
            throw .noGitOpsSection(manifest: manifest.workspace.displayPath)
        }
        return gitops
    }

    /// Checks an environment name against `gitops.environments`.
    public static func checkEnvironment(_ name: String, in settings: GitOpsSettings) throws(GitOpsError) {
        guard settings.environments.contains(name) else {
            throw .unknownEnvironment(name, known: settings.environments)
        }
    }

    /// The services named (all services when none are), checked.
    public static func services(_ names: [String], in manifest: Manifest) throws(DiagnosticsError) -> [Target] {
        let services = manifest.services
        guard !names.isEmpty else { return services }
        var problems = DiagnosticCollector()
        var result: [Target] = []
        for name in names {
            if let service = services.first(where: { $0.name == name }) {
                if !result.contains(service) { result.append(service) }
            } else if manifest.target(named: name) != nil {
                problems.append(contentsOf: GitOpsError.notAService(name).diagnostics)
            } else {
                problems.append(contentsOf: GitOpsError.unknownService(name, known: services.map(\.name)).diagnostics)
            }
        }
        try problems.throwIfErrors()
        return result
    }

    /// The image every requested service gets in the request's environment.
    public static func targets(manifest: Manifest, request: BumpRequest) throws(DiagnosticsError) -> [ImageTarget] {
        var problems = DiagnosticCollector()
        func fail(_ error: GitOpsError) { problems.append(contentsOf: error.diagnostics) }
        let settings: GitOpsSettings
        do {
            settings = try Self.settings(of: manifest)
            try checkEnvironment(request.environment, in: settings)
        } catch {
            throw DiagnosticsError(error.diagnostics)
        }

        var services = try Self.services(request.services, in: manifest)
        var keys: [String: String] = [:]
        if let (record, path) = request.run {
            if request.tag == nil {
                if record.commit == nil { fail(.runRecordWithoutCommit(path: path)) }
                if record.dirty { fail(.runRecordDirty(path: path)) }
            }
            keys = record.builtTargets
            if request.services.isEmpty {
                services = services.filter { keys[$0.name] != nil }
                if services.isEmpty { fail(.nothingBuilt(path: path, status: record.status)) }
            } else {
                for service in services where keys[service.name] == nil {
                    fail(.notBuiltByRun(service.name, path: path))
                }
            }
        }
        if request.digest != nil, services.count > 1 { fail(.digestForSeveralServices(services.count)) }
        if let tag = request.tag, let problem = ImageReference.tagProblem(tag) {
            fail(.invalidTag(tag, reason: problem))
        }
        if let digest = request.digest, !ImageReference.isDigest(digest) {
            fail(.invalidDigest(digest, source: "--digest"))
        }
        try problems.throwIfErrors()

        var targets: [ImageTarget] = []
        for service in services {
            guard let image = service.image else { continue }
            do throws(GitOpsError) {
                let directory = manifest.workspace.absolutePath(forRootRelative: service.path)
                let tag: String
                if let fixed = request.tag {
                    tag = fixed
                } else {
                    var values = TagValues(commit: request.commit, key: keys[service.name])
                    if request.run != nil, request.run?.record.commit == nil {
                        values.commitUnavailable = "needs the commit of the last run, which was not of a commit"
                    }
                    if Placeholders.names(in: settings.tag.value).contains("version") {
                        let path = FileSystem.join(directory, "VERSION")
                        values.versionPath = FileSystem.displayPath(path)
                        values.version = (try? FileSystem.readText(path))?.trimmingWhitespace()
                    }
                    tag = try TagTemplate.render(settings.tag.value, service: service.name,
                                                 environment: request.environment, values: values)
                }
                var digest = request.digest
                if request.run != nil, digest == nil, let digestFile = settings.digestFile {
                    let path = FileSystem.join(directory, digestFile)
                    if let text = try? FileSystem.readText(path) {
                        let trimmed = text.trimmingWhitespace()
                        guard ImageReference.isDigest(trimmed) else {
                            throw GitOpsError.invalidDigest(trimmed, source: FileSystem.displayPath(path))
                        }
                        digest = trimmed
                    }
                }
                targets.append(ImageTarget(
                    service: service.name, environment: request.environment,
                    reference: ImageReference(repository: image.repository, tag: tag, digest: digest),
                    imageName: image.name))
            } catch {
                fail(error)
            }
        }
        try problems.throwIfErrors()
        return targets
    }
}
