/// Converts libyaml's positions into exact byte offsets, and byte offsets into lines and columns.
///
/// libyaml's marks count characters (Unicode scalars), not bytes, and do not count a leading UTF-8 byte order mark:
/// in `é: x` the `x` has index 3 but sits at byte 4. The map records the byte offset of every `stride`-th scalar in
/// one pass over the input, so a conversion walks at most `stride - 1` scalars. Pure ASCII input (the common case)
/// needs no table at all.
struct YAMLSourceMap: Sendable {
    /// Scalars between two checkpoints.
    static let stride = 64

    let bytes: [UInt8]
    /// 3 when the input starts with a UTF-8 byte order mark, else 0.
    let bomLength: Int
    let isASCII: Bool
    /// `checkpoints[k]` is the byte offset of scalar `k * stride` (counted after the BOM).
    private let checkpoints: [Int]

    init(bytes: [UInt8]) {
        self.bytes = bytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        bomLength = bom
        var ascii = true
        var points: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            var scalars = 0
            var i = bom
            while i < buffer.count {
                let byte = buffer[i]
                if byte >= 0x80 { ascii = false }
                if byte & 0xC0 != 0x80 {  // a lead byte starts a new scalar
                    if scalars % YAMLSourceMap.stride == 0 { points.append(i) }
                    scalars += 1
                }
                i += 1
            }
        }
        isASCII = ascii
        checkpoints = ascii ? [] : points
    }

    /// The byte offset of libyaml's character index `index`.
    func byteOffset(forCharacterIndex index: Int) -> Int {
        if index <= 0 { return bomLength }
        if isASCII { return min(bomLength + index, bytes.count) }
        guard !checkpoints.isEmpty else { return bytes.count }
        let slot = min(index / YAMLSourceMap.stride, checkpoints.count - 1)
        var offset = checkpoints[slot]
        var remaining = index - slot * YAMLSourceMap.stride
        while remaining > 0, offset < bytes.count {
            offset += YAMLSourceMap.width(ofLead: bytes[offset])
            remaining -= 1
        }
        return min(offset, bytes.count)
    }

    /// A mark for libyaml's (0-based) index, line and column.
    func mark(index: Int, line: Int, column: Int) -> YAMLMark {
        YAMLMark(line: line + 1, column: column + 1, offset: byteOffset(forCharacterIndex: index))
    }

    /// The 1-based line and column (in scalars) of a byte offset, using libyaml's line breaks: `\r\n`, `\r`, `\n`,
    /// NEL (U+0085), LS (U+2028) and PS (U+2029). Used for reader errors, which libyaml reports as byte offsets.
    ///
    /// - Complexity: O(offset).
    func mark(forByteOffset target: Int) -> YAMLMark {
        let target = min(max(target, 0), bytes.count)
        var line = 1
        var column = 1
        var i = bomLength
        while i < target {
            let byte = bytes[i]
            if byte == 0x0D {
                line += 1
                column = 1
                i += (i + 1 < bytes.count && bytes[i + 1] == 0x0A) ? 2 : 1
                continue
            }
            if byte == 0x0A {
                line += 1
                column = 1
                i += 1
                continue
            }
            if byte == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 {
                line += 1
                column = 1
                i += 2
                continue
            }
            if byte == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                line += 1
                column = 1
                i += 3
                continue
            }
            i += YAMLSourceMap.width(ofLead: byte)
            column += 1
        }
        return YAMLMark(line: line, column: column, offset: target)
    }

    /// The bytes of the line that contains `offset`, without its line break.
    func line(containing offset: Int) -> ArraySlice<UInt8> {
        let offset = min(max(offset, 0), bytes.count)
        var start = offset
        while start > 0, bytes[start - 1] != 0x0A, bytes[start - 1] != 0x0D { start -= 1 }
        var end = offset
        while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        return bytes[start..<end]
    }

    /// The byte at `offset`, or nil past the end.
    func byte(at offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }

    /// The length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
    static func width(ofLead byte: UInt8) -> Int {
        if byte < 0xC0 { return 1 }
        if byte < 0xE0 { return 2 }
        if byte < 0xF0 { return 3 }
        return 4
    }
}
