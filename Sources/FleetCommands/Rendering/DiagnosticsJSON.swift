import FleetBasics

/// `fleet validate --format json`:
/// `{"schema":1,"valid":false,"diagnostics":[{"severity":"error","file":"fleet.yaml","line":3,"column":5,
/// "message":"…","hints":["…"],"notes":[{"message":"…","file":…,"line":…,"column":…}]}]}`.
/// Positions are null for diagnostics without a location.
enum DiagnosticsJSON {
    static func render(valid: Bool, diagnostics: [Diagnostic]) -> String {
        JSONWriter.object([
            ("schema", "1"),
            ("valid", valid ? "true" : "false"),
            ("diagnostics", JSONWriter.array(diagnostics.map(encode))),
        ])
    }

    private static func position(_ location: SourceLocation?) -> [(String, String)] {
        [
            ("file", location.map { JSONWriter.quote($0.file) } ?? "null"),
            ("line", location.map { String($0.line) } ?? "null"),
            ("column", location.map { String($0.column) } ?? "null"),
        ]
    }

    private static func encode(_ diagnostic: Diagnostic) -> String {
        JSONWriter.object(
            [("severity", JSONWriter.quote(diagnostic.severity.rawValue))] + position(diagnostic.location) + [
                ("message", JSONWriter.quote(diagnostic.message)),
                ("hints", JSONWriter.strings(diagnostic.hints)),
                ("notes", JSONWriter.array(diagnostic.notes.map { note in
                    JSONWriter.object([("message", JSONWriter.quote(note.message))] + position(note.location))
                })),
            ])
    }
}
