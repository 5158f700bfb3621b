public import FleetBasics
public import FleetExecution

/// `--report junit=FILE`: one JUnit test case per action, the format every CI server shows as a test report
/// (GitHub, GitLab, Jenkins, Buildkite).
///
/// Each action is a `<testcase classname="TARGET" name="ACTION" time="SECONDS">`: failed ones carry a `<failure>`
/// with the reason and the end of their logs, skipped ones a `<skipped>` with the reason, cached ones pass with a
/// `<system-out>` saying so. Actions of the plan that never finished (an interrupted run) are reported as skipped.
/// Test cases follow the plan's order, so two runs of one plan give comparable files.
public enum JUnitReport {
    /// Lines of each failed log put into its `<failure>` element.
    public static let failureLogLines = 100
    static let failureLogBytes = 64 * 1024

    /// The report as XML text (UTF-8, with an XML declaration).
    /// - Parameters:
    ///   - events: the run's events, in order (typically ``EventRecorder/events``).
    ///   - suiteName: the `<testsuite>`'s name (e.g. `fleet run build test`).
    public static func xml(events: [ExecutionEvent], suiteName: String) -> String {
        let cases = testCases(events)
        let summary = RunSummary(events: events)
        let failures = cases.filter { if case .failed = $0.outcome { true } else { false } }.count
        let skipped = cases.filter { if case .skipped = $0.outcome { true } else { false } }.count
        let time = seconds(summary.duration ?? cases.reduce(0) { max($0, $1.end) })
        let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"fleet\" \(counts) time=\"\(time)\">\n"
        out += "  <testsuite name=\"\(XMLText.attribute(suiteName))\" \(counts) time=\"\(time)\">\n"
        for testCase in cases { out += element(testCase) }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// Writes ``xml(events:suiteName:)`` to `path` atomically.
    public static func write(events: [ExecutionEvent], suiteName: String, to path: String) throws(FileSystemError) {
        try FileSystem.writeAtomically(text: xml(events: events, suiteName: suiteName), to: path)
    }

    // MARK: - Test cases

    struct TestCase {
        enum Outcome {
            case passed(note: String?)
            case failed(message: String, details: String)
            case skipped(message: String)
        }

        var label: ActionLabel
        var duration: Double
        var end: Double
        var outcome: Outcome
    }

    /// One test case per action: in plan order, then any finished action the plan did not list.
    static func testCases(_ events: [ExecutionEvent]) -> [TestCase] {
        var planned: [ActionLabel] = []
        var started: [ActionLabel: ExecutionEvent.ActionStarted] = [:]
        var finished: [ActionLabel: ExecutionEvent.ActionFinished] = [:]
        var finishOrder: [ActionLabel] = []
        for event in events {
            switch event {
            case .runStarted(let run): planned = run.actions
            case .actionStarted(let action): started[action.label] = action
            case .actionFinished(let action):
                if finished.updateValue(action, forKey: action.label) == nil { finishOrder.append(action.label) }
            case .warning, .runFinished: break
            }
        }
        var seen = Set<ActionLabel>()
        var labels: [ActionLabel] = []
        for label in planned + finishOrder where seen.insert(label).inserted { labels.append(label) }
        return labels.map { label in
            guard let action = finished[label] else {
                let message = started[label] == nil ? "did not run" : "did not finish (the run was interrupted)"
                let end = started[label]?.at ?? 0
                return TestCase(label: label, duration: 0, end: end, outcome: .skipped(message: message))
            }
            let outcome: TestCase.Outcome
            switch action.status {
            case .executed:
                outcome = .passed(note: nil)
            case .cached:
                let saved = action.savedSeconds.map { "; it took \(Quantity.formatDuration(seconds: $0)) when it ran" }
                outcome = .passed(note: "cached: restored from the cache (key \(action.key))\(saved ?? "")")
            case .failed:
                let reason = action.failureReason
                outcome = .failed(message: reason, details: failureDetails(action, reason: reason))
            case .skipped:
                outcome = .skipped(message: action.reason ?? "skipped")
            }
            return TestCase(label: label, duration: max(0, action.duration), end: action.at, outcome: outcome)
        }
    }

    /// The reason, then the end of stdout and of stderr, without terminal escape codes.
    static func failureDetails(_ action: ExecutionEvent.ActionFinished, reason: String) -> String {
        var out = "\(action.label) failed: \(reason)\n"
        for (name, path) in [("stdout", action.stdoutPath), ("stderr", action.stderrPath)] {
            guard let path else { continue }
            do {
                let tail = try LogFile.tail(path, maxLines: failureLogLines, maxBytes: failureLogBytes)
                guard !tail.bytes.isEmpty else { continue }
                out += tail.isTruncated ? "--- \(name) (the end only; full log: \(path)) ---\n" : "--- \(name) ---\n"
                out += TerminalText.strippingEscapes(tail.text)
                if tail.bytes.last != UInt8(ascii: "\n") { out += "\n" }
            } catch {
                out += "--- \(name): \(error) ---\n"
            }
        }
        return out
    }

    private static func element(_ testCase: TestCase) -> String {
        let attributes = "classname=\"\(XMLText.attribute(testCase.label.target))\" "
            + "name=\"\(XMLText.attribute(testCase.label.action))\" time=\"\(seconds(testCase.duration))\""
        switch testCase.outcome {
        case .passed(nil):
            return "    <testcase \(attributes)/>\n"
        case .passed(let note?):
            return "    <testcase \(attributes)>\n      <system-out>\(XMLText.text(note))</system-out>\n"
                + "    </testcase>\n"
        case .failed(let message, let details):
            return "    <testcase \(attributes)>\n"
                + "      <failure message=\"\(XMLText.attribute(message))\">\(XMLText.text(details))</failure>\n"
                + "    </testcase>\n"
        case .skipped(let message):
            return "    <testcase \(attributes)>\n      <skipped message=\"\(XMLText.attribute(message))\"/>\n"
                + "    </testcase>\n"
        }
    }

    /// Seconds with three decimals (`12.345`), as JUnit's `time` attributes expect.
    static func seconds(_ value: Double) -> String {
        let milliseconds = value.isFinite ? Int64((max(0, min(value, 1e12)) * 1000).rounded()) : 0
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
