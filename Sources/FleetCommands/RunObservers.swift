import FleetBasics
import FleetExecution
import FleetReports
import Foundation
import Glibc

/// The observers of one `fleet run`: the terminal renderer on stderr (or NDJSON on stdout with `--json`), plus a
/// recorder for the reports written once the run is over (`--report junit=FILE`, `--profile FILE`).
struct RunObservers {
    let observer: any ExecutionObserver
    private let terminal: TerminalProgressRenderer?
    private let recorder: EventRecorder?
    private let junit: [String]
    private let profile: String?
    private let suiteName: String

    init(command: RunCommand) {
        junit = command.reports.compactMap { try? RunCommand.junitPath($0) }
        profile = command.profile
        suiteName = (["fleet run"] + command.actions).joined(separator: " ")
        let recorder = junit.isEmpty && profile == nil ? nil : EventRecorder()
        self.recorder = recorder
        var observers: [any ExecutionObserver] = []
        if command.json {
            terminal = nil
            observers.append(NDJSONEventRenderer(fileDescriptor: STDOUT_FILENO))
        } else {
            let environment = ProcessInfo.processInfo.environment
            let interactive = isatty(STDERR_FILENO) == 1 && environment["TERM"] != "dumb"
            let renderer = TerminalProgressRenderer(
                fileDescriptor: STDERR_FILENO, style: command.global.style(for: 2), interactive: interactive,
                verbose: command.global.verbose)
            terminal = renderer
            observers.append(renderer)
        }
        if let recorder { observers.append(recorder) }
        observer = observers.count == 1 ? observers[0] : FanOutObserver(observers)
    }

    /// Stops the terminal renderer and writes the requested reports.
    func finish() throws(FileSystemError) {
        terminal?.finish()
        guard let recorder else { return }
        let events = recorder.events
        for path in junit {
            try FileSystem.createDirectory(FileSystem.parent(of: FileSystem.absolute(path)))
            try JUnitReport.write(events: events, suiteName: suiteName, to: path)
        }
        if let profile {
            try FileSystem.createDirectory(FileSystem.parent(of: FileSystem.absolute(profile)))
            try ChromeTrace.write(events: events, to: profile)
        }
    }
}
