import FleetBasics
public import FleetManifest
import FleetYAML

/// `fleet gitops scaffold`: creates what is missing for every service × environment (the image file of each
/// per-service layout entry, the Argo CD `Application`), and the App-of-Apps root and project in `bootstrap/`.
/// Never overwrites a file.
public struct Scaffold: Sendable {
    /// Files to create (``PlannedFile/old`` is nil).
    public var created: [PlannedFile]
    /// Files that exist and are left alone (repository-relative).
    public var existing: [String]
    /// What was not scaffolded, and why.
    public var skipped: [String]

    public static func plan(manifest: Manifest, settings: GitOpsSettings, directory: GitOpsDirectory,
                            environments: [String]) throws(GitOpsError) -> Scaffold {
        var result = Scaffold(created: [], existing: [], skipped: [])
        var seen = Set<String>()
        func offer(_ path: String, _ text: @autoclosure () -> String) throws(GitOpsError) {
            guard seen.insert(path).inserted else { return }
            if try directory.read(path) != nil {
                result.existing.append(directory.repositoryPath(path))
            } else {
                result.created.append(PlannedFile(path: path, repositoryPath: directory.repositoryPath(path), old: nil,
                                                  new: Array(text().utf8)))
            }
        }
        // An entry is a service's own file when its path names the service or it applies to that service only.
        func isOwn(_ entry: GitOpsFileEntry) -> Bool {
            entry.isPerService || manifest.services.filter { entry.applies(to: $0.name) }.count == 1
        }
        for environment in environments {
            for service in manifest.services {
                guard let image = service.image else { continue }
                let entries = settings.files(for: service.name)
                for entry in entries {
                    let path = entry.path(service: service.name, environment: environment)
                    guard isOwn(entry) else {
                        if seen.insert(path).inserted, try directory.read(path) == nil {
                            result.skipped.append("\(directory.repositoryPath(path)): shared by several services; "
                                                      + "fleet bump creates their keys once the file exists")
                        }
                        continue
                    }
                    switch entry.kind {
                    case .values(let repository, let tag, let digest):
                        let paths = [repository, tag, digest].compactMap { $0 }
                        guard paths.allSatisfy(\.isKeysOnly) else {
                            result.skipped.append("\(directory.repositoryPath(path)): its image paths select list "
                                                      + "items, which fleet cannot invent")
                            continue
                        }
                        var entries: [BlockYAMLWriter.Entry] = []
                        let values = ["service": service.name, "env": environment]
                        if let repository {
                            BlockYAMLWriter.insert(.scalar(image.repository),
                                                   at: repository.substituting(values).keys[...], into: &entries)
                        }
                        BlockYAMLWriter.insert(.scalar(""), at: tag.substituting(values).keys[...], into: &entries)
                        if let digest {
                            BlockYAMLWriter.insert(.scalar(""), at: digest.substituting(values).keys[...],
                                                   into: &entries)
                        }
                        let chart = settings.argocd?.chart?.name.map { "the \($0) Helm chart" } ?? "the Helm chart"
                        try offer(path, "# \(service.name) in \(environment): values for \(chart).\n"
                                      + "# The image is written by fleet bump and fleet promote.\n"
                                      + BlockYAMLWriter.render(entries))
                    case .kustomize:
                        let overlay = FileSystem.parent(of: path)
                        let base = RelativePath.normalize(RelativePath.join(overlay, "../../base"))
                        let hasBase = base.map { (try? directory.absolute($0)).map(FileSystem.isDirectory) ?? false }
                            ?? false
                        try offer(path, "# \(service.name) in \(environment).\n"
                                      + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                                      + (hasBase ? "resources:\n  - ../../base\n"
                                          : "resources: []  # list the manifests or the base here\n")
                                      + "images:\n  - name: \(ScalarRenderer.renderNew(image.name))\n"
                                      + "    newName: \(ScalarRenderer.renderNew(image.repository))\n"
                                      + "    newTag: \"\"\n")
                    case .image:
                        result.skipped.append("\(directory.repositoryPath(path)): a plain manifest; fleet does not "
                                                  + "write Deployments")
                    }
                }
                if let argocd = settings.argocd, let entry = entries.first(where: isOwn) {
                    let appPath = Placeholders.substitute(argocd.apps, ["service": service.name, "env": environment])
                    try offer(appPath, ArgoCDTemplates.application(
                        service: service.name, environment: environment, entry: entry, manifest: manifest,
                        settings: settings, argocd: argocd))
                }
            }
        }
        if let argocd = settings.argocd {
            try offer(RelativePath.join(argocd.bootstrap, "root-app.yaml"),
                      ArgoCDTemplates.root(manifest: manifest, argocd: argocd))
            if argocd.project != "default" {
                try offer(RelativePath.join(argocd.bootstrap, "project.yaml"),
                          ArgoCDTemplates.project(manifest: manifest, settings: settings, argocd: argocd))
            }
        }
        return result
    }
}

/// The Argo CD manifests `fleet gitops scaffold` writes.
enum ArgoCDTemplates {
    static func quote(_ text: String) -> String { ScalarRenderer.renderNew(text) }

    /// Like ``quote(_:)`` for a value in block context, where a comma is an ordinary character.
    static func blockQuote(_ text: String) -> String {
        let withoutCommas = String(text.filter { $0 != "," })
        return !text.hasPrefix(",") && !withoutCommas.isEmpty && !YAMLScalar.needsQuotes(withoutCommas) ? text
            : quote(text)
    }

    static func destination(_ argocd: ArgoCDSettings, environment: String, service: String, indent: String) -> String {
        let values = ["env": environment, "service": service]
        let target = argocd.cluster.map { "name: " + quote(Placeholders.substitute($0, values)) }
            ?? "server: " + quote(argocd.server)
        return indent + target + "\n" + indent + "namespace: "
            + quote(Placeholders.substitute(argocd.namespace, values)) + "\n"
    }

    static func application(service: String, environment: String, entry: GitOpsFileEntry, manifest: Manifest,
                            settings: GitOpsSettings, argocd: ArgoCDSettings) -> String {
        let file = entry.path(service: service, environment: environment)
        var out = ""
        var source = ""
        switch entry.kind {
        case .kustomize, .image:
            let directory = FileSystem.parent(of: file)
            out += entry.kind == .kustomize
                ? "# \(service) in \(environment): plain manifests through kustomize (\(directory)).\n"
                : "# \(service) in \(environment): plain manifests in \(directory).\n"
            source = "  source:\n    repoURL: \(quote(argocd.repoURL))\n    targetRevision: "
                + "\(quote(argocd.targetRevision))\n    path: \(quote(directory))\n"
        case .values:
            if let chart = argocd.chart, let repoURL = chart.repoURL, let name = chart.name {
                out += "# \(service) in \(environment): the shared Helm chart \(name) with values from \(file).\n"
                source = "  sources:\n    - repoURL: \(quote(repoURL))\n      chart: \(quote(name))\n"
                    + (chart.version.map { "      targetRevision: \(quote($0))\n" } ?? "")
                    + "      helm:\n        releaseName: \(quote(service))\n        valueFiles:\n"
                    + "          - \(quote("$values/" + file))\n"
                    + "    - repoURL: \(quote(argocd.repoURL))\n      targetRevision: \(quote(argocd.targetRevision))\n"
                    + "      ref: values\n"
            } else {
                let chartPath = argocd.chart?.path ?? FileSystem.parent(of: file)
                let depth = chartPath.split(separator: "/").count
                let relative = String(repeating: "../", count: depth) + file
                out += "# \(service) in \(environment): the Helm chart in \(chartPath) with values from \(file).\n"
                source = "  source:\n    repoURL: \(quote(argocd.repoURL))\n    targetRevision: "
                    + "\(quote(argocd.targetRevision))\n    path: \(quote(chartPath))\n    helm:\n"
                    + "      releaseName: \(quote(service))\n      valueFiles:\n        - \(quote(relative))\n"
            }
        }
        out += "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
        out += "  name: \(quote(service + "-" + environment))\n  namespace: \(quote(argocd.appNamespace))\n"
        out += "  labels:\n    app.kubernetes.io/name: \(quote(service))\n"
        out += "    app.kubernetes.io/part-of: \(quote(manifest.name))\n"
        for label in argocd.labels {
            out += "    \(quote(label.key)): "
                + quote(Placeholders.substitute(label.value, ["env": environment, "service": service])) + "\n"
        }
        out += "  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n"
        out += "spec:\n  project: \(quote(argocd.project))\n  destination:\n"
        out += destination(argocd, environment: environment, service: service, indent: "    ")
        out += source
        let policy = argocd.syncPolicy(for: environment, in: settings.environments)
        out += "  syncPolicy:\n"
        if policy.automated {
            out += "    automated:\n      prune: \(policy.prune)\n      selfHeal: \(policy.selfHeal)\n"
        } else {
            out += "    # \(environment) is synced by hand: someone presses Sync once the bump is merged "
                + "(no automated block).\n"
        }
        let options = policy.options ?? argocd.syncOptions
        if !options.isEmpty {
            out += "    syncOptions:\n" + options.map { "      - \(quote($0))\n" }.joined()
        }
        return out
    }

    static func appsDirectory(_ argocd: ArgoCDSettings) -> String {
        let prefix = argocd.apps.split(separator: "{", maxSplits: 1).first.map(String.init) ?? ""
        return prefix.hasSuffix("/") ? String(prefix.dropLast()) : FileSystem.parent(of: prefix)
    }

    static func root(manifest: Manifest, argocd: ArgoCDSettings) -> String {
        let apps = appsDirectory(argocd)
        return "# The App of Apps: the only Application applied by hand (kubectl apply -n \(argocd.appNamespace) -f "
            + "\(argocd.bootstrap)/).\n"
            + "# It syncs every Application under \(apps)/, which in turn deploy the services into each environment.\n"
            + "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
            + "  name: \(quote(manifest.name + "-root"))\n  namespace: \(quote(argocd.appNamespace))\n"
            + "  labels:\n    app.kubernetes.io/part-of: \(quote(manifest.name))\n"
            + "  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n"
            + "spec:\n  project: \(quote(argocd.project))\n  source:\n    repoURL: \(quote(argocd.repoURL))\n"
            + "    targetRevision: \(quote(argocd.targetRevision))\n    path: \(quote(apps))\n"
            + "    directory:\n      recurse: true\n"
            + "  destination:\n    server: https://kubernetes.default.svc\n"
            + "    namespace: \(quote(argocd.appNamespace))\n"
            + "  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n"
    }

    static func project(manifest: Manifest, settings: GitOpsSettings, argocd: ArgoCDSettings) -> String {
        let environments = settings.environments
        let listed = environments.count > 1
            ? environments.dropLast().joined(separator: ", ") + " and " + (environments.last ?? "")
            : environments.joined()
        var repositories = [argocd.repoURL]
        if let chart = argocd.chart?.repoURL, !repositories.contains(chart) { repositories.append(chart) }
        var destinations = ["    - name: in-cluster\n      namespace: \(quote(argocd.appNamespace))\n"]
        for environment in environments {
            let text = destination(argocd, environment: environment, service: "*", indent: "      ")
            let item = "    - " + text.dropFirst(6)
            if !destinations.contains(item) { destinations.append(item) }
        }
        return "# The Argo CD project of the \(manifest.name): which repositories it may deploy from, and where to.\n"
            + "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n"
            + "  name: \(quote(argocd.project))\n  namespace: \(quote(argocd.appNamespace))\n"
            + "spec:\n  description: \(blockQuote("The \(manifest.name) services in \(listed)"))\n"
            + "  sourceRepos:\n" + repositories.map { "    - \(quote($0))\n" }.joined()
            + "  destinations:\n" + destinations.joined()
            + "  clusterResourceWhitelist:\n    - group: \"\"\n      kind: Namespace\n"
    }
}
