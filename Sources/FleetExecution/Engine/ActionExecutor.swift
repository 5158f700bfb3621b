import FleetBasics
import FleetCache
import FleetGraph
import FleetHashing
import FleetPlanning
import Glibc

/// Runs one planned action: answers it from the cache when it can, else runs its command and stores the
/// result. Never throws: every way an action can end is an ``ActionOutcome``; every cache problem is a warning
/// and a miss, never a failed action.
struct ActionExecutor: Sendable {
    let store: (any CacheStore)?
    let runner: any ProcessRunner
    let logs: RunLogs
    let outputMemo: OutputMemo
    let inputGuard: InputGuard
    let sink: EventSink
    let options: RunOptions
    /// What earlier runs recorded: the outputs of an action's previous version, removed after a restore.
    let history: ActionHistory

    /// What the run learned about one action besides its outcome.
    struct Result: Sendable {
        var outcome: ActionOutcome
        /// The outputs now on disk (target-relative paths), when the action executed or was restored with the
        /// cache on.
        var outputs: [String]?
        /// How long the command ran (executed actions).
        var executionSeconds: Double?
    }

    /// Runs `action`. `mayStore` is false when something it needs ran on changed inputs.
    func execute(_ action: PlannedAction, mayStore: Bool) async -> Result {
        let startedAt = sink.now()
        let key = action.fingerprint.hex
        func finish(_ status: ActionStatus, exitCode: Int32? = nil, reason: String? = nil, saved: Double? = nil,
                    logs: (String?, String?) = (nil, nil), inputsChanged: Bool = false) -> ActionOutcome {
            ActionOutcome(
                label: action.label, key: key, status: status, exitCode: exitCode, reason: reason,
                startedAt: startedAt, finishedAt: sink.now(), savedSeconds: saved, stdoutPath: logs.0,
                stderrPath: logs.1, inputsChanged: inputsChanged)
        }
        guard let command = action.command else { return Result(outcome: finish(.executed)) }
        if options.isInterrupted { return Result(outcome: finish(.failed, reason: "interrupted")) }

        let store = action.cacheable ? self.store : nil
        if let store {
            switch await lookUp(action, in: store) {
            case let .hit(paths, saved, outputs):
                return Result(outcome: finish(.cached, saved: saved, logs: paths), outputs: outputs)
            case .interrupted:
                return Result(outcome: finish(.failed, reason: "interrupted"))
            case .miss:
                break
            }
        }

        let scratch: RunLogs.Scratch
        do {
            scratch = try logs.takeScratch()
        } catch {
            return Result(outcome: finish(.failed, reason: "cannot create the log directory: \(error.reason)"))
        }
        let environment = options.environment.forAction(
            target: action.label.target, action: action.label.action, root: options.rootDirectory,
            declared: action.environment)
        let spec = ProcessSpec(
            executable: "/bin/sh", arguments: ["-c", command], workingDirectory: action.workingDirectory,
            environment: environment, stdoutPath: scratch.stdout, stderrPath: scratch.stderr, timeout: action.timeout,
            terminationGracePeriod: options.terminationGracePeriod)
        let process: ProcessOutcome
        do {
            process = try await runner.run(spec)
        } catch is CancellationError {
            _ = logs.keep(scratch, for: action.label, processGroup: nil)
            return Result(outcome: finish(.failed, reason: "interrupted"))
        } catch let error as ProcessError {
            // Only a lost child ran; any other failure is the spawn's: nothing can still hold the scratch files.
            let message = error.diagnostics.first?.message ?? "\(error)"
            var spawned = false
            if case .childLost = error { spawned = true }
            let kept = logs.keep(scratch, for: action.label, processGroup: nil, spawned: spawned)
            return Result(outcome: finish(.failed, reason: message, logs: kept))
        } catch {
            _ = logs.keep(scratch, for: action.label, processGroup: nil)
            return Result(outcome: finish(.failed, reason: "\(error)"))
        }
        // Only the logs with something in them are kept (and shown, and stored as more than the empty blob).
        let logPaths = logs.keep(scratch, for: action.label, processGroup: process.processID)
        var exitCode: Int32?
        if case .exited(let code) = process.termination { exitCode = code }
        // Killed by the interruption (the trap signals every group before the task is cancelled), or exited
        // while the run was being stopped: reported as interrupted, never stored.
        if process.cancelled || (options.isInterrupted && !process.succeeded) {
            return Result(outcome: finish(.failed, exitCode: exitCode, reason: "interrupted", logs: logPaths))
        }
        if process.timedOut {
            let limit = action.timeout.map { " after " + Self.format($0) } ?? ""
            return Result(outcome: finish(.failed, exitCode: exitCode, reason: "timed out" + limit, logs: logPaths))
        }
        guard process.succeeded else {
            let reason: String
            switch process.termination {
            case .exited(let code): reason = "exit code \(code)"
            case .signalled(let signal): reason = "killed by \(SignalName.of(signal))"
            }
            return Result(outcome: finish(.failed, exitCode: exitCode, reason: reason, logs: logPaths))
        }
        let seconds = Self.seconds(process.duration)
        guard let store, !options.isInterrupted else {
            return Result(outcome: finish(.executed, exitCode: 0, logs: logPaths), executionSeconds: seconds)
        }
        guard mayStore else {
            // Something it needs ran on changed inputs: its outputs may not match its key either.
            return Result(
                outcome: finish(.executed, exitCode: 0, logs: logPaths, inputsChanged: true), executionSeconds: seconds)
        }
        if let changed = await inputGuard.changedInput(of: action.key) {
            sink.emit(.warning(Diagnostic(
                .warning, "\(action.label): not stored in the cache: input '\(changed)' changed while the run was going on",
                hint: "the next run computes a new key and runs it again")))
            return Result(
                outcome: finish(.executed, exitCode: 0, logs: logPaths, inputsChanged: true), executionSeconds: seconds)
        }
        let outputs = await self.store(
            action, in: store, stdout: logPaths.stdout, stderr: logPaths.stderr, duration: process.duration)
        return Result(
            outcome: finish(.executed, exitCode: 0, logs: logPaths), outputs: outputs, executionSeconds: seconds)
    }

    // MARK: - Cache lookups

    enum Lookup {
        case hit(logs: (String?, String?), savedSeconds: Double, outputs: [String])
        case miss
        case interrupted
    }

    /// Looks the action up and, on a hit, replays its logs and puts its outputs in place. Anything missing,
    /// damaged or unsafe is a miss (with a warning, and the entry dropped).
    private func lookUp(_ action: PlannedAction, in store: any CacheStore) async -> Lookup {
        guard let result = await store.actionResult(for: action.fingerprint) else { return .miss }
        guard result.exitCode == 0 else {
            return await drop(action, store: store, because: "it records a failed run (exit code \(result.exitCode))")
        }
        if options.isInterrupted { return .interrupted }

        // Logs first: they are small, and an entry whose logs are gone is as damaged as one missing an output.
        let paths = logs.paths(for: action.label)
        var replayed: [String] = []
        for (blob, path) in [(result.stdout, paths.stdout), (result.stderr, paths.stderr)] where blob.size > 0 {
            do {
                try logs.prepare(action.label)
                guard try await store.readBlob(blob.digest, toFile: path, permissions: 0o644, expectedSize: blob.size)
                else {
                    replayed.forEach { unlink($0) }
                    return await drop(action, store: store, because: "its log blob \(blob.digest.hex) is missing or damaged")
                }
                replayed.append(path)
            } catch {
                replayed.forEach { unlink($0) }
                sink.emit(.warning(Diagnostic(
                    .warning, "\(action.label): cannot replay the cached log into \(path): \(error); running it")))
                return .miss
            }
        }

        let directory = action.workingDirectory
        let memo = outputMemo
        let outputs = result.outputs
        let inPlace = await ThreadPool.shared.run {
            memo.allInPlace(outputs, targetDirectory: directory, targetPath: action.targetPath)
        }
        if !inPlace {
            let recordedAt = FileStat.fileClockNow()
            do {
                switch try await store.restore(outputs, into: directory) {
                case .restored:
                    await ThreadPool.shared.run {
                        memo.record(outputs, targetDirectory: directory, targetPath: action.targetPath,
                                    recordedAt: recordedAt)
                    }
                case let .miss(path, digest):
                    replayed.forEach { unlink($0) }
                    return await drop(
                        action, store: store, because: "the blob \(digest.hex) of its output '\(path)' is missing or damaged")
                }
            } catch .cancelled {
                replayed.forEach { unlink($0) }
                return .interrupted
            } catch {
                replayed.forEach { unlink($0) }
                let detail = error.diagnostics.first?.message ?? "\(error)"
                return await drop(action, store: store, because: detail)
            }
        }
        await removeStaleOutputs(of: action, keeping: outputs.map(\.path))
        let shown: (String?, String?) = (
            result.stdout.size > 0 ? paths.stdout : nil, result.stderr.size > 0 ? paths.stderr : nil
        )
        return .hit(logs: shown, savedSeconds: Self.seconds(result.duration), outputs: outputs.map(\.path))
    }

    /// After a restore: removes what the action's previous run (with another key) recorded as outputs and the
    /// restored result does not have, so the directory holds what a clean run of this version would produce.
    private func removeStaleOutputs(of action: PlannedAction, keeping current: [String]) async {
        guard let entry = history.entries[action.label], entry.key != action.fingerprint else { return }
        let history = self.history
        _ = await ThreadPool.shared.run { () -> [String] in
            guard let previous = history.keyRecord(for: action.label)?.outputs else { return [] }
            return StaleOutputs.remove(
                previous: previous, keeping: Set(current), patterns: action.outputGlobs,
                targetDirectory: action.workingDirectory)
        }
    }

    /// Removes a cache entry that cannot be used, warns, and reports a miss.
    private func drop(_ action: PlannedAction, store: any CacheStore, because reason: String) async -> Lookup {
        try? await store.removeActionResult(for: action.fingerprint)
        sink.emit(.warning(Diagnostic(
            .warning, "\(action.label): ignoring its cache entry: \(reason)",
            hint: "the entry was removed and the action runs again; 'fleet cache verify' checks the whole cache")))
        return .miss
    }

    // MARK: - Storing

    /// Captures the outputs and logs and stores the result. Failures are warnings: the action succeeded, it is
    /// merely not cached. Returns the captured output paths, or nil when nothing was stored.
    private func store(
        _ action: PlannedAction, in store: any CacheStore, stdout: String?, stderr: String?, duration: Duration
    ) async -> [String]? {
        let recordedAt = FileStat.fileClockNow()
        do {
            let outputs = try await store.capture(outputs: action.outputGlobs, targetDirectory: action.workingDirectory)
            func blob(_ path: String?) async throws(CacheError) -> BlobReference {
                if let path { return try await store.writeBlob(contentsOf: path) }
                return try await store.writeBlob([])
            }
            let out = try await blob(stdout)
            let err = try await blob(stderr)
            // A result of an interrupted run is never stored: the run may have been stopped half-way through
            // capturing, and the user asked to stop.
            if options.isInterrupted { return nil }
            let result = ActionResult(
                key: action.fingerprint, exitCode: 0, outputs: outputs, stdout: out, stderr: err, duration: duration)
            try await store.storeActionResult(result, for: action.fingerprint)
            let memo = outputMemo
            await ThreadPool.shared.run {
                memo.record(outputs, targetDirectory: action.workingDirectory, targetPath: action.targetPath,
                            recordedAt: recordedAt)
            }
            return outputs.map(\.path)
        } catch .cancelled {
            return nil
        } catch {
            let detail = error.diagnostics.first?.message ?? "\(error)"
            sink.emit(.warning(Diagnostic(
                .warning, "\(action.label): not stored in the cache: \(detail)",
                hint: error.diagnostics.first?.hints.first)))
            return nil
        }
    }

    // MARK: - Formatting

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// `30s`, `1m30s`, `2h`, `1.5s`, `500ms`: how a timeout is shown.
    static func format(_ duration: Duration) -> String {
        let total = seconds(duration)
        if total < 1 { return "\(Int((total * 1000).rounded()))ms" }
        if total != total.rounded() { return "\((total * 10).rounded() / 10)s" }
        let whole = Int(total)
        let (h, m, s) = (whole / 3600, whole % 3600 / 60, whole % 60)
        var text = ""
        if h > 0 { text += "\(h)h" }
        if m > 0 { text += "\(m)m" }
        if s > 0 || text.isEmpty { text += "\(s)s" }
        return text
    }
}
