import ArgumentParser
import FleetBasics
import FleetGitOps
import FleetManifest
import Foundation

/// `fleet gitops`: byte-exact YAML edits, scaffolding and status of the GitOps repository.
struct GitOpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitops",
        abstract: "Edit YAML byte-exactly, scaffold and inspect the GitOps repository.",
        discussion: """
            fleet bump and fleet promote write images; these commands help around them. See docs/gitops.md.
            """,
        subcommands: [GitOpsSetCommand.self, GitOpsScaffoldCommand.self, GitOpsStatusCommand.self])
}

/// `fleet gitops set FILE PATH=VALUE...`: the byte-exact replacement for `yq -i` in pipelines.
struct GitOpsSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set values in any YAML file, changing nothing else.",
        discussion: """
            Replaces each value in place: comments, quoting, indentation, key order, line endings and every other \
            value stay byte for byte. A plain value is quoted only when the new one needs it to stay a string \
            ("1.20", "on", "0755"). Missing keys are created next to their siblings (unless --no-create). Works on \
            any YAML file: no fleet.yaml or git repository is needed.

            Paths: a.b.c, list[2], images[name=ghcr.io/acme/api].newTag, metadata.annotations."a.b/c". PATH=VALUE \
            splits at the first '=' outside brackets and quotes, so values may contain '='.

            Refused, with nothing written: a path that names a mapping or a list, an index out of range, a selector \
            that matches nothing, an edit through an alias or of an anchor, a block scalar, invalid YAML, a path \
            in several documents without --doc or --doc-where.

            Examples:
              fleet gitops set values.yaml image.tag=sha-4e1f0a2 image.digest=sha256:…
              fleet gitops set overlays/prod/kustomization.yaml 'images[name=api].newTag=1.20'
              fleet gitops set deploy.yaml --doc-where kind=Deployment \
                'spec.template.spec.containers[name=web].image=web:2'
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The YAML file.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("Values to set.", valueName: "path=value"))
    var assignments: [String]

    @Option(name: .long, help: ArgumentHelp("The document to edit in a multi-document file (0-based).",
                                            valueName: "n"))
    var doc: Int?

    @Option(name: .long, help: ArgumentHelp("The document whose values match, e.g. kind=Deployment,metadata.name=web.",
                                            valueName: "conditions"))
    var docWhere: String?

    @Flag(name: .long, help: "Refuse to create missing keys.")
    var noCreate = false

    @Flag(name: .long, help: "Print the unified diff and write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print the changes as JSON.")
    var json = false

    func validate() throws {
        if doc != nil, docWhere != nil { throw ValidationError("--doc and --doc-where cannot be combined") }
        if let doc, doc < 0 { throw ValidationError("--doc must be 0 or more") }
        if assignments.isEmpty { throw ValidationError("give at least one PATH=VALUE") }
    }

    func run() async throws {
        try await runReporting(global) { console in
            var edits: [YAMLEdit] = []
            var problems = DiagnosticCollector()
            for assignment in assignments {
                guard let (path, value) = YAMLPath.splitAssignment(assignment) else {
                    problems.error("'\(assignment)' is not PATH=VALUE", at: nil,
                                   hint: "write image.tag=v1; quote the whole argument for the shell if needed")
                    continue
                }
                do throws(YAMLPathError) {
                    edits.append(YAMLEdit(try YAMLPath(parsing: path), value))
                } catch {
                    problems.error(error.description, at: nil)
                }
            }
            var selector: DocumentSelector?
            if let doc { selector = .index(doc) }
            if let docWhere {
                do throws(YAMLPathError) {
                    selector = .matching(try DocumentCondition.parseList(docWhere))
                } catch {
                    problems.error("--doc-where: \(error.description)", at: nil)
                }
            }
            try problems.throwIfErrors()

            let absolute = FileSystem.absolute(file)
            // Edit the file a symbolic link points to, rather than replacing the link.
            let target = FileSystem.realPath(absolute) ?? absolute
            let bytes: [UInt8]
            do throws(FileSystemError) {
                bytes = try FileSystem.readFile(target, limit: 64 * 1024 * 1024)
            } catch {
                throw DiagnosticsError("cannot read '\(file)': \(error.reason)")
            }
            let shown = Self.repositoryRelative(target) ?? file
            let lock = dryRun ? nil : GitOpsDirectory.findRepositoryRoot(from: FileSystem.parent(of: target))
                .flatMap { root -> GitOpsLock? in
                    guard let directory = try? GitOpsDirectory(path: root, displayPath: root) else { return nil }
                    return try? GitOpsLock.acquire(directory.lockPath)
                }
            defer { withExtendedLifetime(lock) {} }
            // Under the lock, read again: another process may have just written the file.
            let current = lock == nil ? bytes : (try? FileSystem.readFile(target)) ?? bytes
            let result = try YAMLEditor.apply(edits, to: current, name: file, document: selector,
                                              allowCreate: !noCreate)
            if !dryRun, result.bytes != current {
                try FileSystem.writeAtomically(result.bytes, to: target,
                                               mode: FileSystem.permissions(of: target) ?? 0o644)
            }
            if json {
                console.output(JSONText.object([
                    ("schema", "1"), ("file", JSONText.quote(file)),
                    ("upToDate", JSONText.bool(result.changes.isEmpty)), ("dryRun", JSONText.bool(dryRun)),
                    ("changes", JSONText.array(result.changes.map { change in
                        JSONText.object([
                            ("document", JSONText.number(change.document)),
                            ("path", JSONText.quote(change.path.description)),
                            ("old", JSONText.optional(change.old)), ("new", JSONText.quote(change.new)),
                            ("line", JSONText.number(change.line)),
                        ])
                    })),
                ]))
            } else if result.changes.isEmpty {
                console.output("up to date: \(file)")
            } else if dryRun {
                FileHandle.standardOutput.write(Data(UnifiedDiff.render(path: shown, old: current,
                                                                        new: result.bytes).utf8))
            } else {
                console.output(result.changes.map { change in
                    "\(file):\(change.line): \(change.path): \(change.old ?? "(new)") → \(change.new)"
                }.joined(separator: "\n"))
            }
        }
    }

    /// The path relative to the git repository that contains it (for diffs `git apply` accepts), if any.
    static func repositoryRelative(_ path: String) -> String? {
        guard let root = GitOpsDirectory.findRepositoryRoot(from: FileSystem.parent(of: path)) else { return nil }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }
}

/// `fleet gitops scaffold`: creates the missing files of every service × environment.
struct GitOpsScaffoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaffold",
        abstract: "Create the missing values files, Argo CD applications and the App-of-Apps root.",
        discussion: """
            For every service × environment: the file of each per-service entry of gitops.files (Helm values with \
            the image keys, or a kustomize overlay with an images: entry), and the Argo CD Application \
            (gitops.argocd.apps; automated sync with self-heal for all but the last environment, manual sync for \
            it). Also bootstrap/root-app.yaml (the App of Apps) and bootstrap/project.yaml. Never overwrites a \
            file: reports what it created and what it left.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this environment.", valueName: "env"))
    var env: String?

    @Flag(name: .long, help: "Print what would be created, and write nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("The GitOps directory, instead of gitops.dir.", valueName: "dir"))
    var gitopsDir: String?

    func run() async throws {
        try await runReporting(global) { console in
            let context = try GitOpsContext(global: global, gitopsDir: gitopsDir)
            if let env { try Bump.checkEnvironment(env, in: context.settings) }
            let lock = dryRun ? nil : try GitOpsLock.acquire(context.directory.lockPath)
            defer { withExtendedLifetime(lock) {} }
            let scaffold = try Scaffold.plan(manifest: context.manifest, settings: context.settings,
                                             directory: context.directory,
                                             environments: env.map { [$0] } ?? context.settings.environments)
            if !dryRun {
                for file in scaffold.created where try context.directory.read(file.path) == nil {
                    try context.directory.write(file.new, to: file.path)
                }
            }
            var lines = scaffold.created.map { (dryRun ? "would create " : "created ") + $0.repositoryPath }
            lines += scaffold.skipped.map { "skipped " + $0 }
            lines.append("\(scaffold.created.count) created, \(scaffold.existing.count) already there (left as they "
                             + "are)" + (scaffold.skipped.isEmpty ? "" : ", \(scaffold.skipped.count) skipped"))
            console.output(lines.joined(separator: "\n"))
        }
    }
}

/// `fleet gitops status`: the tag of every service in every environment.
struct GitOpsStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every service's tag per environment, marking environments behind the previous one.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print the status as JSON.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("The GitOps directory, instead of gitops.dir.", valueName: "dir"))
    var gitopsDir: String?

    func run() async throws {
        try await runReporting(global) { console in
            let context = try GitOpsContext(global: global, gitopsDir: gitopsDir)
            let planner = GitOpsPlanner(settings: context.settings, source: context.directory)
            let status = try GitOpsStatus.read(manifest: context.manifest, planner: planner)
            guard json else {
                console.output(status.table())
                return
            }
            console.output(JSONText.object([
                ("schema", "1"),
                ("environments", JSONText.strings(status.environments)),
                ("services", JSONText.array(status.rows.map { row in
                    JSONText.object([
                        ("service", JSONText.quote(row.service)),
                        ("environments", JSONText.array(zip(status.environments, row.cells).map { environment, cell in
                            JSONText.object([
                                ("env", JSONText.quote(environment)),
                                ("tag", JSONText.optional(cell.image?.tag)),
                                ("digest", JSONText.optional(cell.image?.digest)),
                                ("repository", JSONText.optional(cell.image?.repository)),
                                ("file", JSONText.optional(cell.image?.file)),
                                ("behind", JSONText.bool(cell.isBehind)),
                                ("disagreements", JSONText.strings(cell.image?.disagreements ?? [])),
                            ])
                        })),
                    ])
                })),
            ]))
        }
    }
}
