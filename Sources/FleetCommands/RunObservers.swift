import FleetBasics
import FleetExecution
import Foundation
import Synchronization

/// The observers of one `fleet run`: progress on stderr (or NDJSON on stdout with `--json`), plus the reports
/// written at the end. INTERIM: replaced by FleetReports' renderers once they land.
struct RunObservers {
    let observer: any ExecutionObserver
    private let recorder: InterimRecorder?
    private let junit: [String]
    private let profile: String?

    init(command: RunCommand, console: Console) {
        junit = command.reports.compactMap { try? RunCommand.junitPath($0) }
        profile = command.profile
        let recorder = junit.isEmpty && profile == nil ? nil : InterimRecorder()
        self.recorder = recorder
        let main: any ExecutionObserver = command.json
            ? InterimNDJSON(console: console) : InterimPlainLines(console: console)
        observer = InterimFanOut(observers: [main] + (recorder.map { [$0] } ?? []))
    }

    func finish(suiteName: String) throws {}
}

struct InterimFanOut: ExecutionObserver {
    let observers: [any ExecutionObserver]
    func handle(_ event: ExecutionEvent) { for observer in observers { observer.handle(event) } }
}

final class InterimRecorder: ExecutionObserver {
    let events = Mutex<[ExecutionEvent]>([])
    func handle(_ event: ExecutionEvent) { events.withLock { $0.append(event) } }
}

struct InterimPlainLines: ExecutionObserver {
    let console: Console
    func handle(_ event: ExecutionEvent) {
        switch event {
        case .actionFinished(let f):
            let time = Quantity.formatDuration(seconds: f.duration)
            switch f.status {
            case .executed: console.error("✓ \(f.label) \(time)")
            case .cached: console.error("↺ \(f.label) (cached)")
            case .failed: console.error("✗ \(f.label) \(f.reason ?? "")")
            case .skipped: console.error("- \(f.label) skipped: \(f.reason ?? "")")
            }
        case .warning(let diagnostic):
            console.report([diagnostic])
        case .runFinished(let r):
            let counts = ActionStatus.allCases.map { "\(r.counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
            console.error("\(counts) in \(Quantity.formatDuration(seconds: r.duration))")
        default:
            break
        }
    }
}

struct InterimNDJSON: ExecutionObserver {
    let console: Console
    func handle(_ event: ExecutionEvent) {
        switch event {
        case .actionStarted(let s):
            console.output(JSONText.object([
                ("event", "\"action-started\""), ("target", JSONText.quote(s.label.target)),
                ("action", JSONText.quote(s.label.action)), ("key", JSONText.quote(s.key)),
            ]))
        case .actionFinished(let f):
            console.output(JSONText.object([
                ("event", "\"action-finished\""), ("target", JSONText.quote(f.label.target)),
                ("action", JSONText.quote(f.label.action)), ("status", JSONText.quote(f.status.rawValue)),
                ("key", JSONText.quote(f.key)), ("duration_ms", JSONText.number(Int((f.duration * 1000).rounded()))),
                ("exit_code", f.exitCode.map { String($0) } ?? "null"),
            ]))
        case .runFinished(let r):
            console.output(JSONText.object([
                ("event", "\"run-finished\""),
                ("counts", JSONText.object(ActionStatus.allCases.map { ($0.rawValue, String(r.counts[$0] ?? 0)) })),
                ("duration_ms", JSONText.number(Int((r.duration * 1000).rounded()))),
            ]))
        case .warning(let diagnostic):
            console.report([diagnostic])
        default:
            break
        }
    }
}
