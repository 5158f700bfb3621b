import FleetBasics
import FleetCache
import FleetExecution
import FleetGraph
import FleetHashing
import FleetInputs
import FleetManifest
import FleetPlanning
import FleetTestSupport
import Glibc
import Synchronization
import Testing

/// Collects every event of a run, in order.
final class EventLog: ExecutionObserver {
    private let storage = Mutex<[ExecutionEvent]>([])

    func handle(_ event: ExecutionEvent) { storage.withLock { $0.append(event) } }

    var events: [ExecutionEvent] { storage.withLock { $0 } }

    var finished: [ExecutionEvent.ActionFinished] {
        events.compactMap { if case .actionFinished(let f) = $0 { f } else { nil } }
    }

    var started: [ExecutionEvent.ActionStarted] {
        events.compactMap { if case .actionStarted(let s) = $0 { s } else { nil } }
    }

    var warnings: [Diagnostic] {
        events.compactMap { if case .warning(let d) = $0 { d } else { nil } }
    }

    func status(of label: String) -> ActionStatus? { finished.first { $0.label.description == label }?.status }

    func reason(of label: String) -> String? { finished.first { $0.label.description == label }?.reason }
}

/// A process runner that counts the processes it starts.
final class CountingRunner: ProcessRunner {
    private let inner = PosixProcessRunner(registry: ProcessGroupRegistry())
    private let counter = Mutex(0)

    var count: Int { counter.withLock { $0 } }

    func run(_ spec: ProcessSpec) async throws -> ProcessOutcome {
        counter.withLock { $0 += 1 }
        return try await inner.run(spec)
    }
}

/// The outcome of one run in a test workspace.
struct EngineRun {
    var summary: RunSession.Summary
    var log: EventLog
    var plan: ActionPlan

    func status(_ label: String) -> ActionStatus? { log.status(of: label) }
    var statuses: [String: ActionStatus] {
        Dictionary(uniqueKeysWithValues: log.finished.map { ($0.label.description, $0.status) })
    }
}

/// A workspace in a temporary directory: `fleet.yaml`, files, and a cache in `cache/` (skipped by the file walk).
/// Runs go through the real engine: keys, plan, `RunSession` with real processes.
struct EngineWorkspace {
    let directory: TemporaryDirectory
    var cacheDirectory: String

    init(_ manifest: String, files: [String: String] = [:], cacheDirectory: String? = nil) throws {
        directory = try TemporaryDirectory(prefix: "fleet-engine")
        self.cacheDirectory = cacheDirectory ?? directory.appending("cache")
        try directory.write("fleet.yaml", manifest)
        try directory.write(files)
    }

    var root: String { directory.path }
    func path(_ relative: String) -> String { directory.appending(relative) }
    func read(_ relative: String) throws -> String { try directory.read(relative) }
    func write(_ relative: String, _ content: String, executable: Bool = false) throws {
        try directory.write(relative, content, executable: executable)
    }
    func exists(_ relative: String) -> Bool { FileSystem.exists(path(relative)) }
    func remove() { directory.remove() }

    func load() throws -> LoadedFleet {
        try FleetLoader.load(workspace: Workspace(manifestPath: path("fleet.yaml"), currentDirectory: root))
    }

    /// Plans and runs `actions`.
    func run(
        _ actions: [String], targets: [String]? = nil, jobs: Int = 2, keepGoing: Bool = false, useCache: Bool = true,
        environment: [String: String] = [:], runner: (any ProcessRunner)? = nil, maxCacheSize: UInt64? = nil,
        beforeRun: (() throws -> Void)? = nil, cancelAfter: (@Sendable (EventLog) async -> Void)? = nil
    ) async throws -> EngineRun {
        await Self.settle()
        let hashedAt = FileStat.fileClockNow()
        let fleet = try load()
        let request = PlanRequest(actions: actions, targets: targets)
        let keys = try await WorkspaceKeys.compute(
            fleet: fleet, targets: targets, cacheDirectory: cacheDirectory, environment: environment)
        let history = ActionHistory.load(cacheDirectory: cacheDirectory, root: root)
        let plan = try Planner.plan(
            request, fleet: fleet, keys: keys.keys, environment: environment, durations: history.durations)
        try beforeRun?()
        let log = EventLog()
        let options = RunOptions(
            jobs: jobs, keepGoing: keepGoing, useCache: useCache, cacheDirectory: cacheDirectory,
            rootDirectory: fleet.workspace.rootDirectory, environment: CleanEnvironment(parent: ["PATH": childPath]),
            inputsHashedAt: hashedAt, maxCacheSize: maxCacheSize, terminationGracePeriod: .seconds(2))
        let session = RunSession(
            plan: plan, options: options, observer: log,
            runner: runner ?? PosixProcessRunner(registry: ProcessGroupRegistry()), history: history)
        let task = Task { await session.run() }
        if let cancelAfter {
            await cancelAfter(log)
            task.cancel()
        }
        return EngineRun(summary: await task.value, log: log, plan: plan)
    }

    /// The cache store of this workspace.
    var store: DiskCacheStore { DiskCacheStore(directory: cacheDirectory) }

    /// Waits (briefly, bounded) until the file clock has passed every timestamp a file written so far can have,
    /// so that files the test just wrote are not mistaken for files changed during the run by the engine's input
    /// check. (With multigrain timestamps a file can be stamped from the fine clock, ahead of the coarse one.)
    static func settle() async {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let fine = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        for _ in 0..<500 where FileStat.fileClockNow() <= fine {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// The number of lines in a file (0 when missing): how often an action that appends a line ran.
func lineCount(_ path: String) -> Int {
    ((try? FileSystem.readText(path)) ?? "").split(separator: "\n").count
}
