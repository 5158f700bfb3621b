public import FleetBasics

/// Problems of the target graph and of target selection.
public enum GraphError: Error, Hashable, Sendable {
    /// Targets that depend on each other: `cycle` starts and ends with the same name; `edges[i]` is where
    /// `cycle[i]` lists `cycle[i + 1]` in its deps. `others` are further targets of the same strongly connected
    /// component, not on the cycle shown.
    case dependencyCycle(cycle: [String], edges: [SourceLocation?], others: [String])
    /// Actions of one target that need each other: `edges[i]` is where `cycle[i]` lists `cycle[i + 1]` in `needs`.
    case actionCycle(target: String, cycle: [String], edges: [SourceLocation?], others: [String])
    /// A target name given on the command line that the fleet does not define.
    case unknownTarget(String, suggestion: String?)
}

extension GraphError: DiagnosticConvertible, CustomStringConvertible {
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    public var diagnostics: [Diagnostic] {
        switch self {
        case .dependencyCycle(let cycle, let edges, let others):
            var notes: [Diagnostic.Note] = []
            for i in 0..<max(0, cycle.count - 1) {
                notes.append(.init("'\(cycle[i])' depends on '\(cycle[i + 1])'", at: edges[i]))
            }
            if !others.isEmpty {
                notes.append(.init("also in this cycle: " + others.map { "'\($0)'" }.joined(separator: ", ")))
            }
            return [Diagnostic(.error, "dependency cycle: " + cycle.joined(separator: " → "), at: edges.first ?? nil,
                               hint: "a target cannot depend on itself, directly or through other targets; "
                                   + "remove one of these deps",
                               notes: notes)]
        case .actionCycle(let target, let cycle, let edges, let others):
            var notes: [Diagnostic.Note] = []
            for i in 0..<max(0, cycle.count - 1) {
                notes.append(.init("'\(cycle[i])' needs '\(cycle[i + 1])'", at: edges[i]))
            }
            if !others.isEmpty {
                notes.append(.init("also in this cycle: " + others.map { "'\($0)'" }.joined(separator: ", ")))
            }
            return [Diagnostic(.error, "action cycle in target '\(target)': " + cycle.joined(separator: " → "),
                               at: edges.first ?? nil, hint: "remove one of these needs", notes: notes)]
        case .unknownTarget(let name, let suggestion):
            return [Diagnostic(.error, "unknown target '\(name)'",
                               hint: suggestion.map { "did you mean '\($0)'?" }
                                   ?? "run 'fleet graph' to list the targets")]
        }
    }
}
