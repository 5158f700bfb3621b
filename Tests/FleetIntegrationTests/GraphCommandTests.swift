import FleetTestSupport
import Foundation
import Testing

@Suite(.tags(.integration)) struct GraphCommandTests {
    @Test func jsonIsExactSortedAndRepositoryRelative() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(["graph", "--format", "json"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        let common = #"{"name":"common","kind":"lib","path":"examples/shop/libs/common","deps":[],"#
            + #""rdeps":["auth","contracts"],"actions":["build","test"]}"#
        #expect(result.stdout.hasPrefix(#"{"schema":1,"targets":[{"name":"api-gateway","kind":"service","#))
        #expect(result.stdout.contains(common))
        #expect(result.stdout.hasSuffix("}\n"))

        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        #expect(object["schema"] as? Int == 1)
        let targets = try #require(object["targets"] as? [[String: Any]])
        #expect(targets.map { $0["name"] as? String } == ["api-gateway", "auth", "common", "contracts", "orders",
                                                          "web.app"])
        let gateway = try #require(targets.first)
        #expect(gateway["kind"] as? String == "service")
        #expect(gateway["path"] as? String == "examples/shop/services/api-gateway")
        #expect(gateway["deps"] as? [String] == ["auth", "contracts"])
        #expect(gateway["rdeps"] as? [String] == ["web.app"])
        #expect(gateway["actions"] as? [String] == ["build", "e2e", "test"])
        let web = try #require(targets.last)
        #expect(web["actions"] as? [String] == ["build"])
        #expect(web["rdeps"] as? [String] == [])
    }

    @Test func selectionWithDepsAndRdeps() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        func names(_ arguments: [String]) throws -> [String] {
            let result = try TestProcess.fleet(["graph", "--format", "json"] + arguments, in: repo.path)
            #expect(result.exitCode == 0, "\(result)")
            let object = try #require(try parseJSON(result.stdout) as? [String: Any])
            return (object["targets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        #expect(try names(["api-gateway"]) == ["api-gateway"])
        #expect(try names(["api-gateway", "--deps"]) == ["api-gateway", "auth", "common", "contracts"])
        #expect(try names(["contracts", "--rdeps"]) == ["api-gateway", "contracts", "orders", "web.app"])
        #expect(try names(["auth", "--deps", "--rdeps"]) == ["api-gateway", "auth", "common", "web.app"])
    }

    @Test func textIsInDependencyOrder() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(["graph"], in: repo.path)
        #expect(result.exitCode == 0)
        let order = lines(result.stdout).map { String($0.split(separator: " ").first ?? "") }
        #expect(order == ["common", "auth", "contracts", "api-gateway", "orders", "web.app"])
        #expect(lines(result.stdout)[3].hasSuffix("examples/shop/services/api-gateway  → auth, contracts"))
    }

    @Test func dotAndMermaid() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let dot = try TestProcess.fleet(["graph", "--format", "dot", "web.app", "--deps"], in: repo.path)
        #expect(dot.exitCode == 0)
        #expect(dot.stdout.hasPrefix("digraph fleet {\n"))
        #expect(dot.stdout.hasSuffix("}\n"))
        #expect(dot.stdout.contains(#"  "web.app" -> "api-gateway";"#))
        #expect(dot.stdout.contains(#""common" [label="common", style="rounded,filled""#))
        #expect(!dot.stdout.contains("orders"))
        // Validate with Graphviz when it is installed.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") {
            try repo.write("g.dot", dot.stdout)
            let rendered = try TestProcess.run("/usr/bin/dot", ["-Tsvg", repo.directory.appending("g.dot")])
            #expect(rendered.exitCode == 0, "\(rendered)")
        }

        let mermaid = try TestProcess.fleet(["graph", "--format", "mermaid"], in: repo.path)
        #expect(mermaid.exitCode == 0)
        let mermaidLines = lines(mermaid.stdout)
        #expect(mermaidLines.first == "flowchart BT")
        #expect(mermaidLines.contains("  t0[\"api-gateway\"]"))
        #expect(mermaidLines.contains("  t2([\"common\"])"))
        #expect(mermaidLines.contains("  t5 --> t0"))
        #expect(mermaidLines.contains("  class t1,t2,t3 lib"))
        #expect(mermaidLines.contains("  class t0,t4,t5 service"))
    }

    @Test func unknownTargetsAreReportedWithSuggestions() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(["graph", "comon", "orderz"], in: repo.path)
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(lines(result.stderr) == [
            "error: unknown target 'comon'", "  hint: did you mean 'common'?",
            "error: unknown target 'orderz'", "  hint: did you mean 'orders'?",
            "2 errors",
        ])
    }

    @Test func invalidManifestFailsGraphToo() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        try repo.write("fleet.yaml", "version: 1\nlibs:\n  a: {path: ., deps: [b]}\n  b: {path: ., deps: [a]}\n")
        let result = try TestProcess.fleet(["graph"], in: repo.path)
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasPrefix("fleet.yaml:3:23: error: dependency cycle: a → b → a\n"))
    }
}
