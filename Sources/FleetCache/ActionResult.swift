#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import FleetBasics
public import FleetHashing

/// A blob's digest (XXH3-128 of the uncompressed bytes) and size.
public struct BlobReference: Hashable, Sendable, Codable {
    public var digest: Fingerprint
    public var size: UInt64

    public init(digest: Fingerprint, size: UInt64) {
        self.digest = digest
        self.size = size
    }

    /// The empty blob.
    public static let empty = BlobReference(digest: ContentHash.of([UInt8]()), size: 0)
}

/// One output file of an action, as stored in the cache.
public struct OutputFile: Hashable, Sendable, Codable {
    /// Relative to the target directory, normalised (`dist/app.zip`).
    public var path: String
    public var mode: FileMode
    /// The content digest; for a symlink, the digest of its target text.
    public var digest: Fingerprint
    /// The content size; for a symlink, its target text's length.
    public var size: UInt64

    public init(path: String, mode: FileMode, digest: Fingerprint, size: UInt64) {
        self.path = path
        self.mode = mode
        self.digest = digest
        self.size = size
    }

    /// The content blob (the target text for a symlink).
    public var blob: BlobReference { BlobReference(digest: digest, size: size) }
}

/// What running an action produced: the action cache's value, stored under the action's key.
public struct ActionResult: Hashable, Sendable, Codable {
    /// The action key this result belongs to (checked when the entry is read).
    public var key: Fingerprint
    /// The action's exit status (the engine decides whether failures are stored).
    public var exitCode: Int32
    /// Sorted by path.
    public var outputs: [OutputFile]
    /// The captured standard output, itself a blob.
    public var stdout: BlobReference
    /// The captured standard error.
    public var stderr: BlobReference
    /// How long the action ran (stored with microsecond precision).
    public var duration: Duration
    /// The fleet version that stored the entry (``FleetVersion/current``).
    public var fleetVersion: String
    /// When the entry was stored (as seconds since 1970 in the entry).
    public var createdAt: Date

    public init(
        key: Fingerprint, exitCode: Int32, outputs: [OutputFile], stdout: BlobReference = .empty,
        stderr: BlobReference = .empty, duration: Duration, fleetVersion: String = FleetVersion.current,
        createdAt: Date = Date()
    ) {
        self.key = key
        self.exitCode = exitCode
        self.outputs = outputs.sorted { $0.path < $1.path }
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.fleetVersion = fleetVersion
        self.createdAt = createdAt
    }

    /// Every blob the entry needs: outputs, stdout and stderr, without duplicates.
    public var referencedBlobs: Set<Fingerprint> {
        Set(outputs.map(\.digest) + [stdout.digest, stderr.digest])
    }

    private enum CodingKeys: String, CodingKey {
        case key, exitCode, outputs, stdout, stderr, durationSeconds, fleetVersion, createdAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(Fingerprint.self, forKey: .key)
        exitCode = try container.decode(Int32.self, forKey: .exitCode)
        outputs = try container.decode([OutputFile].self, forKey: .outputs)
        stdout = try container.decode(BlobReference.self, forKey: .stdout)
        stderr = try container.decode(BlobReference.self, forKey: .stderr)
        let seconds = try container.decode(Double.self, forKey: .durationSeconds)
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else {
            throw DecodingError.dataCorruptedError(
                forKey: .durationSeconds, in: container, debugDescription: "not a duration: \(seconds)")
        }
        duration = .microseconds(Int64((seconds * 1e6).rounded()))
        fleetVersion = try container.decode(String.self, forKey: .fleetVersion)
        createdAt = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .createdAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(exitCode, forKey: .exitCode)
        try container.encode(outputs, forKey: .outputs)
        try container.encode(stdout, forKey: .stdout)
        try container.encode(stderr, forKey: .stderr)
        let (seconds, attoseconds) = duration.components
        try container.encode(Double(seconds) + Double(attoseconds) / 1e18, forKey: .durationSeconds)
        try container.encode(fleetVersion, forKey: .fleetVersion)
        try container.encode(createdAt.timeIntervalSince1970, forKey: .createdAt)
    }
}

extension ActionResult {
    /// Decodes an entry body as ``init(from:)`` does, without Foundation's `JSONDecoder` (whose setup and boxing
    /// cost ~50 µs per entry, a tenth of a cached no-op run of a thousand actions). nil for anything it does not
    /// read exactly as that initializer would; the caller then falls back to `JSONDecoder`, which also reports why.
    static func decodeFast(_ body: [UInt8]) -> ActionResult? {
        guard let json = JSONValue.parse(body),
            let key = json["key"]?.stringValue.flatMap({ Fingerprint(hex: $0) }),
            let exitCode = json["exitCode"]?.numberText.flatMap({ Int32($0) }),
            let outputItems = json["outputs"]?.arrayValue,
            let stdout = json["stdout"].flatMap(blob), let stderr = json["stderr"].flatMap(blob),
            let seconds = json["durationSeconds"]?.numberText.flatMap({ Double($0) }),
            seconds.isFinite, seconds >= 0, seconds < 1e9,
            let fleetVersion = json["fleetVersion"]?.stringValue,
            let createdAt = json["createdAt"]?.numberText.flatMap({ Double($0) })
        else { return nil }
        var outputs: [OutputFile] = []
        outputs.reserveCapacity(outputItems.count)
        for item in outputItems {
            guard let path = item["path"]?.stringValue,
                let mode = item["mode"]?.stringValue.flatMap({ UInt32($0, radix: 8) }).flatMap(FileMode.init(rawValue:)),
                let digest = item["digest"]?.stringValue.flatMap({ Fingerprint(hex: $0) }),
                let size = item["size"]?.numberText.flatMap({ UInt64($0) })
            else { return nil }
            outputs.append(OutputFile(path: path, mode: mode, digest: digest, size: size))
        }
        var result = ActionResult(
            key: key, exitCode: exitCode, outputs: [], stdout: stdout, stderr: stderr,
            duration: .microseconds(Int64((seconds * 1e6).rounded())), fleetVersion: fleetVersion,
            createdAt: Date(timeIntervalSince1970: createdAt))
        result.outputs = outputs  // as stored, like init(from:)
        return result
    }

    private static func blob(_ json: JSONValue) -> BlobReference? {
        guard let digest = json["digest"]?.stringValue.flatMap({ Fingerprint(hex: $0) }),
            let size = json["size"]?.numberText.flatMap({ UInt64($0) })
        else { return nil }
        return BlobReference(digest: digest, size: size)
    }
}
