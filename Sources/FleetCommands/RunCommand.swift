import ArgumentParser
import FleetBasics
import FleetExecution
import FleetGraph
import FleetHashing
import FleetInputs
import FleetPlanning
import Foundation
import Glibc

/// `fleet run`: runs actions of the selected targets, and everything they need, over the cache.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run actions (build, test, scan…) of targets, in dependency order, over the cache.",
        discussion: """
            Runs the named actions of the selected targets (default: every target that defines them) plus \
            every action they need, as parallel as the graph allows. An action whose key (inputs, definition, \
            env, needs) has a result in the cache is not run: its outputs are restored and its logs replayed.

            Selection:
              -t NAME          only this target (repeatable); needed actions of other targets still run
              --all            every target (the default)
              --affected       only the targets the change between --base and --head affects (see fleet affected)

            Output: a live status on a terminal, plain lines otherwise, then a summary and the log of every \
            failed action. --json prints NDJSON events on stdout instead (docs/run.md).

            Exit codes: 0 every action succeeded or was cached, 1 an action failed (or was skipped because of \
            a failure), 130 interrupted (Ctrl-C, SIGTERM), 64 usage error.

            Examples:
              fleet run build
              fleet run build test -t api-gateway -j 4
              fleet run test --affected --base origin/main --keep-going
              fleet run build --dry-run
              fleet run build test --json --report junit=reports/junit.xml --profile trace.json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cache: CacheOptions

    @Argument(help: ArgumentHelp("The actions to run: build, test, scan or any action name.", valueName: "action"))
    var actions: [String]

    @Option(name: [.customShort("t", allowingJoined: true), .customLong("target")], help: ArgumentHelp(
        "Run the actions of this target only (repeatable).", valueName: "name"))
    var targets: [String] = []

    @Flag(name: .long, help: "Run the actions of every target (the default).")
    var all = false

    @Flag(name: .long, help: "Only the targets affected by the change between --base and --head.")
    var affected = false

    @Option(name: .long, help: ArgumentHelp("With --affected: the base revision (default: as fleet affected).",
                                            valueName: "rev"))
    var base: String?

    @Option(name: .long, help: ArgumentHelp("With --affected: the head revision (default: the working tree).",
                                            valueName: "rev"))
    var head: String?

    @Option(name: [.customShort("j", allowingJoined: true), .customLong("jobs")], help: ArgumentHelp(
        "The most actions running at once (default: the number of usable cores).", valueName: "n"))
    var jobs: Int?

    @Flag(name: .long, help: "After a failure, run everything that does not depend on it (default: stop starting).")
    var keepGoing = false

    @Flag(name: .customLong("no-cache"), help: "Neither look up nor store results in the cache.")
    var noCache = false

    @Flag(name: .long, help: "Print the plan (each action, its key, hit or miss, and why) and run nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print NDJSON events on stdout (one object per line) instead of progress.")
    var json = false

    @Option(name: .customLong("report"), help: ArgumentHelp(
        "Write a report: junit=FILE (JUnit XML, one test case per action). Repeatable.", valueName: "kind=file"))
    var reports: [String] = []

    @Option(name: .long, help: ArgumentHelp("Write a Chrome trace (Perfetto) of the run.", valueName: "file"))
    var profile: String?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if all, !targets.isEmpty { throw ValidationError("--all and -t/--target cannot be combined") }
        if all, affected { throw ValidationError("--all and --affected cannot be combined") }
        if !affected, base != nil || head != nil { throw ValidationError("--base and --head need --affected") }
        for report in reports { _ = try Self.junitPath(report) }
        if actions.contains(where: { $0.isEmpty }) { throw ValidationError("an action name cannot be empty") }
    }

    /// `junit=FILE` → FILE.
    static func junitPath(_ report: String) throws -> String {
        let parts = report.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw ValidationError("--report takes KIND=FILE, such as junit=reports/junit.xml; found '\(report)'")
        }
        guard parts[0] == "junit" else {
            throw ValidationError("unknown report kind '\(parts[0])' in --report (supported: junit)")
        }
        return parts[1]
    }

    func run() async throws {
        var exitCode: Int32 = 0
        try await runReporting(global) { console in
            exitCode = try await RunService(command: self, console: console).run()
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}

/// What `fleet run` does, step by step: load, select, key, plan, then dry-run or run.
struct RunService {
    let command: RunCommand
    let console: Console

    func run() async throws -> Int32 {
        // glibc gives each thread that allocates its own arena (up to 8 per core); with the cooperative pool, the
        // I/O pool and the reaper that cost ~90 MB of RSS on a 10,000-target run for no speed. One per core.
        MallocTuning.limitArenas(to: max(2, ProcessorCount.active))
        let environment = ProcessInfo.processInfo.environment
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> String { Quantity.formatDuration(seconds: Double((clock.now - start).components.seconds)
            + Double((clock.now - start).components.attoseconds) / 1e18) }
        let hashedAt = FileStat.fileClockNow()
        let fleet = try FleetLoader.load(workspace: command.global.workspace())
        let workspace = fleet.workspace
        var request = PlanRequest(actions: command.actions, targets: command.targets.isEmpty ? nil : command.targets)
        // Unknown targets and actions are reported before any git or hashing work.
        try Planner.check(request, graph: fleet.graph)
        // A run writes every action's log and its record in the cache directory: it must be usable before anything
        // starts. A dry run writes nothing there that it cannot do without (the file-hash memo, the key snapshot).
        let cacheDirectory = command.dryRun
            ? command.cache.directory(for: workspace) : try command.cache.writableDirectory(for: workspace)
        console.info("cache: \(cacheDirectory)")
        if command.affected {
            let report = try await AffectedSelection.compute(
                workspace: workspace, base: command.base, head: command.head, environment: environment,
                console: console)
            request.restrictTo = Set(report.affected.map(\.name))
        }
        let selected = try Planner.selectTargets(request, graph: fleet.graph)
        // The commit and the dirty check (a full status) come with the keys: computed alongside them, or read from
        // the last run's snapshot when nothing changed.
        let keys = try await WorkspaceKeys.compute(
            fleet: fleet, targets: request.targets == nil && request.restrictTo == nil ? nil : selected,
            cacheDirectory: cacheDirectory, environment: environment, repositoryState: !command.dryRun)
        console.report(keys.warnings)
        console.info(keys.reused
            ? "keys: the last computation's (\(keys.hashing.memoHits) files and their directories unchanged), at \(elapsed())"
            : "keys: \(keys.hashing.memoHits) files from the memo, \(keys.hashing.memoMisses) hashed "
                + "(\(keys.inventorySource) listing), at \(elapsed())")
        let history = ActionHistory.load(cacheDirectory: cacheDirectory, root: workspace.rootDirectory)
        let plan = try Planner.plan(
            request, fleet: fleet, keys: keys.keys, environment: environment, durations: history.durations)
        console.info("\(selected.count) targets selected, \(plan.count) actions planned, at \(elapsed())")

        if command.dryRun {
            let rows = await DryRun.rows(plan: plan, cacheDirectory: command.noCache ? nil : cacheDirectory)
            console.output(command.json ? DryRun.json(rows) : DryRun.text(rows))
            return 0
        }

        let git = keys.repositoryState ?? .none
        // The trap is installed before the run starts, so no signal can slip between the two.
        let interruption = RunInterruption()
        let trap = try? SignalTrap.install { _ in interruption.trigger() }
        console.info("commit \(git.commit ?? "none")\(git.dirty ? " (with changes)" : ""), at \(elapsed())")
        if git.cacheNotIgnored {
            console.report([Diagnostic(
                .warning, "the cache directory \(FileSystem.displayPath(cacheDirectory)) is inside the repository "
                    + "and git does not ignore it",
                hint: "add it to .gitignore; fleet leaves its files out of inputs and of the record's 'dirty'")])
        }
        let options = RunOptions(
            jobs: command.jobs ?? ProcessorCount.active, keepGoing: command.keepGoing, useCache: !command.noCache,
            cacheDirectory: cacheDirectory, rootDirectory: workspace.rootDirectory, environment: .current(),
            inputsHashedAt: hashedAt, maxCacheSize: fleet.manifest.cache.effectiveMaxSize,
            maxCacheAge: fleet.manifest.cache.maxAge.flatMap(Planner.duration), interruption: interruption)
        let observers = RunObservers(command: command)
        let session = RunSession(
            plan: plan, options: options, observer: observers.observer, commit: git.commit, dirty: git.dirty,
            history: history)
        let task = Task { await session.run() }
        interruption.attach { task.cancel() }
        let summary = await task.value
        trap?.uninstall()
        try observers.finish()
        console.info("run \(summary.runID): \(RunDirectory(cacheDirectory: cacheDirectory).runPath(summary.runID)), "
            + "done at \(elapsed())")
        ProcessLifetime.keepUntilExit((keys, plan, fleet, history, session, summary))
        return summary.exitCode
    }
}

/// glibc's `mallopt`, which Swift's Glibc module does not import (`<malloc.h>` is not in it), looked up by name.
enum MallocTuning {
    /// `M_ARENA_MAX` in `<malloc.h>`.
    private static let arenaMax: Int32 = -8

    /// Caps the number of malloc arenas; threads created later share them. Does nothing where `mallopt` is absent.
    static func limitArenas(to count: Int) {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, Int32(clamping: count))
        #endif
    }
}
