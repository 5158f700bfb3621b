import FleetBasics
import FleetTestSupport
import Foundation
import Glibc
import Testing

/// A git repository with a small fleet whose actions write `dist/` (ignored, like the cache).
func makeRunRepository(extraManifest: String = "") throws -> GitFixture {
    let manifest = """
        version: 1
        registry: ghcr.io/acme
        defaults:
          actions:
            build: {run: 'mkdir -p dist && cat *.txt > dist/out && echo "built $FLEET_TARGET"', outputs: ["dist/**"], needs: ["^build"]}
        libs:
          core: {path: libs/core}
        services:
          api: {path: services/api, deps: [core]}
          web: {path: services/web}

        """ + extraManifest
    return try GitFixture.make(files: [
        "fleet.yaml": manifest, ".gitignore": "cache/\ndist/\n", "libs/core/a.txt": "core\n",
        "services/api/a.txt": "api\n", "services/web/a.txt": "web\n",
    ], prefix: "fleet-run")
}

/// Parses a JSON object.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The run record `fleet run` left in the default cache.
func latestRecord(_ repo: GitFixture) throws -> [String: Any] {
    try jsonObject(try repo.directory.read("cache/runs/latest.json"))
}

/// `target:action` → status, from a record.
func statuses(_ record: [String: Any]) -> [String: String] {
    var result: [String: String] = [:]
    for action in record["actions"] as? [[String: Any]] ?? [] {
        result["\(action["target"] ?? ""):\(action["action"] ?? "")"] = action["status"] as? String
    }
    return result
}

/// Polls `condition` every 20 ms for at most `seconds` (a guard against hangs, not a timing assertion).
func eventually(seconds: Int = 20, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<(seconds * 50) {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// Starts the fleet binary without waiting (for signals and concurrency).
func startFleet(_ arguments: [String], in directory: String) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestProcess.fleetBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory,
        "LANG": "C.UTF-8", "NO_COLOR": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    ]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out, err)
}

@Suite(.tags(.integration)) struct RunCommandTests {
    @Test func aRunThenACachedRunThenAnAffectedRun() throws {
        let repo = try makeRunRepository()
        defer { repo.remove() }
        let head = try repo.git("rev-parse", "HEAD")

        let first = try TestProcess.fleet(["run", "build"], in: repo.path)
        #expect(first.exitCode == 0, "\(first)")
        var record = try latestRecord(repo)
        #expect(record["schema"] as? Int == 1)
        #expect(record["commit"] as? String == head)
        #expect(record["dirty"] as? Bool == false)
        #expect(record["status"] as? String == "succeeded")
        #expect(statuses(record) == ["core:build": "executed", "api:build": "executed", "web:build": "executed"])
        let api = (record["actions"] as? [[String: Any]] ?? []).first { $0["target"] as? String == "api" }
        #expect((api?["key"] as? String)?.count == 32)
        #expect(api?["image"] as? String == "ghcr.io/acme/api")
        #expect(api?["durationMs"] is Int)
        #expect(try repo.directory.read("services/api/dist/out") == "api\n")
        let id = try #require(record["id"] as? String)
        #expect(FileSystem.exists(repo.directory.appending("cache/runs/\(id)/record.json")))
        #expect(try repo.directory.read("cache/runs/\(id)/logs/api/build.stdout") == "built api\n")

        let second = try TestProcess.fleet(["run", "build"], in: repo.path)
        #expect(second.exitCode == 0)
        record = try latestRecord(repo)
        #expect(statuses(record) == ["core:build": "cached", "api:build": "cached", "web:build": "cached"])

        try repo.write("libs/core/a.txt", "core v2\n")
        let affected = try TestProcess.fleet(["run", "build", "--affected", "--base", "HEAD"], in: repo.path)
        #expect(affected.exitCode == 0, "\(affected)")
        record = try latestRecord(repo)
        #expect(statuses(record) == ["core:build": "executed", "api:build": "executed"])
        #expect(record["dirty"] as? Bool == true)
        #expect(try repo.directory.read("services/api/dist/out") == "api\n")
        #expect(try repo.directory.read("libs/core/dist/out") == "core v2\n")
    }

    @Test func aCacheDirectoryGitDoesNotIgnoreIsNeitherAnInputNorAChange() throws {
        let repo = try GitFixture.make(files: [
            "fleet.yaml": "version: 1\nlibs:\n  top: {path: ., actions: {build: {run: 'echo hi'}}}\n",
            "a.txt": "a\n",
        ], prefix: "fleet-run")
        defer { repo.remove() }
        let first = try TestProcess.fleet(["run", "build"], in: repo.path)
        #expect(first.exitCode == 0, "\(first)")
        let second = try TestProcess.fleet(["run", "build"], in: repo.path)
        #expect(statuses(try latestRecord(repo)) == ["top:build": "cached"], "\(second)")
        #expect(try latestRecord(repo)["dirty"] as? Bool == false)
        // The first run made git ignore the cache directory (a `.gitignore` of `*` in it), so there is nothing left
        // to warn about, and the repository is clean.
        #expect(try repo.directory.read("cache/.gitignore").contains("*\n"))
        #expect(!second.stderr.contains("git does not ignore it"), "\(second)")
        #expect(try repo.git("status", "--porcelain") == "")
    }

    /// A run keeps logs and its record in the cache directory: one it cannot write is an error before anything
    /// runs (not every action failing on its log file), a dry run still works, and `fleet hash` only warns.
    @Test func anUnusableCacheDirectoryIsAnErrorBeforeAnythingRuns() throws {
        let repo = try makeRunRepository()
        defer { repo.remove() }
        var unusable = ["services/web/a.txt/cache"]  // a path through a regular file: ENOTDIR, even for root
        if getuid() != 0 {
            try FileSystem.createDirectory(repo.directory.appending("readonly"), mode: 0o555)
            unusable.append("readonly")
        }
        for cache in unusable {
            let run = try TestProcess.fleet(["run", "build", "--cache-dir", cache], in: repo.path)
            #expect(run.exitCode == 1, "\(run)")
            #expect(run.stderr.contains("error: cannot use the cache directory \(cache)"), "\(run)")
            if cache.hasPrefix("services/web/a.txt/") {
                #expect(run.stderr.contains(": 'services/web/a.txt' is not a directory"), "names the file: \(run)")
            }
            #expect(run.stderr.contains("--cache-dir"), "the hint says what to do: \(run)")
            #expect(!run.stderr.contains("Running"), "nothing ran: \(run)")
            #expect(!FileSystem.exists(repo.directory.appending("libs/core/dist")))

            let dryRun = try TestProcess.fleet(["run", "build", "--dry-run", "--cache-dir", cache], in: repo.path)
            #expect(dryRun.exitCode == 0, "\(dryRun)")
            let hash = try TestProcess.fleet(["hash", "--cache-dir", cache], in: repo.path)
            #expect(hash.exitCode == 0, "\(hash)")
            #expect(hash.stderr.contains("warning: could not save the file-hash memo"), "\(hash)")
        }
    }

    @Test func interruptingARunStopsGrandchildrenAndExits130() async throws {
        let repo = try makeRunRepository(extraManifest: """
              slow:
                path: services/slow
                actions:
                  build: {run: 'sh -c "sleep 300 & echo \\$! > ../../grandchild; wait" & wait'}

            """)
        defer { repo.remove() }
        try repo.write("services/slow/a.txt", "slow\n")
        let (process, _, _) = try startFleet(["run", "build", "-t", "slow"], in: repo.path)
        let pidFile = repo.directory.appending("grandchild")
        let started = await eventually { ((try? FileSystem.readText(pidFile)) ?? "").hasSuffix("\n") }
        #expect(started)
        let grandchild = try #require(Int32(try FileSystem.readText(pidFile).trimmingWhitespace()))
        #expect(kill(grandchild, 0) == 0)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        #expect(await eventually { kill(grandchild, 0) != 0 })
        let record = try latestRecord(repo)
        #expect(record["status"] as? String == "interrupted")
        #expect(statuses(record)["slow:build"] == "failed")
    }

    @Test func twoConcurrentRunsShareOneCache() async throws {
        let cache = try TemporaryDirectory(prefix: "fleet-shared-cache")
        defer { cache.remove() }
        let big = String(repeating: "0123456789abcdef", count: 20_000)
        var repos: [GitFixture] = []
        defer { repos.forEach { $0.remove() } }
        for _ in 0..<2 {
            let repo = try makeRunRepository()
            try repo.write("libs/core/b.txt", big)
            repos.append(repo)
        }
        let runs = try repos.map { try startFleet(["run", "build", "--cache-dir", cache.path, "-j", "2"], in: $0.path) }
        for (process, _, err) in runs {
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(stderr)")
        }
        for repo in repos {
            try FileSystem.removeTree(repo.directory.appending("libs/core/dist"))
            let again = try TestProcess.fleet(["run", "build", "--cache-dir", cache.path], in: repo.path)
            #expect(again.exitCode == 0)
            #expect(!again.stderr.contains("warning"), "\(again)")
            #expect(try repo.directory.read("libs/core/dist/out") == "core\n" + big)
        }
        let verify = try TestProcess.fleet(["cache", "verify", "--cache-dir", cache.path], in: repos[0].path)
        #expect(verify.exitCode == 0, "\(verify)")
    }

    @Test func dryRunPrintsThePlanAndRunsNothing() throws {
        let repo = try makeRunRepository()
        defer { repo.remove() }
        _ = try TestProcess.fleet(["run", "build", "-t", "core"], in: repo.path)
        let dry = try TestProcess.fleet(["run", "build", "--dry-run"], in: repo.path)
        #expect(dry.exitCode == 0)
        let lines = dry.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.contains { $0.hasPrefix("core:build") && $0.hasSuffix("hit") })
        #expect(lines.contains { $0.hasPrefix("api:build") && $0.hasSuffix("miss: no entry") })
        #expect(lines.last == "3 actions: 1 cached, 2 to run")
        #expect(!FileSystem.exists(repo.directory.appending("services/api/dist")))

        let json = try TestProcess.fleet(["run", "build", "--dry-run", "--json", "--no-cache"], in: repo.path)
        let object = try jsonObject(json.stdout)
        let actions = try #require(object["actions"] as? [[String: Any]])
        #expect(actions.count == 3)
        #expect(actions.allSatisfy { $0["cache"] as? String == "no-cache" })
        #expect(actions.first { $0["target"] as? String == "api" }?["needs"] as? [String] == ["core:build"])
    }

    /// Logs are written to scratch files reused from action to action. A background job an action leaves behind
    /// must not end up in the next action's log (the engine kills what is left of the group when the command
    /// exits, and a scratch pair whose group is not gone is retired, not reused). Silent actions leave no log
    /// files and report no log paths.
    @Test func aBackgroundJobCannotWriteIntoTheNextActionsLog() throws {
        let repo = try makeRunRepository(extraManifest: """
              early: {path: services/early, actions: {build: {run: '(sleep 0.4; echo output-of-a-background-job) & true'}}}
              later: {path: services/later, deps: [early], actions: {build: {run: 'sleep 1.2; echo mine', needs: ["^build"]}}}
              quiet: {path: services/quiet, actions: {build: {run: 'true'}}}

            """)
        defer { repo.remove() }
        try repo.write("services/early/a.txt", "e")
        try repo.write("services/later/a.txt", "l")
        try repo.write("services/quiet/a.txt", "q")
        let result = try TestProcess.fleet(
            ["run", "build", "-t", "later", "-t", "quiet", "-j1", "--no-cache", "--json"], in: repo.path)
        #expect(result.exitCode == 0, "\(result)")
        let finished = try result.stdout.split(separator: "\n").map { try jsonObject(String($0)) }
            .filter { $0["event"] as? String == "action-finished" }
        let later = try #require(finished.first { $0["target"] as? String == "later" })
        let log = try #require(later["stdout_log"] as? String)
        #expect(try FileSystem.readText(log) == "mine\n")
        let quiet = try #require(finished.first { $0["target"] as? String == "quiet" })
        #expect(quiet["stdout_log"] is NSNull && quiet["stderr_log"] is NSNull)
        let id = try #require(try latestRecord(repo)["id"] as? String)
        #expect(!FileSystem.exists(repo.directory.appending("cache/runs/\(id)/logs/quiet")))
    }

    @Test func jsonPrintsOneEventPerLineOnStdout() throws {
        let repo = try makeRunRepository(extraManifest: """
              bad: {path: services/bad, actions: {build: {run: 'echo oops >&2; exit 4'}}}

            """)
        defer { repo.remove() }
        try repo.write("services/bad/a.txt", "x")
        let result = try TestProcess.fleet(["run", "build", "--json", "--keep-going"], in: repo.path)
        #expect(result.exitCode == 1)
        let events = try result.stdout.split(separator: "\n").map { try jsonObject(String($0)) }
        #expect(events.allSatisfy { $0["event"] is String })
        let finished = events.filter { $0["event"] as? String == "action-finished" }
        #expect(finished.count == 4)
        for event in finished {
            #expect(event["target"] is String && event["action"] is String && event["key"] is String)
            #expect(event["duration_ms"] is Int)
            #expect(event.keys.contains("exit_code"))
        }
        let bad = try #require(finished.first { $0["target"] as? String == "bad" })
        #expect(bad["status"] as? String == "failed")
        #expect(bad["exit_code"] as? Int == 4)
        #expect(events.filter { $0["event"] as? String == "action-started" }.count == 4)
        let last = try #require(events.last)
        #expect(last["event"] as? String == "run-finished")
        let counts = try #require(last["counts"] as? [String: Int])
        #expect(counts["executed"] == 3 && counts["failed"] == 1 && counts["cached"] == 0 && counts["skipped"] == 0)
        #expect(last["duration_ms"] is Int)
    }

    @Test func reportsAndTheFailedLogAtTheEnd() throws {
        let repo = try makeRunRepository(extraManifest: """
              bad: {path: services/bad, actions: {build: {run: 'echo the-reason-it-broke >&2; exit 4'}}}

            """)
        defer { repo.remove() }
        try repo.write("services/bad/a.txt", "x")
        let result = try TestProcess.fleet(
            ["run", "build", "--keep-going", "--report", "junit=reports/junit.xml", "--profile", "trace.json"],
            in: repo.path)
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("✗ bad:build exit code 4"), "\(result)")
        #expect(result.stderr.contains("the-reason-it-broke"))
        let junit = try repo.directory.read("reports/junit.xml")
        #expect(junit.contains("tests=\"4\" failures=\"1\""))
        #expect(junit.contains("<testcase classname=\"api\" name=\"build\""))
        let trace = try jsonObject(try repo.directory.read("trace.json"))
        let events = try #require(trace["traceEvents"] as? [[String: Any]])
        #expect(events.filter { $0["ph"] as? String == "X" && ($0["name"] as? String)?.hasSuffix(":build") == true }
            .count == 4)
    }

    @Test func explainNamesWhatChanged() throws {
        let repo = try makeRunRepository()
        defer { repo.remove() }
        let none = try TestProcess.fleet(["explain", "api:build"], in: repo.path)
        #expect(none.exitCode == 0)
        #expect(none.stdout.contains("no record of a previous run of api:build"))
        _ = try TestProcess.fleet(["run", "build"], in: repo.path)
        let same = try TestProcess.fleet(["explain", "api:build"], in: repo.path)
        #expect(same.stdout.contains("would be a hit"), "\(same)")

        try repo.write("services/api/a.txt", "api v2\n")
        try repo.write("services/api/new.txt", "new\n")
        try repo.write("libs/core/a.txt", "core v2\n")
        let changed = try TestProcess.fleet(["explain", "api:build"], in: repo.path)
        #expect(changed.stdout.contains("would run: 3 changes since its last run"), "\(changed)")
        #expect(changed.stdout.contains("modified     services/api/a.txt"))
        #expect(changed.stdout.contains("added        services/api/new.txt"))
        #expect(changed.stdout.contains("needs        core:build changed"))

        let json = try jsonObject(try TestProcess.fleet(["explain", "api", "--json"], in: repo.path).stdout)
        let action = try #require((json["actions"] as? [[String: Any]])?.first)
        #expect(action["verdict"] as? String == "run")
        #expect((action["changes"] as? [[String: Any]])?.count == 3)

        let unknown = try TestProcess.fleet(["explain", "api:biuld"], in: repo.path)
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("did you mean 'build'?"))
    }

    @Test func cacheCommandsInspectCheckTrimAndClean() throws {
        let repo = try makeRunRepository()
        defer { repo.remove() }
        _ = try TestProcess.fleet(["run", "build"], in: repo.path)
        let stats = try TestProcess.fleet(["cache", "stats", "--json"], in: repo.path)
        let object = try jsonObject(stats.stdout)
        #expect(object["entries"] as? Int == 3)
        #expect(object["runs"] as? Int == 1)
        #expect(try TestProcess.fleet(["cache", "verify"], in: repo.path).exitCode == 0)

        // Damage one blob: verify reports and removes it, exit 1; the next run recovers.
        let cas = repo.directory.appending("cache/v1/cas")
        let shard = try #require(try FileSystem.listDirectory(cas).first)
        let blob = try #require(try FileSystem.listDirectory(FileSystem.join(cas, shard)).first)
        try FileSystem.writeAtomically(Array("garbage".utf8), to: FileSystem.join(FileSystem.join(cas, shard), blob))
        let verify = try TestProcess.fleet(["cache", "verify"], in: repo.path)
        #expect(verify.exitCode == 1)
        #expect(verify.stderr.contains("warning: removed a corrupt cache file"))
        #expect(try TestProcess.fleet(["run", "build"], in: repo.path).exitCode == 0)

        let gc = try TestProcess.fleet(["cache", "gc", "--max-size", "1"], in: repo.path)
        #expect(gc.exitCode == 0)
        #expect(gc.stdout.hasPrefix("removed 3 entries"))
        #expect(try TestProcess.fleet(["cache", "gc", "--max-size", "lots"], in: repo.path).exitCode == 64)

        let clean = try TestProcess.fleet(["cache", "clean"], in: repo.path)
        #expect(clean.exitCode == 0)
        #expect(!FileSystem.exists(repo.directory.appending("cache/v1")))
        #expect(!FileSystem.exists(repo.directory.appending("cache/runs")))
    }

    static let usageCases: [([String], Int32)] = [
        (["run"], 64), (["run", "build", "--all", "-t", "api"], 64), (["run", "build", "-j", "0"], 64),
        (["run", "build", "--report", "xml=out.xml"], 64), (["run", "build", "--base", "HEAD"], 64),
        (["run", "biuld"], 1), (["run", "build", "-t", "nope"], 1),
    ]

    @Test(arguments: usageCases)
    func usageAndSelectionErrors(_ arguments: [String], _ code: Int32) throws {
        let repo = try makeRunRepository()
        defer { repo.remove() }
        let result = try TestProcess.fleet(arguments, in: repo.path)
        #expect(result.exitCode == code, "\(result)")
        #expect(!FileSystem.exists(repo.directory.appending("cache/runs")))
    }

    @Test func aFailedRunExitsOneAndKeepsTheDependentsOut() throws {
        let repo = try makeRunRepository()
        defer { repo.remove() }
        try repo.write("libs/core/fleet-fail", "")
        let manifest = try repo.directory.read("fleet.yaml").replacingOccurrences(
            of: "core: {path: libs/core}", with: "core: {path: libs/core, actions: {build: {run: 'exit 2'}}}")
        try repo.write("fleet.yaml", manifest)
        let result = try TestProcess.fleet(["run", "build", "-j", "1"], in: repo.path)
        #expect(result.exitCode == 1)
        let record = try latestRecord(repo)
        #expect(record["status"] as? String == "failed")
        #expect(statuses(record)["core:build"] == "failed")
        #expect(statuses(record)["api:build"] == "skipped")
    }
}
