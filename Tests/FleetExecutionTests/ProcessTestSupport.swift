import FleetBasics
import FleetExecution
import FleetTestSupport
import Glibc
import Testing

/// Both ways the runner can wait for children; the fallback is forced so that it is tested on modern kernels too.
let waitStrategies: [PosixProcessRunner.WaitStrategy] = [.pidfd, .threadPerChild]

/// The PATH test children get (never the test process's own).
let childPath = "/usr/bin:/bin"

extension TemporaryDirectory {
    /// `/bin/sh -c command` in this directory, logging to `out.log` and `err.log` here.
    func shell(
        _ command: String, environment: [String: String] = ["PATH": childPath], timeout: Duration? = nil,
        grace: Duration = .seconds(5)
    ) -> ProcessSpec {
        var spec = ProcessSpec.shell(
            command, workingDirectory: path, environment: environment, stdoutPath: appending("out.log"),
            stderrPath: appending("err.log"), timeout: timeout)
        spec.terminationGracePeriod = grace
        return spec
    }

    /// `executable arguments…` in this directory, logging to `out.log` and `err.log` here.
    func command(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = ["PATH": childPath]
    ) -> ProcessSpec {
        ProcessSpec(
            executable: executable, arguments: arguments, workingDirectory: path, environment: environment,
            stdoutPath: appending("out.log"), stderrPath: appending("err.log"))
    }

    func readIfPresent(_ relative: String) -> String? { try? read(relative) }
}

/// What `/proc` says about processes and descriptors: the independent view the tests check the runner against.
enum ProcFS {
    struct Status {
        var state: Character
        var parent: Int32
        var group: Int32
    }

    /// Parses `/proc/<pid>/stat` (or `/proc/self/stat` content); nil when the process does not exist.
    static func status(of pid: Int32) -> Status? {
        guard let text = try? FileSystem.readText("/proc/\(pid)/stat") else { return nil }
        return parseStat(text)
    }

    static func parseStat(_ text: String) -> Status? {
        // "pid (comm) S ppid pgrp …": comm may contain spaces and parentheses, so split after the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let state = fields[0].first, let parent = Int32(fields[1]),
            let group = Int32(fields[2])
        else { return nil }
        return Status(state: state, parent: parent, group: group)
    }

    /// Gone, or a zombie (its parent has not reaped it yet): either way it no longer runs.
    static func isDead(_ pid: Int32) -> Bool {
        guard let status = status(of: pid) else { return true }
        return status.state == "Z" || status.state == "X"
    }

    /// A zombie child of this test process: what a runner that forgot to reap would leave behind.
    static func isZombieChildOfUs(_ pid: Int32) -> Bool {
        guard let status = status(of: pid) else { return false }
        return status.state == "Z" && status.parent == getpid()
    }

    /// This process's open descriptors and what they point to.
    static func openDescriptors() -> [(fd: Int32, target: String)] {
        guard let names = try? FileSystem.listDirectory("/proc/self/fd") else { return [] }
        return names.compactMap { name -> (fd: Int32, target: String)? in
            guard let fd = Int32(name), let target = readLink("/proc/self/fd/\(name)") else { return nil }
            return (fd, target)
        }
    }

    /// The pids that this process holds pidfds for (from `/proc/self/fdinfo`).
    static func pidfdTargets() -> Set<Int32> {
        var pids: Set<Int32> = []
        for (fd, target) in openDescriptors() where target == "anon_inode:[pidfd]" {
            guard let info = try? FileSystem.readText("/proc/self/fdinfo/\(fd)") else { continue }
            for line in info.split(separator: "\n") where line.hasPrefix("Pid:") {
                if let pid = Int32(line.dropFirst(4).trimmingWhitespace()) { pids.insert(pid) }
            }
        }
        return pids
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The `Field:` value of `/proc/self/status` (e.g. `Umask`, `SigIgn`).
    static func statusField(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("\(name):") {
            return line.dropFirst(name.count + 1).trimmingWhitespace()
        }
        return nil
    }
}

/// Waits until `condition` holds, checking every 10 ms, for at most `limit`. Not a timing assertion: the limit only
/// keeps a broken runner from hanging the suite.
func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// The value `operation` produces, or nil when it takes longer than `limit` (which only guards against hangs).
func withinLimit<T: Sendable>(
    _ limit: Duration = .seconds(30), _ operation: @escaping @Sendable () async throws -> T
) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// The value of `task`, cancelling it if it takes longer than `limit` (which only guards against hangs).
func valueWithinLimit<T: Sendable>(_ task: Task<T, any Error>, _ limit: Duration = .seconds(30)) async throws -> T? {
    try await withinLimit(limit) {
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}

/// Reads the pid a child wrote to `file`, once the file holds one.
func awaitPid(in directory: TemporaryDirectory, _ file: String) async throws -> Int32 {
    let written = await eventually { Int32((directory.readIfPresent(file) ?? "").trimmingWhitespace()) != nil }
    try #require(written, "the child never wrote \(file)")
    return try #require(Int32(try directory.read(file).trimmingWhitespace()))
}
