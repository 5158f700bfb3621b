import FleetBasics
import FleetExecution
import FleetReports
import FleetTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// What an XML parser makes of a report: the elements with their attributes and text.
final class ParsedXML: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var parent: Int?
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []
    private(set) var error: (any Error)?

    init(_ text: String) {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    func children(of index: Int, named name: String) -> [Element] {
        elements.filter { $0.parent == index && $0.name == name }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributes, parent: stack.last))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = stack.last { elements[current].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { error = parseError }
}

@Suite struct JUnitReportTests {
    @Test func oneTestCasePerActionWithCountsThatMatch() async throws {
        try await withTemporaryDirectory { directory in
            let run = try SampleRun(in: directory)
            let xml = JUnitReport.xml(events: run.events, suiteName: "fleet run build test")
            #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "))
            let parsed = ParsedXML(xml)
            #expect(parsed.error == nil)
            let suites = try #require(parsed.named("testsuites").first)
            let suite = try #require(parsed.named("testsuite").first)
            for element in [suites, suite] {
                #expect(element.attributes["tests"] == "5")
                #expect(element.attributes["failures"] == "2")
                #expect(element.attributes["skipped"] == "1")
                #expect(element.attributes["errors"] == "0")
                #expect(element.attributes["time"] == "31.500")
            }
            #expect(suite.attributes["name"] == "fleet run build test")
            let cases = parsed.named("testcase")
            let labels = cases.map { "\($0.attributes["classname"] ?? ""):\($0.attributes["name"] ?? "")" }
            #expect(labels == SampleRun.plan)
            let index = { (label: String) in
                parsed.elements.firstIndex {
                    $0.name == "testcase"
                        && "\($0.attributes["classname"] ?? ""):\($0.attributes["name"] ?? "")" == label
                }!
            }
            #expect(cases[1].attributes["time"] == "1.200")
            #expect(parsed.children(of: index("api:build"), named: "failure").isEmpty)
            let cachedOut = try #require(parsed.children(of: index("common:build"), named: "system-out").first)
            #expect(cachedOut.text.hasPrefix("cached"))
            let failure = try #require(parsed.children(of: index("api:test"), named: "failure").first)
            #expect(failure.attributes["message"] == "exit code 1")
            #expect(failure.text.contains("FAIL: test_login\nexpected 200, got 500\n"))
            #expect(failure.text.contains("running 3 tests"))
            let timeout = try #require(parsed.children(of: index("order:build"), named: "failure").first)
            #expect(timeout.attributes["message"] == "timed out after 30s")
            let skipped = try #require(parsed.children(of: index("order:scan"), named: "skipped").first)
            #expect(skipped.attributes["message"] == "needs order:build, which failed")
        }
    }

    @Test func escapingOfEveryAwkwardCharacter() async throws {
        try await withTemporaryDirectory { directory in
            let line = "]]> <tag attr=\"x\"> & 'q' \u{1B}[31mred\u{1B}[0m é 日本 🚀\r\nnul:\u{0}:bell:\u{7}:\n"
            var log = Array(line.utf8)
            log += [0xFF, 0xFE, 0x0A]  // not UTF-8
            let stderr = directory.appending("err.log")
            try FileSystem.writeAtomically(log, to: stderr)
            let target = "we\"ird<&>'target"
            let reason = "exit code 1\nwith\ta \u{1}control"
            let events: [ExecutionEvent] = [
                .actionFinished(.init(
                    label: ActionLabel(target: target, action: "te]]>st"), key: "k", status: .failed, startedAt: 0,
                    at: 1, exitCode: 1, reason: reason, stderrPath: stderr, slot: 0)),
            ]
            let xml = JUnitReport.xml(events: events, suiteName: "suite \"<&>\" \u{FFFE}")
            #expect(!xml.contains("]]>"))
            let parsed = ParsedXML(xml)
            #expect(parsed.error == nil, "\(String(describing: parsed.error))\n\(xml)")
            let testCase = try #require(parsed.named("testcase").first)
            #expect(testCase.attributes["classname"] == target)
            #expect(testCase.attributes["name"] == "te]]>st")
            #expect(parsed.named("testsuite").first?.attributes["name"] == "suite \"<&>\" \u{FFFD}")
            let failure = try #require(parsed.named("failure").first)
            #expect(failure.attributes["message"] == "exit code 1\nwith\ta \u{FFFD}control")
            let expected = "]]> <tag attr=\"x\"> & 'q' red é 日本 🚀\r\nnul:\u{FFFD}:bell:\u{FFFD}:\n"
            #expect(failure.text.contains(expected))
            #expect(failure.text.contains("\u{FFFD}\u{FFFD}\n"))
        }
    }

    @Test func plannedActionsThatNeverFinishedAreSkipped() throws {
        let events: [ExecutionEvent] = [
            Events.runStarted(["a:build", "b:build", "c:build"], jobs: 1),
            Events.started("a:build", at: 0),
            Events.finished("a:build", .executed, from: 0, to: 1),
            Events.started("b:build", at: 1),
            Events.runFinished(executed: 1, duration: 1.5, interrupted: true),
        ]
        let parsed = ParsedXML(JUnitReport.xml(events: events, suiteName: "s"))
        #expect(parsed.error == nil)
        #expect(parsed.named("testcase").count == 3)
        #expect(parsed.named("skipped").map { $0.attributes["message"] ?? "" } == [
            "did not finish (the run was interrupted)", "did not run",
        ])
        #expect(parsed.named("testsuite").first?.attributes["skipped"] == "2")
    }

    @Test func writesTheFileAtomically() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending("junit.xml")
            try JUnitReport.write(events: [Events.finished("a:build", .executed, from: 0, to: 1)], suiteName: "s",
                                  to: path)
            #expect(ParsedXML(try directory.read("junit.xml")).named("testcase").count == 1)
            #expect(try FileSystem.listDirectory(directory.path) == ["junit.xml"])
        }
    }
}
