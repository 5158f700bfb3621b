/// Turns libyaml's terse problems into located ``YAMLError``s with hints for the usual mistakes.
struct YAMLErrorTranslator {
    let file: String
    let map: YAMLSourceMap

    static let tabHint = "YAML does not allow tabs for indentation; use spaces"

    func error(for problem: YAMLRawProblem) -> YAMLError {
        switch problem.stage {
        case .memory:
            return YAMLError(.memory, "libyaml ran out of memory", file: file, at: .start)
        case .reader:
            return readerError(problem)
        case .scanner, .parser, .other:
            return syntaxError(problem)
        }
    }

    private func readerError(_ problem: YAMLRawProblem) -> YAMLError {
        let at = map.mark(forByteOffset: problem.byteOffset)
        if problem.problem.contains("control characters") {
            let value = problem.value
            let name = value == 0 ? " (NUL)" : value == 0x7F ? " (DEL)" : ""
            let code = value >= 0 ? "U+" + hex(value, width: 4) + name : "a control character"
            return YAMLError(
                .encoding, "control character \(code) is not allowed", file: file, at: at,
                hint: "YAML text may contain tab, line feed and carriage return but no other control characters; "
                    + "is this a binary file?")
        }
        if problem.problem.contains("UTF-8") || problem.problem.contains("Unicode") {
            let byte = map.byte(at: problem.byteOffset).map { " (byte 0x\(hex(Int($0), width: 2)))" } ?? ""
            return YAMLError(
                .encoding, "invalid UTF-8: \(problem.problem)\(byte) at byte offset \(problem.byteOffset)",
                file: file, at: at, hint: "the file must be UTF-8 text; is this a binary file?")
        }
        return YAMLError(.encoding, problem.problem, file: file, at: at)
    }

    private func syntaxError(_ problem: YAMLRawProblem) -> YAMLError {
        let at = map.mark(index: problem.mark.index, line: problem.mark.line, column: problem.mark.column)
        let contextMark = problem.contextMark.map { map.mark(index: $0.index, line: $0.line, column: $0.column) }
        var message = problem.problem
        var hint: String?
        let character = map.byte(at: at.offset)

        if lineHasTabIndentation(at.offset) || contextMark.map({ lineHasTabIndentation($0.offset) }) == true
            || problem.problem.contains("tab")
        {
            if character == 0x09 { message = "found a tab character where indentation or a token was expected" }
            hint = Self.tabHint
        } else if problem.problem == "found character that cannot start any token", let character {
            switch character {
            case UInt8(ascii: "@"), UInt8(ascii: "`"):
                let text = String(UnicodeScalar(character))
                message = "found character '\(text)' that cannot start any token"
                hint = "'@' and '`' are reserved in YAML; put the value in quotes"
            case UInt8(ascii: "%"):
                hint = "'%' starts a directive; put the value in quotes"
            default:
                let text = String(UnicodeScalar(character))
                message = "found character '\(text)' that cannot start any token"
                hint = "put the value in quotes"
            }
        } else if problem.problem == "mapping values are not allowed in this context" {
            hint = "a value that contains ': ' must be quoted; otherwise check the indentation of this line"
        } else if problem.problem.contains("did not find expected key") {
            hint = "check the indentation: the keys of one mapping must start in the same column"
        } else if problem.problem.contains("found unexpected end of stream"),
            problem.context?.contains("quoted scalar") == true
        {
            message = "a quoted string is not closed before the end of the file"
            hint = "add the closing quote"
        } else if problem.problem.contains("could not find expected ':'") {
            hint = "a key must be followed by ':'; a multi-line value must be quoted or use '|' or '>'"
        } else if problem.problem.contains("did not find expected ',' or ']'") {
            hint = "a flow list '[...]' needs commas between items and a closing ']'"
        } else if problem.problem.contains("did not find expected ',' or '}'") {
            hint = "a flow mapping '{...}' needs commas between entries and a closing '}'"
        } else if problem.problem.contains("found undefined tag handle") {
            hint = "only '!' and '!!' tag handles are predefined"
        } else if problem.problem.contains("block sequence entries are not allowed") {
            hint = "a list under a key must start on the next line, indented, or use '[...]'"
        }
        return YAMLError(.syntax, message, file: file, at: at, context: problem.context, contextMark: contextMark,
                         hint: hint)
    }

    /// Whether the line holding `offset` starts with whitespace that contains a tab.
    private func lineHasTabIndentation(_ offset: Int) -> Bool {
        for byte in map.line(containing: offset) {
            if byte == 0x09 { return true }
            if byte != 0x20 { return false }
        }
        return false
    }

    private func hex(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
