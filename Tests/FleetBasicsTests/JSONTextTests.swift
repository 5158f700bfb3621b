import FleetBasics
import Foundation
import Testing

@Suite struct JSONTextTests {
    /// Both paths of `quote` (the whole-string copy and the escaping loop) against hand-written JSON.
    @Test(arguments: [
        ("", #""""#),
        ("svc-0042", #""svc-0042""#),
        ("services/é/ü.txt", #""services/é/ü.txt""#),
        ("say \"hi\"", #""say \"hi\"""#),
        ("a\\b", #""a\\b""#),
        ("line\nnext\r\ttab", #""line\nnext\r\ttab""#),
        ("\u{1}\u{1F}", #""\u0001\u001f""#),
        ("sep\u{2028}para\u{2029}", #""sep\u2028para\u2029""#),
        ("€ and – are fine", #""€ and – are fine""#),
    ])
    func quoteEscapesExactlyWhatJSONNeeds(input: String, expected: String) throws {
        let quoted = JSONText.quote(input)
        #expect(quoted == expected)
        // An independent parser reads the original string back.
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(decoded == [input])
    }
}
