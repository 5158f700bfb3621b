import FleetBasics
import FleetGit
import FleetInputs
import FleetTestSupport
import Testing

@Suite struct BaseResolverTests {
    func resolve(_ s: Scenario, explicit: String? = nil, environment: [String: String] = [:]) throws
        -> BaseResolver.Choice
    {
        try BaseResolver.resolve(explicit: explicit, repository: s.repository(), environment: environment)
    }

    func sha(_ s: Scenario, _ revision: String) throws -> String { try s.git("rev-parse", revision) }

    @Test func explicitThenFleetBaseThenTheMergeBase() throws {
        let s = try shop()
        let first = try sha(s, "HEAD")
        try s.git("checkout", "--quiet", "-b", "feature")
        try s.write("services/api/main.py", "feature\n")
        let feature = try s.commit()
        try s.git("checkout", "--quiet", "main")
        try s.write("services/orders/main.py", "main\n")
        try s.commit()
        try s.git("checkout", "--quiet", "feature")

        #expect(try resolve(s, explicit: "HEAD").commit?.description == feature)
        #expect(try resolve(s, explicit: "main", environment: ["FLEET_BASE": "HEAD"]).commit?.description
            == sha(s, "main"))
        #expect(try resolve(s, environment: ["FLEET_BASE": "HEAD"]).commit?.description == feature)
        // An empty FLEET_BASE is unset (a CI expression that evaluated to nothing).
        let merge = try resolve(s, environment: ["FLEET_BASE": ""])
        #expect(merge.commit?.description == first)
        #expect(merge.explanation == "merge-base of HEAD and main")
    }

    @Test func candidatesInOrder() throws {
        let s = try shop()
        let first = try sha(s, "HEAD")
        try s.git("branch", "-m", "main", "master")
        try s.write("services/api/main.py", "2\n")
        let second = try s.commit()
        try s.write("services/api/main.py", "3\n")
        try s.commit()
        // Only master: the merge-base with it is HEAD itself.
        #expect(try resolve(s).explanation == "merge-base of HEAD and master")
        // main beats master; origin/main beats main; origin/HEAD beats origin/main.
        try s.git("branch", "main", first)
        #expect(try resolve(s).commit?.description == first)
        try s.git("update-ref", "refs/remotes/origin/main", second)
        #expect(try resolve(s).commit?.description == second)
        #expect(try resolve(s).explanation == "merge-base of HEAD and origin/main")
        try s.git("update-ref", "refs/remotes/origin/trunk", first)
        try s.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
        #expect(try resolve(s).commit?.description == first)
        #expect(try resolve(s).explanation == "merge-base of HEAD and origin/HEAD")
    }

    @Test func noCandidateIsAnErrorThatSaysWhatToPass() throws {
        let s = try shop()
        try s.git("branch", "-m", "main", "work")
        let error = try #require(throws: DiagnosticsError.self) { try resolve(s) }
        let text = error.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("cannot choose a base revision"))
        #expect(text.contains("--base"))
    }

    @Test func unrelatedHistoriesAreAnError() throws {
        let s = try shop()
        try s.git("checkout", "--quiet", "--orphan", "other")
        try s.commit("unrelated")
        let error = try #require(throws: DiagnosticsError.self) { try resolve(s) }
        #expect(error.diagnostics.first?.message.contains("no common ancestor") == true)
    }

    @Test func aPullRequestsBaseIsTheMergeBaseWithOrigin() throws {
        let s = try shop()
        let first = try sha(s, "HEAD")
        try s.git("update-ref", "refs/remotes/origin/release", first)
        try s.write("services/api/main.py", "2\n")
        try s.commit()
        let choice = try resolve(s, environment: ["GITHUB_BASE_REF": "release"])
        #expect(choice.commit?.description == first)
        #expect(choice.explanation.contains("origin/release"))
        let error = try #require(throws: DiagnosticsError.self) {
            try resolve(s, environment: ["GITHUB_BASE_REF": "develop"])
        }
        let text = error.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("origin/develop"))
        #expect(text.contains("git fetch origin develop"))
    }

    @Test func shallowCloneWithoutTheMergeBaseSaysWhatToFetch() throws {
        let source = try shop()
        try source.git("checkout", "--quiet", "-b", "feature")
        try source.write("services/api/main.py", "feature\n")
        try source.commit()
        try source.git("checkout", "--quiet", "main")
        try source.write("services/orders/main.py", "main\n")
        try source.commit()
        let clone = GitFixture(directory: try TemporaryDirectory(prefix: "fleet-shallow-base"))
        try source.git("clone", "--quiet", "--depth", "1", "--no-single-branch", "--branch", "feature",
                       "file://" + source.path, clone.path)
        let s = try Scenario(existing: clone)
        #expect(try s.repository().isShallow)
        let error = try #require(throws: (any Error).self) { try resolve(s) }
        let text = ((error as? any DiagnosticConvertible)?.diagnostics ?? []).map(\.description)
            .joined(separator: "\n")
        #expect(text.contains("shallow"), "\(error)")
        #expect(text.contains("fetch-depth: 0"), "\(error)")
    }
}
