/// Measuring and cutting text the way a terminal lays it out, and cleaning text meant for files.
enum TerminalText {
    /// Columns a terminal uses for `text` (no escape sequences expected): East Asian wide characters and emoji take
    /// two, combining marks, format and control characters none.
    static func width(_ text: some StringProtocol) -> Int {
        var columns = 0
        for character in text { columns += width(of: character) }
        return columns
    }

    static func width(of character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii != 0x7F ? 1 : 0 }
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .control, .format, .nonspacingMark, .enclosingMark, .lineSeparator, .paragraphSeparator: return 0
        default: break
        }
        if isWide(first.value) || first.properties.isEmojiPresentation { return 2 }
        // A text-style emoji followed by VS16 (U+FE0F) is drawn as an emoji, two columns wide.
        if first.properties.isEmoji, scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return 1
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15, abridged to the blocks that matter in practice).
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
            0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
            0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` cut to at most `columns` columns, ending in `…` when something was cut.
    static func truncate(_ text: String, to columns: Int) -> String {
        width(text) <= columns ? text : cut(text, to: columns)
    }

    /// The start of `text` that fits in `columns - 1` columns, then `…`: for text known to continue past the edge.
    static func cut(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        var out = ""
        var used = 0
        for character in text {
            let w = width(of: character)
            if used + w > columns - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` without ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, and two-byte `ESC x`):
    /// colour codes from tools are noise in XML and JSON reports.
    static func strippingEscapes(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{1B}") else { return text }
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                out.append(scalar)
                continue
            }
            guard let kind = scalars.next() else { break }
            switch kind {
            case "[":
                // Parameters and intermediates are 0x20–0x3F; the final byte is 0x40–0x7E.
                while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
            case "]":
                var previous: Unicode.Scalar = " "
                while let next = scalars.next() {
                    if next == "\u{07}" || (previous == "\u{1B}" && next == "\\") { break }
                    previous = next
                }
            default:
                break
            }
        }
        return String(out)
    }
}
