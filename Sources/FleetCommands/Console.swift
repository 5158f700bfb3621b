import FleetBasics
import Foundation

/// Where commands write: results on stdout, diagnostics and progress on stderr. The only place that writes.
struct Console: Sendable {
    let outStyle: TerminalStyle
    let errorStyle: TerminalStyle
    let verbose: Bool

    init(global: GlobalOptions) {
        outStyle = global.style(for: 1)
        errorStyle = global.style(for: 2)
        verbose = global.verbose
    }

    /// Writes `text` and a newline to stdout.
    func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes `text` and a newline to stderr.
    func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes to stderr when `--verbose` is on.
    func info(_ text: @autoclosure () -> String) {
        if verbose { error(errorStyle.dim(text())) }
    }

    /// The most diagnostics printed without `--verbose` (like a compiler's error limit: a garbage file can yield
    /// thousands, and the first ones are what matters).
    static let diagnosticLimit = 100

    /// Writes diagnostics to stderr, one block each, followed by a count when there are several errors.
    func report(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        let shown = verbose ? diagnostics : Array(diagnostics.prefix(Self.diagnosticLimit))
        error(shown.map { $0.rendered(style: errorStyle) }.joined(separator: "\n"))
        if shown.count < diagnostics.count {
            error("… \(diagnostics.count - shown.count) more not shown (use --verbose to see all)")
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        if errors > 1 { error(errorStyle.bold("\(errors) errors")) }
    }
}
