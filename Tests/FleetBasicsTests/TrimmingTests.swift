import FleetBasics
import Testing

@Suite struct TrimmingTests {
    @Test func randomTextTrimsAsTheGenericVersion() {
        var random = SplitMix64(seed: 5)
        let pieces = ["a", " ", "\t", "\n", "\r", "\r\n", "é", "e\u{301}", " \u{301}", "x y", ""]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<random.next(below: 5) { text += pieces[random.next(below: pieces.count)] }
            #expect(text.trimmingWhitespace() == text[...].trimmingWhitespace(), "\(text.debugDescription)")
        }
    }
}
