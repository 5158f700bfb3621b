internal import CZstd

/// Checks zstd's `size_t` results: the one place where zstd error codes become ``CacheError``.
enum Zstd {
    @discardableResult
    static func check(_ result: Int, _ operation: StaticString) throws(CacheError) -> Int {
        guard ZSTD_isError(result) != 0 else { return result }
        let name = ZSTD_getErrorName(result).map { String(cString: $0) } ?? "error \(result)"
        throw CacheError.compression(operation: "\(operation)", message: name)
    }

    /// The content size recorded in a frame header, when the first bytes of a blob hold one.
    static func frameContentSize(_ header: UnsafeRawBufferPointer) -> UInt64? {
        let size = ZSTD_getFrameContentSize(header.baseAddress, header.count)
        // ZSTD_CONTENTSIZE_UNKNOWN (-1) and ZSTD_CONTENTSIZE_ERROR (-2).
        return size >= UInt64.max - 1 ? nil : size
    }

    /// Bytes that always hold a frame header (`ZSTD_FRAMEHEADERSIZE_MAX`).
    static let maximumFrameHeaderSize = 18
}

/// Owns one `ZSTD_CCtx` (freed in deinit) and streams one frame at a time. Not thread-safe; not copyable.
struct ZstdCompressor: ~Copyable {
    private let context: OpaquePointer
    private let output: UnsafeMutableRawBufferPointer

    /// - Parameters:
    ///   - level: zstd level (1 = fastest).
    ///   - workers: background compression threads (0 = compress on the calling thread). Ignored when libzstd
    ///     was built without threads.
    ///   - pledgedSize: the exact input size when known: recorded in the frame header (so readers can size
    ///     buffers and `stats` can report it) and enforced by zstd.
    init(level: Int32, workers: Int32, pledgedSize: UInt64?) throws(CacheError) {
        guard let context = ZSTD_createCCtx() else {
            throw CacheError.compression(operation: "ZSTD_createCCtx", message: "out of memory")
        }
        do throws(CacheError) {
            try Zstd.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level")
            if workers > 0 { _ = ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers) }
            if let pledgedSize {
                try Zstd.check(ZSTD_CCtx_setPledgedSrcSize(context, pledgedSize), "ZSTD_CCtx_setPledgedSrcSize")
            }
        } catch {
            ZSTD_freeCCtx(context)
            throw error
        }
        self.context = context
        output = .allocate(byteCount: max(ZSTD_CStreamOutSize(), 1 << 17), alignment: 64)
    }

    deinit {
        ZSTD_freeCCtx(context)
        output.deallocate()
    }

    /// Compresses `input` (the whole of it), handing compressed bytes to `sink` as they are produced. With
    /// `end`, closes the frame.
    mutating func compress(
        _ input: UnsafeRawBufferPointer, end: Bool, sink: (UnsafeRawBufferPointer) throws(CacheError) -> Void
    ) throws(CacheError) {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let directive = end ? ZSTD_e_end : ZSTD_e_continue
        while true {
            var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
            let remaining = try Zstd.check(
                ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive), "ZSTD_compressStream2")
            if outBuffer.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[..<outBuffer.pos])) }
            let done = end ? remaining == 0 : inBuffer.pos == inBuffer.size
            if done { return }
        }
    }
}

/// Owns one `ZSTD_DCtx` (freed in deinit). Not thread-safe; not copyable.
struct ZstdDecompressor: ~Copyable {
    private let context: OpaquePointer
    private let output: UnsafeMutableRawBufferPointer
    /// zstd's last return: 0 exactly when the input so far ends on a complete, fully flushed frame.
    private var lastResult = 0
    private var sawInput = false

    init() throws(CacheError) {
        guard let context = ZSTD_createDCtx() else {
            throw CacheError.compression(operation: "ZSTD_createDCtx", message: "out of memory")
        }
        self.context = context
        output = .allocate(byteCount: max(ZSTD_DStreamOutSize(), 1 << 17), alignment: 64)
    }

    deinit {
        ZSTD_freeDCtx(context)
        output.deallocate()
    }

    /// Decompresses a chunk of compressed input, handing decompressed bytes to `sink`.
    mutating func decompress(
        _ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(CacheError) -> Void
    ) throws(CacheError) {
        guard input.count > 0 else { return }
        sawInput = true
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        // zstd does not consume a frame's last byte before it has flushed all of the frame's output, so
        // looping until the input is consumed also drains the output.
        while inBuffer.pos < inBuffer.size {
            var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
            lastResult = try Zstd.check(ZSTD_decompressStream(context, &outBuffer, &inBuffer), "ZSTD_decompressStream")
            if outBuffer.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[..<outBuffer.pos])) }
        }
    }

    /// Whether the input ended exactly at the end of a frame (false: truncated, or no input at all).
    var isComplete: Bool { sawInput && lastResult == 0 }
}
