import FleetManifest

/// What the tag template's placeholders stand for, for one service.
public struct TagValues: Sendable {
    /// The full source commit (`{sha}`; `{commit}` is its first 7 characters).
    public var commit: String?
    /// Why ``commit`` is unknown, for the message.
    public var commitUnavailable = "needs the source commit, which is unknown (the code is not in a git repository)"
    /// The service's build action key (`{key}` is its first 12 characters).
    public var key: String?
    /// The trimmed content of the service's VERSION file (`{version}`).
    public var version: String?
    /// Where the VERSION file is, for the message.
    public var versionPath: String?

    public init(commit: String? = nil, key: String? = nil, version: String? = nil, versionPath: String? = nil) {
        self.commit = commit
        self.key = key
        self.version = version
        self.versionPath = versionPath
    }
}

/// Renders `gitops.tag` for a service.
public enum TagTemplate {
    public static func render(_ template: String, service: String, environment: String, values: TagValues)
        throws(GitOpsError) -> String
    {
        var substitutions = ["service": service, "env": environment]
        for name in Placeholders.names(in: template) {
            switch name {
            case "commit", "sha":
                guard let commit = values.commit else {
                    throw .placeholderUnavailable(name, service: service, reason: values.commitUnavailable)
                }
                substitutions["sha"] = commit
                substitutions["commit"] = String(commit.prefix(7))
            case "key":
                guard let key = values.key else {
                    throw .placeholderUnavailable(
                        "key", service: service,
                        reason: "is the build key of the last run; bump with --from-run to use it")
                }
                substitutions["key"] = String(key.prefix(12))
            case "version":
                guard let version = values.version, !version.isEmpty else {
                    throw .versionFileMissing(path: values.versionPath ?? "VERSION", service: service)
                }
                substitutions["version"] = version
            default:
                break
            }
        }
        let tag = Placeholders.substitute(template, substitutions)
        if let problem = ImageReference.tagProblem(tag) { throw .invalidTag(tag, reason: problem) }
        return tag
    }
}
