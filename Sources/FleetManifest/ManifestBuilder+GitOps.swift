import FleetBasics

extension ManifestBuilder {
    /// Checks `gitops:` (paths, environments, placeholders, YAML paths, service filters, Argo CD settings) and
    /// builds the settings; nil when the section is absent or too broken to use.
    mutating func buildGitOps(serviceNames: [String]) -> GitOpsSettings? {
        guard let gitops = raw.gitops else { return nil }
        var valid = true
        func fail(_ message: String, hint: String? = nil, at location: SourceLocation) {
            problems.append(.invalidGitOps(message, hint: hint, at: location))
            valid = false
        }

        var dir = ""
        if let written = gitops.dir {
            if let normalized = relativePath(written, key: "gitops.dir") { dir = normalized } else { valid = false }
        } else {
            problems.append(.missingKey("dir", section: "gitops", hint: "add 'dir: gitops', the GitOps directory "
                                            + "relative to the root", at: gitops.location))
            valid = false
        }

        var environments: [String] = []
        if let written = gitops.environments {
            var seen: [String: SourceLocation] = [:]
            for environment in written {
                if !NameRules.isValidName(environment.value) {
                    fail("invalid environment name '\(environment.value)'",
                         hint: "environment names use lowercase letters, digits, '.', '_' and '-'",
                         at: environment.location)
                } else if let first = seen[environment.value] {
                    problems.append(.duplicateKey(environment.value, at: environment.location, first: first))
                    valid = false
                } else {
                    seen[environment.value] = environment.location
                    environments.append(environment.value)
                }
            }
            if written.isEmpty {
                fail("'gitops.environments' must list at least one environment", at: gitops.location)
            }
        } else if gitops.hasEnvironmentsKey {
            valid = false
        } else {
            problems.append(.missingKey("environments", section: "gitops",
                                        hint: "add 'environments: [dev, staging, prod]' in promotion order",
                                        at: gitops.location))
            valid = false
        }

        let tag = gitops.tag ?? Located("{commit}", at: gitops.location)
        if !checkPlaceholders(tag, allowed: GitOpsSettings.tagPlaceholders) { valid = false }
        let literal = Placeholders.substitute(tag.value, Dictionary(
            Placeholders.names(in: tag.value).map { ($0, "x") }, uniquingKeysWith: { first, _ in first }))
        if tag.value.isEmpty {
            problems.append(.emptyValue(key: "gitops.tag", hint: nil, at: tag.location))
            valid = false
        } else if let bad = literal.first(where: {
            !($0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)))
        }) {
            fail("the tag template '\(tag.value)' contains '\(bad)', which an image tag cannot contain",
                 hint: "image tags use letters, digits, '_', '.' and '-'", at: tag.location)
        } else if literal.first == "." || literal.first == "-" {
            fail("an image tag cannot start with '\(literal.first ?? ".")'", at: tag.location)
        }

        let digestFile = gitops.digestFile.flatMap { relativePath($0, key: "gitops.digestFile") }
        if gitops.digestFile != nil, digestFile == nil { valid = false }
        let registry = gitops.registry.flatMap { relativePath($0, key: "gitops.registry") }
        if gitops.registry != nil, registry == nil { valid = false }

        var files: [GitOpsFileEntry] = []
        for file in gitops.files {
            if let entry = buildFileEntry(file, serviceNames: serviceNames, environmentCount: environments.count) {
                files.append(entry)
            } else {
                valid = false
            }
        }
        if gitops.files.isEmpty {
            fail("'gitops.files' must list at least one file", hint: "see docs/gitops.md for the layouts",
                 at: gitops.filesLocation ?? gitops.location)
        }

        var argocd: ArgoCDSettings?
        if let written = gitops.argocd {
            argocd = buildArgoCD(written, environments: environments)
            if argocd == nil { valid = false }
        }
        guard valid else { return nil }
        return GitOpsSettings(dir: dir, environments: environments, tag: tag, digestFile: digestFile,
                              registry: registry, files: files, argocd: argocd, location: gitops.location)
    }

    // MARK: - File entries

    private mutating func buildFileEntry(_ file: RawGitOpsFile, serviceNames: [String], environmentCount: Int)
        -> GitOpsFileEntry?
    {
        guard let pathText = file.path else {
            problems.append(.missingKey("path", section: "a gitops file entry",
                                        hint: "add 'path: environments/{env}/{service}.yaml'", at: file.location))
            return nil
        }
        var valid = checkPlaceholders(pathText, allowed: GitOpsSettings.layoutPlaceholders)
        let path = relativePath(pathText, key: "path")
        if path == nil { valid = false }

        func yamlPath(_ text: Located<String>?) -> YAMLPath?? {
            guard let text else { return .some(nil) }
            guard checkPlaceholders(text, allowed: GitOpsSettings.layoutPlaceholders) else { return nil }
            do {
                return .some(try YAMLPath(parsing: text.value))
            } catch {
                problems.append(.invalidGitOps("invalid YAML path '\(text.value)': \(error.reason)",
                                               hint: "write keys separated by '.', list items as [N] or "
                                                   + "[key=value]; quote keys that contain dots",
                                               at: text.location))
                return nil
            }
        }
        let isKustomize = file.kustomize?.value == true
        let kind: GitOpsFileEntry.Kind?
        if isKustomize {
            let extra = [("repository", file.repository), ("tag", file.tag), ("digest", file.digest),
                         ("image", file.image)].first { $0.1 != nil }
            if let (key, value) = extra {
                problems.append(.invalidGitOps("a 'kustomize: true' entry takes no '\(key)'",
                                               hint: "fleet edits the images: entry of the service (newName, "
                                                   + "newTag, digest)", at: value?.location ?? file.location))
                kind = nil
            } else {
                kind = .kustomize
            }
        } else if let image = file.image {
            let extra = [("repository", file.repository), ("tag", file.tag), ("digest", file.digest)]
                .first { $0.1 != nil }
            if let (key, value) = extra {
                problems.append(.invalidGitOps("an 'image' entry takes no '\(key)'",
                                               hint: "'image' names one scalar holding repository:tag@digest",
                                               at: value?.location ?? file.location))
                kind = nil
            } else if case .some(.some(let imagePath)) = yamlPath(image) {
                kind = .image(imagePath)
            } else {
                kind = nil
            }
        } else if let tag = file.tag {
            let repository = yamlPath(file.repository)
            let tagPath = yamlPath(tag)
            let digest = yamlPath(file.digest)
            if case .some(let repository) = repository, case .some(.some(let tagPath)) = tagPath,
               case .some(let digest) = digest
            {
                kind = .values(repository: repository, tag: tagPath, digest: digest)
            } else {
                kind = nil
            }
        } else {
            problems.append(.invalidGitOps(
                "a gitops file entry needs 'tag' (and optionally 'repository', 'digest'), 'image', or "
                    + "'kustomize: true'", hint: "for Helm values: 'tag: image.tag'", at: file.location))
            kind = nil
        }

        var document: [DocumentCondition] = []
        if let written = file.document {
            if checkPlaceholders(written, allowed: GitOpsSettings.layoutPlaceholders) {
                do {
                    document = try DocumentCondition.parseList(written.value)
                } catch {
                    problems.append(.invalidGitOps("invalid document selector '\(written.value)': \(error.reason)",
                                                   hint: "write conditions such as 'kind=Deployment,metadata.name="
                                                       + "{service}'", at: written.location))
                    valid = false
                }
            } else {
                valid = false
            }
        }

        var services: [String]?
        if let written = file.services {
            services = written.map(\.value)
            for pattern in written {
                let text = pattern.value.hasPrefix("!") ? String(pattern.value.dropFirst()) : pattern.value
                do {
                    let glob = try Glob(text)
                    if !serviceNames.contains(where: { glob.matches($0) }) {
                        let isLiteral = !text.contains { "*?[".contains($0) }
                        problems.append(.invalidGitOps(
                            isLiteral ? "unknown service '\(text)'" : "'\(text)' matches no service",
                            hint: Suggestions.hint(for: text, in: serviceNames), at: pattern.location))
                        valid = false
                    }
                } catch {
                    problems.append(.invalidPattern(pattern.value, reason: error.reason, at: pattern.location))
                    valid = false
                }
            }
        }

        guard valid, let path, let kind else { return nil }
        let entry: GitOpsFileEntry
        do {
            entry = try GitOpsFileEntry(path: path, kind: kind, services: services, document: document,
                                        isOptional: file.isOptional, location: file.location)
        } catch {
            return nil
        }

        // Every environment and every service needs its own value somewhere: in the path or in the YAML paths.
        var used = Set(Placeholders.names(in: path))
        switch kind {
        case .values(let repository, let tag, let digest):
            for yaml in [repository, tag, digest].compactMap({ $0 }) { used.formUnion(yaml.placeholders) }
        case .image(let yaml): used.formUnion(yaml.placeholders)
        case .kustomize: used.insert("service")  // the images: entry is found by the service's image name
        }
        for condition in document {
            used.formUnion(condition.path.placeholders + Placeholders.names(in: condition.value))
        }
        if !used.contains("env"), environmentCount > 1 {
            problems.append(.invalidGitOps("'\(pathText.value)' would hold the image of every environment in one "
                                               + "place", hint: "use {env} in the path or in the YAML paths",
                                           at: pathText.location))
            return nil
        }
        let applying = serviceNames.filter { entry.applies(to: $0) }
        if !used.contains("service"), applying.count > 1 {
            problems.append(.invalidGitOps("'\(pathText.value)' would hold the image of \(applying.count) services "
                                               + "in one place", hint: "use {service} in the path or in the YAML "
                                               + "paths, or limit the entry with 'services:'",
                                           at: pathText.location))
            return nil
        }
        return entry
    }

    // MARK: - Argo CD

    private mutating func buildArgoCD(_ written: RawArgoCD, environments: [String]) -> ArgoCDSettings? {
        var valid = true
        for key in ["namespace", "cluster", "apps"] {
            if let text = written.strings[key], !checkPlaceholders(text, allowed: GitOpsSettings.layoutPlaceholders) {
                valid = false
            }
        }
        for (_, value) in written.labels where !checkPlaceholders(value, allowed: GitOpsSettings.layoutPlaceholders) {
            valid = false
        }
        for (key, value) in written.strings where value.value.isEmpty {
            problems.append(.emptyValue(key: "argocd.\(key)", hint: nil, at: value.location))
            valid = false
        }
        guard let repoURL = written.strings["repoURL"] else {
            problems.append(.missingKey("repoURL", section: "gitops.argocd",
                                        hint: "add the GitOps repository's URL, as Argo CD clones it",
                                        at: written.location))
            return nil
        }
        var settings = ArgoCDSettings(repoURL: repoURL.value, location: written.location)
        if let value = written.strings["targetRevision"] { settings.targetRevision = value.value }
        if let value = written.strings["project"] { settings.project = value.value }
        if let value = written.strings["namespace"] { settings.namespace = value.value }
        if let value = written.strings["cluster"] { settings.cluster = value.value }
        if let value = written.strings["server"] { settings.server = value.value }
        if let value = written.strings["appNamespace"] { settings.appNamespace = value.value }
        if let value = written.strings["apps"] {
            if let path = relativePath(value, key: "apps") { settings.apps = path } else { valid = false }
            let names = Set(Placeholders.names(in: value.value))
            if !names.contains("env") || !names.contains("service") {
                problems.append(.invalidGitOps("'apps' must use both {env} and {service}",
                                               hint: "for example apps/{env}/{service}.yaml", at: value.location))
                valid = false
            }
        }
        if let value = written.strings["bootstrap"] {
            if let path = relativePath(value, key: "bootstrap") { settings.bootstrap = path } else { valid = false }
        }
        if let location = written.chartLocation {
            let chart = ArgoCDSettings.Chart(repoURL: written.chart["repoURL"]?.value,
                                             name: written.chart["name"]?.value,
                                             version: written.chart["version"]?.value,
                                             path: written.chart["path"]?.value)
            if chart.repoURL != nil, chart.path != nil {
                problems.append(.invalidGitOps("'chart' takes either 'repoURL' and 'name' (a Helm repository) or "
                                                   + "'path' (a chart in the GitOps repository), not both",
                                               hint: nil, at: location))
                valid = false
            } else if chart.repoURL != nil, chart.name == nil {
                problems.append(.missingKey("name", section: "gitops.argocd.chart",
                                            hint: "the chart's name in the Helm repository", at: location))
                valid = false
            } else if chart.repoURL == nil, chart.path == nil {
                problems.append(.invalidGitOps("'chart' needs 'repoURL' and 'name', or 'path'", hint: nil,
                                               at: location))
                valid = false
            }
            settings.chart = chart
        }
        settings.labels = written.labels.map { ArgoCDSettings.Label(key: $0.key.value, value: $0.value.value) }
        if let options = written.syncOptions { settings.syncOptions = options.map(\.value) }
        for (environment, policy) in written.sync {
            guard environments.contains(environment.value) else {
                problems.append(.invalidGitOps("'\(environment.value)' is not one of gitops.environments",
                                               hint: Suggestions.hint(for: environment.value, in: environments),
                                               at: environment.location))
                valid = false
                continue
            }
            settings.sync[environment.value] = policy
        }
        return valid ? settings : nil
    }

    // MARK: - Helpers

    /// A normalised relative path that stays inside its base; nil (with a problem) otherwise.
    private mutating func relativePath(_ written: Located<String>, key: String) -> String? {
        if written.value.isEmpty {
            problems.append(.emptyValue(key: key, hint: nil, at: written.location))
            return nil
        }
        if written.value.hasPrefix("/") {
            problems.append(.absolutePath(key: key, written.value, at: written.location))
            return nil
        }
        guard let normalized = RelativePath.normalize(written.value) else {
            problems.append(.invalidGitOps("'\(key)' must stay inside its directory, found '\(written.value)'",
                                           hint: "'..' may not climb out of the directory it is relative to",
                                           at: written.location))
            return nil
        }
        return normalized
    }

    /// Reports placeholders of `template` that are not in `allowed`; returns whether all were allowed.
    private mutating func checkPlaceholders(_ template: Located<String>, allowed: [String]) -> Bool {
        var valid = true
        for name in Placeholders.names(in: template.value) where !allowed.contains(name) {
            problems.append(.unknownPlaceholder(name, allowed: allowed,
                                                suggestion: Suggestions.closest(to: name, in: allowed),
                                                at: template.location))
            valid = false
        }
        var depth = 0
        for character in template.value {
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            if depth < 0 || depth > 1 { break }
        }
        if depth != 0 {
            problems.append(.invalidGitOps("unbalanced '{' or '}' in '\(template.value)'",
                                           hint: "placeholders are written {name}", at: template.location))
            valid = false
        }
        return valid
    }
}
