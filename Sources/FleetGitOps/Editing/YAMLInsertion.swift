import FleetManifest
import FleetYAML

/// Computes the bytes an edit writes: a new scalar in the range of the old one, or new keys after the last
/// sibling, indented like the siblings, with the line break of the line they follow.
enum YAMLInsertion {
    // MARK: - Replacing a scalar

    /// The splice that replaces the text of `node` (after its tag, if any) by `value` in the old quoting style.
    static func replacement(of node: YAMLNode, with value: String, in bytes: [UInt8]) -> Splice {
        let range = node.byteRange
        var start = range.lowerBound
        if node.tag != nil {
            // The scalar's range starts at its tag (`!!str 1.20`): keep the tag and the space after it.
            while start < range.upperBound, !isSpace(bytes[start]) { start += 1 }
            while start < range.upperBound, isSpace(bytes[start]) || isBreak(bytes[start]) { start += 1 }
        }
        let style = node.scalarStyle ?? .plain
        let rendered = ScalarRenderer.render(value, like: style).text
        if start >= range.upperBound {
            // An empty plain value (`tag:` or `{tag: }`): insert after a space.
            let offset = range.upperBound
            let needsSpace = offset == 0 || !(isSpace(bytes[offset - 1]) || isBreak(bytes[offset - 1]))
            return Splice(range: offset..<offset, text: (needsSpace ? " " : "") + rendered)
        }
        return Splice(range: start..<range.upperBound, text: rendered)
    }

    // MARK: - Creating keys

    /// The splice that creates `keys` (nested, the last one holding `value`) in the mapping (or empty value) that
    /// `found` reached, and the steps from that node to the new value.
    static func insertion(of keys: [String], value: String, into found: LocatedPath, locator: YAMLLocator,
                          path: YAMLPath) throws(YAMLEditError) -> (splice: Splice, steps: [YAMLStep]) {
        let bytes = locator.file.bytes
        let node = found.node
        let newSteps = [YAMLStep.pair(node.pairs?.count ?? 0)] + Array(repeating: YAMLStep.pair(0),
                                                                         count: keys.count - 1)
        if let pairs = node.pairs, node.collectionStyle == .flow {
            let nested = flowText(keys[1...], value: value)
            let head = ScalarRenderer.renderNew(keys[0]) + ": " + nested
            if let last = pairs.last {
                // After the last value (an empty value sits at the ',' or '}' that follows it).
                let offset = last.value.byteRange.upperBound
                return (Splice(range: offset..<offset, text: ", " + head), newSteps)
            }
            var offset = node.byteRange.lowerBound
            while offset < bytes.count, bytes[offset] != UInt8(ascii: "{") { offset += 1 }
            return (Splice(range: offset + 1..<offset + 1, text: head), newSteps)
        }

        // Block context: a new line after the last line of the mapping (or of the empty value's line).
        let indent: Int
        let end: Int
        if let pairs = node.pairs, let first = pairs.first {
            indent = first.key.start.column - 1
            end = node.byteRange.upperBound
        } else if let key = found.key {
            indent = key.start.column - 1 + step(for: found, locator: locator)
            end = node.byteRange.upperBound
        } else {
            throw .emptyDocument(file: locator.file.name, path: path.description, at: locator.location(node))
        }
        let step = step(for: found, locator: locator)
        let (offset, lineBreak, needsLeadingBreak) = lineEnd(after: end, in: bytes)
        var text = needsLeadingBreak ? lineBreak : ""
        for (depth, key) in keys.enumerated() {
            text += String(repeating: " ", count: indent + depth * step) + ScalarRenderer.renderNew(key) + ":"
            if depth == keys.count - 1 { text += " " + ScalarRenderer.renderNew(value) }
            if depth < keys.count - 1 || !needsLeadingBreak { text += lineBreak }
        }
        let steps = node.isMapping ? newSteps : Array(repeating: YAMLStep.pair(0), count: keys.count)
        return (Splice(range: offset..<offset, text: text), steps)
    }

    /// `{b: {c: value}}` for the keys after the first, in flow style.
    private static func flowText(_ keys: ArraySlice<String>, value: String) -> String {
        guard let first = keys.first else { return ScalarRenderer.renderNew(value) }
        return "{" + ScalarRenderer.renderNew(first) + ": " + flowText(keys.dropFirst(), value: value) + "}"
    }

    /// Where a new line goes after the content that ends at `offset`: after the line break that ends its line
    /// (past a trailing comment), or at the start of the line when only indentation precedes `offset` (a block
    /// scalar ends there). Also returns the line break to use and whether the file ends without one there.
    static func lineEnd(after offset: Int, in bytes: [UInt8]) -> (Int, String, Bool) {
        var lineStart = offset
        while lineStart > 0, !isBreak(bytes[lineStart - 1]) { lineStart -= 1 }
        if bytes[lineStart..<offset].allSatisfy({ $0 == UInt8(ascii: " ") }) {
            return (lineStart, lineBreak(endingLineBefore: lineStart, in: bytes), false)
        }
        var index = offset
        while index < bytes.count, !isBreak(bytes[index]) { index += 1 }
        if index == bytes.count { return (index, dominantLineBreak(in: bytes), true) }
        if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { return (index + 2, "\r\n", false) }
        return (index + 1, bytes[index] == 0x0D ? "\r" : "\n", false)
    }

    private static func lineBreak(endingLineBefore lineStart: Int, in bytes: [UInt8]) -> String {
        if lineStart >= 2, bytes[lineStart - 2] == 0x0D, bytes[lineStart - 1] == 0x0A { return "\r\n" }
        if lineStart >= 1, bytes[lineStart - 1] == 0x0D { return "\r" }
        if lineStart >= 1 { return "\n" }
        return dominantLineBreak(in: bytes)
    }

    /// The first line break of the file, or `\n`.
    static func dominantLineBreak(in bytes: [UInt8]) -> String {
        guard let index = bytes.firstIndex(where: isBreak) else { return "\n" }
        if bytes[index] == 0x0D { return index + 1 < bytes.count && bytes[index + 1] == 0x0A ? "\r\n" : "\r" }
        return "\n"
    }

    /// The indentation step of the document: how much deeper a nested block mapping's keys are than its key.
    static func step(for found: LocatedPath, locator: YAMLLocator) -> Int {
        func nestedStep(_ mapping: YAMLNode) -> Int? {
            guard mapping.collectionStyle == .block, let pairs = mapping.pairs else { return nil }
            for pair in pairs {
                if pair.value.collectionStyle == .block, let child = pair.value.pairs?.first {
                    let step = child.key.start.column - pair.key.start.column
                    if step > 0 && child.key.start.line > pair.key.start.line { return step }
                }
            }
            return nil
        }
        if let step = nestedStep(found.node) { return step }
        if let parent = found.parentMapping, let step = nestedStep(parent) { return step }
        var stack = [locator.root]
        while let node = stack.popLast() {
            if let step = nestedStep(node) { return step }
            switch node.content {
            case .mapping(let pairs, _): stack.append(contentsOf: pairs.map(\.value).reversed())
            case .sequence(let items, _): stack.append(contentsOf: items.reversed())
            case .scalar, .alias: break
            }
        }
        return 2
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    static func isBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
}
