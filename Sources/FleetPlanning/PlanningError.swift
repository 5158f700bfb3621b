public import FleetBasics
public import FleetGraph

/// Why a run could not be planned. Each case becomes a diagnostic with a location when the manifest is to blame.
public enum PlanningError: Error, Hashable, Sendable {
    /// `-t NAME` names no target (every unknown name at once).
    case unknownTargets([GraphError])
    /// No selected target defines the requested action. `selection` is how many targets were selected.
    case unknownAction(String, suggestion: String?, selection: Int, available: [String])
    /// An output pattern resolves outside the directory of the target that declares it: outputs are restored
    /// into the target directory only.
    case outputOutsideTarget(pattern: String, action: ActionReference, targetPath: String, at: SourceLocation?)
    /// An output pattern that no longer compiles once made relative to its target directory.
    case invalidOutputPattern(String, reason: String, at: SourceLocation?)
    /// Actions that need each other (the manifest validator catches these first; kept for defence in depth).
    case actionCycle([ActionReference])
    /// An action of the plan has no key: keys were computed for fewer targets than planned.
    case missingKey(ActionReference)
}

extension PlanningError: DiagnosticConvertible, CustomStringConvertible {
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    public var diagnostics: [Diagnostic] {
        switch self {
        case .unknownTargets(let errors):
            return errors.flatMap(\.diagnostics)
        case .unknownAction(let name, let suggestion, let selection, let available):
            let scope = selection == 1 ? "the selected target" : "any of the \(selection) selected targets"
            var hint = suggestion.map { "did you mean '\($0)'?" }
            if hint == nil {
                hint = available.isEmpty
                    ? "the selected targets have no actions"
                    : "actions defined there: " + available.joined(separator: ", ")
            }
            return [.error("no action '\(name)' in \(scope)", hint: hint)]
        case .outputOutsideTarget(let pattern, let action, let targetPath, let at):
            let shown = pattern.hasPrefix("!") ? String(pattern.dropFirst()) : pattern
            let directory = targetPath.isEmpty ? "the root" : "'\(targetPath)'"
            return [.error(
                "output '\(shown)' of \(action) is outside its target directory \(directory)", at: at,
                hint: "outputs are stored and restored relative to the target directory; declare them in the "
                    + "target that produces them")]
        case .invalidOutputPattern(let pattern, let reason, let at):
            return [.error("invalid output pattern '\(pattern)': \(reason)", at: at)]
        case .actionCycle(let cycle):
            return [.error("action cycle: " + cycle.map(\.description).joined(separator: " → "))]
        case .missingKey(let action):
            return InternalError("no cache key was computed for \(action)").diagnostics
        }
    }
}
