#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import FleetBasics
import FleetHashing

extension CacheStore {
    /// Stores an action's outputs: every file and symlink under `targetDirectory` whose target-relative path
    /// matches `outputs`, found without following symlinks (a symlinked directory is stored as the link).
    ///
    /// - Returns: the stored outputs, sorted by path.
    /// - Throws: ``CacheError/symlinkEscapes(path:target:)`` for a symlink that leaves the target directory (or
    ///   is absolute), ``CacheError/unsupportedOutputType(path:kind:)`` for a matching FIFO, socket or device,
    ///   ``CacheError/outputChangedDuringCapture(path:)``, and file-system errors. Nothing is recorded as an
    ///   action result here: the caller stores the ``ActionResult`` once every output is in.
    public func capture(outputs: GlobList, targetDirectory: String) async throws(CacheError) -> [OutputFile] {
        let found = try await ThreadPool.shared.run { () throws(CacheError) -> [FoundOutput] in
            try OutputWalker(root: targetDirectory, patterns: outputs).walk()
        }
        let width = ThreadPool.shared.threadCount * 2
        let results = await mapConcurrently(found.count, width: width) { index -> Result<OutputFile, CacheError> in
            if Task.isCancelled { return .failure(.cancelled) }
            let output = found[index]
            let absolute = FileSystem.join(targetDirectory, output.path)
            do throws(CacheError) {
                if output.mode == .symlink {
                    let target = try await ThreadPool.shared.run { () throws(CacheError) -> [UInt8] in
                        do throws(HashingError) {
                            return try ContentHash.readLink(absolute)
                        } catch {
                            throw CacheError(error)
                        }
                    }
                    guard OutputPaths.symlinkStaysInside(target: target, at: output.path) else {
                        let text = String(decoding: target, as: UTF8.self)
                        throw CacheError.symlinkEscapes(path: output.path, target: text)
                    }
                    let blob = try await self.writeBlob(target)
                    return .success(OutputFile(path: output.path, mode: .symlink, digest: blob.digest, size: blob.size))
                }
                let blob = try await self.writeBlob(contentsOf: absolute)
                return .success(OutputFile(path: output.path, mode: output.mode, digest: blob.digest, size: blob.size))
            } catch {
                return .failure(error)
            }
        }
        var stored: [OutputFile] = []
        stored.reserveCapacity(results.count)
        for result in results {
            switch result {
            case let .success(output): stored.append(output)
            case let .failure(error): throw error
            }
        }
        return stored
    }
}

struct FoundOutput: Sendable {
    var path: String
    var mode: FileMode
}

/// Finds the files and symlinks under a target directory that match the output patterns, skipping subtrees that
/// no pattern can reach.
struct OutputWalker {
    let root: String
    let patterns: GlobList
    private let prefixes: [String]

    init(root: String, patterns: GlobList) {
        self.root = root
        self.patterns = patterns
        prefixes = patterns.inclusionPrefixes
    }

    func walk() throws(CacheError) -> [FoundOutput] {
        var found: [FoundOutput] = []
        if patterns.isEmpty { return found }
        try visit("", into: &found)
        return found.sorted { $0.path < $1.path }
    }

    private func visit(_ directory: String, into found: inout [FoundOutput]) throws(CacheError) {
        let absolute = directory.isEmpty ? root : FileSystem.join(root, directory)
        let names: [String]
        do {
            names = try FileSystem.listDirectory(absolute)
        } catch {
            if error.isNotFound { return }  // the action removed it meanwhile, or never made the target dir
            throw CacheError.fileSystem(error)
        }
        for name in names.sorted() where !name.hasPrefix(OutputPaths.restoreTemporaryPrefix) {
            let relative = RelativePath.join(directory, name)
            let stat: FileStat
            do { stat = try FileStat.of(FileSystem.join(root, relative)) } catch {
                if case .vanished = error { continue }
                throw CacheError(error)
            }
            if stat.mode & 0o170000 == 0o040000 {
                if mayContainMatches(relative) { try visit(relative, into: &found) }
            } else if patterns.matches(relative) {
                guard let mode = stat.fileMode else {
                    throw CacheError.unsupportedOutputType(path: relative, kind: stat.kindDescription)
                }
                found.append(FoundOutput(path: relative, mode: mode))
            }
        }
    }

    /// Whether some inclusion pattern could match a path under `directory`.
    private func mayContainMatches(_ directory: String) -> Bool {
        let withSlash = directory + "/"
        return prefixes.contains { prefix in
            prefix.isEmpty || prefix.hasPrefix(withSlash) || (prefix.hasSuffix("/") && withSlash.hasPrefix(prefix))
        }
    }
}
