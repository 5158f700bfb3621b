import FleetYAML
import Testing

@Suite struct YAMLStructureTests {
    @Test func scalarStyles() throws {
        let text = """
            plain: a b
            single: 'it''s'
            double: "tab\\there"
            literal: |
              line 1
              line 2
            folded: >
              one
              two
            tagged: !!str 12

            """
        let root = try parseOne(text)
        let styles = try #require(root.pairs).map { $0.value.scalarStyle }
        #expect(styles == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded, .plain])
        #expect(root["single"]?.scalar == "it's")
        #expect(root["double"]?.scalar == "tab\there")
        #expect(root["literal"]?.scalar == "line 1\nline 2\n")
        #expect(root["folded"]?.scalar == "one two\n")
        #expect(root["tagged"]?.tag == YAMLTag.str)
        #expect(root["tagged"]?.int == nil)
        #expect(root["plain"]?.tag == nil)
    }

    @Test func typedAccessorsRespectStyleAndTag() throws {
        let root = try parseOne("a: 12\nb: '12'\nc: true\nd: yes\ne: ~\nf:\ng: 1.5\nh: !!int 7\n")
        #expect(root["a"]?.int == 12)
        #expect(root["b"]?.int == nil)
        #expect(root["b"]?.kindDescription == "a string")
        #expect(root["c"]?.bool == true)
        #expect(root["d"]?.bool == nil)
        #expect(root["e"]?.isNull == true)
        #expect(root["f"]?.isNull == true)
        #expect(root["g"]?.double == 1.5)
        #expect(root["g"]?.int == nil)
        #expect(root["h"]?.int == 7)
        #expect(root["a"]?.kindDescription == "an integer")
        #expect(root["g"]?.kindDescription == "a number")
    }

    @Test func anchorsAndAliasesStayRawAndResolve() throws {
        let text = "base: &b {x: 1}\nuse: *b\nlist: [&s hello, *s]\n"
        let document = try #require(try YAMLParser.parse(text).first)
        #expect(document.root["base"]?.anchor == "b")
        #expect(document.root["use"]?.content == .alias("b"))
        #expect(document.root["use"]?.start == YAMLMark(line: 2, column: 6, offset: 21))
        let resolved = try document.resolved()
        #expect(resolved["use"]?["x"]?.scalar == "1")
        // The copy keeps the anchor's positions.
        #expect(resolved["use"]?.start == document.root["base"]?.start)
        #expect(resolved["list"]?.items?.map(\.scalar) == ["hello", "hello"])
    }

    @Test func anchorsCanBeRedefined() throws {
        let document = try #require(try YAMLParser.parse("- &a one\n- *a\n- &a two\n- *a\n").first)
        #expect(try document.resolved().items?.map(\.scalar) == ["one", "one", "two", "two"])
    }

    @Test func mergeKeys() throws {
        let text = """
            base: &base {a: 1, b: 1, c: 1}
            more: &more {b: 2, d: 2}
            single:
              <<: *base
              c: own
            list:
              b: own
              <<: [*more, *base]

            """
        let resolved = try #require(try YAMLParser.parse(text).first).resolved()
        let single = try #require(resolved["single"])
        #expect(single["a"]?.scalar == "1")
        #expect(single["c"]?.scalar == "own")  // explicit keys win
        #expect(single.pairs?.count == 3)
        let list = try #require(resolved["list"])
        #expect(list["b"]?.scalar == "own")
        #expect(list["d"]?.scalar == "2")
        #expect(list["a"]?.scalar == "1")
        #expect(list["c"]?.scalar == "1")
        #expect(list.pairs?.map { $0.key.scalar ?? "" } == ["b", "d", "a", "c"])  // earlier merged maps win
        #expect(list.pairs?.map(\.isMerged) == [false, true, true, true])
        // A quoted "<<" is an ordinary key.
        let quoted = try #require(try YAMLParser.parse("'<<': {a: 1}\n").first).resolved()
        #expect(quoted["<<"]?["a"]?.scalar == "1")
    }

    @Test func badMergeValues() throws {
        let scalar = try #require(try YAMLParser.parse("a:\n  <<: 3\n").first)
        let error = try #require(throws: YAMLError.self) { try scalar.resolved() }
        #expect(error.kind == .invalidMerge)
        #expect(error.mark.line == 2 && error.mark.column == 7)
        #expect(error.message.contains("found an integer"))
        let list = try #require(try YAMLParser.parse("a:\n  <<: [{x: 1}, 2]\n").first)
        let listError = try #require(throws: YAMLError.self) { try list.resolved() }
        #expect(listError.mark.column == 16)
    }

    @Test func multipleDocuments() throws {
        let text = "a: 1\n---\nb: 2\n...\n--- c\n"
        let documents = try YAMLParser.parse(text)
        #expect(documents.count == 3)
        #expect(documents.map(\.hasExplicitStart) == [false, true, true])
        #expect(documents.map(\.hasExplicitEnd) == [false, true, false])
        #expect(documents[1].start == YAMLMark(line: 2, column: 1, offset: 5))
        #expect(documents[2].root.scalar == "c")
        #expect(documents[0].root["a"]?.scalar == "1")
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n   \n"])
    func emptyInputHasNoDocuments(text: String) throws {
        #expect(try YAMLParser.parse(text).isEmpty)
    }

    @Test func emptyExplicitDocumentIsNull() throws {
        let documents = try YAMLParser.parse("---\n")
        #expect(documents.count == 1)
        #expect(documents[0].root.isNull)
    }

    @Test func duplicateKeys() throws {
        let root = try parseOne("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n")
        let top = root.duplicateKeys()
        #expect(top.count == 1)
        #expect(top.first?.key == "a")
        #expect(top.first?.first.start.line == 1)
        #expect(top.first?.duplicate.start.line == 5)
        let all = root.allDuplicateKeys()
        #expect(all.map(\.key) == ["x", "a"])
        #expect(all.first?.duplicate.start == YAMLMark(line: 4, column: 3, offset: 17))
    }

    /// Small mappings compare keys, large ones hash them: both report the same duplicates, each against the first
    /// occurrence, merged pairs and non-scalar keys aside.
    @Test(arguments: [3, 8, 16, 17, 40])
    func duplicateKeysOfAnySize(count: Int) throws {
        var text = "base: &b {k0: x, k1: y}\nm:\n  <<: *b\n  [seq]: 1\n"
        for i in 0..<count { text += "  k\(i % 5): \(i)\n" }
        let document = try #require(try YAMLParser.parse(text).first)
        let mapping = try #require(try document.resolved()["m"])
        let pairs = try #require(mapping.pairs)
        var first: [String: YAMLNode] = [:]
        var expected: [String] = []
        for pair in pairs where !pair.isMerged {
            guard let key = pair.key.scalar else { continue }
            if let earlier = first[key] {
                expected.append("\(key) \(earlier.start) \(pair.key.start)")
            } else {
                first[key] = pair.key
            }
        }
        #expect(mapping.duplicateKeys().map { "\($0.key) \($0.first.start) \($0.duplicate.start)" } == expected)
        #expect(expected.count == max(0, count - 5))
    }

    @Test func mergedKeysAreNotDuplicates() throws {
        let resolved = try #require(try YAMLParser.parse("b: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n").first).resolved()
        #expect(resolved["m"]?.duplicateKeys().isEmpty == true)
    }
}
