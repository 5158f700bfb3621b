import FleetBasics
import FleetExecution
import FleetTestSupport
import Foundation
import Glibc
import Synchronization

// MARK: - Events

/// Shorthands for synthetic event sequences.
enum Events {
    static func label(_ text: String) -> ActionLabel {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        return ActionLabel(target: parts[0], action: parts.count > 1 ? parts[1] : "build")
    }

    static func key(_ label: String) -> String {
        let hex = Array("0123456789abcdef")
        var value = UInt64(truncatingIfNeeded: label.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) })
        return String((0..<32).map { _ in
            value = value &* 6364136223846793005 &+ 1442695040888963407
            return hex[Int(value >> 60)]
        })
    }

    static func runStarted(_ labels: [String], jobs: Int = 2, cache: String? = nil) -> ExecutionEvent {
        .runStarted(.init(actions: labels.map(label), jobs: jobs, cacheEnabled: cache != nil, cacheDirectory: cache))
    }

    static func started(_ text: String, at: Double, slot: Int = 0, command: String? = "make") -> ExecutionEvent {
        .actionStarted(.init(label: label(text), key: key(text), command: command, at: at, slot: slot))
    }

    static func finished(
        _ text: String, _ status: ActionStatus, from start: Double, to end: Double, slot: Int = 0,
        exitCode: Int32? = nil, reason: String? = nil, saved: Double? = nil, stdout: String? = nil,
        stderr: String? = nil
    ) -> ExecutionEvent {
        .actionFinished(.init(
            label: label(text), key: key(text), status: status, startedAt: start, at: end, exitCode: exitCode,
            reason: reason, savedSeconds: saved, stdoutPath: stdout, stderrPath: stderr, slot: slot))
    }

    static func runFinished(
        executed: Int = 0, cached: Int = 0, failed: Int = 0, skipped: Int = 0, duration: Double,
        saved: Double = 0, interrupted: Bool = false
    ) -> ExecutionEvent {
        .runFinished(.init(
            counts: [.executed: executed, .cached: cached, .failed: failed, .skipped: skipped], duration: duration,
            savedSeconds: saved, interrupted: interrupted))
    }
}

extension ExecutionEvent {
    var finishedAction: ExecutionEvent.ActionFinished? {
        if case .actionFinished(let finished) = self { finished } else { nil }
    }
}

// MARK: - Capturing a file descriptor's output

/// A temporary file opened for writing: renderers write to its descriptor, tests read the file back.
final class CapturedOutput {
    let path: String
    let fileDescriptor: Int32

    init(in directory: TemporaryDirectory, name: String = "output.txt") throws {
        path = directory.appending(name)
        fileDescriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fileDescriptor >= 0 else { throw FileSystemError(path: path, operation: "open", errno: errno) }
    }

    deinit { close(fileDescriptor) }

    var text: String { (try? FileSystem.readText(path)) ?? "" }
}
