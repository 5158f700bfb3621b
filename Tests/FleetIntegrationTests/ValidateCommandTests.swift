import FleetTestSupport
import Foundation
import Testing

@Suite(.tags(.integration)) struct ValidateCommandTests {
    @Test func validManifestPrintsASummaryAndExitsZero() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(["validate"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "fleet.yaml: 6 targets (3 libs, 3 services), 12 actions\n")
        #expect(result.stderr.isEmpty)
        let quiet = try TestProcess.fleet(["validate", "-q"], in: repo.path)
        #expect(quiet.exitCode == 0 && quiet.stdout.isEmpty)
    }

    @Test func invalidManifestReportsEveryErrorWithItsLocation() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        try repo.write("fleet.yaml", """
            version: 1
            root: examples/shop
            libs:
              common: {path: libs/comon}
              auth: {path: libs/auth, deps: [commn]}
            servics: {}

            """)
        let result = try TestProcess.fleet(["validate"], in: repo.path)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stdout.isEmpty)
        let errors = lines(result.stderr).filter { !$0.hasPrefix(" ") }
        #expect(errors == [
            "fleet.yaml:4:18: error: path 'libs/comon' does not exist in root 'examples/shop'",
            "fleet.yaml:5:34: error: target 'auth' depends on unknown target 'commn'",
            "fleet.yaml:6:1: error: unknown key 'servics' in the top level",
            "3 errors",
        ])
        #expect(result.stderr.contains("  hint: did you mean 'libs/common'?"))
        #expect(result.stderr.contains("  hint: did you mean 'common'?"))
        #expect(result.stderr.contains("  hint: did you mean 'services'?"))
    }

    @Test func jsonDiagnostics() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        try repo.write("fleet.yaml", "version: 1\nlibs:\n  a: {path: nope}\n")
        let result = try TestProcess.fleet(["validate", "--format", "json"], in: repo.path)
        #expect(result.exitCode == 1)
        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["line"] as? Int == 3)
        #expect(diagnostics.first?["column"] as? Int == 13)
        #expect(diagnostics.first?["message"] as? String == "path 'nope' does not exist")
        try repo.write("fleet.yaml", "version: 1\nlibs:\n  a: {path: .}\n")
        let ok = try TestProcess.fleet(["validate", "--format", "json"], in: repo.path)
        #expect(ok.exitCode == 0)
        #expect(ok.stdout == #"{"schema":1,"valid":true,"diagnostics":[]}"# + "\n")
    }

    @Test func discoveryWalksUpAndManifestOptionOverrides() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let nested = repo.directory.appending("examples/shop/services/orders")
        let result = try TestProcess.fleet(["validate"], in: nested)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.hasPrefix("../../../../fleet.yaml: 6 targets"))

        try repo.write("other/fleet.yaml", "version: 1\nlibs:\n  solo: {path: .}\n")
        let explicit = try TestProcess.fleet(["validate", "--manifest", "other"], in: repo.path)
        #expect(explicit.exitCode == 0, "\(explicit)")
        #expect(explicit.stdout == "other/fleet.yaml: 1 target (1 lib, 0 services), 0 actions\n")
        let file = try TestProcess.fleet(["validate", "--manifest", "other/fleet.yaml"], in: repo.path)
        #expect(file.stdout == "other/fleet.yaml: 1 target (1 lib, 0 services), 0 actions\n")
    }

    @Test func noManifestAnywhere() async throws {
        try await withTemporaryDirectory { dir in
            let result = try TestProcess.fleet(["validate"], in: dir.path)
            #expect(result.exitCode == 1)
            #expect(result.stderr.hasPrefix("error: no fleet.yaml in \(dir.path) or any parent directory\n"))
            #expect(result.stderr.contains("--manifest PATH"))
            let missing = try TestProcess.fleet(["validate", "--manifest", "nope.yaml"], in: dir.path)
            #expect(missing.exitCode == 1)
            #expect(missing.stderr.hasPrefix("error: manifest 'nope.yaml' does not exist"))
        }
    }

    @Test(arguments: [
        ["validate", "--color", "sometimes"],
        ["validate", "--no-such-flag"],
        ["graph", "--format", "xml"],
        ["graph", "--deps"],
        ["frobnicate"],
    ])
    func usageErrorsExit64(arguments: [String]) throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(arguments, in: repo.path)
        #expect(result.exitCode == 64, "\(result)")
        #expect(result.stderr.contains("Usage:") || result.stderr.contains("Error:"))
    }

    @Test func versionAndHelp() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        let version = try TestProcess.fleet(["--version"], in: repo.path)
        #expect(version.exitCode == 0)
        #expect(version.stdout == "0.1.0\n")
        let help = try TestProcess.fleet(["--help"], in: repo.path)
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("validate"))
        #expect(help.stdout.contains("graph"))
        let graphHelp = try TestProcess.fleet(["graph", "--help"], in: repo.path)
        #expect(graphHelp.stdout.contains("Examples:"))
        #expect(graphHelp.stdout.contains("--rdeps"))
    }

    @Test func colourFollowsTheFlagAndNoColor() throws {
        let repo = try makeShopRepository()
        defer { repo.remove() }
        try repo.write("fleet.yaml", "version: 2\n")
        let always = try TestProcess.fleet(["validate", "--color", "always"], in: repo.path)
        #expect(always.exitCode == 1)
        #expect(always.stderr.contains("\u{1B}[31m"))
        let never = try TestProcess.fleet(["validate", "--color", "never"], in: repo.path)
        #expect(!never.stderr.contains("\u{1B}["))
        #expect(never.stderr.hasPrefix("fleet.yaml:1:10: error: unsupported manifest version 2"))

        // Under a real terminal (util-linux `script` allocates a pty), auto colours unless NO_COLOR is set.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let command = "'\(TestProcess.fleetBinary)' validate"
        var environment = ["PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": repo.path]
        let tty = try TestProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], in: repo.path,
                                      environment: environment)
        #expect(tty.stdout.contains("\u{1B}[31m"), "\(tty)")
        environment["NO_COLOR"] = "1"
        let noColor = try TestProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], in: repo.path,
                                          environment: environment)
        #expect(noColor.stdout.contains("unsupported manifest version 2"), "\(noColor)")
        #expect(!noColor.stdout.contains("\u{1B}["))
    }
}
