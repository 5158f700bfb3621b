import FleetYAML
import Testing

/// Every scalar of a parsed document, in document order (iterative walk).
func scalars(_ node: YAMLNode) -> [YAMLNode] {
    var result: [YAMLNode] = []
    var stack = [node]
    while let next = stack.popLast() {
        switch next.content {
        case .scalar: result.append(next)
        case .sequence(let items, _): stack.append(contentsOf: items.reversed())
        case .mapping(let pairs, _):
            for pair in pairs.reversed() {
                stack.append(pair.value)
                stack.append(pair.key)
            }
        case .alias: break
        }
    }
    return result
}

func parseOne(_ text: String) throws -> YAMLNode {
    let documents = try YAMLParser.parse(text, file: "t.yaml")
    try #require(documents.count == 1)
    return documents[0].root
}

@Suite struct YAMLLocationTests {
    @Test func asciiLinesColumnsAndOffsets() throws {
        let root = try parseOne("name: shop\nversion: 1\nlist:\n  - a\n")
        let version = try #require(root.pairs?[1])
        #expect(version.key.start == YAMLMark(line: 2, column: 1, offset: 11))
        #expect(version.value.start == YAMLMark(line: 2, column: 10, offset: 20))
        #expect(version.value.end == YAMLMark(line: 2, column: 11, offset: 21))
        let item = try #require(root["list"]?.items?.first)
        #expect(item.start == YAMLMark(line: 4, column: 5, offset: 32))
    }

    @Test func multibyteCharactersGiveByteOffsets() throws {
        // libyaml's index for `x` is 3 (characters); the byte offset is 4.
        let root = try parseOne("é: x\n")
        let pair = try #require(root.pairs?.first)
        #expect(pair.key.scalar == "é")
        #expect(pair.value.start == YAMLMark(line: 1, column: 4, offset: 4))

        let text = "k: 日本語\n𝄞: \"ü\"\nz: ok\n"
        let bytes = Array(text.utf8)
        let tree = try #require(try YAMLParser.parse(bytes).first?.root)
        let values = scalars(tree)
        #expect(values.map(\.scalar) == ["k", "日本語", "𝄞", "ü", "z", "ok"])
        // Each scalar's byte range is exactly its source text.
        let sources = values.map { String(decoding: bytes[$0.byteRange], as: UTF8.self) }
        #expect(sources == ["k", "日本語", "𝄞", "\"ü\"", "z", "ok"])
        #expect(values[5].start == YAMLMark(line: 3, column: 4, offset: bytes.count - 3))
        #expect(values[3].start.column == 4)  // 𝄞 is one column
    }

    @Test(arguments: [("\r\n", "CRLF"), ("\r", "CR"), ("\n", "LF")])
    func lineBreaks(breakText: String, name: String) throws {
        let text = ["a: é", "b: 2", "c: [x, y]"].joined(separator: breakText) + breakText
        let bytes = Array(text.utf8)
        let root = try #require(try YAMLParser.parse(bytes).first?.root)
        let c = try #require(root.pairs?[2])
        #expect(c.key.start.line == 3, "\(name)")
        #expect(c.key.start.column == 1, "\(name)")
        let expectedOffset = "a: é".utf8.count + "b: 2".utf8.count + 2 * breakText.utf8.count
        #expect(c.key.start.offset == expectedOffset, "\(name)")
        let y = try #require(c.value.items?[1])
        #expect(String(decoding: bytes[y.byteRange], as: UTF8.self) == "y")
        #expect(String(decoding: bytes[c.value.byteRange], as: UTF8.self) == "[x, y]")
    }

    @Test func byteOrderMarkIsCountedInOffsetsButNotColumns() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\nb: é\nc: z\n".utf8)
        let root = try #require(try YAMLParser.parse(bytes).first?.root)
        let pairs = try #require(root.pairs)
        #expect(pairs[0].key.start == YAMLMark(line: 1, column: 1, offset: 3))
        #expect(pairs[2].value.start == YAMLMark(line: 3, column: 4, offset: 3 + 5 + 6 + 3))
        #expect(String(decoding: bytes[pairs[1].value.byteRange], as: UTF8.self) == "é")
    }

    @Test func longNonASCIIInputUsesCheckpointsCorrectly() throws {
        // Hundreds of multibyte scalars exercise the checkpoint table across many strides.
        var text = ""
        for i in 0..<500 { text += "k\(i)é: \"vä\(i)𝄞\"\n" }
        let bytes = Array(text.utf8)
        let root = try #require(try YAMLParser.parse(bytes).first?.root)
        for pair in try #require(root.pairs) {
            let key = String(decoding: bytes[pair.key.byteRange], as: UTF8.self)
            #expect(key == pair.key.scalar)
            let value = String(decoding: bytes[pair.value.byteRange], as: UTF8.self)
            #expect(value == "\"" + (pair.value.scalar ?? "") + "\"")
        }
    }

    @Test func blockCollectionsSpanTheirEntries() throws {
        let text = "outer:\n  a: 1\n  b: [2, 3]\n# trailing comment\nnext: x\n"
        let bytes = Array(text.utf8)
        let root = try parseOne(text)
        let outer = try #require(root["outer"])
        #expect(String(decoding: bytes[outer.byteRange], as: UTF8.self) == "a: 1\n  b: [2, 3]")
        #expect(outer.collectionStyle == .block)
        #expect(root["outer"]?["b"]?.collectionStyle == .flow)
    }
}
