import ArgumentParser
import FleetBasics
import FleetGraph
import FleetHashing
import FleetInputs
import Foundation

/// `fleet hash`: the cache key of every action, and what it is made of.
struct HashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print the cache keys of targets' actions and their named parts.",
        discussion: """
            A key is the hash of an action's resolved definition, its input files (path, mode, content), the \
            globals, the values of its env vars and the keys of what it needs. Two runs with equal keys produce \
            the same outputs, so the second is answered from the cache. See docs/affected.md.

            The parts: manifest (the action's definition), sources (its input files), globals, env, deps (the keys \
            it needs). Files are hashed through a memo in the cache directory, so unchanged files are not re-read.

            Examples:
              fleet hash
              fleet hash api-gateway --json | jq -r '.targets[0].actions[] | .name + " " + .key'
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cache: CacheOptions

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Flag(name: .long, help: "Also list every input file with its digest (text output).")
    var files = false

    @Argument(help: ArgumentHelp("Targets to show (default: all).", valueName: "target"))
    var targets: [String] = []

    func run() async throws {
        try await runReporting(global) { console in
            let fleet = try FleetLoader.load(workspace: global.workspace())
            let unknown = targets.compactMap { fleet.graph.unknownTargetError(for: $0) }
            if !unknown.isEmpty { throw DiagnosticsError(unknown.flatMap(\.diagnostics)) }
            let result = try await WorkspaceKeys.compute(
                fleet: fleet, targets: targets.isEmpty ? nil : targets,
                cacheDirectory: cache.directory(for: fleet.workspace),
                environment: ProcessInfo.processInfo.environment)
            console.report(result.warnings)
            let stats = result.hashing
            console.info("files: \(result.inventorySource) listing; memo hits \(stats.memoHits), hashed \(stats.memoMisses) (\(Quantity.formatBytes(stats.hashedBytes)))")
            let names = targets.isEmpty ? fleet.manifest.targetNames : Array(Set(targets)).sorted()
            let shown = names.compactMap { result.keys[$0] }
            if json {
                console.output(KeyRendering.json(shown, fleet: fleet))
            } else {
                console.output(KeyRendering.text(shown, files: files))
            }
        }
    }
}

/// Text and JSON renderings of keys.
enum KeyRendering {
    static func text(_ targets: [TargetKeys], files: Bool) -> String {
        var lines: [String] = []
        for target in targets {
            lines.append("\(target.name)  \(target.key)")
            for action in target.actions {
                let c = action.components
                lines.append("  \(action.action)  \(action.key)")
                lines.append("    manifest \(c.manifest.shortDescription)  sources \(c.sources.shortDescription) "
                             + "(\(action.inputs.count) files)  globals \(c.globals.shortDescription)  "
                             + "env \(c.env.shortDescription)  deps \(c.deps.shortDescription)")
                if files {
                    for input in action.inputs { lines.append("      \(input.digest.shortDescription) \(input.mode) \(input.path)") }
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ targets: [TargetKeys], fleet: LoadedFleet) -> String {
        let items = targets.map { target in
            JSONText.object([
                ("name", JSONText.quote(target.name)),
                ("key", JSONText.quote(target.key.hex)),
                ("actions", JSONText.array(target.actions.map { action in
                    let c = action.components
                    return JSONText.object([
                        ("name", JSONText.quote(action.action)),
                        ("key", JSONText.quote(action.key.hex)),
                        ("parts", JSONText.object([
                            ("manifest", JSONText.quote(c.manifest.hex)),
                            ("sources", JSONText.quote(c.sources.hex)),
                            ("globals", JSONText.quote(c.globals.hex)),
                            ("env", JSONText.quote(c.env.hex)),
                            ("deps", JSONText.quote(c.deps.hex)),
                        ])),
                        ("inputs", JSONText.number(action.inputs.count)),
                        ("needs", JSONText.array(action.needs.map {
                            JSONText.object([("label", JSONText.quote($0.label)), ("key", JSONText.quote($0.key.hex))])
                        })),
                    ])
                })),
            ])
        }
        return JSONText.object([("schema", "1"), ("targets", JSONText.array(items))])
    }
}
