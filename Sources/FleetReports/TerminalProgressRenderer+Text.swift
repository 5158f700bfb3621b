import FleetBasics
import FleetExecution

/// The words and layout of the terminal output; no state of its own.
extension TerminalProgressRenderer {
    // MARK: - Permanent lines

    /// `Running 12 actions (4 jobs, cache: cache)`.
    func runStartedLine(_ started: ExecutionEvent.RunStarted) -> String {
        guard !started.actions.isEmpty else { return "Nothing to run" }
        let cache: String
        if !started.cacheEnabled {
            cache = "no cache"
        } else if let directory = started.cacheDirectory {
            cache = "cache: \(FileSystem.displayPath(directory))"
        } else {
            cache = "cache on"
        }
        let jobs = Self.counted(started.jobs, "job")
        return "Running \(Self.counted(started.actions.count, "action")) " + style.dim("(\(jobs), \(cache))")
    }

    /// `✓ api-gateway:build 1.2s`, `↺ common:build (cached, saved 3.4s)`, `✗ auth-service:test exit code 1`,
    /// `- order-service:scan skipped: needs order-service:build, which failed`.
    func finishedLine(_ finished: ExecutionEvent.ActionFinished) -> String {
        let label = finished.label.description
        switch finished.status {
        case .executed:
            return "\(style.green("✓")) \(label) \(style.dim(Quantity.formatDuration(seconds: finished.duration)))"
        case .cached:
            let note = finished.savedSeconds.map { "cached, saved \(Quantity.formatDuration(seconds: $0))" }
            return "\(style.cyan("↺")) \(label) \(style.dim("(\(note ?? "cached"))"))"
        case .failed:
            return "\(style.red("✗")) \(style.bold(label)) \(style.red(finished.failureReason))"
        case .skipped:
            return style.dim("- \(label) skipped" + (finished.reason.map { ": \($0)" } ?? ""))
        }
    }

    static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    // MARK: - End of the run

    /// The summary line, then every failed action's log, then (when something failed) a last line naming the
    /// failures, so that the verdict is both above the logs and at the very bottom.
    func summaryText(_ summary: RunSummary) -> String {
        var out = summaryLine(summary) + "\n"
        guard !summary.failures.isEmpty else { return out }
        for failure in summary.failures { out += "\n" + failureLog(failure) }
        let shown = summary.failures.prefix(10).map { "\($0.label) (\($0.failureReason))" }
        let more = summary.failures.count > shown.count ? ", and \(summary.failures.count - shown.count) more" : ""
        out += "\n" + style.bold(style.red("Failed:")) + " " + shown.joined(separator: ", ") + more + "\n"
        return out
    }

    /// `Run failed in 3.2s: 5 executed, 2 cached, 1 failed, 3 skipped; the cache saved 1.5s`.
    func summaryLine(_ summary: RunSummary) -> String {
        let time = Quantity.formatDuration(seconds: summary.duration ?? 0)
        let verdict: String
        if summary.interrupted {
            verdict = style.bold(style.yellow("Run interrupted")) + " after \(time)"
        } else if summary.succeeded {
            verdict = style.bold(style.green("Run succeeded")) + " in \(time)"
        } else {
            verdict = style.bold(style.red("Run failed")) + " in \(time)"
        }
        var parts: [String] = []
        if summary[.executed] > 0 { parts.append("\(summary[.executed]) executed") }
        if summary[.cached] > 0 { parts.append("\(summary[.cached]) cached") }
        if summary[.failed] > 0 { parts.append(style.red("\(summary[.failed]) failed")) }
        if summary[.skipped] > 0 { parts.append(style.yellow("\(summary[.skipped]) skipped")) }
        var line = verdict + ": " + (parts.isEmpty ? "no actions" : parts.joined(separator: ", "))
        if summary.savedSeconds > 0 {
            line += "; the cache saved \(Quantity.formatDuration(seconds: summary.savedSeconds))"
        }
        return line
    }

    /// A header naming the action and why it failed, then the end of its stdout and of its stderr.
    func failureLog(_ failure: ExecutionEvent.ActionFinished) -> String {
        var out = style.bold(style.red("━━━ \(failure.label) failed: \(failure.failureReason)")) + "\n"
        var printed = false
        for (name, path) in [("stdout", failure.stdoutPath), ("stderr", failure.stderrPath)] {
            guard let path else { continue }
            let shown = FileSystem.displayPath(path)
            do {
                let tail = try LogFile.tail(
                    path, maxLines: Self.failureLogLines, maxBytes: Self.failureLogBytes)
                guard !tail.bytes.isEmpty else { continue }
                let title = tail.isTruncated
                    ? "--- \(name) (the end only; full log: \(shown)) ---" : "--- \(name) ---"
                out += style.dim(title) + "\n" + tail.text
                if tail.bytes.last != UInt8(ascii: "\n") { out += "\n" }
            } catch {
                out += style.dim("--- \(name): \(error) ---") + "\n"
            }
            printed = true
        }
        if !printed { out += style.dim("(no output)") + "\n" }
        return out
    }

    // MARK: - Status area

    /// The status area: a header with the counts, then the running actions, oldest first, each cut to fit.
    func statusLines(_ state: State, now: ContinuousClock.Instant, columns: Int, rows: Int) -> [String] {
        let width = max(columns - 1, 1)  // writing into the last column makes some terminals wrap early
        let elapsed = state.runStart.map { Self.seconds(now - $0) } ?? 0
        let summary = state.summary

        var header = StyledLine()
        header.append("[\(summary.finishedCount)/\(summary.plannedCount)]", .bold)
        header.append(" \(state.running.count) running · \(summary[.executed]) done · \(summary[.cached]) cached")
        if summary[.failed] > 0 { header.append(" · \(summary[.failed]) failed", .red) }
        if summary[.skipped] > 0 { header.append(" · \(summary[.skipped]) skipped", .yellow) }
        let remaining = max(0, summary.plannedCount - summary.finishedCount - state.running.count)
        header.append(" · \(remaining) remaining")
        header.append(" · \(Self.liveDuration(elapsed))", .dim)
        var lines = [header.rendered(columns: width, style: style)]

        // Leave one row free so that the area never scrolls its own first line away.
        let room = min(Self.maxRunningLines + 1, max(rows - 2, 0))
        let running = state.running.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        let listed = running.count <= room ? running.count : max(room - 1, 0)
        for (label, startedAt) in running.prefix(listed) {
            let time = Self.liveDuration(elapsed - startedAt)
            let budget = width - 2 - 1 - TerminalText.width(time)
            var line = StyledLine([("  ", .plain), (TerminalText.truncate(label.description, to: budget), .plain)])
            line.append(" " + time, .dim)
            lines.append(line.rendered(columns: width, style: style))
        }
        if listed < running.count, room > 0 {
            lines.append(StyledLine([("  … and \(running.count - listed) more", .dim)])
                .rendered(columns: width, style: style))
        }
        return lines
    }

    /// Whole seconds while an action is young (the tenths would flicker), `3m12s` later.
    static func liveDuration(_ seconds: Double) -> String {
        let seconds = seconds.isFinite ? max(0, seconds) : 0
        return seconds < 60 ? "\(Int(seconds))s" : Quantity.formatDuration(seconds: seconds)
    }
}
