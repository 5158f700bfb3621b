import FleetBasics
import FleetExecution
import FleetTestSupport
import Glibc
import Testing

/// What a child sees and how its end is reported, checked against the child's own view (`/proc/self`, `env`, `pwd`).
@Suite struct PosixProcessRunnerTests {
    let runner = PosixProcessRunner(registry: ProcessGroupRegistry())

    @Test func sharedReaperUsesPidfdsOnThisKernel() {
        // Linux 5.3+ everywhere fleet is tested: silently falling back would hide a regression.
        #expect(PosixProcessRunner().waitStrategy == .pidfd)
        #expect(PosixProcessRunner(waitStrategy: .threadPerChild).waitStrategy == .threadPerChild)
    }

    @Test(arguments: waitStrategies, [0, 1, 3, 42, 255])
    func exitCodes(strategy: PosixProcessRunner.WaitStrategy, code: Int32) async throws {
        try await withTemporaryDirectory { dir in
            let runner = PosixProcessRunner(registry: ProcessGroupRegistry(), waitStrategy: strategy)
            let outcome = try await runner.run(dir.shell("exit \(code)"))
            #expect(outcome.termination == .exited(code))
            #expect(outcome.succeeded == (code == 0))
            #expect(!outcome.timedOut && !outcome.cancelled)
            #expect(outcome.duration > .zero)
        }
    }

    @Test(arguments: [SIGTERM, SIGKILL, SIGUSR1, SIGPIPE])
    func signalsAreReported(signal: Int32) async throws {
        try await withTemporaryDirectory { dir in
            let outcome = try await runner.run(dir.shell("kill -\(signal) $$; sleep 5"))
            #expect(outcome.termination == .signalled(signal))
            #expect(!outcome.succeeded)
            #expect(outcome.description == "killed by \(SignalName.of(signal))")
        }
    }

    // MARK: - Output

    @Test func stdoutAndStderrGoToSeparateFiles() async throws {
        try await withTemporaryDirectory { dir in
            let outcome = try await runner.run(dir.shell("echo out; echo err >&2; echo more"))
            #expect(outcome.succeeded)
            #expect(try dir.read("out.log") == "out\nmore\n")
            #expect(try dir.read("err.log") == "err\n")
        }
    }

    @Test(arguments: ["logs/all.log", "logs/./all.log", "logs/../logs/all.log"])
    func sameFileInterleavesBothStreams(stderrSpelling: String) async throws {
        try await withTemporaryDirectory { dir in
            try FileSystem.createDirectory(dir.appending("logs"))
            var spec = dir.shell("echo one; echo two >&2; echo three; echo four >&2")
            spec.stdoutPath = dir.appending("logs/all.log")
            spec.stderrPath = dir.appending(stderrSpelling)
            _ = try await runner.run(spec)
            #expect(try dir.read("logs/all.log") == "one\ntwo\nthree\nfour\n")
        }
    }

    @Test func logsAreTruncatedAndCreatedWithMode0644() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("out.log", "stale output from an earlier run\n")
            _ = try await runner.run(dir.shell("printf new"))
            #expect(try dir.read("out.log") == "new")
            #expect(try dir.read("err.log") == "")
            let status = try FileSystem.readText("/proc/self/status")
            let umask = try #require(ProcFS.statusField("Umask", in: status).flatMap { UInt32($0, radix: 8) })
            var info = stat()
            try #require(stat(dir.appending("err.log"), &info) == 0)
            #expect(UInt32(info.st_mode) & 0o777 == 0o644 & ~umask)
        }
    }

    // MARK: - Environment of the child

    @Test func workingDirectoryIsTheSpecs() async throws {
        try await withTemporaryDirectory { dir in
            let nested = dir.appending("with space/inner")
            try FileSystem.createDirectory(nested)
            var spec = dir.command("/bin/pwd", ["-P"])
            spec.workingDirectory = nested
            _ = try await runner.run(spec)
            #expect(try dir.read("out.log") == nested + "\n")
        }
    }

    @Test func relativeExecutableResolvesAgainstTheWorkingDirectory() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("tools/hello.sh", "#!/bin/sh\necho hello from $0\n", executable: true)
            let outcome = try await runner.run(dir.command("./tools/hello.sh"))
            #expect(outcome.succeeded)
            #expect(try dir.read("out.log") == "hello from ./tools/hello.sh\n")
        }
    }

    @Test func bareNameIsLookedUpInTheChildsPath() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("bin/greet", "#!/bin/sh\necho greeting\n", executable: true)
            try dir.write("decoy/greet", "#!/bin/sh\necho decoy\n", executable: false)
            let environment = ["PATH": "\(dir.appending("decoy")):\(dir.appending("bin")):/bin"]
            let outcome = try await runner.run(dir.command("greet", environment: environment))
            #expect(outcome.succeeded)
            #expect(try dir.read("out.log") == "greeting\n")
        }
    }

    @Test func environmentIsExactlyTheSpecs() async throws {
        try await withTemporaryDirectory { dir in
            let environment = ["B_VAR": "two words", "A_VAR": "x=y", "EMPTY": "", "UNICODE": "héllo ✓"]
            _ = try await runner.run(dir.command("/usr/bin/env", environment: environment))
            #expect(try dir.read("out.log") == "A_VAR=x=y\nB_VAR=two words\nEMPTY=\nUNICODE=héllo ✓\n")

            _ = try await runner.run(dir.command("/usr/bin/env", environment: [:]))
            #expect(try dir.read("out.log") == "")
        }
    }

    @Test func stdinIsDevNull() async throws {
        try await withTemporaryDirectory { dir in
            // `cat` would block forever on an inherited terminal or pipe; it must see EOF at once.
            let outcome = try await runner.run(dir.command("/bin/cat"))
            #expect(outcome.termination == .exited(0))
            #expect(try dir.read("out.log") == "")
            _ = try await runner.run(dir.command("/usr/bin/readlink", ["/proc/self/fd/0"]))
            #expect(try dir.read("out.log") == "/dev/null\n")
        }
    }

    @Test func childLeadsItsOwnProcessGroup() async throws {
        try await withTemporaryDirectory { dir in
            let outcome = try await runner.run(dir.command("/bin/cat", ["/proc/self/stat"]))
            let status = try #require(ProcFS.parseStat(try dir.read("out.log")))
            #expect(status.group == outcome.processID)
            #expect(status.parent == getpid())
            #expect(getpgid(0) != outcome.processID)
        }
    }

    @Test func signalMaskAndDispositionsAreReset() async throws {
        try await withTemporaryDirectory { dir in
            // Ignored dispositions survive exec unless reset: make sure this process ignores one.
            signal(SIGPIPE, SIG_IGN)
            let parentIgnored = try #require(
                ProcFS.statusField("SigIgn", in: try FileSystem.readText("/proc/self/status")))
            try #require(parentIgnored != "0000000000000000")
            _ = try await runner.run(dir.command("/bin/cat", ["/proc/self/status"]))
            let child = try dir.read("out.log")
            // Bits are signal - 1. glibc's posix_spawn always sets its two internal real-time signals (32 and 33) to
            // SIG_IGN in the child, so only the standard signals 1...31 are checked for dispositions.
            let ignored = try #require(ProcFS.statusField("SigIgn", in: child).flatMap { UInt64($0, radix: 16) })
            #expect(ignored & 0x7fff_ffff == 0, "child ignores signals: \(String(ignored, radix: 16))")
            #expect(ProcFS.statusField("SigBlk", in: child) == "0000000000000000")
        }
    }

    @Test func noDescriptorLeaksIntoTheChild() async throws {
        try await withTemporaryDirectory { dir in
            // An inheritable descriptor somebody else left open, as a careless library might.
            let canary = open(dir.appending("canary"), O_WRONLY | O_CREAT, 0o644)
            try #require(canary >= 0)
            let leaked = dup2(canary, 211)
            close(canary)
            defer { close(leaked) }
            try #require(leaked == 211)

            let outcome = try await runner.run(dir.command("/bin/ls", ["-l", "/proc/self/fd"]))
            #expect(outcome.succeeded)
            var seen: [Int32: String] = [:]
            for line in try dir.read("out.log").split(separator: "\n") {
                let parts = line.split(separator: " -> ")
                guard parts.count == 2, let fd = parts[0].split(separator: " ").last.flatMap({ Int32($0) })
                else { continue }
                seen[fd] = String(parts[1])
            }
            // 0-2 are the standard streams; 3 is the directory `ls` itself opened to list.
            #expect(seen.keys.sorted() == [0, 1, 2, 3])
            #expect(seen[0] == "/dev/null")
            #expect(seen[1] == dir.appending("out.log"))
            #expect(seen[2] == dir.appending("err.log"))
            #expect(seen[3]?.hasPrefix("/proc/") == true)
        }
    }

    @Test func resourceUsageIsReported() async throws {
        try await withTemporaryDirectory { dir in
            let outcome = try await runner.run(
                dir.shell("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"))
            #expect(outcome.succeeded)
            #expect(outcome.resourceUsage.userTime + outcome.resourceUsage.systemTime > .zero)
            #expect(outcome.resourceUsage.maxResidentBytes > 0)
        }
    }
}
