import FleetBasics
import FleetExecution
import FleetTestSupport
import Glibc
import Testing

@Suite struct CleanEnvironmentTests {
    @Test func passesThroughOnlyTheFourVariables() {
        let parent = [
            "PATH": "/opt/bin:/usr/bin", "HOME": "/home/dev", "LANG": "de_DE.UTF-8", "TMPDIR": "/var/tmp",
            "AWS_SECRET_ACCESS_KEY": "hunter2", "TERM": "xterm", "CC": "clang",
        ]
        let environment = CleanEnvironment(parent: parent)
        #expect(
            environment.base == [
                "PATH": "/opt/bin:/usr/bin", "HOME": "/home/dev", "LANG": "de_DE.UTF-8", "TMPDIR": "/var/tmp",
            ])
    }

    @Test(arguments: [[:], ["PATH": "", "HOME": "", "LANG": "", "TMPDIR": ""]])
    func missingOrEmptyVariablesGetFallbacks(parent: [String: String]) throws {
        let environment = CleanEnvironment(parent: parent)
        #expect(environment.base["PATH"] == "/usr/local/bin:/usr/bin:/bin")
        #expect(environment.base["LANG"] == "C.UTF-8")
        #expect(environment.base["TMPDIR"] == "/tmp")
        // The password database is the independent source for HOME.
        let home = getpwuid(getuid()).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
        #expect(environment.base["HOME"] == (home?.isEmpty == false ? home : "/"))
    }

    @Test func actionEnvironmentLayersDeclaredAndFleetVariables() {
        let environment = CleanEnvironment(parent: ["PATH": "/usr/bin", "LANG": "en_US.UTF-8"])
        let child = environment.forAction(
            target: "//services/api:api", action: "build", root: "/repo",
            declared: ["LANG": "C", "GOFLAGS": "-mod=vendor", "FLEET_TARGET": "spoofed"])
        #expect(child["PATH"] == "/usr/bin")
        #expect(child["LANG"] == "C")  // declared beats inherited
        #expect(child["GOFLAGS"] == "-mod=vendor")
        #expect(child["FLEET_TARGET"] == "//services/api:api")  // fleet's own variables always win
        #expect(child["FLEET_ACTION"] == "build")
        #expect(child["FLEET_ROOT"] == "/repo")
        #expect(
            Set(child.keys) == [
                "PATH", "HOME", "LANG", "TMPDIR", "GOFLAGS", "FLEET_TARGET", "FLEET_ACTION",
                "FLEET_ROOT",
            ])
    }

    @Test func currentReadsThisProcess() throws {
        let path = try #require(getenv("PATH").map { String(cString: $0) })
        try #require(!path.isEmpty)
        #expect(CleanEnvironment.current().base["PATH"] == path)
    }

    @Test func childSeesExactlyTheCleanEnvironment() async throws {
        try await withTemporaryDirectory { dir in
            let environment = CleanEnvironment.current().forAction(
                target: "//app:app", action: "test", root: dir.path, declared: ["MODE": "ci"])
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry())
            _ = try await runner.run(dir.command("/usr/bin/env", environment: environment))
            let lines = try dir.read("out.log").split(separator: "\n").map(String.init)
            #expect(lines == environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        }
    }
}
