import FleetBasics
import FleetExecution
import FleetReports
import FleetTestSupport
import Glibc
import Testing

/// The non-interactive renderer: what CI logs and pipes get.
@Suite struct TerminalPlainOutputTests {
    private func render(
        _ events: [ExecutionEvent], in directory: TemporaryDirectory, style: TerminalStyle = .plain,
        verbose: Bool = false
    ) throws -> String {
        let output = try CapturedOutput(in: directory)
        let renderer = TerminalProgressRenderer(
            fileDescriptor: output.fileDescriptor, style: style, interactive: false, verbose: verbose)
        for event in events { renderer.handle(event) }
        renderer.finish()
        return output.text
    }

    @Test func everyStatusSummaryAndFailedLogsExactly() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            #expect(try render(run.events, in: directory) == run.plainOutput)
        }
    }

    @Test func verboseReplaysLogsOfExecutedAndCachedActionsAndFailedOnesOnceAtTheEnd() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            let text = try render(run.events, in: directory, verbose: true)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let cached = try #require(lines.firstIndex(of: "↺ common:build (cached, saved 3.4s)"))
            #expect(lines[cached + 1] == "replayed from the cache")
            let built = try #require(lines.firstIndex(of: "✓ api:build 1.2s"))
            // The log lacks a final newline: the renderer ends the line so that the next one starts cleanly.
            #expect(lines[built + 1] == "compiled 12 files")
            #expect(lines[built + 2] == "warning: cache entry of common:test was damaged; it was dropped")
            #expect(lines.filter { $0 == "FAIL: test_login" }.count == 1)
            let failedLine = try #require(lines.firstIndex(of: "✗ api:test exit code 1"))
            #expect(lines[failedLine + 1] == "✗ order:build timed out after 30s")
        }
    }

    @Test func colourWithoutCursorMovement() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            let text = try render(run.events, in: directory, style: TerminalStyle(isEnabled: true))
            #expect(text.contains("\u{1B}[32m✓\u{1B}[0m api:build"))
            #expect(text.contains("\u{1B}[31m✗\u{1B}[0m"))
            for sequence in ["\u{1B}[?25l", "\u{1B}[?2026h", "A\u{1B}[", "\u{1B}[J", "\u{1B}[K", "\r"] {
                #expect(!text.contains(sequence), "unexpected \(sequence.debugDescription)")
            }
            // Without the colour codes it is the plain output.
            #expect(stripSGR(text) == run.plainOutput)
        }
    }

    @Test func longFailedLogShowsTheLastLinesAndWhereTheWholeLogIs() async throws {
        try await withTemporaryDirectory { directory in
            let stderr = try directory.write(
                "logs/test.stderr", (1...300).map { "line \($0)" }.joined(separator: "\n") + "\n")
            let text = try render([
                Events.runStarted(["svc:test"], jobs: 1),
                Events.started("svc:test", at: 0),
                Events.finished("svc:test", .failed, from: 0, to: 1, exitCode: 2, stderr: stderr),
                Events.runFinished(failed: 1, duration: 1),
            ], in: directory)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let header = try #require(lines.firstIndex(of: "--- stderr (the end only; full log: \(stderr)) ---"))
            let shown = Array(lines[(header + 1)...].prefix { $0.hasPrefix("line ") })
            #expect(shown.count == TerminalProgressRenderer.failureLogLines)
            #expect(shown.first == "line 101")
            #expect(shown.last == "line 300")
            #expect(lines.contains("━━━ svc:test failed: exit code 2"))
            #expect(lines.contains("Run failed in 1.0s: 1 failed"))
        }
    }

    @Test func unreadableLogIsNamedNotFatal() async throws {
        try await withTemporaryDirectory { directory in
            let missing = directory.appending("gone.stderr")
            let text = try render([
                Events.runStarted(["svc:test"], jobs: 1),
                Events.finished("svc:test", .failed, from: 0, to: 1, exitCode: 3, stderr: missing),
                Events.runFinished(failed: 1, duration: 1),
            ], in: directory)
            #expect(text.contains("--- stderr: \(missing): cannot read: No such file or directory ---\n"))
        }
    }

    @Test func successAndInterruptionSummaries() async throws {
        try await withTemporaryDirectory { directory in
            let success = try render([
                Events.runStarted(["a:build"], jobs: 4),
                Events.finished("a:build", .cached, from: 0, to: 0.01, saved: 65),
                Events.runFinished(cached: 1, duration: 0.05, saved: 65),
            ], in: directory)
            #expect(success == """
                Running 1 action (4 jobs, no cache)
                ↺ a:build (cached, saved 1m05s)
                Run succeeded in 50ms: 1 cached; the cache saved 1m05s

                """)
            let interrupted = try render([
                Events.runStarted(["a:build", "b:build"], jobs: 1),
                Events.started("a:build", at: 0),
                Events.finished("a:build", .failed, from: 0, to: 2, reason: "interrupted"),
                Events.finished("b:build", .skipped, from: 2, to: 2, reason: "the run was interrupted"),
                Events.runFinished(failed: 1, skipped: 1, duration: 2.04, interrupted: true),
            ], in: directory)
            #expect(interrupted.contains("\nRun interrupted after 2.0s: 1 failed, 1 skipped\n"))
            let nothing = try render(
                [Events.runStarted([], jobs: 2), Events.runFinished(duration: 0.001)], in: directory)
            #expect(nothing == "Nothing to run\nRun succeeded in 1ms: no actions\n")
        }
    }

    @Test func eventsAfterFinishAreIgnored() async throws {
        try await withTemporaryDirectory { directory in
            let output = try CapturedOutput(in: directory)
            let renderer = TerminalProgressRenderer(
                fileDescriptor: output.fileDescriptor, style: .plain, interactive: false, verbose: false)
            renderer.handle(Events.finished("a:build", .executed, from: 0, to: 1))
            renderer.finish()
            renderer.finish()
            renderer.handle(Events.finished("b:build", .executed, from: 0, to: 1))
            #expect(output.text == "✓ a:build 1.0s\n")
        }
    }

    @Test func aClosedOutputDoesNotStopTheRun() async throws {
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        close(pipeEnds[0])
        // Writing to a pipe without a reader raises SIGPIPE; the command layer ignores it, and so does this test.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer {
            signal(SIGPIPE, previous)
            close(pipeEnds[1])
        }
        let renderer = TerminalProgressRenderer(
            fileDescriptor: pipeEnds[1], style: .plain, interactive: false, verbose: false)
        for index in 0..<100 { renderer.handle(Events.finished("a\(index):build", .executed, from: 0, to: 1)) }
        renderer.finish()
    }
}

/// `text` without SGR colour sequences (`ESC [ … m`); other control sequences are kept.
func stripSGR(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
        if scalars[index] == "\u{1B}", index + 1 < scalars.count, scalars[index + 1] == "[" {
            var end = index + 2
            while end < scalars.count, !(0x40...0x7E).contains(scalars[end].value) { end += 1 }
            if end < scalars.count, scalars[end] == "m" {
                index = end + 1
                continue
            }
        }
        out.append(scalars[index])
        index += 1
    }
    return String(out)
}
