import ArgumentParser
import FleetBasics

/// Runs a command body and turns every failure into a message and an exit code, so that no command prints a
/// stack trace or an unformatted error:
///
/// - `DiagnosticConvertible` errors (bad manifest, unknown target, …) are rendered on stderr, coloured per
///   `--color`: exit 1.
/// - Usage errors (`ValidationError`) and ArgumentParser's own exits pass through: exit 64, or as requested.
/// - Anything else is printed as `error: …`: exit 1.
func runReporting(_ global: GlobalOptions, _ body: (Console) async throws -> Void) async throws {
    let console = Console(global: global)
    do {
        try await body(console)
    } catch let exit as ExitCode {
        throw exit
    } catch let exit as CleanExit {
        throw exit
    } catch let usage as ValidationError {
        throw usage
    } catch let error as any DiagnosticConvertible {
        console.report(error.diagnostics)
        throw ExitCode.failure
    } catch {
        console.report([Diagnostic(.error, "\(error)")])
        throw ExitCode.failure
    }
}
