internal import CYAML

/// One libyaml event copied into Swift values, with libyaml's raw (character-based) marks.
struct YAMLEvent {
    enum Kind {
        case streamStart
        case streamEnd
        case documentStart(implicit: Bool)
        case documentEnd(implicit: Bool)
        case alias(anchor: String)
        case scalar(value: String, anchor: String?, tag: String?, style: YAMLScalarStyle)
        case sequenceStart(anchor: String?, tag: String?, style: YAMLCollectionStyle)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?, style: YAMLCollectionStyle)
        case mappingEnd
    }

    /// libyaml's 0-based character index, line and column.
    struct RawMark {
        var index: Int
        var line: Int
        var column: Int
    }

    var kind: Kind
    var start: RawMark
    var end: RawMark
}

/// What libyaml reported when it stopped.
struct YAMLRawProblem: Error {
    enum Stage { case memory, reader, scanner, parser, other }
    var stage: Stage
    var problem: String
    /// For reader errors: the byte offset and the offending value (-1 when none).
    var byteOffset: Int
    var value: Int
    var mark: YAMLEvent.RawMark
    var context: String?
    var contextMark: YAMLEvent.RawMark?
}

/// Reads libyaml events from an input it owns.
///
/// Owns one `yaml_parser_t` and the input buffer libyaml keeps a pointer to; both live exactly as long as the reader
/// and are freed in `deinit`. Every event is deleted right after it is copied. Not thread-safe: one reader per parse.
final class YAMLEventReader {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var failed = false

    /// Returns nil when libyaml cannot allocate its parser.
    init?(bytes: [UInt8]) {
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            return nil
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event.
    /// - Throws: the problem that stopped libyaml; after a problem, every call throws it again.
    func next() throws(YAMLRawProblem) -> YAMLEvent {
        if failed { throw problem() }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            failed = true
            throw problem()
        }
        defer { yaml_event_delete(&event) }
        return YAMLEvent(kind: Self.kind(of: event), start: Self.raw(event.start_mark), end: Self.raw(event.end_mark))
    }

    private func problem() -> YAMLRawProblem {
        let p = parser.pointee
        let stage: YAMLRawProblem.Stage
        switch p.error {
        case YAML_MEMORY_ERROR: stage = .memory
        case YAML_READER_ERROR: stage = .reader
        case YAML_SCANNER_ERROR: stage = .scanner
        case YAML_PARSER_ERROR: stage = .parser
        default: stage = .other
        }
        let context = p.context.map { String(cString: $0) }
        return YAMLRawProblem(
            stage: stage, problem: p.problem.map { String(cString: $0) } ?? "unknown libyaml error",
            byteOffset: Int(p.problem_offset), value: Int(p.problem_value), mark: Self.raw(p.problem_mark),
            context: context, contextMark: context == nil ? nil : Self.raw(p.context_mark))
    }

    private static func raw(_ mark: yaml_mark_t) -> YAMLEvent.RawMark {
        YAMLEvent.RawMark(index: Int(mark.index), line: Int(mark.line), column: Int(mark.column))
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func kind(of event: yaml_event_t) -> YAMLEvent.Kind {
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(implicit: event.data.document_start.implicit != 0)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd(implicit: event.data.document_end.implicit != 0)
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value: String
            if let pointer = s.value {
                value = String(decoding: UnsafeBufferPointer(start: pointer, count: Int(s.length)), as: UTF8.self)
            } else {
                value = ""
            }
            return .scalar(value: value, anchor: string(s.anchor), tag: string(s.tag), style: scalarStyle(s.style))
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            return .sequenceStart(anchor: string(s.anchor), tag: string(s.tag),
                                  style: s.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            return .mappingStart(anchor: string(m.anchor), tag: string(m.tag),
                                 style: m.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return .streamEnd
        }
    }

    private static func scalarStyle(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
