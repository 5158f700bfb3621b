import FleetBasics
import FleetGraph
import FleetManifest

/// Renders a selection of targets as text, JSON, Graphviz DOT or Mermaid. Pure functions of the graph.
///
/// `selection` is a subgraph: text and JSON describe each selected target with its direct deps and dependents in
/// the whole fleet; DOT and Mermaid draw the selected targets and the edges between them.
enum GraphRenderer {
    /// The path shown for a target: relative to the repository root, `.` for the repository root itself.
    static func displayPath(of target: Target, in manifest: Manifest) -> String {
        let path = manifest.workspace.repositoryPath(forRootRelative: target.path)
        return path.isEmpty ? "." : path
    }

    // MARK: - JSON

    /// `{"schema":1,"targets":[{"name":…,"kind":…,"path":…,"deps":[…],"rdeps":[…],"actions":[…]}]}`,
    /// targets by name, keys in this order, no whitespace.
    static func json(_ selection: TargetGraph, full: TargetGraph) -> String {
        let manifest = full.manifest
        let targets = selection.names.compactMap { manifest.target(named: $0) }.map { target in
            JSONText.object([
                ("name", JSONText.quote(target.name)),
                ("kind", JSONText.quote(target.kind.rawValue)),
                ("path", JSONText.quote(displayPath(of: target, in: manifest))),
                ("deps", JSONText.strings(full.dependencies(of: target.name))),
                ("rdeps", JSONText.strings(full.dependents(of: target.name))),
                ("actions", JSONText.strings(target.actionNames)),
            ])
        }
        return JSONText.object([("schema", "1"), ("targets", JSONText.array(targets))])
    }

    // MARK: - Text

    /// One line per target in dependency order: name, kind, path, and `→ deps` (direct, in the whole fleet).
    static func text(_ selection: TargetGraph, full: TargetGraph, verbose: Bool) -> String {
        let manifest = full.manifest
        let targets = selection.topologicalOrder.compactMap { manifest.target(named: $0) }
        guard !targets.isEmpty else { return "(no targets)" }
        let nameWidth = targets.map(\.name.count).max() ?? 0
        let paths = targets.map { displayPath(of: $0, in: manifest) }
        let pathWidth = paths.map(\.count).max() ?? 0
        var lines: [String] = []
        for (target, path) in zip(targets, paths) {
            var line = pad(target.name, nameWidth) + "  " + pad(target.kind.rawValue, 7) + "  "
            let deps = full.dependencies(of: target.name)
            line += deps.isEmpty ? path : pad(path, pathWidth) + "  → " + deps.joined(separator: ", ")
            lines.append(line)
            if verbose {
                if let description = target.description { lines.append("    " + description) }
                if !target.actions.isEmpty {
                    lines.append("    actions: " + full.actionOrder(of: target.name).joined(separator: ", "))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    // MARK: - DOT

    /// A Graphviz digraph; an edge points from a target to a dependency. Libs are rounded grey boxes, services
    /// blue boxes. Every id is quoted.
    static func dot(_ selection: TargetGraph) -> String {
        let manifest = selection.manifest
        var lines = [
            "digraph fleet {",
            "  rankdir=BT;",
            "  node [shape=box, fontname=\"Helvetica\"];",
        ]
        for name in selection.names {
            guard let target = manifest.target(named: name) else { continue }
            let style = target.kind == .lib
                ? "style=\"rounded,filled\", fillcolor=\"#eeeeee\", color=\"#888888\""
                : "style=\"filled\", fillcolor=\"#d0e6ff\", color=\"#3b82f6\""
            lines.append("  \(dotID(name)) [label=\(dotID(name)), \(style)];")
        }
        for name in selection.names {
            for dependency in selection.dependencies(of: name) {
                lines.append("  \(dotID(name)) -> \(dotID(dependency));")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    static func dotID(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: - Mermaid

    /// A Mermaid flowchart; node ids are `t0`, `t1`… (names may contain `.` and `-`), labels are the names.
    /// Libs are stadium-shaped and grey, services rectangular and blue.
    static func mermaid(_ selection: TargetGraph) -> String {
        let manifest = selection.manifest
        var ids: [String: String] = [:]
        for (i, name) in selection.names.enumerated() { ids[name] = "t\(i)" }
        var lines = ["flowchart BT"]
        var libs: [String] = []
        var services: [String] = []
        for name in selection.names {
            guard let target = manifest.target(named: name), let id = ids[name] else { continue }
            let label = "\"" + name.replacingOccurrences(of: "\"", with: "#quot;") + "\""
            if target.kind == .lib {
                lines.append("  \(id)([\(label)])")
                libs.append(id)
            } else {
                lines.append("  \(id)[\(label)]")
                services.append(id)
            }
        }
        for name in selection.names {
            guard let from = ids[name] else { continue }
            for dependency in selection.dependencies(of: name) {
                if let to = ids[dependency] { lines.append("  \(from) --> \(to)") }
            }
        }
        lines.append("  classDef lib fill:#eeeeee,stroke:#888888,color:#222222")
        lines.append("  classDef service fill:#d0e6ff,stroke:#3b82f6,color:#0b2a4a")
        if !libs.isEmpty { lines.append("  class \(libs.joined(separator: ",")) lib") }
        if !services.isEmpty { lines.append("  class \(services.joined(separator: ",")) service") }
        return lines.joined(separator: "\n")
    }
}
