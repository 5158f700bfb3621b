public import FleetBasics
public import FleetExecution

/// `--profile FILE`: the run as a Chrome Trace Event Format file, which Perfetto (ui.perfetto.dev) and
/// `chrome://tracing` open.
///
/// One track per job slot (`tid` = slot + 1, named `job 1`, `job 2`, …), each action a complete event
/// (`"ph":"X"`, `ts`/`dur` in microseconds, `cat` = its status, `args` with key, status, exit code, reason, saved
/// time). Track 0, `run`, holds the whole run as one event, skipped actions and warnings as instant events (a
/// warning carries no time of its own: it is placed at the latest time seen before it). Actions that started but
/// never finished (an interrupted run) end with the run, with `cat` `unfinished`.
public enum ChromeTrace {
    /// The trace as JSON text.
    public static func json(events: [ExecutionEvent]) -> String {
        var trace: [String] = []
        var metadata: [String] = [
            meta("process_name", tid: 0, ("name", JSONText.quote("fleet"))),
            meta("thread_name", tid: 0, ("name", JSONText.quote("run"))),
            meta("thread_sort_index", tid: 0, ("sort_index", "0")),
        ]
        var slots = 0
        var latest = 0.0
        var runEnd: Double?
        var runArgs: [(String, String)] = []
        var open: [ActionLabel: ExecutionEvent.ActionStarted] = [:]
        var openOrder: [ActionLabel] = []

        for event in events {
            switch event {
            case .runStarted(let run):
                slots = max(slots, min(max(run.jobs, 0), maxTracks))
            case .actionStarted(let action):
                latest = max(latest, finite(action.at))
                slots = max(slots, track(action.slot))
                if open.updateValue(action, forKey: action.label) == nil { openOrder.append(action.label) }
            case .actionFinished(let action):
                latest = max(latest, finite(action.at))
                open[action.label] = nil
                if action.status == .skipped {
                    trace.append(instant(
                        action.label.description, category: "skipped", at: action.at, scope: "t", tid: 0,
                        args: [("reason", JSONText.optional(action.reason))]))
                    continue
                }
                slots = max(slots, track(action.slot))
                trace.append(complete(
                    action.label.description, category: action.status.rawValue, from: action.startedAt,
                    to: action.at, tid: track(action.slot),
                    args: [
                        ("key", JSONText.quote(action.key)),
                        ("status", JSONText.quote(action.status.rawValue)),
                        ("exit_code", action.exitCode.map { JSONText.number(Int($0)) } ?? "null"),
                        ("reason", JSONText.optional(action.reason)),
                        ("saved_ms", action.savedSeconds.map(NDJSONEventRenderer.milliseconds) ?? "null"),
                    ]))
            case .warning(let diagnostic):
                trace.append(instant(
                    diagnostic.message, category: "warning", at: latest, scope: "g", tid: 0,
                    args: [("location", JSONText.optional(diagnostic.location?.description))]))
            case .runFinished(let run):
                runEnd = finite(run.duration)
                latest = max(latest, finite(run.duration))
                let counts = JSONText.object(
                    ActionStatus.allCases.map { ($0.rawValue, JSONText.number(run.counts[$0] ?? 0)) })
                runArgs = [("counts", counts), ("interrupted", JSONText.bool(run.interrupted))]
            }
        }
        let end = runEnd ?? latest
        for label in openOrder {
            guard let action = open[label] else { continue }
            trace.append(complete(
                label.description, category: "unfinished", from: action.at, to: end, tid: track(action.slot),
                args: [("key", JSONText.quote(action.key)), ("status", JSONText.quote("unfinished"))]))
        }
        let runEvent = complete(
            "run", category: "run", from: 0, to: end, tid: 0, args: runArgs)
        trace.insert(runEvent, at: 0)
        for slot in 0..<slots {
            metadata.append(meta("thread_name", tid: slot + 1, ("name", JSONText.quote("job \(slot + 1)"))))
            metadata.append(meta("thread_sort_index", tid: slot + 1, ("sort_index", JSONText.number(slot + 1))))
        }
        return "{\"traceEvents\":[\n" + (metadata + trace).joined(separator: ",\n")
            + "\n],\"displayTimeUnit\":\"ms\"}\n"
    }

    /// Writes ``json(events:)`` to `path` atomically.
    public static func write(events: [ExecutionEvent], to path: String) throws(FileSystemError) {
        try FileSystem.writeAtomically(text: json(events: events), to: path)
    }

    // MARK: - Trace events

    /// More job slots than any machine runs; a larger slot number (an engine bug) shares the last track.
    static let maxTracks = 4096

    /// The track (`tid`) of a job slot.
    private static func track(_ slot: Int) -> Int { min(max(slot, 0), maxTracks - 1) + 1 }

    private static func meta(_ name: String, tid: Int, _ argument: (String, String)) -> String {
        JSONText.object([
            ("name", JSONText.quote(name)), ("ph", JSONText.quote("M")), ("pid", "1"),
            ("tid", JSONText.number(tid)), ("args", JSONText.object([argument])),
        ])
    }

    private static func complete(
        _ name: String, category: String, from start: Double, to end: Double, tid: Int, args: [(String, String)]
    ) -> String {
        let begin = microseconds(start)
        return JSONText.object([
            ("name", JSONText.quote(name)), ("cat", JSONText.quote(category)), ("ph", JSONText.quote("X")),
            ("ts", String(begin)), ("dur", String(max(0, microseconds(end) - begin))), ("pid", "1"),
            ("tid", JSONText.number(tid)), ("args", JSONText.object(args)),
        ])
    }

    private static func instant(
        _ name: String, category: String, at time: Double, scope: String, tid: Int, args: [(String, String)]
    ) -> String {
        JSONText.object([
            ("name", JSONText.quote(name)), ("cat", JSONText.quote(category)), ("ph", JSONText.quote("i")),
            ("s", JSONText.quote(scope)), ("ts", String(microseconds(time))), ("pid", "1"),
            ("tid", JSONText.number(tid)), ("args", JSONText.object(args)),
        ])
    }

    /// Whole microseconds, never negative.
    static func microseconds(_ seconds: Double) -> Int64 {
        Int64((max(0, min(finite(seconds), 1e9)) * 1_000_000).rounded())
    }

    private static func finite(_ value: Double) -> Double { value.isFinite ? value : 0 }
}
