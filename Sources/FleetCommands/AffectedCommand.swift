import ArgumentParser
import FleetBasics
import FleetGit
import FleetInputs
import FleetManifest
import FleetReports
import Foundation

/// `fleet affected`: which targets a change affects, and why.
struct AffectedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "affected",
        abstract: "List the targets a change affects, and why.",
        discussion: """
            A target is affected when one of its action keys differs between the base and the head: its input \
            files, its definition in fleet.yaml, a global input, or something it needs changed. Every answer comes \
            with its reasons (--format json, --explain NAME). See docs/affected.md.

            The base, unless --base is given: $FLEET_BASE; on a GitHub pull request, the merge-base of HEAD and \
            origin/$GITHUB_BASE_REF; else the merge-base of HEAD and the first of origin/HEAD, origin/main, main, \
            master. The head, unless --head is given: the working tree, so staged, unstaged and untracked (not \
            ignored) changes count.

            Formats:
              names           one target per line (default)
              json            targets with reasons, removed targets (docs/affected.md)
              github-matrix   {"include":[…]} for a GitHub Actions matrix
              gitlab-ci       a child-pipeline YAML with one job per target

            stdout carries only the requested output; messages go to stderr. A shallow clone that lacks the base \
            fails with what to fetch, unless --fallback all treats every target as affected (and says so in \
            "degraded").

            Examples:
              fleet affected
              fleet affected --base origin/main --format json
              fleet affected --base HEAD~1 --head HEAD --format github-matrix --github-output
              fleet affected --explain api-gateway
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case names, json
        case githubMatrix = "github-matrix"
        case gitlabCI = "gitlab-ci"
    }

    enum Fallback: String, ExpressibleByArgument, CaseIterable {
        case none, all
    }

    enum KindFilter: String, ExpressibleByArgument, CaseIterable {
        case service, lib
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cache: CacheOptions

    @Option(name: .long, help: ArgumentHelp("The base revision (a branch, tag, commit or expression such as HEAD~1).",
                                            valueName: "rev"))
    var base: String?

    @Option(name: .long, help: ArgumentHelp("The head revision (default: the working tree).", valueName: "rev"))
    var head: String?

    @Option(name: .long, help: "Output format: names, json, github-matrix or gitlab-ci.")
    var format: Format = .names

    @Option(name: .long, help: "Only targets of this kind: service or lib.")
    var kind: KindFilter?

    @Option(name: .long, help: ArgumentHelp("Explain why one target is affected, in plain words.",
                                            valueName: "name"))
    var explain: String?

    @Option(name: .long, help: ArgumentHelp(
        "What to do when the base cannot be compared (missing from a shallow clone): none (fail) or all.",
        valueName: "mode"))
    var fallback: Fallback = .none

    @Flag(name: .long, help: "With github-matrix: also append matrix=, count= and any= to $GITHUB_OUTPUT.")
    var githubOutput = false

    @Option(name: .long, help: "Most matrix entries or jobs; more targets are packed into batches.")
    var maxJobs = 256

    @Option(name: .long, help: ArgumentHelp("With gitlab-ci: the actions each job runs.", valueName: "actions"))
    var jobActions = "build test scan"

    @Option(name: .long, help: ArgumentHelp("With gitlab-ci: the image of every job.", valueName: "image"))
    var gitlabImage: String?

    @Flag(name: .long, help: "Also compute the answer by brute force (every key, both sides) and fail if they differ.")
    var verify = false

    func validate() throws {
        if maxJobs < 1 { throw ValidationError("--max-jobs must be at least 1") }
        if githubOutput, format != .githubMatrix {
            throw ValidationError("--github-output needs --format github-matrix")
        }
        if githubOutput, (ProcessInfo.processInfo.environment["GITHUB_OUTPUT"] ?? "").isEmpty {
            throw ValidationError("--github-output needs $GITHUB_OUTPUT (set by GitHub Actions)")
        }
        if jobActions.split(separator: " ").isEmpty { throw ValidationError("--job-actions cannot be empty") }
    }

    func run() async throws {
        try await runReporting(global) { console in
            let environment = ProcessInfo.processInfo.environment
            let workspace = try global.workspace()
            let repository: GitRepository
            do {
                repository = try GitRepository.discover(startingAt: workspace.manifestDirectory)
            } catch {
                throw DiagnosticsError(
                    "fleet affected needs a git repository, and \(workspace.displayPath) is not in one",
                    hint: "run it inside a git checkout; `fleet run --all` needs no git")
            }
            let analyzer = try AffectedAnalyzer(repository: repository, workspace: workspace)
            let headSide: AffectedAnalyzer.Head =
                try head.map { .commit(try repository.resolveCommit($0)) } ?? .workingTree

            var report: AffectedReport
            var choice: BaseResolver.Choice?
            var unresolved = ""
            do {
                choice = try BaseResolver.resolve(explicit: base, repository: repository, environment: environment)
            } catch where fallback == .all {
                // Only a base that cannot be found falls back; a bad manifest or head is still an error.
                unresolved = (error as? any DiagnosticConvertible)?.diagnostics.first?.message ?? "\(error)"
                console.report([Diagnostic(.warning, "\(unresolved); --fallback all: every target counts as affected")])
                choice = nil
            }
            if let choice {
                console.info("base: \(choice.commit?.description ?? "empty tree") (\(choice.explanation))")
                report = try await analyzer.analyze(base: choice.commit, head: headSide)
            } else {
                report = try analyzer.everything(
                    base: nil, head: headSide, degraded: "the base revision could not be resolved: \(unresolved)")
            }
            console.info("changed paths: \(report.changedPaths.count); method: \(report.method)")

            if verify, report.degraded == nil {
                try await check(report, analyzer: analyzer, head: headSide)
                console.info("verify: the brute-force answer agrees")
            }
            if let explain {
                // Before --kind: the chain of reasons runs through targets of both kinds.
                guard try FleetGraphLookup.exists(explain, workspace: workspace, report: report) else {
                    throw DiagnosticsError("unknown target '\(explain)'")
                }
                console.output(AffectedRendering.explanation(of: explain, in: report))
                return
            }
            if let kind {
                report.affected = report.affected.filter { $0.kind.rawValue == kind.rawValue }
            }
            switch format {
            case .names:
                let text = AffectedRendering.names(report)
                if !text.isEmpty { console.output(text) }
            case .json:
                console.output(AffectedRendering.json(report))
            case .githubMatrix:
                console.output(AffectedRendering.githubMatrix(report, maxJobs: maxJobs))
                if githubOutput, let path = environment["GITHUB_OUTPUT"] {
                    try appendLines(AffectedRendering.githubOutput(report, maxJobs: maxJobs), to: path)
                }
            case .gitlabCI:
                console.output(AffectedRendering.gitlabPipeline(
                    report, actions: jobActions.split(separator: " ").map(String.init), image: gitlabImage,
                    maxJobs: maxJobs))
            }
            if !report.removed.isEmpty {
                console.info("removed: \(report.removed.joined(separator: ", "))")
            }
        }
    }

    private func check(_ report: AffectedReport, analyzer: AffectedAnalyzer, head: AffectedAnalyzer.Head)
        async throws
    {
        let base = try report.base.map { hex -> ObjectID in
            guard let id = ObjectID(hex: hex) else { throw InternalError("bad base id \(hex)") }
            return id
        }
        let truth = try await analyzer.bruteForce(base: base, head: head)
        let fast = Set(report.affected.map(\.name))
        guard fast == truth.affected, Set(report.removed) == truth.removed else {
            throw InternalError(
                "affected detection disagrees with brute force: fast-only \(fast.subtracting(truth.affected).sorted()), "
                    + "brute-force-only \(truth.affected.subtracting(fast).sorted())")
        }
    }

    private func appendLines(_ text: String, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw DiagnosticsError("cannot open $GITHUB_OUTPUT (\(path)) for appending")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

/// Whether a name is a target at head, for `--explain`.
enum FleetGraphLookup {
    static func exists(_ name: String, workspace: Workspace, report: AffectedReport) throws -> Bool {
        if report.target(named: name) != nil || report.removed.contains(name) { return true }
        let manifest = try ManifestLoader.load(workspace: workspace)
        return manifest.target(named: name) != nil
    }
}
