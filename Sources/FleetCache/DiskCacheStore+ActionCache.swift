#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FleetBasics
import FleetHashing

/// Action entries: `fleet-action v1 <XXH3-128 of the body>\n` followed by the JSON body (sorted keys), so a
/// torn or edited entry is detected and `cat` still shows what a cached action did.
extension DiskCacheStore {
    static let entryMagic = "fleet-action v1 "
    /// Entries are small; anything bigger is not ours.
    static let entrySizeLimit = 64 << 20

    func blockingActionResult(for key: Fingerprint) -> ActionResult? {
        let path = entryPath(key)
        switch readEntry(at: path, expectedKey: key) {
        case let .found(result):
            Self.touch(path)  // LRU: gc evicts the entries used least recently
            return result
        case .missing:
            return nil
        case let .damaged(problem):
            dropEntry(path, problem)
            return nil
        }
    }

    func blockingStoreActionResult(_ result: ActionResult, for key: Fingerprint) throws(CacheError) {
        var stored = result
        stored.key = key
        let bytes = Self.encodeEntry(stored)
        try writeAtomically(to: entryPath(key)) { (fd, temporary) throws(CacheError) in
            try withRawBytes(bytes) { (raw) throws(CacheError) in try writeAll(fd, raw, path: temporary) }
        }
    }

    static func encodeEntry(_ result: ActionResult) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Every field of ActionResult encodes without failure (finite numbers, strings, arrays).
        let body = (try? encoder.encode(result)).map { [UInt8]($0) } ?? []
        return entryFile(body: body)
    }

    /// The header line followed by `body`.
    static func entryFile(body: [UInt8]) -> [UInt8] {
        Array("\(entryMagic)\(ContentHash.of(body).hex)\n".utf8) + body
    }

    enum EntryRead {
        case found(ActionResult)
        case missing
        case damaged(CacheProblem)
    }

    /// Reads and checks one entry (an unreadable one is reported here and read as missing).
    func readEntry(at path: String, expectedKey: Fingerprint?) -> EntryRead {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path, limit: Self.entrySizeLimit)
        } catch {
            if error.isNotFound { return .missing }
            if error.errno == EFBIG { return .damaged(corruptEntry(path, "larger than any fleet entry")) }
            onProblem(CacheProblem(kind: .unreadable, path: path, detail: error.reason))
            return .missing
        }
        let magic = Array(Self.entryMagic.utf8)
        guard bytes.count >= magic.count + 33, bytes.starts(with: magic),
            bytes[magic.count + 32] == UInt8(ascii: "\n"),
            let checksum = bytes.withUnsafeBufferPointer({
                Fingerprint(hexDigits: UnsafeBufferPointer(rebasing: $0[magic.count..<(magic.count + 32)]))
            })
        else { return .damaged(corruptEntry(path, "bad header")) }
        let body = Array(bytes[(magic.count + 33)...])
        guard ContentHash.of(body) == checksum else { return .damaged(corruptEntry(path, "checksum mismatch")) }
        let result: ActionResult
        if let fast = ActionResult.decodeFast(body) {
            result = fast
        } else {
            do {
                result = try JSONDecoder().decode(ActionResult.self, from: Data(body))
            } catch {
                return .damaged(corruptEntry(path, "unreadable JSON"))
            }
        }
        if let expectedKey, result.key != expectedKey {
            return .damaged(corruptEntry(path, "stored under the wrong key"))
        }
        return .found(result)
    }

    private func corruptEntry(_ path: String, _ detail: String) -> CacheProblem {
        CacheProblem(kind: .corruptActionEntry, path: path, detail: detail)
    }

    /// Deletes a damaged entry and reports it.
    func dropEntry(_ path: String, _ problem: CacheProblem) {
        if problem.kind != .unreadable { unlink(path) }
        onProblem(problem)
    }
}
