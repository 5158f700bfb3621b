import FleetBasics
import FleetYAML

/// `gitops:` as written, with locations; checked and resolved by `ManifestBuilder.buildGitOps()`.
struct RawGitOps {
    var location: SourceLocation
    var dir: Located<String>?
    var environments: [Located<String>]?
    /// True when `environments` is written, even with the wrong type (reported already).
    var hasEnvironmentsKey = false
    var tag: Located<String>?
    var digestFile: Located<String>?
    var registry: Located<String>?
    var files: [RawGitOpsFile] = []
    var filesLocation: SourceLocation?
    var argocd: RawArgoCD?
}

struct RawGitOpsFile {
    var location: SourceLocation
    var path: Located<String>?
    var repository: Located<String>?
    var tag: Located<String>?
    var digest: Located<String>?
    var image: Located<String>?
    var kustomize: Located<Bool>?
    var services: [Located<String>]?
    var document: Located<String>?
    var isOptional = false
}

struct RawArgoCD {
    var location: SourceLocation
    var strings: [String: Located<String>] = [:]
    var chart: [String: Located<String>] = [:]
    var chartLocation: SourceLocation?
    var labels: [(key: Located<String>, value: Located<String>)] = []
    var syncOptions: [Located<String>]?
    var sync: [(environment: Located<String>, policy: ArgoCDSettings.SyncPolicy)] = []
}

extension ManifestDecoder {
    static let gitopsKeys = ["dir", "environments", "tag", "digestFile", "registry", "files", "argocd"]
    static let gitopsFileKeys = ["path", "services", "repository", "tag", "digest", "image", "kustomize", "document",
                                 "optional"]
    static let argocdKeys = ["repoURL", "targetRevision", "project", "namespace", "cluster", "server", "appNamespace",
                             "apps", "bootstrap", "chart", "labels", "syncOptions", "sync"]
    static let argocdStringKeys = ["repoURL", "targetRevision", "project", "namespace", "cluster", "server",
                                   "appNamespace", "apps", "bootstrap"]
    static let chartKeys = ["repoURL", "name", "version", "path"]
    static let syncKeys = ["automated", "prune", "selfHeal", "options"]

    mutating func decodeGitOps(_ node: YAMLNode, keyLocation: SourceLocation) -> RawGitOps? {
        guard node.isMapping else {
            problems.append(.wrongType(key: "gitops", expected: "a mapping", found: node.kindDescription,
                                       hint: "see docs/gitops.md for the gitops section", at: location(node)))
            return nil
        }
        var gitops = RawGitOps(location: keyLocation)
        for (key, (_, value)) in keyed(node, section: "gitops", allowed: Self.gitopsKeys).ordered {
            switch key {
            case "dir": gitops.dir = optionalString(value, key: "gitops.dir")
            case "environments":
                gitops.hasEnvironmentsKey = true
                gitops.environments = stringList(value, key: "gitops.environments").value
            case "tag": gitops.tag = optionalString(value, key: "gitops.tag")
            case "digestFile": gitops.digestFile = optionalString(value, key: "gitops.digestFile")
            case "registry": gitops.registry = optionalString(value, key: "gitops.registry")
            case "files":
                gitops.filesLocation = location(value)
                gitops.files = decodeGitOpsFiles(value)
            case "argocd": gitops.argocd = decodeArgoCD(value)
            default: break
            }
        }
        return gitops
    }

    private mutating func decodeGitOpsFiles(_ node: YAMLNode) -> [RawGitOpsFile] {
        guard let items = node.items else {
            problems.append(.wrongType(key: "gitops.files", expected: "a list of file entries",
                                       found: node.kindDescription,
                                       hint: "write '- path: environments/{env}/{service}.yaml' entries",
                                       at: location(node)))
            return []
        }
        var files: [RawGitOpsFile] = []
        for item in items {
            guard item.isMapping else {
                problems.append(.wrongType(key: "gitops.files", expected: "a mapping with 'path'",
                                           found: item.kindDescription, hint: nil, at: location(item)))
                continue
            }
            var file = RawGitOpsFile(location: location(item))
            for (key, (_, value)) in keyed(item, section: "a gitops file entry", allowed: Self.gitopsFileKeys)
                .ordered
            {
                switch key {
                case "path": file.path = optionalString(value, key: "path")
                case "repository": file.repository = optionalString(value, key: "repository")
                case "tag": file.tag = optionalString(value, key: "tag")
                case "digest": file.digest = optionalString(value, key: "digest")
                case "image": file.image = optionalString(value, key: "image")
                case "document": file.document = optionalString(value, key: "document")
                case "services": file.services = stringList(value, key: "services").value
                case "kustomize": file.kustomize = gitopsBool(value, key: "kustomize")
                case "optional": file.isOptional = gitopsBool(value, key: "optional")?.value ?? false
                default: break
                }
            }
            files.append(file)
        }
        return files
    }

    private mutating func decodeArgoCD(_ node: YAMLNode) -> RawArgoCD? {
        guard node.isMapping else {
            problems.append(.wrongType(key: "gitops.argocd", expected: "a mapping", found: node.kindDescription,
                                       hint: nil, at: location(node)))
            return nil
        }
        var argocd = RawArgoCD(location: location(node))
        for (key, (_, value)) in keyed(node, section: "gitops.argocd", allowed: Self.argocdKeys).ordered {
            switch key {
            case "chart":
                guard value.isMapping else {
                    problems.append(.wrongType(key: "chart", expected: "a mapping (repoURL, name, version, or path)",
                                               found: value.kindDescription, hint: nil, at: location(value)))
                    continue
                }
                argocd.chartLocation = location(value)
                for (chartKey, (_, chartValue)) in keyed(value, section: "gitops.argocd.chart",
                                                         allowed: Self.chartKeys).ordered {
                    argocd.chart[chartKey] = optionalString(chartValue, key: "chart.\(chartKey)")
                }
            case "labels":
                guard value.isMapping else {
                    problems.append(.wrongType(key: "labels", expected: "a mapping of label names to values",
                                               found: value.kindDescription, hint: nil, at: location(value)))
                    continue
                }
                for (name, keyNode, labelValue) in uniquePairs(value) {
                    if let text = optionalString(labelValue, key: "labels.\(name)") {
                        argocd.labels.append((Located(name, at: location(keyNode)), text))
                    }
                }
            case "syncOptions": argocd.syncOptions = stringList(value, key: "syncOptions").value
            case "sync": argocd.sync = decodeSync(value)
            default:
                if let text = optionalString(value, key: "argocd.\(key)") { argocd.strings[key] = text }
            }
        }
        return argocd
    }

    private mutating func decodeSync(_ node: YAMLNode) -> [(Located<String>, ArgoCDSettings.SyncPolicy)] {
        guard node.isMapping else {
            problems.append(.wrongType(key: "sync", expected: "a mapping of environments to sync policies",
                                       found: node.kindDescription, hint: "write 'sync: {prod: manual}'",
                                       at: location(node)))
            return []
        }
        var result: [(Located<String>, ArgoCDSettings.SyncPolicy)] = []
        for (environment, keyNode, value) in uniquePairs(node) {
            let name = Located(environment, at: location(keyNode))
            if let word = value.scalar, !value.isNull, value.scalarStyle == .plain {
                switch word {
                case "auto", "automated": result.append((name, .init(automated: true)))
                case "manual": result.append((name, .init(automated: false)))
                default:
                    problems.append(.wrongType(key: "sync.\(environment)",
                                               expected: "'auto', 'manual' or a mapping", found: "'\(word)'",
                                               hint: nil, at: location(value)))
                }
                continue
            }
            guard value.isMapping else {
                problems.append(.wrongType(key: "sync.\(environment)", expected: "'auto', 'manual' or a mapping",
                                           found: value.kindDescription, hint: nil, at: location(value)))
                continue
            }
            var policy = ArgoCDSettings.SyncPolicy(automated: true)
            for (key, (_, field)) in keyed(value, section: "a sync policy", allowed: Self.syncKeys).ordered {
                switch key {
                case "automated": policy.automated = gitopsBool(field, key: key)?.value ?? policy.automated
                case "prune": policy.prune = gitopsBool(field, key: key)?.value ?? policy.prune
                case "selfHeal": policy.selfHeal = gitopsBool(field, key: key)?.value ?? policy.selfHeal
                case "options": policy.options = stringList(field, key: "options").value?.map(\.value)
                default: break
                }
            }
            result.append((name, policy))
        }
        return result
    }

    private mutating func gitopsBool(_ node: YAMLNode, key: String) -> Located<Bool>? {
        if node.isNull { return nil }
        if let value = node.bool { return Located(value, at: location(node)) }
        problems.append(.wrongType(key: key, expected: "true or false", found: node.kindDescription, hint: nil,
                                   at: location(node)))
        return nil
    }
}
