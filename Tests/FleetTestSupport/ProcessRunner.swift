import Foundation

/// The outcome of a finished child process.
public struct ProcessResult: Sendable, CustomStringConvertible {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
    public var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs programs for tests: the git CLI (the independent oracle) and the built `fleet` binary.
public enum TestProcess {
    /// Runs `executable` with `arguments`, waits, and captures both streams.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil, stdin: String? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The path of the `fleet` binary built alongside the tests (`$FLEET_BIN` overrides it).
    public static var fleetBinary: String {
        if let override = ProcessInfo.processInfo.environment["FLEET_BIN"], !override.isEmpty { return override }
        // The test bundle lives in the products directory next to the executables.
        let bundle = Bundle.main.bundleURL.path
        var directory = URL(fileURLWithPath: bundle)
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("fleet").path
            if FileManager.default.isExecutableFile(atPath: candidate),
                !FileManager.default.fileExists(atPath: candidate + "/Contents")
            {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate
                }
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/fleet").path
    }

    /// Runs the built `fleet` binary with a clean, predictable environment.
    @discardableResult
    public static func fleet(
        _ arguments: [String], in directory: String, environment extra: [String: String] = [:], stdin: String? = nil
    ) throws -> ProcessResult {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory, "LANG": "C.UTF-8", "NO_COLOR": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        ]
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"] { environment["TMPDIR"] = tmp }
        environment.merge(extra) { $1 }
        return try run(fleetBinary, arguments, in: directory, environment: environment, stdin: stdin)
    }
}
