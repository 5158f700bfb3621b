@testable import FleetYAML
import Testing

/// ``YAMLDocument/resolved(limits:)`` returns the raw tree of a parsed document that has nothing to resolve; it
/// must give what the resolver gives (the same tree, or the same error) under any limits.
@Suite struct YAMLResolveShortcutTests {
    static let documents = [
        "version: 1\nlibs:\n  a: {path: a, deps: [b, c]}\n  b:\n    path: b\n",
        "a: [[[[1]]]]\nb: {c: {d: {e: f}}}\n",
        "- 1\n- [2, 3]\n- {x: y}\n",
        "plain scalar\n",
        "---\n",
        "",
        "a: &x [1, 2]\nb: *x\n",
        "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
        "k: '<<'\n",
        "? [a, b]\n: c\n",
        "a: &anchor 1\nb: 2\n",
    ]

    static let limits = [
        YAMLLimits(), YAMLLimits(maxDepth: 1), YAMLLimits(maxDepth: 2), YAMLLimits(maxDepth: 4),
        YAMLLimits(maxResolvedNodes: 0), YAMLLimits(maxResolvedNodes: 1), YAMLLimits(maxResolvedNodes: 5),
        YAMLLimits(maxResolvedNodes: 9), YAMLLimits(maxResolvedNodes: 10), YAMLLimits(maxResolvedNodes: 11),
    ]

    @Test(arguments: documents)
    func shortcutAgreesWithTheResolver(text: String) throws {
        for document in try YAMLParser.parse(text) {
            #expect(document.shape != nil)
            var unknown = document
            unknown.root = document.root  // forgets the shape: the resolver runs
            #expect(unknown.shape == nil)
            #expect(unknown == document)
            #expect(unknown.hashValue == document.hashValue)
            for limits in Self.limits {
                let fast = Result { () throws(YAMLError) in try document.resolved(limits: limits) }
                let slow = Result { () throws(YAMLError) in try unknown.resolved(limits: limits) }
                #expect(fast == slow, "\(text.debugDescription) with \(limits)")
            }
        }
    }

    @Test func shapeCountsNodesAndDepth() throws {
        let document = try #require(try YAMLParser.parse("a: [1, {b: c}]\n").first)
        #expect(document.shape == YAMLTreeShape(nodes: 7, depth: 3, hasAliases: false, hasMergeKeys: false))
        let aliased = try #require(try YAMLParser.parse("a: &x 1\nb: *x\n").first)
        #expect(aliased.shape?.hasAliases == true)
    }
}
