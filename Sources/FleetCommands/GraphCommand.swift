import ArgumentParser
import FleetBasics
import FleetGraph
import FleetManifest

/// `fleet graph`: the targets and their dependencies, as text, JSON, DOT or Mermaid.
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Show the targets and their dependencies.",
        discussion: """
            Without TARGETs, shows every target. With TARGETs, shows those; --deps adds everything they depend on \
            (transitively), --rdeps everything that depends on them.

            Formats:
              text      one line per target, dependencies first
              json      machine-readable, sorted by name (see docs/cli.md)
              dot       a Graphviz digraph: fleet graph --format dot | dot -Tsvg
              mermaid   a Mermaid flowchart for Markdown

            Paths are relative to the repository root. In text and json, deps and rdeps are the direct ones in the \
            whole fleet; dot and mermaid draw the edges between the shown targets.

            Examples:
              fleet graph
              fleet graph api-gateway --deps
              fleet graph common --rdeps --format json | jq -r '.targets[].name'
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, dot, mermaid
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Output format: text, json, dot or mermaid.")
    var format: Format = .text

    @Flag(name: .long, help: "Also show the transitive dependencies of the TARGETs.")
    var deps = false

    @Flag(name: .long, help: "Also show the transitive dependents of the TARGETs.")
    var rdeps = false

    @Argument(help: ArgumentHelp("Targets to show (default: all).", valueName: "target"))
    var targets: [String] = []

    func validate() throws {
        if targets.isEmpty, deps || rdeps {
            throw ValidationError("--deps and --rdeps need at least one TARGET")
        }
    }

    func run() async throws {
        try await runReporting(global) { console in
            let fleet = try FleetLoader.load(workspace: global.workspace())
            let graph = fleet.graph
            let unknown = targets.compactMap { graph.unknownTargetError(for: $0) }
            if !unknown.isEmpty { throw DiagnosticsError(unknown.flatMap(\.diagnostics)) }
            let names = targets.isEmpty
                ? graph.names : graph.closure(of: targets, dependencies: deps, dependents: rdeps)
            let selection = graph.subgraph(names)
            console.info("\(selection.names.count) of \(graph.names.count) targets")
            switch format {
            case .text: console.output(GraphRenderer.text(selection, full: graph, verbose: global.verbose))
            case .json: console.output(GraphRenderer.json(selection, full: graph))
            case .dot: console.output(GraphRenderer.dot(selection))
            case .mermaid: console.output(GraphRenderer.mermaid(selection))
            }
        }
    }
}
