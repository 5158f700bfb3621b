public import FleetBasics

/// The `gitops:` section of `fleet.yaml`: where each service's image lives in the GitOps repository, per
/// environment, and how to scaffold Argo CD applications. Validated by ``ManifestLoader``; see docs/gitops.md.
public struct GitOpsSettings: Hashable, Sendable {
    /// The placeholders a file path, a YAML path or a document selector may use.
    public static let layoutPlaceholders = ["env", "service"]
    /// The placeholders the tag template may use.
    public static let tagPlaceholders = ["commit", "sha", "key", "version", "service", "env"]

    /// The GitOps directory relative to the root, normalised (`""` is the root itself). It may be its own git
    /// repository or a directory of the code repository.
    public var dir: String
    /// Environments in promotion order (`dev`, `staging`, `prod`).
    public var environments: [String]
    /// The tag template (`sha-{commit}`); default `{commit}`.
    public var tag: Located<String>
    /// A file with the image digest (`sha256:…`), relative to each service's directory, read by `bump --from-run`.
    public var digestFile: String?
    /// The versions registry file (service → env → tag, digest, commit, at, by), relative to ``dir``.
    public var registry: String?
    /// Every place a service's image is written, in order.
    public var files: [GitOpsFileEntry]
    /// Settings for `fleet gitops scaffold`.
    public var argocd: ArgoCDSettings?
    /// Where `gitops:` is written.
    public var location: SourceLocation

    public init(dir: String, environments: [String], tag: Located<String>, digestFile: String? = nil,
                registry: String? = nil, files: [GitOpsFileEntry], argocd: ArgoCDSettings? = nil,
                location: SourceLocation) {
        self.dir = dir
        self.environments = environments
        self.tag = tag
        self.digestFile = digestFile
        self.registry = registry
        self.files = files
        self.argocd = argocd
        self.location = location
    }

    /// The file entries that apply to `service`, in order.
    public func files(for service: String) -> [GitOpsFileEntry] { files.filter { $0.applies(to: service) } }

    /// The environment before `environment` in promotion order, if any.
    public func environment(before environment: String) -> String? {
        guard let index = environments.firstIndex(of: environment), index > 0 else { return nil }
        return environments[index - 1]
    }
}

/// One entry of `gitops.files`: a file (per environment and usually per service) and where the image is in it.
public struct GitOpsFileEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Separate scalars for the repository, the tag and the digest (Helm values, umbrella charts).
        case values(repository: YAMLPath?, tag: YAMLPath, digest: YAMLPath?)
        /// A kustomization's `images:` list: the entry whose `name` (or `newName`) is the service's image, with
        /// `newName`, `newTag` and `digest`.
        case kustomize
        /// One scalar with the whole reference, `repository:tag` or `repository:tag@digest` (a container's
        /// `image:` in a plain manifest).
        case image(YAMLPath)
    }

    /// The file's path template relative to the GitOps directory (`environments/{env}/{service}.yaml`).
    public var path: String
    public var kind: Kind
    /// `services:` as written: names or globs over service names, `!` excludes; nil applies to every service.
    public var services: [String]?
    /// For multi-document files: conditions a document must meet (`kind=Deployment`), values may use placeholders.
    public var document: [DocumentCondition]
    /// When true, a missing file is skipped instead of being an error.
    public var isOptional: Bool
    public var location: SourceLocation
    private var filter: GlobList?

    public init(path: String, kind: Kind, services: [String]? = nil, document: [DocumentCondition] = [],
                isOptional: Bool = false, location: SourceLocation) throws(GlobError) {
        self.path = path
        self.kind = kind
        self.services = services
        self.document = document
        self.isOptional = isOptional
        self.location = location
        if let services { self.filter = try GlobList(patterns: services) } else { self.filter = nil }
    }

    /// Whether this entry applies to the service called `name`.
    public func applies(to name: String) -> Bool { filter?.matches(name) ?? true }

    /// The file path for one service and environment.
    public func path(service: String, environment: String) -> String {
        Placeholders.substitute(path, ["service": service, "env": environment])
    }

    /// Whether the path differs per service (else the file is shared by the services it applies to).
    public var isPerService: Bool { Placeholders.names(in: path).contains("service") }
}

/// `key.path=value`: a document (or list item) condition.
public struct DocumentCondition: Hashable, Sendable, CustomStringConvertible {
    public var path: YAMLPath
    public var value: String

    public init(path: YAMLPath, value: String) {
        self.path = path
        self.value = value
    }

    public var description: String { "\(path)=\(value)" }

    /// Parses `kind=Deployment,metadata.name=frontend`: conditions separated by `,` outside brackets and quotes.
    public static func parseList(_ text: String) throws(YAMLPathError) -> [DocumentCondition] {
        var conditions: [DocumentCondition] = []
        for part in splitOutsideQuotes(text, separator: ",") {
            guard let (path, value) = YAMLPath.splitAssignment(part) else {
                throw YAMLPathError(path: text, reason: "'\(part)' is not of the form path=value", offset: 0)
            }
            conditions.append(DocumentCondition(path: try YAMLPath(parsing: path), value: value))
        }
        if conditions.isEmpty { throw YAMLPathError(path: text, reason: "no condition", offset: 0) }
        return conditions
    }

    static func splitOutsideQuotes(_ text: String, separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "[" {
                depth += 1
            } else if character == "]" {
                depth = max(0, depth - 1)
            } else if character == separator, depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts.filter { !$0.isEmpty }
    }
}

/// `gitops.argocd`: what `fleet gitops scaffold` writes for each service and environment.
public struct ArgoCDSettings: Hashable, Sendable {
    /// The GitOps repository's URL, as Argo CD clones it.
    public var repoURL: String
    /// The branch Argo CD follows; default `HEAD`.
    public var targetRevision: String
    /// The Argo CD project; default `default` (no `bootstrap/project.yaml` is written for it).
    public var project: String
    /// The namespace services are deployed into (template); default `{env}`.
    public var namespace: String
    /// The destination cluster by name (template), or nil to use ``server``.
    public var cluster: String?
    /// The destination cluster by API server URL; default `https://kubernetes.default.svc`.
    public var server: String
    /// The namespace of the `Application` objects; default `argocd`.
    public var appNamespace: String
    /// Where the `Application` of a service and environment goes (template); default `apps/{env}/{service}.yaml`.
    public var apps: String
    /// The directory of the App-of-Apps root (and the project); default `bootstrap`.
    public var bootstrap: String
    /// The Helm chart that per-service values files are for.
    public var chart: Chart?
    /// Extra labels of every `Application` (values are templates), after `app.kubernetes.io/name` and `part-of`.
    public var labels: [Label]
    /// Sync options of every environment unless ``sync`` says otherwise; default `[CreateNamespace=true]`.
    public var syncOptions: [String]
    /// Per-environment sync policies; environments not listed get the default (see ``syncPolicy(for:in:)``).
    public var sync: [String: SyncPolicy]
    public var location: SourceLocation

    public struct Chart: Hashable, Sendable {
        /// A Helm repository URL (with ``name`` and ``version``), or nil for a chart inside the GitOps repository.
        public var repoURL: String?
        public var name: String?
        public var version: String?
        /// The chart's directory in the GitOps repository (when ``repoURL`` is nil).
        public var path: String?

        public init(repoURL: String? = nil, name: String? = nil, version: String? = nil, path: String? = nil) {
            self.repoURL = repoURL
            self.name = name
            self.version = version
            self.path = path
        }
    }

    public struct Label: Hashable, Sendable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public struct SyncPolicy: Hashable, Sendable {
        public var automated: Bool
        public var prune: Bool
        public var selfHeal: Bool
        /// nil: ``ArgoCDSettings/syncOptions``.
        public var options: [String]?

        public init(automated: Bool, prune: Bool = true, selfHeal: Bool = true, options: [String]? = nil) {
            self.automated = automated
            self.prune = prune
            self.selfHeal = selfHeal
            self.options = options
        }
    }

    public init(repoURL: String, targetRevision: String = "HEAD", project: String = "default",
                namespace: String = "{env}", cluster: String? = nil,
                server: String = "https://kubernetes.default.svc", appNamespace: String = "argocd",
                apps: String = "apps/{env}/{service}.yaml", bootstrap: String = "bootstrap", chart: Chart? = nil,
                labels: [Label] = [], syncOptions: [String] = ["CreateNamespace=true"],
                sync: [String: SyncPolicy] = [:], location: SourceLocation) {
        self.repoURL = repoURL
        self.targetRevision = targetRevision
        self.project = project
        self.namespace = namespace
        self.cluster = cluster
        self.server = server
        self.appNamespace = appNamespace
        self.apps = apps
        self.bootstrap = bootstrap
        self.chart = chart
        self.labels = labels
        self.syncOptions = syncOptions
        self.sync = sync
        self.location = location
    }

    /// The policy of `environment`: as configured, else automated (prune, self-heal) for every environment but
    /// the last of `environments`, which is synced by hand.
    public func syncPolicy(for environment: String, in environments: [String]) -> SyncPolicy {
        if let policy = sync[environment] { return policy }
        return SyncPolicy(automated: environment != environments.last)
    }
}
