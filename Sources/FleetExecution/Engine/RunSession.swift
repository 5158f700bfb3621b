import FleetBasics
import FleetCache
import FleetGraph
import FleetHashing
public import FleetPlanning

/// One `fleet run` from plan to record: runs the plan over the cache, then writes the run record (`latest.json`
/// and the run's own), the action history for `fleet explain` and priorities, prunes old runs and trims the
/// cache. The engine never prints: everything the user sees goes through the observer.
public struct RunSession: Sendable {
    public let plan: ActionPlan
    public let options: RunOptions
    public let observer: any ExecutionObserver
    public let runner: any ProcessRunner
    /// HEAD of the repository holding the root (40 hex), or nil; and whether the root differed from it.
    public let commit: String?
    public let dirty: Bool
    /// The history loaded before planning (its durations gave the priorities); updated and saved after the run.
    public let history: ActionHistory

    public init(
        plan: ActionPlan, options: RunOptions, observer: any ExecutionObserver,
        runner: any ProcessRunner = PosixProcessRunner(), commit: String? = nil, dirty: Bool = false,
        history: ActionHistory? = nil
    ) {
        self.plan = plan
        self.options = options
        self.observer = observer
        self.runner = runner
        self.commit = commit
        self.dirty = dirty
        self.history = history
            ?? ActionHistory.load(cacheDirectory: options.cacheDirectory, root: options.rootDirectory)
    }

    /// How the run went.
    public struct Summary: Sendable {
        public var runID: String
        /// One per planned action, in plan order.
        public var outcomes: [ActionOutcome]
        public var record: RunRecord
        public var interrupted: Bool
        /// Seconds from the first action to the last.
        public var duration: Double

        /// 0 when every action executed or was cached, 130 when interrupted, else 1.
        public var exitCode: Int32 {
            if interrupted { return 130 }
            return outcomes.allSatisfy { $0.status == .executed || $0.status == .cached } ? 0 : 1
        }

        public func count(_ status: ActionStatus) -> Int { outcomes.filter { $0.status == status }.count }
    }

    /// Runs the plan. Call from a task that is cancelled on Ctrl-C (see ``SignalTrap``).
    public func run() async -> Summary {
        let startedAt = Timestamp.now()
        let runs = RunDirectory(cacheDirectory: options.cacheDirectory)
        let runID = Timestamp.runID(at: startedAt)
        let sink = EventSink(observer: observer)
        let store: DiskCacheStore? = options.useCache
            ? DiskCacheStore(directory: options.cacheDirectory) { problem in sink.emit(.warning(problem.diagnostic)) }
            : nil
        let outputMemo = OutputMemo(cacheDirectory: options.useCache ? options.cacheDirectory : nil,
                                    root: options.rootDirectory)
        let logs = RunLogs(directory: runs.logsPath(runID))
        let executor = ActionExecutor(
            store: store, runner: runner, logs: logs, outputMemo: outputMemo,
            inputGuard: InputGuard(root: options.rootDirectory, hashedAt: options.inputsHashedAt), sink: sink,
            options: options, history: history)

        sink.emit(.runStarted(.init(
            actions: plan.actions.map { ActionLabel(target: $0.label.target, action: $0.label.action) },
            jobs: options.jobs, cacheEnabled: options.useCache, cacheDirectory: options.cacheDirectory)))
        let report = await Scheduler(plan: plan, executor: executor, sink: sink, options: options).run()
        logs.removeScratch()
        let duration = sink.now()
        let finishedAt = Timestamp.now()

        let outcomes = report.results.map(\.outcome)
        let record = makeRecord(
            id: runID, outcomes: outcomes, interrupted: report.interrupted, startedAt: startedAt,
            finishedAt: finishedAt)
        for warning in await persist(record: record, report: report, runs: runs, runID: runID, store: store,
                                     outputMemo: outputMemo)
        {
            sink.emit(.warning(warning))
        }

        var counts: [ActionStatus: Int] = [:]
        for status in ActionStatus.allCases { counts[status] = outcomes.filter { $0.status == status }.count }
        let saved = outcomes.compactMap { $0.status == .cached ? $0.savedSeconds : nil }.reduce(0, +)
        sink.emit(.runFinished(.init(
            counts: counts, duration: duration, savedSeconds: saved, interrupted: report.interrupted)))
        return Summary(runID: runID, outcomes: outcomes, record: record, interrupted: report.interrupted,
                       duration: duration)
    }

    // MARK: - After the run

    private func makeRecord(
        id: String, outcomes: [ActionOutcome], interrupted: Bool, startedAt: Double, finishedAt: Double
    ) -> RunRecord {
        var counts: [String: Int] = [:]
        for status in ActionStatus.allCases {
            counts[status.rawValue] = outcomes.filter { $0.status == status }.count
        }
        let failed = outcomes.contains { $0.status == .failed || $0.status == .skipped }
        let actions = zip(plan.actions, outcomes).map { planned, outcome in
            RunRecord.Action(
                target: planned.label.target, action: planned.label.action, key: outcome.key,
                status: outcome.status.rawValue, durationMs: Int((outcome.duration * 1000).rounded()),
                exitCode: outcome.exitCode, reason: outcome.reason, requested: planned.requested, image: planned.image)
        }
        return RunRecord(
            id: id, commit: commit, dirty: dirty, startedAt: Timestamp.iso8601(startedAt),
            finishedAt: Timestamp.iso8601(finishedAt),
            status: interrupted ? "interrupted" : failed ? "failed" : "succeeded", root: options.rootDirectory,
            counts: counts, actions: actions)
    }

    /// Writes the records and the history, prunes old runs, trims the cache. Returns warnings (nothing here can
    /// fail the run).
    private func persist(
        record: RunRecord, report: Scheduler.Report, runs: RunDirectory, runID: String, store: DiskCacheStore?,
        outputMemo: OutputMemo
    ) async -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let text = Array(record.json().utf8)
        do {
            try FileSystem.createDirectory(runs.runPath(runID))
            try FileSystem.writeAtomically(text, to: runs.recordPath(runID), sync: false)
            try FileSystem.writeAtomically(text, to: runs.latestRecordPath, sync: false)
        } catch {
            warnings.append(Diagnostic(.warning, "could not write the run record: \(error)"))
        }

        var history = self.history
        var changed: [KeyRecord] = []
        let recordedAt = record.finishedAt
        for (planned, result) in zip(plan.actions, report.results) {
            let outcome = result.outcome
            guard outcome.status != .skipped, outcome.reason != "interrupted" else { continue }
            let previous = history.entries[planned.label]
            let seconds = result.executionSeconds ?? outcome.savedSeconds ?? previous?.executionSeconds
            let entry = ActionHistory.Entry(
                key: planned.fingerprint, status: outcome.status.rawValue,
                executionSeconds: planned.isGroup ? nil : seconds, runID: runID)
            if history.update(planned.label, with: entry) {
                changed.append(KeyRecord(
                    key: planned.key, definition: planned.definition, status: outcome.status.rawValue,
                    runID: runID, recordedAt: recordedAt, outputs: result.outputs))
            }
        }
        for error in await history.saveKeyRecords(changed) {
            warnings.append(Diagnostic(.warning, "could not record key details for 'fleet explain': \(error)"))
        }
        do {
            try history.saveIndex()
        } catch {
            warnings.append(Diagnostic(.warning, "could not save the action history: \(error)"))
        }
        do {
            try outputMemo.save()
        } catch {
            warnings.append(Diagnostic(.warning, "could not save the output memo: \(error)"))
        }
        runs.pruneRuns(keepingNewest: options.keptRuns, keeping: runID)
        if let store, let maxSize = options.maxCacheSize { warnings += await trim(store, maxSize: maxSize, runs: runs) }
        return warnings
    }

    /// Trims the cache to its cap: at most once an hour (gc reads every entry), and always on a cache's first run.
    private func trim(_ store: DiskCacheStore, maxSize: UInt64, runs: RunDirectory) async -> [Diagnostic] {
        let stamp = FileSystem.join(runs.path, "last-gc")
        if let stat = try? FileStat.of(stamp),
            FileStat.fileClockNow() - stat.modificationTime < Self.automaticGCInterval
        {
            return []
        }
        do {
            _ = try await store.gc(maxSize: maxSize, maxAge: options.maxCacheAge)
            try? FileSystem.createDirectory(runs.path)
            try? FileSystem.writeAtomically([UInt8](), to: stamp, sync: false)
            return []
        } catch {
            return [Diagnostic(.warning, "could not trim the cache: \(error)")]
        }
    }

    /// One hour, in nanoseconds.
    static let automaticGCInterval: Int64 = 3600 * 1_000_000_000
}
