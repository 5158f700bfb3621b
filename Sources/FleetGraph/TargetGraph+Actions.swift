import FleetManifest

/// One action of one target: `api-gateway:build`.
public struct ActionReference: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var target: String
    public var action: String

    public init(target: String, action: String) {
        self.target = target
        self.action = action
    }

    /// `target:action`.
    public var description: String { "\(target):\(action)" }

    public static func < (lhs: ActionReference, rhs: ActionReference) -> Bool {
        (lhs.target, lhs.action) < (rhs.target, rhs.action)
    }
}

/// What one action needs directly.
public struct ActionNeeds: Hashable, Sendable {
    /// The actions that must succeed first: the target's own needs, then `^name` resolved to every direct dependency
    /// that defines `name`; sorted, unique.
    public var actions: [ActionReference]
    /// `^name` needs on direct dependencies that do not define `name`: nothing runs for them, but their sources
    /// may still matter to cache keys. Sorted, unique.
    public var dependenciesWithoutAction: [ActionReference]

    public init(actions: [ActionReference] = [], dependenciesWithoutAction: [ActionReference] = []) {
        self.actions = actions
        self.dependenciesWithoutAction = dependenciesWithoutAction
    }
}

extension TargetGraph {
    /// The direct needs of `target:action` (over the whole manifest, not only this subgraph). Empty when the target
    /// or action does not exist.
    public func needs(of reference: ActionReference) -> ActionNeeds {
        guard let target = manifest.target(named: reference.target),
            let action = target.action(named: reference.action)
        else { return ActionNeeds() }
        var needed = Set<ActionReference>()
        var missing = Set<ActionReference>()
        for need in action.needs {
            switch need.scope {
            case .own:
                needed.insert(ActionReference(target: target.name, action: need.action))
            case .dependencies:
                for dependency in target.deps {
                    let candidate = ActionReference(target: dependency.name, action: need.action)
                    if manifest.target(named: dependency.name)?.action(named: need.action) != nil {
                        needed.insert(candidate)
                    } else {
                        missing.insert(candidate)
                    }
                }
            }
        }
        return ActionNeeds(actions: needed.sorted(), dependenciesWithoutAction: missing.sorted())
    }

    /// The direct needs of `action` of `target`.
    public func needs(target: String, action: String) -> ActionNeeds {
        needs(of: ActionReference(target: target, action: action))
    }

    /// The target's actions with own needs first (ties by name).
    public func actionOrder(of target: String) -> [String] {
        guard let target = manifest.target(named: target) else { return [] }
        var position: [String: Int] = [:]
        for (i, action) in target.actions.enumerated() { position[action.name] = i }
        let edges = target.actions.map { $0.ownNeeds.compactMap { position[$0] } }
        return GraphAlgorithms.topologicalOrder(count: target.actions.count, edges: edges).map {
            target.actions[$0].name
        }
    }
}
