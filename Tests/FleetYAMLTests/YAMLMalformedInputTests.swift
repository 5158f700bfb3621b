import FleetBasics
import FleetYAML
import Testing

@Suite struct YAMLMalformedInputTests {
    @Test func tabIndentationGetsAHint() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse("services:\n\tapi: {}\n", file: "fleet.yaml")
        }
        #expect(error.kind == .syntax)
        #expect(error.mark.line == 2)
        #expect(error.hint == "YAML does not allow tabs for indentation; use spaces")
        let rendered = error.diagnostics[0].description
        #expect(rendered.hasPrefix("fleet.yaml:2:1: error: "))
    }

    @Test func unquotedColonValue() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("run: echo a: b\n") }
        #expect(error.message == "mapping values are not allowed in this context")
        #expect(error.mark == YAMLMark(line: 1, column: 12, offset: 11))
        #expect(error.hint?.contains("quoted") == true)
    }

    @Test func reservedCharacter() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("a: @b\n") }
        #expect(error.message == "found character '@' that cannot start any token")
        #expect(error.mark.column == 4)
        #expect(error.hint?.contains("quotes") == true)
    }

    @Test func unclosedQuote() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("a: \"open\nb: 1\n") }
        #expect(error.message.contains("not closed"))
        #expect(error.context == "while scanning a quoted scalar")
        #expect(error.contextMark?.line == 1 && error.contextMark?.column == 4)
        #expect(error.diagnostics[0].notes.count == 1)
    }

    @Test func badIndentation() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("a:\n  b: 1\n c: 2\n") }
        #expect(error.kind == .syntax)
        #expect(error.mark.line == 3)
    }

    @Test func nulByteIsALocatedControlCharacterError() throws {
        let bytes = Array("a: 1\nb: x".utf8) + [0] + Array("y\n".utf8)
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(bytes, file: "f.yaml") }
        #expect(error.kind == .encoding)
        #expect(error.message == "control character U+0000 (NUL) is not allowed")
        #expect(error.mark == YAMLMark(line: 2, column: 5, offset: 9))
    }

    @Test func invalidUTF8IsALocatedEncodingError() throws {
        let bytes = Array("a: é\nb: ".utf8) + [0xFF, 0xFE, 0x41] + Array("\n".utf8)
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(bytes) }
        #expect(error.kind == .encoding)
        #expect(error.message.hasPrefix("invalid UTF-8"))
        #expect(error.message.contains("0xFF"))
        #expect(error.mark == YAMLMark(line: 2, column: 4, offset: 9))
        #expect(error.hint?.contains("UTF-8") == true)
    }

    @Test func utf16IsRejected() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse([0xFF, 0xFE, 0x61, 0x00]) }
        #expect(error.kind == .encoding)
        #expect(error.message.contains("UTF-16"))
    }

    @Test func garbageNeverCrashes() throws {
        // A fixed-seed generator: the same bytes on every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func nextByte() -> UInt8 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        let alphabet = Array("ab:- \n\t[]{},&*!|>'\"#%@`?é\r\\".utf8)
        for round in 0..<300 {
            let length = 1 + Int(nextByte()) * 4
            let bytes: [UInt8] = (0..<length).map { _ in
                round % 2 == 0 ? nextByte() : alphabet[Int(nextByte()) % alphabet.count]
            }
            do {
                for document in try YAMLParser.parse(bytes) { _ = try? document.resolved() }
            } catch {
                #expect(error.location.line >= 1)
                #expect(error.mark.offset <= bytes.count)
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func largeInputParsesInOnePass() throws {
        // About 10 MB of list items.
        let line = Array(("- " + String(repeating: "abcdefghijklmnopqrstuvwxyz0123456789", count: 2) + "xyz\n").utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.count * 110_000)
        for _ in 0..<110_000 { bytes.append(contentsOf: line) }
        let documents = try YAMLParser.parse(bytes)
        let items = try #require(documents.first?.root.items)
        #expect(items.count == 110_000)
        #expect(items.last?.start.offset == bytes.count - line.count + 2)
    }
}
