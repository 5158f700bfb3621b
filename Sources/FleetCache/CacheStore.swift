public import FleetHashing

/// A content-addressed store of blobs plus an action cache, shaped like Bazel's remote cache (CAS + AC), so a
/// remote implementation can sit behind the same protocol later.
///
/// Contract for every implementation:
/// - Blobs are addressed by the XXH3-128 of their *uncompressed* content, and a read never returns bytes that
///   do not hash to the requested digest.
/// - Missing, truncated or corrupt content is a miss (`nil`/`false`), reported through the implementation's
///   problem sink, never an error; errors are for the environment (disk full, permissions on the destination)
///   and for unsafe requests.
/// - Every method is safe to call concurrently, from several tasks and several processes.
public protocol CacheStore: Sendable {
    /// Whether a blob is present (cheap; does not verify it).
    func containsBlob(_ digest: Fingerprint) async -> Bool

    /// A whole blob in memory, verified; nil on a miss or when it would exceed `sizeLimit` bytes.
    func readBlob(_ digest: Fingerprint, sizeLimit: UInt64) async -> [UInt8]?

    /// Streams a blob into a new file at `path` (which must not exist) with the given permission bits,
    /// verifying it on the way. On a miss the partial file is removed and the result is false.
    /// - Parameter expectedSize: when known, a blob that decompresses to more is treated as corrupt early.
    /// - Throws: ``CacheError`` when the destination cannot be written.
    func readBlob(_ digest: Fingerprint, toFile path: String, permissions: UInt32, expectedSize: UInt64?)
        async throws(CacheError) -> Bool

    /// Stores bytes (no-op when the blob exists) and returns their reference.
    func writeBlob(_ bytes: [UInt8]) async throws(CacheError) -> BlobReference

    /// Stores a regular file's content, streamed (no-op when the blob exists).
    func writeBlob(contentsOf path: String) async throws(CacheError) -> BlobReference

    /// The result stored under `key`, or nil on a miss (absent or corrupt entry).
    func actionResult(for key: Fingerprint) async -> ActionResult?

    /// Stores (or replaces) the result under `key`.
    func storeActionResult(_ result: ActionResult, for key: Fingerprint) async throws(CacheError)

    /// Removes the result under `key`, if any.
    func removeActionResult(for key: Fingerprint) async throws(CacheError)
}

extension CacheStore {
    /// A blob of known size in memory (stdout, stderr); nil on a miss or a size mismatch.
    public func readBlob(_ reference: BlobReference) async -> [UInt8]? {
        guard let bytes = await readBlob(reference.digest, sizeLimit: reference.size),
            UInt64(bytes.count) == reference.size
        else { return nil }
        return bytes
    }
}
