import FleetBasics
import FleetExecution
import FleetReports
import FleetTestSupport
import Foundation
import Testing

@Suite struct ChromeTraceTests {
    private func parse(_ text: String) throws -> (root: [String: Any], events: [[String: Any]]) {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        return (root, events)
    }

    @Test func completeEventsPerActionOnTheirSlotsWithMetadata() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            let (root, events) = try parse(ChromeTrace.json(events: run.events))
            #expect(root["displayTimeUnit"] as? String == "ms")
            for event in events {
                #expect(event["pid"] as? Int == 1)
                #expect(event["tid"] is Int)
                #expect(event["name"] is String)
                #expect(["X", "i", "M"].contains(event["ph"] as? String ?? ""))
            }
            let actions = events.filter { $0["ph"] as? String == "X" && $0["cat"] as? String != "run" }
            #expect(Set(actions.compactMap { $0["name"] as? String })
                == ["common:build", "api:build", "api:test", "order:build"])
            let build = try #require(actions.first { $0["name"] as? String == "api:build" })
            #expect(build["cat"] as? String == "executed")
            #expect(build["ts"] as? Int == 100_000)
            #expect(build["dur"] as? Int == 1_200_000)
            #expect(build["tid"] as? Int == 1)
            let args = try #require(build["args"] as? [String: Any])
            #expect(args["key"] as? String == Events.key("api:build"))
            #expect(args["status"] as? String == "executed")
            #expect(args["exit_code"] as? Int == 0)
            let timeout = try #require(actions.first { $0["name"] as? String == "order:build" })
            #expect(timeout["tid"] as? Int == 2)
            #expect(timeout["cat"] as? String == "failed")
            #expect((timeout["args"] as? [String: Any])?["exit_code"] is NSNull)

            let threads = events.filter { $0["ph"] as? String == "M" && $0["name"] as? String == "thread_name" }
            let names = threads.compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
            #expect(names == ["run", "job 1", "job 2"])
            let instants = events.filter { $0["ph"] as? String == "i" }
            let warning = try #require(instants.first { $0["cat"] as? String == "warning" })
            #expect(warning["name"] as? String == "cache entry of common:test was damaged; it was dropped")
            #expect(warning["ts"] as? Int == 1_300_000)
            #expect(instants.contains { $0["cat"] as? String == "skipped" && $0["name"] as? String == "order:scan" })
            let whole = try #require(events.first { $0["cat"] as? String == "run" })
            #expect(whole["dur"] as? Int == 31_500_000)
        }
    }

    @Test func unfinishedActionsEndWithTheRun() throws {
        let (_, events) = try parse(ChromeTrace.json(events: [
            Events.runStarted(["a:build"], jobs: 3),
            Events.started("a:build", at: 0.5, slot: 2),
            Events.runFinished(duration: 2, interrupted: true),
        ]))
        let action = try #require(events.first { $0["name"] as? String == "a:build" })
        #expect(action["cat"] as? String == "unfinished")
        #expect(action["ts"] as? Int == 500_000 && action["dur"] as? Int == 1_500_000)
        #expect(action["tid"] as? Int == 3)
    }

    @Test func awkwardNamesAndEmptyRunsStayValidJSON() throws {
        let name = "q\"uote\\ \n\u{0}\u{1B} é 🚀"
        let (_, events) = try parse(ChromeTrace.json(events: [
            .actionFinished(.init(label: ActionLabel(target: name, action: "b"), key: "k", status: .executed,
                                  startedAt: .nan, at: .infinity, slot: Int.max)),
        ]))
        #expect(events.contains { $0["name"] as? String == "\(name):b" })
        _ = try parse(ChromeTrace.json(events: []))
    }
}
