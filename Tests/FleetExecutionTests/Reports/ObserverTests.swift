import FleetBasics
import FleetExecution
import FleetReports
import FleetTestSupport
import Testing

@Suite struct ObserverTests {
    @Test func recorderKeepsEveryEventFromManyThreads() async {
        let recorder = EventRecorder()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<500 { recorder.handle(Events.started("t\(task)-\(index):build", at: 0)) }
                }
            }
        }
        #expect(recorder.events.count == 4000)
    }

    @Test func fanOutDeliversEveryEventToEveryObserverInOrder() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            let first = EventRecorder(), second = EventRecorder()
            let fanOut = FanOutObserver([first, second])
            for event in run.events { fanOut.handle(event) }
            let expected = run.events.map { NDJSONEventRenderer.line(for: $0) }
            #expect(first.events.map { NDJSONEventRenderer.line(for: $0) } == expected)
            #expect(second.events.map { NDJSONEventRenderer.line(for: $0) } == expected)
        }
    }

    @Test func summaryCountsAndFailures() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            var summary = RunSummary()
            for event in run.events.dropLast() { summary.record(event) }
            #expect(summary.plannedCount == 5 && summary.jobs == 2)
            #expect(summary[.executed] == 1 && summary[.cached] == 1 && summary[.failed] == 2 && summary[.skipped] == 1)
            #expect(summary.savedSeconds == 3.4)
            #expect(summary.failures.map(\.label.description) == ["api:test", "order:build"])
            #expect(summary.warnings.count == 1)
            #expect(summary.running.isEmpty && summary.remainingCount == 0)
            #expect(!summary.isComplete && summary.duration == nil)
            let complete = RunSummary(events: run.events)
            #expect(complete.isComplete && complete.duration == 31.5 && !complete.succeeded)

            var partial = RunSummary(events: run.events.prefix(5))
            #expect(partial.running.map(\.description).sorted() == ["api:build", "order:build"])
            #expect(partial.remainingCount == 2)
            // The engine's final counts win over what was seen.
            partial.record(Events.runFinished(executed: 7, duration: 1))
            #expect(partial[.executed] == 7 && partial[.cached] == 0 && partial.succeeded)
        }
    }
}
