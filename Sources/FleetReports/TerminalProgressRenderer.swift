public import FleetBasics
public import FleetExecution
import Synchronization

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// What a person sees while `fleet run` works: one permanent line per finished action and, on a terminal, a live
/// status area under them (Bazel/Buck2 style); at the end a summary line and the log of every failed action.
///
/// **Interactive** (a terminal): the status area at the bottom shows the counts (finished/total, running, done,
/// cached, failed, remaining, wall time) and the running actions, oldest first, each with its elapsed time. It is
/// redrawn about ten times a second by a timer and after events, erasing only its own lines (cursor up, erase
/// below), each frame in one write inside a synchronised-update bracket so that terminals do not flicker. Every
/// line of the area is cut to the terminal's width (queried at each redraw, so resizing works) and the area never
/// takes more than the terminal's height. The cursor is hidden while the area is shown; ``finish()`` erases the
/// area and shows the cursor again.
///
/// **Non-interactive** (a pipe, a CI log): the same permanent lines, written as they happen, with no cursor
/// movement and no timer; colour only if `style` says so.
///
/// **Verbose**: each executed or cached action's captured stdout and stderr (cached ones: the replayed logs) follow
/// its line. A failed action's logs are always shown once, at the end.
///
/// Thread-safe: events, the timer and ``finish()`` serialise on one lock, and all output happens under it.
public final class TerminalProgressRenderer: ExecutionObserver {
    /// The most running actions the status area lists before it says "… and N more".
    public static let maxRunningLines = 8
    /// How many lines of each failed log the end of the run shows; longer logs are cut with a note and their path.
    public static let failureLogLines = 200
    /// And at most this many bytes of each (a log of a few huge lines must not flood the terminal).
    public static let failureLogBytes = 256 * 1024
    /// How often the timer redraws the status area (elapsed times move even when no event arrives).
    static let redrawInterval: Duration = .milliseconds(100)
    /// Events closer together than this wait for the timer: a burst of thousands of tiny actions must not turn into
    /// thousands of redraws.
    static let eventRedrawInterval: Duration = .milliseconds(40)

    let output: OutputStream
    let style: TerminalStyle
    let interactive: Bool
    let verbose: Bool
    private let clock = ContinuousClock()
    private let state = Mutex(State())

    /// Something to write above the status area.
    enum Block {
        case text(String)
        /// A whole log file, streamed (verbose log replay).
        case log(path: String)
    }

    struct State {
        var summary = RunSummary()
        /// Running actions and when they started (seconds since the run started).
        var running: [ActionLabel: Double] = [:]
        /// The clock reading that corresponds to offset 0 of the event times.
        var runStart: ContinuousClock.Instant?
        /// Permanent output not written yet (interactive mode batches it into the next frame).
        var pending: [Block] = []
        /// Whether the status area should be on screen: after `runStarted`, until `runFinished` or `finish()`.
        var showsStatus = false
        /// Rows of the status area currently on screen, above the cursor.
        var statusRows = 0
        var lastDraw: ContinuousClock.Instant?
        var cursorHidden = false
        /// The output refused a write (closed pipe): stay silent from then on.
        var broken = false
        var finished = false
        var timer: Task<Void, Never>?
    }

    /// - Parameters:
    ///   - fileDescriptor: where to write (not closed by the renderer).
    ///   - style: colours; the caller decides them from `--color` and `NO_COLOR`.
    ///   - interactive: whether `fileDescriptor` is a terminal a status area can be drawn on (usually `isatty`, and
    ///     not `TERM=dumb`). Without it the output is plain lines.
    ///   - verbose: also print the captured output of every action that did not fail.
    public init(
        fileDescriptor: Int32 = STDERR_FILENO, style: TerminalStyle, interactive: Bool, verbose: Bool
    ) {
        output = OutputStream(fileDescriptor: fileDescriptor)
        self.style = style
        self.interactive = interactive
        self.verbose = verbose
        if interactive { startTimer() }
    }

    deinit { finish() }

    public func handle(_ event: ExecutionEvent) {
        let now = clock.now
        state.withLock { state in
            guard !state.finished else { return }
            state.summary.record(event)
            var force = false
            switch event {
            case .runStarted(let started):
                state.runStart = now
                state.showsStatus = interactive
                state.pending.append(.text(runStartedLine(started) + "\n"))
                force = true
            case .actionStarted(let started):
                state.running[started.label] = started.at
                if state.runStart == nil { state.runStart = now - Self.duration(seconds: started.at) }
            case .actionFinished(let finished):
                state.running[finished.label] = nil
                state.pending.append(.text(finishedLine(finished) + "\n"))
                if verbose, finished.status == .executed || finished.status == .cached {
                    for path in [finished.stdoutPath, finished.stderrPath].compactMap({ $0 })
                    where (LogFile.size(path) ?? 0) > 0 {
                        state.pending.append(.log(path: path))
                    }
                }
            case .warning(let diagnostic):
                state.pending.append(.text(diagnostic.rendered(style: style) + "\n"))
            case .runFinished:
                state.showsStatus = false
                state.running.removeAll()
                state.pending.append(.text(summaryText(state.summary)))
                force = true
            }
            flush(&state, now: now, force: force)
        }
    }

    /// Writes what is pending, erases the status area, shows the cursor again and stops the timer. Call it once the
    /// run is over (also on error paths and before exiting on a second Ctrl-C). Idempotent; later events are
    /// ignored.
    public func finish() {
        let timer = state.withLock { state -> Task<Void, Never>? in
            guard !state.finished else { return nil }
            state.showsStatus = false
            if interactive {
                if state.statusRows > 0 || !state.pending.isEmpty { draw(&state, now: clock.now) }
                if state.cursorHidden { write("\u{1B}[?25h", &state) }
                state.cursorHidden = false
            } else {
                flush(&state, now: clock.now, force: true)
            }
            state.finished = true
            defer { state.timer = nil }
            return state.timer
        }
        timer?.cancel()
    }

    // MARK: - Output

    private func flush(_ state: inout State, now: ContinuousClock.Instant, force: Bool) {
        guard interactive else {
            writeBlocks(&state)
            return
        }
        if force || state.lastDraw.map({ now - $0 >= Self.eventRedrawInterval }) ?? true {
            draw(&state, now: now)
        }
    }

    /// One frame: erase the status area, write the pending blocks, draw the status area again.
    private func draw(_ state: inout State, now: ContinuousClock.Instant) {
        state.lastDraw = now
        var frame = "\u{1B}[?2026h"
        if state.showsStatus && !state.cursorHidden {
            frame += "\u{1B}[?25l"
            state.cursorHidden = true
        }
        if state.statusRows > 0 { frame += "\u{1B}[\(state.statusRows)A" }
        frame += "\r\u{1B}[J"
        state.statusRows = 0
        write(frame, &state)
        writeBlocks(&state)
        frame = ""
        if state.showsStatus {
            let size = output.terminalSize() ?? (columns: 80, rows: 24)
            let lines = statusLines(state, now: now, columns: size.columns, rows: size.rows)
            for line in lines { frame += line + "\n" }
            state.statusRows = lines.count
        }
        frame += "\u{1B}[?2026l"
        write(frame, &state)
    }

    private func writeBlocks(_ state: inout State) {
        let blocks = state.pending
        state.pending.removeAll()
        for block in blocks {
            switch block {
            case .text(let text):
                write(text, &state)
            case .log(let path):
                guard !state.broken else { continue }
                do {
                    if try !LogFile.copy(path, to: output) { write("\n", &state) }
                } catch {
                    write(style.dim("(cannot read the log: \(error))") + "\n", &state)
                }
            }
        }
    }

    private func write(_ text: String, _ state: inout State) {
        guard !state.broken, !text.isEmpty else { return }
        if !output.write(text) { state.broken = true }
    }

    // MARK: - Timer

    private func startTimer() {
        let task = Task.detached(priority: .medium) { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.redrawInterval)
                guard let self, self.tick() else { return }
            }
        }
        state.withLock { $0.timer = task }
    }

    /// Redraws if there is anything to show; false once the run or the renderer is finished (the timer then ends).
    private func tick() -> Bool {
        let now = clock.now
        return state.withLock { state in
            guard !state.finished else { return false }
            if state.showsStatus || !state.pending.isEmpty { draw(&state, now: now) }
            return !state.summary.isComplete
        }
    }

    static func duration(seconds: Double) -> Duration {
        seconds.isFinite ? .milliseconds(Int64(max(0, min(seconds, 1e12)) * 1000)) : .zero
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
