import FleetBasics
import Foundation
import Testing

@Suite struct JSONValueTests {
    private func parse(_ text: String) -> JSONValue? { JSONValue.parse(Array(text.utf8)) }

    @Test func readsWhatFoundationWrites() throws {
        let object: [String: Any] = [
            "path": "dist/ä \"quoted\" \\ slash/\n\t\u{1}", "emoji": "🚀", "n": -12.5e3, "i": 0, "big": UInt64.max,
            "list": [1, "two", NSNull(), true, false, [String: Any]()], "empty": [Any](),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let value = try #require(JSONValue.parse([UInt8](data)))
        #expect(value["path"]?.stringValue == "dist/ä \"quoted\" \\ slash/\n\t\u{1}")
        #expect(value["emoji"]?.stringValue == "🚀")
        #expect(value["n"]?.numberText.flatMap(Double.init) == -12500)
        #expect(value["i"]?.numberText == "0")
        #expect(value["big"]?.numberText.flatMap { UInt64($0) } == UInt64.max)
        #expect(value["list"]?.arrayValue?.count == 6)
        #expect(value["list"]?.arrayValue?[2] == .null)
        #expect(value["empty"] == .array([]))
        #expect(value["missing"] == nil)
    }

    @Test func escapesAndSurrogates() {
        #expect(parse(#""\u00e9\ud83d\ude80\/""#) == .string("é🚀/"))
        #expect(parse(#""\ud83d""#) == nil)  // a lone high surrogate
        #expect(parse(#""\ude80""#) == nil)  // a lone low surrogate
        #expect(parse(#""\x""#) == nil)
        #expect(parse("\"a\nb\"") == nil)  // a raw control character
    }

    @Test func rejectsWhatIsNotExactlyOneValue() {
        for text in ["", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul",
                     "[1] [2]", "{\"a\":1,\"a\":2}", "{a:1}", "'x'", "[1]x", String(repeating: "[", count: 100)
                        + String(repeating: "]", count: 100)]
        {
            #expect(parse(text) == nil, "accepted \(text)")
        }
        #expect(parse(" {\"a\" : [ 1 , 2.5e-3 ] }\n") == .object([("a", .array([.number("1"), .number("2.5e-3")]))]))
    }
}
