/// Everything needed to start one child process: what to run, where, with which environment, and where its output
/// goes. A plain value: build it, hand it to a ``ProcessRunner``, compare it in tests.
///
/// The child gets exactly what is written here and nothing from fleet's own process: `environment` is its whole
/// environment, stdin is `/dev/null`, stdout and stderr go to the two log files, and no other file descriptor is
/// inherited.
public struct ProcessSpec: Sendable, Hashable {
    /// The program to run. A path containing `/` is used as is (relative paths are relative to
    /// `workingDirectory`, as `exec` after `chdir` resolves them); a bare name is looked up in the `PATH` of
    /// `environment`, never in fleet's own `PATH`.
    public var executable: String
    /// The arguments after `argv[0]` (which is `executable`).
    public var arguments: [String]
    /// The directory the child starts in. A relative path is relative to fleet's current directory.
    public var workingDirectory: String
    /// The child's entire environment. Names must be non-empty and contain no `=`; nothing may contain NUL.
    public var environment: [String: String]
    /// Where the child's stdout goes: created (mode 0644 before the umask) or truncated. The parent directory must
    /// exist.
    public var stdoutPath: String
    /// Where the child's stderr goes. The same file as ``stdoutPath`` (by path or by identity) interleaves both
    /// streams in the order they were written, through one shared file offset.
    public var stderrPath: String
    /// How long the child may run before its process group gets SIGTERM (and SIGKILL after
    /// ``terminationGracePeriod``); nil for no limit. Must be positive.
    public var timeout: Duration?
    /// How long a process group has between SIGTERM (timeout or cancellation) and SIGKILL.
    public var terminationGracePeriod: Duration
    /// Whether processes the child left behind in its process group (`sleep 100 &`) get SIGKILL once the child
    /// itself exits. On by default: a finished action must not keep writing to its logs or outputs after its result
    /// was recorded. Processes that left the group (`setsid`, daemons) are out of reach either way.
    public var terminatesGroupOnExit: Bool

    public init(
        executable: String, arguments: [String] = [], workingDirectory: String, environment: [String: String],
        stdoutPath: String, stderrPath: String, timeout: Duration? = nil,
        terminationGracePeriod: Duration = .seconds(5), terminatesGroupOnExit: Bool = true
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.timeout = timeout
        self.terminationGracePeriod = terminationGracePeriod
        self.terminatesGroupOnExit = terminatesGroupOnExit
    }

    /// `/bin/sh -c command`: how fleet runs an action's `run:` line.
    public static func shell(
        _ command: String, workingDirectory: String, environment: [String: String], stdoutPath: String,
        stderrPath: String, timeout: Duration? = nil
    ) -> ProcessSpec {
        ProcessSpec(
            executable: "/bin/sh", arguments: ["-c", command], workingDirectory: workingDirectory,
            environment: environment, stdoutPath: stdoutPath, stderrPath: stderrPath, timeout: timeout)
    }
}
