import ArgumentParser
import FleetBasics
import FleetGit
import FleetGitOps
import FleetGraph
import FleetManifest
import Foundation

/// Options of the commands that write the GitOps repository (`bump`, `promote`).
struct GitOpsWriteOptions: ParsableArguments, Sendable {
    @Flag(name: .long, help: "Print the unified diff of what would change, and write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print the changes as JSON: {service, env, file, path, old, new} per value.")
    var json = false

    @Flag(name: .long, help: ArgumentHelp(
        "Make one commit in the GitOps repository, on a new branch, instead of editing the working tree.",
        discussion: "The commit builds on the repository's HEAD; the checked-out branch, the index and the files "
            + "are left alone. fleet never pushes."))
    var commit = false

    @Option(name: .long, help: ArgumentHelp("The branch of --commit (default: fleet/bump-ENV-<short commit>).",
                                            valueName: "name"))
    var branch: String?

    @Option(name: .long, help: ArgumentHelp("The commit message of --commit.", valueName: "text"))
    var message: String?

    @Flag(name: .long, help: "Edit files that have uncommitted changes in the GitOps repository.")
    var allowDirty = false

    @Flag(name: .long, help: "Refuse to create missing keys instead of creating them next to their siblings.")
    var noCreate = false

    @Option(name: .long, help: ArgumentHelp(
        "The GitOps directory, instead of gitops.dir (for a GitOps repository cloned elsewhere).", valueName: "dir"))
    var gitopsDir: String?

    func validate() throws {
        if branch != nil || message != nil, !commit { throw ValidationError("--branch and --message need --commit") }
        if dryRun, commit { throw ValidationError("--dry-run writes nothing: it cannot be combined with --commit") }
    }
}

/// The loaded manifest, its `gitops:` settings and the GitOps directory.
struct GitOpsContext {
    let manifest: Manifest
    let settings: GitOpsSettings
    let directory: GitOpsDirectory

    init(global: GlobalOptions, gitopsDir: String?) throws {
        let fleet = try FleetLoader.load(workspace: global.workspace())
        manifest = fleet.manifest
        settings = try Bump.settings(of: manifest)
        let path: String
        let shown: String
        if let gitopsDir {
            path = FileSystem.absolute(gitopsDir)
            shown = gitopsDir
        } else {
            path = manifest.workspace.absolutePath(forRootRelative: settings.dir)
            shown = FileSystem.displayPath(path)
        }
        directory = try GitOpsDirectory(path: path, displayPath: shown)
    }

    /// `SOURCE_DATE_EPOCH` (reproducible builds) or now, as `2024-05-01T12:00:00Z`.
    static func timestamp() -> String {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) ?? Date().timeIntervalSince1970
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    /// The code repository's HEAD commit (where fleet.yaml is), if it is a git repository with a commit.
    func sourceCommit() -> String? {
        guard let repository = try? GitRepository.discover(startingAt: manifest.workspace.manifestDirectory),
              let head = try? repository.headCommit()
        else { return nil }
        return head.description
    }

    /// Plans with `makeTargets`, then writes, commits or prints the plan, as the options say.
    ///
    /// Writing holds the GitOps repository's lock from before the files are read until they are written, so two
    /// fleet processes never lose each other's update.
    func run(_ options: GitOpsWriteOptions, console: Console, describe: String,
             makeTargets: (GitOpsPlanner) throws -> [ImageTarget],
             message: (GitOpsPlan, String?) -> String, branchName: (GitOpsPlan, String?) -> String) throws {
        let repository = GitOpsRepository(directory: directory)
        if options.commit, repository == nil { throw GitOpsError.commitNeedsRepository(directory.path) }
        let lock = options.dryRun ? nil : try GitOpsLock.acquire(directory.lockPath)
        defer { withExtendedLifetime(lock) {} }

        let sourceHead = sourceCommit()
        let identity = repository?.identity() ?? ProcessInfo.processInfo.environment["USER"] ?? "fleet"
        var planner = GitOpsPlanner(settings: settings, source: directory, allowCreate: !options.noCreate)
        var head: ObjectID?
        if options.commit, let repository {
            head = try repository.head()
            planner = GitOpsPlanner(settings: settings, source: CommitFileSource(repository: repository, commit: head),
                                    allowCreate: !options.noCreate)
        }
        let targets = try makeTargets(planner)
        let commitOfImages = targets.isEmpty ? nil : sourceHead
        planner.stamp = RegistryStamp(commit: stampCommit ?? commitOfImages, at: Self.timestamp(), by: identity)
        let plan = try planner.plan(targets)

        var committed: (id: String, branch: String)?
        if !options.dryRun, !plan.isUpToDate {
            if options.commit, let repository {
                let branch = options.branch ?? branchName(plan, stampCommit ?? sourceHead)
                let text = options.message ?? message(plan, stampCommit ?? sourceHead)
                let id = try repository.commit(plan.files, onto: head, branch: branch, message: text)
                committed = (id.description, branch)
            } else {
                if !options.allowDirty, let repository {
                    let dirty = try repository.dirtyFiles(plan.files.map(\.path))
                    if !dirty.isEmpty {
                        throw DiagnosticsError(dirty.flatMap { GitOpsError.dirtyFile($0).diagnostics })
                    }
                }
                for file in plan.files { try directory.write(file.new, to: file.path) }
            }
        }
        report(plan, options: options, console: console, describe: describe, committed: committed)
    }

    /// The commit the images were built from, when the caller knows it better than the code repository's HEAD.
    var stampCommit: String? = nil

    private func report(_ plan: GitOpsPlan, options: GitOpsWriteOptions, console: Console, describe: String,
                        committed: (id: String, branch: String)?) {
        if options.json {
            console.output(JSONText.object([
                ("schema", "1"),
                ("upToDate", JSONText.bool(plan.isUpToDate)),
                ("dryRun", JSONText.bool(options.dryRun)),
                ("commit", JSONText.optional(committed?.id)),
                ("branch", JSONText.optional(committed?.branch)),
                ("changes", JSONText.array(plan.changes.map { change in
                    JSONText.object([
                        ("service", JSONText.quote(change.service)), ("env", JSONText.quote(change.environment)),
                        ("file", JSONText.quote(change.file)), ("path", JSONText.quote(change.path)),
                        ("old", JSONText.optional(change.old)), ("new", JSONText.quote(change.new)),
                        ("line", JSONText.number(change.line)),
                    ])
                })),
            ]))
            return
        }
        if plan.isUpToDate {
            console.output("up to date: \(describe)")
            return
        }
        if options.dryRun {
            FileHandle.standardOutput.write(Data(plan.diff.utf8))
            return
        }
        var lines: [String] = []
        if let committed {
            lines.append("committed \(String(committed.id.prefix(7))) on branch \(committed.branch): \(describe)")
        } else {
            lines.append("updated \(plan.files.count) file" + (plan.files.count == 1 ? "" : "s") + ": \(describe)")
        }
        for change in plan.changes {
            lines.append("  \(change.file):\(change.line)  \(change.path)  \(change.old ?? "(new)") → \(change.new)")
        }
        console.output(lines.joined(separator: "\n"))
    }
}
