#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetBasics
public import FleetHashing

/// The result of ``CacheStore/restore(_:into:)``.
public enum RestoreOutcome: Hashable, Sendable {
    /// Every output is in place.
    case restored(RestoreSummary)
    /// A blob was missing or corrupt: nothing was changed (existing files are intact); run the action.
    case miss(path: String, digest: Fingerprint)
}

public struct RestoreSummary: Hashable, Sendable {
    /// Outputs written (new or replaced).
    public var written = 0
    /// Outputs already identical on disk (content and mode), left alone.
    public var unchanged = 0
    /// Outputs whose content was right but whose mode was fixed.
    public var modeFixed = 0
    /// Content bytes written.
    public var bytesWritten: UInt64 = 0

    public init() {}
}

extension CacheStore {
    /// Puts cached outputs in place under `targetDirectory`, all or nothing.
    ///
    /// Every output is first written to a temporary sibling (in parallel, verified against its digest), and
    /// only when all of them are complete are they renamed over the existing files: a miss or an error leaves
    /// the existing outputs exactly as they were. Files already identical (size, then content hash) and with the
    /// right mode are not rewritten.
    ///
    /// - Throws: ``CacheError/unsafeOutputPath(path:reason:)`` for an absolute path, `..`, a non-normalised
    ///   path, duplicates, or a path through an existing symlink; ``CacheError/symlinkEscapes(path:target:)``
    ///   for a symlink leaving the target directory; ``CacheError/outputConflict(path:reason:)`` when a
    ///   directory is in the way; file-system errors for the destination.
    public func restore(_ outputs: [OutputFile], into targetDirectory: String) async throws(CacheError)
        -> RestoreOutcome
    {
        try OutputRestorePlan.validate(outputs)
        let plan = try await ThreadPool.shared.run { () throws(CacheError) -> OutputRestorePlan in
            try OutputRestorePlan(outputs: outputs, targetDirectory: targetDirectory)
        }

        // Symlink targets are small blobs; they must be read (and checked) before anything is created.
        var targets: [String: [UInt8]] = [:]
        for output in outputs where output.mode == .symlink {
            guard let target = await readBlob(output.blob) else {
                return .miss(path: output.path, digest: output.digest)
            }
            guard OutputPaths.symlinkStaysInside(target: target, at: output.path) else {
                throw CacheError.symlinkEscapes(path: output.path, target: String(decoding: target, as: UTF8.self))
            }
            targets[output.path] = target
        }

        let created = try await ThreadPool.shared.run { () throws(CacheError) -> [String] in
            try plan.createDirectories()
        }
        let symlinkTargets = targets
        let width = ThreadPool.shared.threadCount * 2
        let steps = await mapConcurrently(outputs.count, width: width) { index -> Result<RestoreStep, CacheError> in
            if Task.isCancelled { return .failure(.cancelled) }
            do throws(CacheError) {
                let output = outputs[index]
                return .success(try await self.stage(output, plan: plan, symlinkTarget: symlinkTargets[output.path]))
            } catch {
                return .failure(error)
            }
        }

        var failure: CacheError?
        var miss: RestoreOutcome?
        for step in steps {
            switch step {
            case let .failure(error): failure = failure ?? error
            case let .success(.miss(path, digest)): miss = miss ?? .miss(path: path, digest: digest)
            default: break
            }
        }
        if failure != nil || miss != nil {
            await ThreadPool.shared.run {
                for case let .success(.staged(temporary, _, _)) in steps { unlink(temporary) }
                plan.removeDirectories(created)
            }
            if let failure { throw failure }
            if let miss { return miss }
        }
        return try await ThreadPool.shared.run { () throws(CacheError) -> RestoreOutcome in
            try OutputRestorePlan.commit(steps.compactMap { try? $0.get() })
        }
    }

    /// Prepares one output: nothing to do, a mode fix, or a complete temporary file ready to rename.
    private func stage(
        _ output: OutputFile, plan: OutputRestorePlan, symlinkTarget: [UInt8]?
    ) async throws(CacheError) -> RestoreStep {
        let destination = plan.absolute(output.path)
        let existing = await ThreadPool.shared.run { () -> ExistingOutput in
            OutputRestorePlan.inspect(destination, expecting: output, symlinkTarget: symlinkTarget)
        }
        switch existing {
        case .identical: return .unchanged
        case .identicalContent: return .fixMode(destination, output.mode.permissions)
        case .different: break
        }
        let temporary = FileSystem.join(
            FileSystem.parent(of: destination),
            OutputPaths.restoreTemporaryPrefix + String(UInt64.random(in: 0...UInt64.max), radix: 16))
        if let symlinkTarget {
            try await ThreadPool.shared.run { () throws(CacheError) in
                // Validated as UTF-8 without NUL bytes, so the String holds exactly these bytes.
                if symlink(String(decoding: symlinkTarget, as: UTF8.self), temporary) != 0 {
                    throw CacheError.io(destination, "create symlink", errno)
                }
            }
            return .staged(temporary, destination, 0)
        }
        let found = try await readBlob(
            output.digest, toFile: temporary, permissions: output.mode.permissions, expectedSize: output.size)
        return found ? .staged(temporary, destination, output.size) : .miss(output.path, output.digest)
    }
}

enum RestoreStep: Sendable {
    case unchanged
    case fixMode(String, UInt32)
    /// temporary path, destination, content bytes.
    case staged(String, String, UInt64)
    case miss(String, Fingerprint)
}

enum ExistingOutput {
    case identical, identicalContent, different
}

/// The checked shape of a restore: which directories exist, which must be created, and where each file goes.
struct OutputRestorePlan: Sendable {
    let targetDirectory: String
    /// Directories (relative) that do not exist yet, outermost first.
    let missingDirectories: [String]

    /// Checks the paths themselves (no file-system access).
    static func validate(_ outputs: [OutputFile]) throws(CacheError) {
        var seen = Set<String>()
        for output in outputs {
            if let problem = OutputPaths.problem(with: output.path) {
                throw CacheError.unsafeOutputPath(path: output.path, reason: problem)
            }
            guard seen.insert(output.path).inserted else {
                throw CacheError.unsafeOutputPath(path: output.path, reason: "listed twice")
            }
        }
        for output in outputs {
            if let ancestor = OutputPaths.ancestors(of: output.path).first(where: seen.contains) {
                throw CacheError.unsafeOutputPath(
                    path: output.path, reason: "'\(ancestor)' is also an output, so it cannot be a directory")
            }
        }
    }

    /// Checks the destination tree: no existing symlink on any path, no file where a directory is needed, no
    /// directory where a file goes. Creates the target directory itself when missing.
    init(outputs: [OutputFile], targetDirectory: String) throws(CacheError) {
        self.targetDirectory = targetDirectory
        do { try FileSystem.createDirectory(targetDirectory) } catch { throw CacheError.fileSystem(error) }
        var checked: [String: Bool] = [:]  // directory → exists
        var missing: [String] = []
        for output in outputs {
            for directory in OutputPaths.ancestors(of: output.path) {
                if checked[directory] != nil { continue }
                let kind = FileSystem.kind(of: FileSystem.join(targetDirectory, directory))
                switch kind {
                case nil:
                    checked[directory] = false
                    missing.append(directory)
                case .directory?:
                    checked[directory] = true
                case .symlink?:
                    throw CacheError.unsafeOutputPath(
                        path: output.path, reason: "'\(directory)' is a symlink; fleet never writes through one")
                default:
                    throw CacheError.outputConflict(path: output.path, reason: "'\(directory)' is not a directory")
                }
            }
            if FileSystem.kind(of: FileSystem.join(targetDirectory, output.path)) == .directory {
                throw CacheError.outputConflict(path: output.path, reason: "a directory is in the way")
            }
        }
        missingDirectories = missing.sorted { $0.utf8.count < $1.utf8.count }
    }

    func absolute(_ relative: String) -> String { FileSystem.join(targetDirectory, relative) }

    /// Creates the missing directories; returns those it created (to undo on a miss).
    func createDirectories() throws(CacheError) -> [String] {
        var created: [String] = []
        for directory in missingDirectories {
            let path = absolute(directory)
            if mkdir(path, 0o755) == 0 {
                created.append(path)
            } else if errno != EEXIST || FileSystem.kind(of: path) != .directory {
                let code = errno
                removeDirectories(created)
                throw CacheError.io(path, "create directory", code)
            }
        }
        return created
    }

    /// Removes directories made by ``createDirectories()``, innermost first (only if still empty).
    func removeDirectories(_ created: [String]) {
        for path in created.reversed() { rmdir(path) }
    }

    /// Compares what is at `path` with the output to restore.
    static func inspect(_ path: String, expecting output: OutputFile, symlinkTarget: [UInt8]?) -> ExistingOutput {
        guard let stat = try? FileStat.of(path), let mode = stat.fileMode else { return .different }
        if let symlinkTarget {
            guard mode == .symlink, (try? ContentHash.readLink(path)) == symlinkTarget else { return .different }
            return .identical
        }
        guard mode != .symlink, stat.size == output.size,
            let hashed = try? ContentHash.ofFile(at: path), hashed.digest.digest == output.digest
        else { return .different }
        // Permission bits beyond the execute bit are the user's business, but restore gives exactly 644/755.
        return stat.mode & 0o777 == output.mode.permissions ? .identical : .identicalContent
    }

    /// Renames every staged file into place and fixes modes.
    static func commit(_ steps: [RestoreStep]) throws(CacheError) -> RestoreOutcome {
        var summary = RestoreSummary()
        var failure: CacheError?
        for step in steps {
            switch step {
            case .unchanged:
                summary.unchanged += 1
            case let .fixMode(path, permissions):
                if failure == nil, chmod(path, mode_t(permissions)) != 0 {
                    failure = .io(path, "set the mode of", errno)
                }
                summary.modeFixed += 1
            case let .staged(temporary, destination, bytes):
                if failure != nil {
                    unlink(temporary)
                } else if rename(temporary, destination) != 0 {
                    failure = .io(destination, "replace", errno)
                    unlink(temporary)
                } else {
                    summary.written += 1
                    summary.bytesWritten += bytes
                }
            case .miss:
                break
            }
        }
        if let failure { throw failure }
        return .restored(summary)
    }
}
