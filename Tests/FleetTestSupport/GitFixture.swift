import Synchronization
import FleetBasics
import Foundation

/// A git repository in a temporary directory, driven by the real `git` CLI under a pinned environment (fixed
/// identity and dates, no user or system config), so tests compare fleet against an independent oracle.
public struct GitFixture: Sendable {
    public let directory: TemporaryDirectory
    public var path: String { directory.path }
    private let tick = Counter()

    /// Creates a repository with `main` as the initial branch and, when `files` is not empty, a first commit.
    public static func make(files: [String: String] = [:], prefix: String = "fleet-git") throws -> GitFixture {
        let fixture = GitFixture(directory: try TemporaryDirectory(prefix: prefix))
        try fixture.git("init", "--quiet", "--initial-branch=main")
        if !files.isEmpty {
            try fixture.directory.write(files)
            try fixture.commitAll("initial")
        }
        return fixture
    }

    public init(directory: TemporaryDirectory) { self.directory = directory }

    /// The environment every git call gets.
    public func environment() -> [String: String] {
        let seconds = 1_700_000_000 + tick.next() * 60
        let date = "@\(seconds) +0000"
        return [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": path, "LANG": "C.UTF-8",
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Fleet Test", "GIT_AUTHOR_EMAIL": "test@fleet.invalid",
            "GIT_COMMITTER_NAME": "Fleet Test", "GIT_COMMITTER_EMAIL": "test@fleet.invalid",
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        ]
    }

    /// Runs `git -C <repo> arguments…`; throws when git fails. Returns stdout without the trailing newline.
    @discardableResult
    public func git(_ arguments: String...) throws -> String { try git(arguments) }

    @discardableResult
    public func git(_ arguments: [String]) throws -> String {
        let result = try TestProcess.run("/usr/bin/git", ["-C", path] + arguments, environment: environment())
        guard result.exitCode == 0 else {
            throw FixtureError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        var output = result.stdout
        while output.hasSuffix("\n") { output.removeLast() }
        return output
    }

    /// Stages everything and commits; returns the new commit's SHA.
    @discardableResult
    public func commitAll(_ message: String) throws -> String {
        try git("add", "--all")
        try git("commit", "--quiet", "--no-gpg-sign", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// Writes files and commits them.
    @discardableResult
    public func commit(_ files: [String: String], message: String = "change") throws -> String {
        try directory.write(files)
        return try commitAll(message)
    }

    public func write(_ relative: String, _ content: String, executable: Bool = false) throws {
        try directory.write(relative, content, executable: executable)
    }

    public func remove() { directory.remove() }
}

/// A failure in test set-up, not in the code under test.
public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A thread-safe counter (dates in fixtures advance by one minute per git call).
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
