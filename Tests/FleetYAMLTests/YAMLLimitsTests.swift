import FleetYAML
import Testing

@Suite struct YAMLLimitsTests {
    @Test func billionLaughsFailsCleanly() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let document = try #require(try YAMLParser.parse(text).first)  // the raw tree is small
        let error = try #require(throws: YAMLError.self) { try document.resolved() }
        #expect(error.kind == .tooLarge)
        #expect(error.message.contains("1000000"))
        #expect(error.hint?.contains("billion laughs") == true)
    }

    @Test func modestAliasUseIsWithinBudget() throws {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
        let resolved = try #require(try YAMLParser.parse(text).first).resolved(limits: YAMLLimits(maxResolvedNodes: 20))
        #expect(resolved["b"]?.items?.count == 3)
        let tight = try #require(try YAMLParser.parse(text).first)
        #expect(throws: YAMLError.self) { try tight.resolved(limits: YAMLLimits(maxResolvedNodes: 12)) }
    }

    @Test(arguments: ["[", "{a: ", "- "])
    func deepNestingFailsCleanly(opener: String) throws {
        let text = String(repeating: opener, count: 100_000)
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(text) }
        #expect(error.kind == .tooDeep || error.kind == .syntax)
        if opener == "[" {
            #expect(error.kind == .tooDeep)
            #expect(error.mark.column == 513)
        }
    }

    @Test func nestingAtTheLimitIsAccepted() throws {
        let text = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let document = try #require(try YAMLParser.parse(text).first)
        _ = try document.resolved()
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(tooDeep) }
    }

    @Test func aliasesCannotBuildDepthBeyondTheLimit() throws {
        // Each anchor nests the previous one a level deeper: the raw tree is shallow, the resolved one is not.
        var text = "a0: &a0 [x]\n"
        for level in 1...600 { text += "a\(level): &a\(level) [*a\(level - 1)]\n" }
        let document = try #require(try YAMLParser.parse(text).first)
        let error = try #require(throws: YAMLError.self) { try document.resolved() }
        #expect(error.kind == .tooDeep)
    }

    @Test func recursiveAndUndefinedAliases() throws {
        let recursive = try #require(try YAMLParser.parse("a: &a [1, *a]\n").first)
        let error = try #require(throws: YAMLError.self) { try recursive.resolved() }
        #expect(error.kind == .recursiveAlias)
        #expect(error.mark == YAMLMark(line: 1, column: 11, offset: 10))

        let undefined = try #require(throws: YAMLError.self) { try YAMLParser.parse("a: 1\nb: *nope\n") }
        #expect(undefined.kind == .undefinedAlias)
        #expect(undefined.location.description == "<input>:2:4")
    }
}
