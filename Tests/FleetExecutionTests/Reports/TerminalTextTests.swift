import FleetBasics
@testable import FleetReports
import FleetTestSupport
import Testing

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("api-gateway:build", 17),
        ("é", 1),
        ("e\u{301}", 1),
        ("日本語", 6),
        ("🚀", 2),
        ("❤️", 2),
        ("✓ ↺ ✗ …", 7),
        ("a\u{200B}b", 2),
        ("tab\there", 7),
    ])
    func width(text: String, columns: Int) {
        #expect(TerminalText.width(text) == columns)
    }

    @Test func truncationKeepsWholeCharactersAndMarksTheCut() {
        #expect(TerminalText.truncate("short", to: 10) == "short")
        #expect(TerminalText.truncate("exactly-10", to: 10) == "exactly-10")
        #expect(TerminalText.truncate("eleven-chars", to: 10) == "eleven-ch…")
        #expect(TerminalText.truncate("日本語日本語", to: 6) == "日本…")
        #expect(TerminalText.truncate("abc", to: 0) == "")
        let line = StyledLine([("[1/2]", .bold), (" running", .plain), (" 3s", .dim)])
        #expect(line.rendered(columns: 80, style: .plain) == "[1/2] running 3s")
        #expect(line.rendered(columns: 10, style: .plain) == "[1/2] run…")
        #expect(line.rendered(columns: 5, style: .plain) == "[1/2…")
        #expect(line.rendered(columns: 10, style: TerminalStyle(isEnabled: true)) == "\u{1B}[1m[1/2]\u{1B}[0m run…")
    }

    @Test func escapeSequencesAreStripped() {
        #expect(TerminalText.strippingEscapes("\u{1B}[1;31mred\u{1B}[0m plain") == "red plain")
        #expect(TerminalText.strippingEscapes("\u{1B}]8;;http://x\u{7}link\u{1B}]8;;\u{1B}\\ end") == "link end")
        #expect(TerminalText.strippingEscapes("no escapes é") == "no escapes é")
        #expect(TerminalText.strippingEscapes("cut \u{1B}[3") == "cut ")
    }

    @Test func logTailsCutAtLineBoundaries() async throws {
        try await withTemporaryDirectory { directory in
            let lines = (1...50).map { "line \($0)" }
            let path = try directory.write("log", lines.joined(separator: "\n") + "\n")
            let all = try LogFile.tail(path, maxLines: 100, maxBytes: 1 << 20)
            #expect(!all.isTruncated && all.text == lines.joined(separator: "\n") + "\n")
            let last = try LogFile.tail(path, maxLines: 3, maxBytes: 1 << 20)
            #expect(last.isTruncated && last.text == "line 48\nline 49\nline 50\n")
            // A byte limit inside a line drops the partial line.
            let bytes = try LogFile.tail(path, maxLines: 100, maxBytes: 20)
            #expect(bytes.isTruncated && bytes.text == "line 49\nline 50\n")
            // One huge line is cut, not dropped.
            let huge = try directory.write("huge", String(repeating: "x", count: 1000))
            let cut = try LogFile.tail(huge, maxLines: 10, maxBytes: 100)
            #expect(cut.isTruncated && cut.bytes.count == 100)
            let noFinalNewline = try directory.write("open", "a\nb\nc")
            #expect(try LogFile.tail(noFinalNewline, maxLines: 2, maxBytes: 100).text == "b\nc")
            let empty = try directory.write("empty", "")
            #expect(try LogFile.tail(empty, maxLines: 2, maxBytes: 100).bytes.isEmpty)
            #expect(throws: FileSystemError.self) {
                try LogFile.tail(directory.appending("none"), maxLines: 1, maxBytes: 1)
            }
            #expect(throws: FileSystemError.self) { try LogFile.tail(directory.path, maxLines: 1, maxBytes: 1) }
        }
    }
}
