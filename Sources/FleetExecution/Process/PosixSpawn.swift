import FleetBasics
import Glibc

/// Starts one child with `posix_spawn`: the spec is validated, the log files opened in the parent (so an error names
/// the file), and everything else happens in the child between glibc's `clone(CLONE_VM | CLONE_VFORK)` and `exec`.
///
/// What the child gets:
/// - its own process group (`POSIX_SPAWN_SETPGROUP`, group id = its pid), so the whole tree it starts can be
///   signalled with one `kill(-pid, …)`, and a Ctrl-C on the terminal reaches fleet, not the actions;
/// - an empty signal mask and default dispositions for every standard signal (`SETSIGMASK`, `SETSIGDEF`), whatever
///   fleet's threads block or ignore: an inherited SIG_IGN for SIGPIPE would keep the writer of `… | head` running
///   after `head` quit. (glibc itself leaves its two internal real-time signals, 32 and 33, ignored in the child.)
/// - stdin from `/dev/null`, stdout and stderr on the log files, the working directory via `addchdir_np`;
/// - no other file descriptor: every fd fleet opens is `O_CLOEXEC`, and `addclosefrom_np(3)` (glibc 2.34+) also
///   closes descriptors other libraries may have left inheritable.
enum PosixSpawn {
    /// Validates `spec`, starts the child and returns its pid. The child may already have exited when this returns;
    /// it stays a zombie until the caller reaps it.
    static func spawn(_ spec: ProcessSpec) throws(ProcessError) -> pid_t {
        try validate(spec)
        guard let addChdir = LinuxSystem.addChdirFunction else {
            throw .unsupportedSystem("posix_spawn_file_actions_addchdir_np is missing (glibc 2.29 or later needed)")
        }
        let stdin = try nullDevice.get()
        let executable = try resolveExecutable(spec)
        let (stdout, stderr) = try openLogs(spec)
        defer {
            LinuxSystem.closeQuietly(stdout)
            if stderr != stdout { LinuxSystem.closeQuietly(stderr) }
        }

        var actions = posix_spawn_file_actions_t()
        guard posix_spawn_file_actions_init(&actions) == 0 else { throw .spawnFailed(executable, errno: ENOMEM) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        // All three sources are ≥ 3 (see LinuxSystem.raiseAbove2), so no dup2 overwrites a later source.
        var code = posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        if code == 0 { code = posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if code == 0 { code = posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        if code == 0 { code = addChdir(&actions, spec.workingDirectory) }  // glibc copies the path
        if code == 0, let addClosefrom = LinuxSystem.addClosefromFunction { code = addClosefrom(&actions, 3) }
        guard code == 0 else { throw .spawnFailed(executable, errno: code) }

        var attributes = posix_spawnattr_t()
        guard posix_spawnattr_init(&attributes) == 0 else { throw .spawnFailed(executable, errno: ENOMEM) }
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)  // glibc skips SIGKILL/SIGSTOP and its internal signals itself
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        code = posix_spawnattr_setflags(&attributes, Int16(flags))
        if code == 0 { code = posix_spawnattr_setpgroup(&attributes, 0) }
        if code == 0 { code = posix_spawnattr_setsigmask(&attributes, &noSignals) }
        if code == 0 { code = posix_spawnattr_setsigdefault(&attributes, &allSignals) }
        guard code == 0 else { throw .spawnFailed(executable, errno: code) }

        let argv = try CStringArray([spec.executable] + spec.arguments, for: executable)
        let envp = try CStringArray(
            spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
            for: executable)
        var pid: pid_t = 0
        code = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        guard code == 0 else { throw diagnose(code, executable: executable, spec: spec) }
        return pid
    }

    // MARK: - Validation

    static func validate(_ spec: ProcessSpec) throws(ProcessError) {
        func checkText(_ text: String, _ what: @autoclosure () -> String) throws(ProcessError) {
            if text.utf8.contains(0) { throw .invalidSpec("\(what()) contains a NUL byte") }
        }
        if spec.executable.isEmpty { throw .invalidSpec("the executable is empty") }
        if spec.workingDirectory.isEmpty { throw .invalidSpec("the working directory is empty") }
        if spec.stdoutPath.isEmpty || spec.stderrPath.isEmpty { throw .invalidSpec("a log path is empty") }
        try checkText(spec.executable, "the executable '\(spec.executable)'")
        for (index, argument) in spec.arguments.enumerated() {
            try checkText(argument, "argument \(index + 1) of '\(spec.executable)'")
        }
        try checkText(spec.workingDirectory, "the working directory")
        try checkText(spec.stdoutPath, "the stdout log path")
        try checkText(spec.stderrPath, "the stderr log path")
        for (name, value) in spec.environment {
            if name.isEmpty { throw .invalidSpec("an environment variable has an empty name") }
            if name.utf8.contains(UInt8(ascii: "=")) {
                throw .invalidSpec("environment variable name '\(name)' contains '='")
            }
            try checkText(name, "an environment variable name")
            try checkText(value, "the value of environment variable '\(name)'")
        }
        if let timeout = spec.timeout, timeout <= .zero {
            throw .invalidSpec("the timeout must be positive, not \(timeout)")
        }
        if spec.terminationGracePeriod < .zero {
            throw .invalidSpec("the termination grace period must not be negative")
        }
    }

    // MARK: - Executable lookup

    /// The path to hand to `exec`: the spec's path when it contains `/`, else the first executable match in the
    /// child's `PATH` (an empty entry means the working directory, as in POSIX shells).
    static func resolveExecutable(_ spec: ProcessSpec) throws(ProcessError) -> String {
        if spec.executable.utf8.contains(UInt8(ascii: "/")) { return spec.executable }
        let searchPath = spec.environment["PATH"] ?? ""
        for entry in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = FileSystem.join(entry.isEmpty ? "." : String(entry), spec.executable)
            let absolute = candidate.hasPrefix("/") ? candidate : FileSystem.join(spec.workingDirectory, candidate)
            if isExecutableFile(absolute) { return absolute }
        }
        throw .executableNotFound(spec.executable, searchPath: searchPath)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    // MARK: - Files

    /// `/dev/null`, opened once for the life of the process and shared by every child's stdin.
    private static let nullDevice: Result<Int32, ProcessError> = {
        let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(.unsupportedSystem("cannot open /dev/null: \(ProcessError.reason(errno))"))
        }
        return .success(LinuxSystem.raiseAbove2(fd))
    }()

    /// Opens both logs. When they are the same file, by path or by device and inode, one descriptor serves both
    /// streams, so their writes share one offset and interleave instead of overwriting each other.
    private static func openLogs(_ spec: ProcessSpec) throws(ProcessError) -> (Int32, Int32) {
        let stdout = try openLog(spec.stdoutPath)
        if spec.stderrPath == spec.stdoutPath { return (stdout, stdout) }
        let stderr: Int32
        do {
            stderr = try openLog(spec.stderrPath)
        } catch {
            LinuxSystem.closeQuietly(stdout)
            throw error
        }
        var first = stat()
        var second = stat()
        if fstat(stdout, &first) == 0, fstat(stderr, &second) == 0, first.st_dev == second.st_dev,
            first.st_ino == second.st_ino
        {
            LinuxSystem.closeQuietly(stderr)
            return (stdout, stdout)
        }
        return (stdout, stderr)
    }

    private static func openLog(_ path: String) throws(ProcessError) -> Int32 {
        var fd: Int32
        repeat {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0o644)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw .cannotOpenLog(path, errno: errno) }
        return LinuxSystem.raiseAbove2(fd)
    }

    // MARK: - Errors

    /// Turns `posix_spawn`'s errno into the error the user needs. The same errno can come from `chdir` or from
    /// `exec`, so the working directory is examined first.
    private static func diagnose(_ code: Int32, executable: String, spec: ProcessSpec) -> ProcessError {
        let directory = spec.workingDirectory
        if [ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG].contains(code) {
            var info = stat()
            if stat(directory, &info) != 0 { return .workingDirectoryUnusable(directory, errno: errno) }
            if (info.st_mode & S_IFMT) != S_IFDIR { return .workingDirectoryUnusable(directory, errno: ENOTDIR) }
            if access(directory, X_OK) != 0 { return .workingDirectoryUnusable(directory, errno: errno) }
        }
        let shown = executable.hasPrefix("/") ? executable : FileSystem.join(directory, executable)
        switch code {
        case ENOENT:
            var info = stat()
            return stat(shown, &info) == 0
                ? .cannotExecute(shown, errno: ENOENT) : .executableNotFound(shown, searchPath: nil)
        case EACCES, ENOEXEC, ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR, ETXTBSY, EPERM, ELIBBAD:
            return .cannotExecute(shown, errno: code)
        default:
            return .spawnFailed(shown, errno: code)
        }
    }
}

/// A NULL-terminated array of C strings (`argv`, `envp`) owned by this value and freed when it is released.
private final class CStringArray {
    private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String], for executable: String) throws(ProcessError) {
        pointers = []
        pointers.reserveCapacity(strings.count + 1)
        for string in strings {
            guard let copy = strdup(string) else { throw .spawnFailed(executable, errno: ENOMEM) }
            pointers.append(copy)
        }
        pointers.append(nil)
    }

    deinit {
        for pointer in pointers { free(pointer) }
    }
}
