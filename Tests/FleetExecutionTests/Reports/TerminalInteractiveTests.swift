import FleetBasics
import FleetExecution
@testable import FleetReports
import FleetTestSupport
import Foundation
import Glibc
import Testing

/// The live status area, checked through a small terminal model: what a person would see, frame by frame.
@Suite struct TerminalInteractiveTests {
    /// The screen the plain output leaves on a terminal `columns` wide: what the live renderer must leave too.
    private func expectedScreen(_ plain: String, columns: Int) -> [String] {
        var screen = ScreenModel(columns: columns, rows: 1000)
        screen.feed(plain.replacingOccurrences(of: "\n", with: "\r\n"))
        return screen.lines
    }

    /// Every frame shows the permanent lines printed so far, unchanged, with the status area below them.
    private func checkFrames(
        _ screen: ScreenModel, final expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(!screen.frames.isEmpty, sourceLocation: sourceLocation)
        for frame in screen.frames {
            var rows = frame
            while rows.last?.text == "" { rows.removeLast() }
            let common = zip(rows, expected).prefix { $0.text == $1 }.count
            let status = rows[common...]
            #expect(status.count < screen.rows, "the status area is too tall", sourceLocation: sourceLocation)
            for (index, row) in status.enumerated() {
                #expect(!row.isContinuation, "a status line wrapped: \(row.text)", sourceLocation: sourceLocation)
                #expect(TerminalText.width(row.text) < screen.columns, sourceLocation: sourceLocation)
                #expect(
                    index == 0 ? row.text.hasPrefix("[") : row.text.hasPrefix("  "),
                    "not a status line: \(row.text.debugDescription)", sourceLocation: sourceLocation)
            }
        }
        #expect(screen.clampedMoves == 0, sourceLocation: sourceLocation)
    }

    @Test func leavesExactlyThePlainOutputOnScreenAndRestoresTheCursor() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            let output = try CapturedOutput(in: directory)
            let renderer = TerminalProgressRenderer(
                fileDescriptor: output.fileDescriptor, style: .plain, interactive: true, verbose: false)
            for event in run.events { renderer.handle(event) }
            renderer.finish()
            let text = output.text
            #expect(text.hasPrefix("\u{1B}[?2026h\u{1B}[?25l"))
            #expect(text.hasSuffix("\u{1B}[?25h"))
            #expect(text.contains("[0/5] 0 running · 0 done · 0 cached · 5 remaining · 0s"))
            // Not a terminal: the renderer assumes 80 columns and 24 rows.
            var screen = ScreenModel(columns: 80, rows: 24)
            screen.feed(text.replacingOccurrences(of: "\n", with: "\r\n"))
            #expect(screen.lines == expectedScreen(run.plainOutput, columns: 80))
            #expect(screen.cursorVisible)
            checkFrames(screen, final: expectedScreen(run.plainOutput, columns: 80))
        }
    }

    @Test func onARealTerminalTheTimerRedrawsCutToWidthAndNothingFollowsFinish() async throws {
        try await withTemporaryDirectory { directory in
            let terminal = try PseudoTerminal(columns: 40, rows: 12)
            let renderer = TerminalProgressRenderer(
                fileDescriptor: terminal.terminal, style: TerminalStyle(isEnabled: true), interactive: true,
                verbose: false)
            let long = "a-service-with-a-really-long-name-for-a-terminal:build"
            let labels = [long] + (1...11).map { "svc\($0):build" }
            var plain: [ExecutionEvent] = [Events.runStarted(labels, jobs: 12)]
            for (slot, label) in labels.enumerated() { plain.append(Events.started(label, at: 0, slot: slot)) }
            for event in plain { renderer.handle(event) }
            // No event arrives now: only the timer can draw the running actions.
            let drawn = terminal.wait { output in
                output.components(separatedBy: "\u{1B}[?2026l").count > 4 && output.contains("… and 4 more")
            }
            #expect(drawn, "the timer did not redraw the status area")
            var ends: [ExecutionEvent] = []
            for (slot, label) in labels.enumerated() {
                ends.append(Events.finished(label, .executed, from: 0, to: 0.5, slot: slot))
            }
            ends.append(Events.runFinished(executed: labels.count, duration: 0.6))
            for event in ends { renderer.handle(event) }
            renderer.finish()
            // Anything the timer wrote after finish() would land after this marker.
            _ = "<<after finish>>".withCString { write(terminal.terminal, $0, strlen($0)) }
            usleep(300_000)
            let text = terminal.closeAndCollect()
            #expect(text.hasSuffix("\u{1B}[?25h<<after finish>>"))

            var screen = ScreenModel(columns: 40, rows: 12)
            screen.feed(stripSGR(text.replacingOccurrences(of: "<<after finish>>", with: "")))
            #expect(screen.cursorVisible)
            let plainText = try renderPlain(plain + ends, in: directory)
            let expected = expectedScreen(plainText, columns: 40)
            #expect(screen.lines == expected)
            checkFrames(screen, final: expected)
            let statusFrames = screen.frames.filter { $0.contains { $0.text.hasPrefix("  a-service") } }
            let row = try #require(statusFrames.last?.first { $0.text.hasPrefix("  a-service") })
            #expect(row.text.hasPrefix("  a-service-with-a-really-long-name… "))
        }
    }

    private func renderPlain(_ events: [ExecutionEvent], in directory: TemporaryDirectory) throws -> String {
        let output = try CapturedOutput(in: directory, name: "plain.txt")
        let renderer = TerminalProgressRenderer(
            fileDescriptor: output.fileDescriptor, style: .plain, interactive: false, verbose: false)
        for event in events { renderer.handle(event) }
        renderer.finish()
        return output.text
    }

    @Test func finishWithoutRunFinishedErasesTheStatusArea() async throws {
        try await withTemporaryDirectory { directory in
            let output = try CapturedOutput(in: directory)
            let renderer = TerminalProgressRenderer(
                fileDescriptor: output.fileDescriptor, style: .plain, interactive: true, verbose: false)
            renderer.handle(Events.runStarted(["a:build"], jobs: 1))
            renderer.handle(Events.started("a:build", at: 0))
            renderer.finish()
            var screen = ScreenModel(columns: 80, rows: 24)
            screen.feed(output.text.replacingOccurrences(of: "\n", with: "\r\n"))
            #expect(screen.lines == ["Running 1 action (1 job, no cache)"])
            #expect(screen.cursorVisible)
            #expect(output.text.hasSuffix("\u{1B}[?25h"))
        }
    }

    @Test func releasingTheRendererRestoresTheTerminalToo() async throws {
        try await withTemporaryDirectory { directory in
            let output = try CapturedOutput(in: directory)
            do {
                let renderer = TerminalProgressRenderer(
                    fileDescriptor: output.fileDescriptor, style: .plain, interactive: true, verbose: false)
                renderer.handle(Events.runStarted(["a:build"], jobs: 1))
            }
            // A timer tick in progress may hold the last reference for a moment; deinit then runs on its thread.
            var restored = false
            for _ in 0..<2000 where !restored {
                restored = output.text.hasSuffix("\u{1B}[?25h")
                if !restored { usleep(10_000) }
            }
            #expect(restored)
        }
    }

    // MARK: - The status area's layout

    private func statusLines(running count: Int, columns: Int, rows: Int, label: (Int) -> String) -> [String] {
        let renderer = TerminalProgressRenderer(fileDescriptor: -1, style: .plain, interactive: false, verbose: false)
        var state = TerminalProgressRenderer.State()
        let labels = (0..<count).map { Events.label(label($0)) }
        state.summary.record(Events.runStarted(labels.map(\.description) + ["x:build"], jobs: count))
        let start = ContinuousClock.now
        state.runStart = start
        for (index, label) in labels.enumerated() { state.running[label] = Double(index) }
        return renderer.statusLines(state, now: start + .seconds(100), columns: columns, rows: rows)
    }

    @Test func runningActionsOldestFirstCappedWithACount() {
        let lines = statusLines(running: 12, columns: 80, rows: 40) { "svc\($0):build" }
        #expect(lines.count == 1 + TerminalProgressRenderer.maxRunningLines + 1)
        #expect(lines[0] == "[0/13] 12 running · 0 done · 0 cached · 1 remaining · 1m40s")
        #expect(lines[1] == "  svc0:build 1m40s")
        #expect(lines[2] == "  svc1:build 1m39s")
        #expect(lines.last == "  … and 4 more")
        // One more than the cap fits without a "… and 1 more" line.
        let nine = statusLines(running: 9, columns: 80, rows: 40) { "svc\($0):build" }
        #expect(nine.count == 10)
        #expect(!nine.contains { $0.contains("more") })
    }

    @Test func aShortTerminalGetsAShortArea() {
        let lines = statusLines(running: 12, columns: 80, rows: 6) { "svc\($0):build" }
        #expect(lines.count == 5)
        #expect(lines.last == "  … and 9 more")
    }

    @Test(arguments: [20, 31, 45])
    func everyLineFitsTheWidth(columns: Int) {
        let lines = statusLines(running: 3, columns: columns, rows: 24) {
            "service-número-\($0)-日本語-with-a-long-name:build"
        }
        for line in lines {
            #expect(TerminalText.width(line) <= columns - 1, "\(line)")
        }
        #expect(lines[1].hasSuffix("… 1m40s"))
    }
}
