import FleetBasics
import FleetExecution
import FleetTestSupport
import Glibc
import Testing

/// A child that cannot start is a precise, thrown error — never a crash, a hang, or a leaked descriptor.
@Suite struct ProcessSpawnErrorTests {
    let runner = PosixProcessRunner(registry: ProcessGroupRegistry())

    /// Runs `spec`, expects `expected`, and checks the message and that no log descriptor stayed open.
    private func expectFailure(
        _ spec: ProcessSpec, _ expected: ProcessError, mentioning fragment: String, in dir: TemporaryDirectory,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async {
        do {
            let outcome = try await runner.run(spec)
            Issue.record("expected \(expected), got \(outcome)", sourceLocation: sourceLocation)
        } catch let error as ProcessError {
            #expect(error == expected, sourceLocation: sourceLocation)
            #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
            #expect(error.diagnostics.allSatisfy { $0.severity == .error }, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
        let open = ProcFS.openDescriptors().filter { $0.target.hasPrefix(dir.path + "/") }
        #expect(open.isEmpty, "descriptors left open: \(open)", sourceLocation: sourceLocation)
    }

    @Test func missingExecutable() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appending("no/such/tool")
            await expectFailure(
                dir.command(path), .executableNotFound(path, searchPath: nil), mentioning: "no such file", in: dir)
        }
    }

    @Test func bareNameMissingFromTheChildsPath() async throws {
        try await withTemporaryDirectory { dir in
            // `true` exists in the test's own PATH, but the child's PATH is what counts.
            let environment = ["PATH": dir.appending("bin")]
            await expectFailure(
                dir.command("true", environment: environment),
                .executableNotFound("true", searchPath: dir.appending("bin")), mentioning: "PATH", in: dir)
            await expectFailure(
                dir.command("true", environment: [:]), .executableNotFound("true", searchPath: ""),
                mentioning: "empty", in: dir)
        }
    }

    @Test func fileWithoutExecutePermission() async throws {
        try await withTemporaryDirectory { dir in
            let path = try dir.write("tool.sh", "#!/bin/sh\necho hi\n", executable: false)
            await expectFailure(
                dir.command(path), .cannotExecute(path, errno: EACCES), mentioning: "permission denied", in: dir)
        }
    }

    @Test func scriptWithoutInterpreterLine() async throws {
        try await withTemporaryDirectory { dir in
            let path = try dir.write("tool", "echo hi\n", executable: true)
            await expectFailure(
                dir.command(path), .cannotExecute(path, errno: ENOEXEC), mentioning: "exec format error", in: dir)
            #expect(
                ProcessError.cannotExecute(path, errno: ENOEXEC).diagnostics.first?.hints.first?
                    .contains("#!/bin/sh") == true)
        }
    }

    @Test func scriptWithMissingInterpreter() async throws {
        try await withTemporaryDirectory { dir in
            let path = try dir.write("tool", "#!/no/such/interpreter\necho hi\n", executable: true)
            await expectFailure(dir.command(path), .cannotExecute(path, errno: ENOENT), mentioning: path, in: dir)
            #expect(
                ProcessError.cannotExecute(path, errno: ENOENT).diagnostics.first?.hints.first?
                    .contains("interpreter") == true)
        }
    }

    @Test func directoryAsExecutable() async throws {
        try await withTemporaryDirectory { dir in
            try FileSystem.createDirectory(dir.appending("tools"))
            let path = dir.appending("tools")
            await expectFailure(dir.command(path), .cannotExecute(path, errno: EACCES), mentioning: path, in: dir)
        }
    }

    @Test func missingWorkingDirectory() async throws {
        try await withTemporaryDirectory { dir in
            var spec = dir.command("/bin/true")
            spec.workingDirectory = dir.appending("gone")
            await expectFailure(
                spec, .workingDirectoryUnusable(dir.appending("gone"), errno: ENOENT), mentioning: "gone", in: dir)
        }
    }

    @Test func workingDirectoryIsAFile() async throws {
        try await withTemporaryDirectory { dir in
            let file = try dir.write("file", "")
            var spec = dir.command("/bin/true")
            spec.workingDirectory = file
            await expectFailure(
                spec, .workingDirectoryUnusable(file, errno: ENOTDIR), mentioning: "not a directory", in: dir)
        }
    }

    @Test func logInMissingDirectory() async throws {
        try await withTemporaryDirectory { dir in
            var spec = dir.command("/bin/true")
            spec.stderrPath = dir.appending("missing/err.log")
            await expectFailure(
                spec, .cannotOpenLog(dir.appending("missing/err.log"), errno: ENOENT), mentioning: "err.log",
                in: dir)
        }
    }

    @Test func malformedSpecs() async throws {
        try await withTemporaryDirectory { dir in
            var withNul = dir.command("/bin/echo", ["fine", "bad\0byte"])
            await expectFailure(
                withNul, .invalidSpec("argument 2 of '/bin/echo' contains a NUL byte"), mentioning: "NUL", in: dir)
            withNul = dir.command("/bin/true", environment: ["GOOD": "1", "BAD": "a\0b"])
            await expectFailure(
                withNul, .invalidSpec("the value of environment variable 'BAD' contains a NUL byte"),
                mentioning: "BAD", in: dir)
            await expectFailure(
                dir.command("/bin/true", environment: ["A=B": "1"]),
                .invalidSpec("environment variable name 'A=B' contains '='"), mentioning: "A=B", in: dir)
            await expectFailure(
                dir.command("/bin/true", environment: ["": "1"]),
                .invalidSpec("an environment variable has an empty name"), mentioning: "empty name", in: dir)
            await expectFailure(
                dir.command(""), .invalidSpec("the executable is empty"), mentioning: "empty", in: dir)
            var zeroTimeout = dir.command("/bin/true")
            zeroTimeout.timeout = .zero
            await expectFailure(
                zeroTimeout, .invalidSpec("the timeout must be positive, not 0.0 seconds"), mentioning: "timeout",
                in: dir)
        }
    }

    @Test func errorsRenderAsDiagnostics() {
        let error = ProcessError.executableNotFound("cc", searchPath: "/usr/bin:/bin")
        #expect(
            error.description == """
                error: cannot run 'cc': not found in the child's PATH (/usr/bin:/bin)
                  hint: use an absolute path, or add the program's directory to the PATH the action gets
                """)
        #expect(ProcessError.spawnFailed("/bin/sh", errno: EAGAIN).description.contains("ulimit"))
        #expect(ProcessError.childLost(processID: 12).description.contains("internal error"))
    }
}
