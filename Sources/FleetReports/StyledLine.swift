import FleetBasics

/// One line of the status area, built from styled pieces so that it can be cut to the terminal's width before the
/// escape codes go in (cutting an escape sequence in half would garble the terminal).
struct StyledLine {
    enum Style {
        case plain, bold, dim, red, green, yellow, cyan
    }

    private(set) var pieces: [(text: String, style: Style)] = []

    init(_ pieces: [(String, Style)] = []) {
        self.pieces = pieces.map { (text: $0.0, style: $0.1) }
    }

    mutating func append(_ text: String, _ style: Style = .plain) {
        pieces.append((text, style))
    }

    var plainText: String { pieces.map(\.text).joined() }

    /// The line cut to `columns` columns (ending in `…` where it was cut) and styled.
    func rendered(columns: Int, style: TerminalStyle) -> String {
        if TerminalText.width(plainText) <= columns {
            return pieces.map { Self.apply($0.style, $0.text, style) }.joined()
        }
        var remaining = columns
        var out = ""
        for piece in pieces {
            let width = TerminalText.width(piece.text)
            if width < remaining {
                out += Self.apply(piece.style, piece.text, style)
                remaining -= width
                continue
            }
            // The line is too long and this piece reaches the edge: cut it here and drop what follows.
            out += Self.apply(piece.style, TerminalText.cut(piece.text, to: remaining), style)
            break
        }
        return out
    }

    private static func apply(_ kind: Style, _ text: String, _ style: TerminalStyle) -> String {
        guard !text.isEmpty else { return text }
        switch kind {
        case .plain: return text
        case .bold: return style.bold(text)
        case .dim: return style.dim(text)
        case .red: return style.red(text)
        case .green: return style.green(text)
        case .yellow: return style.yellow(text)
        case .cyan: return style.cyan(text)
        }
    }
}
