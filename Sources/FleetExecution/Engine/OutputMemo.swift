import FleetBasics
import FleetCache
import FleetHashing
import Synchronization

/// The stat memo of declared outputs (`<cache>/memo/outputs-v1-<16 hex of the root>`): the `lstat` fields and
/// digest of every output fleet restored or captured, so a cache hit whose outputs are already in place is
/// answered with one `lstat` per file instead of re-reading every byte. Same racy rule as the input memo
/// (``StatMemo``): an entry is trusted only when the file's times are older than the moment it was recorded.
final class OutputMemo: Sendable {
    let path: String?
    private let memo: Mutex<StatMemo>

    init(cacheDirectory: String?, root: String) {
        if let cacheDirectory {
            let canonical = FileSystem.realPath(root) ?? FileSystem.absolute(root)
            let digest = ContentHash.of(canonical).hex.prefix(16)
            path = FileSystem.join(cacheDirectory, "memo/outputs-v1-\(digest)")
        } else {
            path = nil
        }
        memo = Mutex(path.map { StatMemo.load(from: $0).memo } ?? StatMemo())
    }

    /// Whether every output is on disk exactly as cached, according to the memo. Blocking (`lstat`s).
    func allInPlace(_ outputs: [OutputFile], targetDirectory: String, targetPath: String) -> Bool {
        let snapshot = memo.withLock { $0 }
        for output in outputs {
            guard let stat = try? FileStat.of(FileSystem.join(targetDirectory, output.path)),
                let known = snapshot.lookup(RelativePath.join(targetPath, output.path), stat: stat),
                known.digest == output.digest, known.mode == output.mode, known.size == output.size
            else { return false }
        }
        return true
    }

    /// Records outputs that are now on disk with the given content. Blocking (`lstat`s).
    /// - Parameter recordedAt: a ``FileStat/fileClockNow()`` reading taken before the files were last written
    ///   or read.
    func record(_ outputs: [OutputFile], targetDirectory: String, targetPath: String, recordedAt: Int64) {
        var found: [(String, FileStat, OutputFile)] = []
        for output in outputs {
            guard let stat = try? FileStat.of(FileSystem.join(targetDirectory, output.path)),
                stat.fileMode == output.mode, stat.size == output.size
            else { continue }
            found.append((RelativePath.join(targetPath, output.path), stat, output))
        }
        memo.withLock { memo in
            for (path, stat, output) in found {
                memo.record(path, stat: stat, digest: output.digest, recordedAt: recordedAt)
            }
        }
    }

    /// Writes the memo if anything changed; entries not recorded for 30 days are dropped.
    func save() throws(FileSystemError) {
        guard let path else { return }
        var copy = memo.withLock { $0 }
        guard copy.hasChanges else { return }
        let cutoff = FileStat.fileClockNow() - 30 * 86_400 * 1_000_000_000
        try copy.save(to: path, droppingEntriesRecordedBefore: cutoff)
    }
}
