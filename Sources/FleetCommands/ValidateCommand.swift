import ArgumentParser
import FleetBasics
import FleetGraph
import FleetManifest

/// `fleet validate`: the full check of a manifest (schema, references, paths, cycles).
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check fleet.yaml and report every problem at once.",
        discussion: """
            Reads the manifest and checks it against the fleet.yaml v1 schema: keys, types, names, paths on disk, \
            patterns, named input sets, dependencies, needs, and dependency and action cycles. Every problem is \
            reported at once on stderr, sorted by position, as PATH:LINE:COL: error: MESSAGE, often followed by a \
            hint.

            A valid manifest prints a one-line summary on stdout and exits 0; an invalid one exits 1.

            Examples:
              fleet validate
              fleet validate --manifest deploy/fleet.yaml
              fleet validate --quiet && echo valid
              fleet validate --format json     # diagnostics for editors and CI
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Output format: text, or json (the diagnostics as JSON on stdout).")
    var format: Format = .text

    @Flag(name: .shortAndLong, help: "Print nothing when the manifest is valid.")
    var quiet = false

    func run() async throws {
        try await runReporting(global) { console in
            let workspace = try global.workspace()
            console.info("manifest: \(workspace.manifestPath)")
            guard format == .json else {
                let fleet = try FleetLoader.load(workspace: workspace)
                console.info("root: \(fleet.workspace.rootDirectory)")
                console.info("repository: \(fleet.workspace.repositoryRoot)")
                if !quiet { console.output(Self.summary(fleet.manifest)) }
                return
            }
            do {
                _ = try FleetLoader.load(workspace: workspace)
                console.output(DiagnosticsJSON.render(valid: true, diagnostics: []))
            } catch let error as DiagnosticsError {
                console.output(DiagnosticsJSON.render(valid: false, diagnostics: error.diagnostics))
                throw ExitCode.failure
            }
        }
    }

    /// `fleet.yaml: 11 targets (3 libs, 8 services), 33 actions`.
    static func summary(_ manifest: Manifest) -> String {
        func count(_ n: Int, _ singular: String, _ plural: String) -> String { "\(n) \(n == 1 ? singular : plural)" }
        return "\(manifest.workspace.displayPath): "
            + count(manifest.targets.count, "target", "targets")
            + " (" + count(manifest.libs.count, "lib", "libs") + ", "
            + count(manifest.services.count, "service", "services") + "), "
            + count(manifest.actionCount, "action", "actions")
    }
}
