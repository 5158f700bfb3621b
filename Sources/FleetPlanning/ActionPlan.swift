public import FleetGraph

/// The actions of one run in dependency order: every action comes after the actions it needs, ties by label.
/// A plain value: print it (`--dry-run`), run it, compare it in tests.
public struct ActionPlan: Sendable {
    /// The actions, needs first.
    public var actions: [PlannedAction]
    /// The absolute root directory (`FLEET_ROOT` of every action).
    public var rootDirectory: String
    /// The targets the user selected (after `-t` and `--affected`), sorted. Needed actions of other targets
    /// may be in the plan too.
    public var selectedTargets: [String]

    public init(actions: [PlannedAction], rootDirectory: String, selectedTargets: [String]) {
        self.actions = actions
        self.rootDirectory = rootDirectory
        self.selectedTargets = selectedTargets
    }

    public var count: Int { actions.count }
    public var isEmpty: Bool { actions.isEmpty }

    /// The index of an action, if it is in the plan. - Complexity: O(n).
    public func index(of label: ActionReference) -> Int? {
        actions.firstIndex { $0.label == label }
    }

    /// For each action, the indices of the actions that need it.
    public func dependents() -> [[Int]] {
        var result = [[Int]](repeating: [], count: actions.count)
        for (i, action) in actions.enumerated() {
            for need in action.needs { result[need].append(i) }
        }
        return result
    }
}
