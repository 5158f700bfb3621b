import FleetBasics
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test(arguments: [
        ("", #""""#),
        ("plain/path-1.txt", #""plain/path-1.txt""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("nl\n cr\r tab\t", #""nl\n cr\r tab\t""#),
        ("\u{0}\u{1F}", #""\u0000\u001f""#),
        ("sep\u{2028}\u{2029}", #""sep\u2028\u2029""#),
        ("’quote’ – … é 日本 🚀", "\"’quote’ – … é 日本 🚀\""),
    ])
    func quote(value: String, expected: String) throws {
        #expect(JSONText.quote(value) == expected)
        let decoded = try JSONSerialization.jsonObject(with: Data(expected.utf8), options: [.fragmentsAllowed])
        #expect(decoded as? String == value)
    }
}
