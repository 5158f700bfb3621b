public import FleetBasics

/// Hashes many files at once on dedicated threads (one per active processor by default), so that neither the
/// cooperative pool nor the caller blocks on file I/O.
///
/// Results are aligned with the input; each file fails or succeeds on its own (a file deleted meanwhile is
/// ``HashingError/vanished(path:)`` in its slot, the batch goes on).
public struct FileHasher: Sendable {
    /// The threads the reads run on.
    public let pool: ThreadPool

    /// - Parameter pool: where the reads run; ``ThreadPool/shared`` has one thread per active processor.
    public init(pool: ThreadPool = .shared) { self.pool = pool }

    /// Hashes every path (absolute, or relative to the current directory) without following final symlinks.
    /// - Returns: one result per path, in input order.
    public func hash(_ paths: [String]) async -> [Result<HashedFile, HashingError>] {
        await pool.map(paths.count) { index in
            Result { () throws(HashingError) -> HashedFile in try ContentHash.ofFile(at: paths[index]) }
        }
    }
}
