import FleetBasics

/// `fleet validate --format json`:
/// `{"schema":1,"valid":false,"diagnostics":[{"severity":"error","file":"fleet.yaml","line":3,"column":5,
/// "message":"…","hints":["…"],"notes":[{"message":"…","file":…,"line":…,"column":…}]}]}`.
/// Positions are null for diagnostics without a location.
enum DiagnosticsJSON {
    static func render(valid: Bool, diagnostics: [Diagnostic]) -> String {
        JSONText.object([
            ("schema", "1"),
            ("valid", valid ? "true" : "false"),
            ("diagnostics", JSONText.array(diagnostics.map(encode))),
        ])
    }

    private static func position(_ location: SourceLocation?) -> [(String, String)] {
        [
            ("file", location.map { JSONText.quote($0.file) } ?? "null"),
            ("line", location.map { String($0.line) } ?? "null"),
            ("column", location.map { String($0.column) } ?? "null"),
        ]
    }

    private static func encode(_ diagnostic: Diagnostic) -> String {
        JSONText.object(
            [("severity", JSONText.quote(diagnostic.severity.rawValue))] + position(diagnostic.location) + [
                ("message", JSONText.quote(diagnostic.message)),
                ("hints", JSONText.strings(diagnostic.hints)),
                ("notes", JSONText.array(diagnostic.notes.map { note in
                    JSONText.object([("message", JSONText.quote(note.message))] + position(note.location))
                })),
            ])
    }
}
