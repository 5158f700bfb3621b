internal import CXXHash

/// The XXH3-128 entry points, resolved once for this CPU architecture.
///
/// On x86_64 Debian's libxxhash exports `*_dispatch` variants that pick SSE2/AVX2/AVX512 at run time (about 30 %
/// faster on large inputs than the baseline SSE2 build); other architectures use the plain functions. Both compute
/// the same value.
enum XXH3 {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Fingerprint {
        #if arch(x86_64)
        let digest = XXH3_128bits_dispatch(bytes.baseAddress, bytes.count)
        #else
        let digest = XXH3_128bits(bytes.baseAddress, bytes.count)
        #endif
        return Fingerprint(high: digest.high64, low: digest.low64)
    }
}

/// Owns one streaming `XXH3_state_t` and frees it in `deinit`. Not thread-safe; not copyable.
///
/// Feeds raw bytes with no framing: the digest equals `XXH3_128bits` of the concatenated input, so it matches
/// `xxhsum -H2`. ``Fingerprinter`` builds length-prefixed fields on top of it.
public struct ContentHasher: ~Copyable {
    private let state: OpaquePointer

    /// A fresh state. Stops the process only when memory runs out (a ~600-byte allocation), like any Swift
    /// allocation would.
    public init() {
        guard let state = XXH3_createState() else { fatalError("xxhash: out of memory") }
        XXH3_128bits_reset(state)
        self.state = state
    }

    deinit { XXH3_freeState(state) }

    /// Appends raw bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        // The only failure is a null state, which `init` rules out.
        #if arch(x86_64)
        _ = XXH3_128bits_update_dispatch(state, bytes.baseAddress, bytes.count)
        #else
        _ = XXH3_128bits_update(state, bytes.baseAddress, bytes.count)
        #endif
    }

    /// Appends raw bytes.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything appended so far. The state is freed afterwards.
    public consuming func finalize() -> Fingerprint {
        let digest = XXH3_128bits_digest(state)
        return Fingerprint(high: digest.high64, low: digest.low64)
    }
}
