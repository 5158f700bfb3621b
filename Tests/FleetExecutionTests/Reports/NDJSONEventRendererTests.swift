import FleetBasics
import FleetExecution
import FleetReports
import FleetTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct NDJSONEventRendererTests {
    private func render(_ events: [ExecutionEvent]) -> [String] {
        let lines = Mutex<[String]>([])
        let renderer = NDJSONEventRenderer { line in lines.withLock { $0.append(line) } }
        for event in events { renderer.handle(event) }
        return lines.withLock { $0 }
    }

    private func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [])
        return try #require(object as? [String: Any])
    }

    @Test func oneParsableObjectPerLineWithTheRequiredFields() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            let lines = render(run.events)
            #expect(lines.count == run.events.count)
            var kinds: [String] = []
            for line in lines {
                #expect(line.hasSuffix("\n"))
                #expect(!line.dropLast().contains("\n"))
                let object = try parse(line)
                let kind = try #require(object["event"] as? String)
                kinds.append(kind)
                switch kind {
                case "run-started":
                    #expect(object["actions"] as? Int == 5)
                    #expect(object["jobs"] as? Int == 2)
                case "action-started":
                    #expect(object["target"] is String && object["action"] is String)
                    #expect((object["key"] as? String)?.count == 32)
                    #expect(object["command"] as? String == "make")
                case "action-finished":
                    for field in ["target", "action", "status", "key"] { #expect(object[field] is String, "\(field)") }
                    #expect(["executed", "cached", "failed", "skipped"].contains(object["status"] as? String ?? ""))
                    #expect(object["duration_ms"] is Int)
                    for field in ["exit_code", "reason", "saved_ms"] {
                        #expect(object.keys.contains(field), "\(field) must be present, null when unknown")
                    }
                case "warning":
                    #expect(object["message"] as? String == "cache entry of common:test was damaged; it was dropped")
                    #expect(object["location"] is NSNull)
                case "run-finished":
                    let counts = try #require(object["counts"] as? [String: Any])
                    #expect(counts["executed"] as? Int == 1 && counts["cached"] as? Int == 1)
                    #expect(counts["failed"] as? Int == 2 && counts["skipped"] as? Int == 1)
                    #expect(object["duration_ms"] as? Int == 31500)
                    #expect(object["saved_ms"] as? Int == 3400)
                    #expect(object["interrupted"] as? Bool == false)
                    #expect(object["success"] as? Bool == false)
                default:
                    Issue.record("unknown event \(kind)")
                }
            }
            #expect(kinds.first == "run-started" && kinds.last == "run-finished")
            #expect(kinds.filter { $0 == "action-finished" }.count == 5)
        }
    }

    @Test func stableKeyOrderAndIntegerMilliseconds() {
        let lines = render([
            Events.finished("api:build", .executed, from: 0.1, to: 1.3004, slot: 1, exitCode: 0),
            Events.finished("common:build", .cached, from: 0, to: 0.012, saved: 3.4),
            Events.finished("order:scan", .skipped, from: 2, to: 2, reason: "needs order:build, which failed"),
            Events.runFinished(executed: 1, duration: 1.5),
        ])
        let key = Events.key("api:build")
        #expect(lines[0] == """
            {"event":"action-finished","target":"api","action":"build","status":"executed","key":"\(key)",\
            "duration_ms":1200,"exit_code":0,"reason":null,"saved_ms":null,"started_at_ms":100,"at_ms":1300,\
            "slot":1,"stdout_log":null,"stderr_log":null}

            """)
        #expect(lines[1].contains(#""status":"cached","#) && lines[1].contains(#""saved_ms":3400,"#))
        #expect(lines[2].contains(#""exit_code":null,"reason":"needs order:build, which failed","saved_ms":null"#))
        #expect(lines[3] == """
            {"event":"run-finished","counts":{"executed":1,"cached":0,"failed":0,"skipped":0},"duration_ms":1500,\
            "saved_ms":0,"interrupted":false,"success":true}

            """)
    }

    @Test func awkwardTextSurvivesTheRoundTrip() throws {
        let target = "we\"ird\\name\nwith\ttabs \u{0}\u{1B}[31m é 日本 🚀 \u{2028}"
        let lines = render([
            .actionStarted(.init(label: ActionLabel(target: target, action: "build"), key: "k", command: "echo \"$X\"",
                                 at: 0, slot: 0)),
            .warning(.warning("bad \"input\"", at: SourceLocation(file: "dir/fleet.yaml", line: 3, column: 7))),
        ])
        let started = try parse(lines[0])
        #expect(started["target"] as? String == target)
        #expect(started["command"] as? String == "echo \"$X\"")
        let warning = try parse(lines[1])
        let location = try #require(warning["location"] as? [String: Any])
        #expect(location["file"] as? String == "dir/fleet.yaml")
        #expect(location["line"] as? Int == 3 && location["column"] as? Int == 7)
    }

    @Test func writesWholeLinesToAFileDescriptor() async throws {
        try await withTemporaryDirectory { directory in
            let output = try CapturedOutput(in: directory)
            let renderer = NDJSONEventRenderer(fileDescriptor: output.fileDescriptor)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { renderer.handle(Events.started("svc\(index):build", at: Double(index))) }
                }
            }
            let lines = output.text.split(separator: "\n")
            #expect(lines.count == 200)
            for line in lines { #expect(throws: Never.self) { try parse(String(line)) } }
        }
    }
}
