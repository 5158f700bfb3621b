/// What the user asked `fleet run` for.
public struct PlanRequest: Sendable, Hashable {
    /// Action names (`build`, `test`…), in the order given; duplicates are ignored.
    public var actions: [String]
    /// The targets given with `-t`, or nil for every target.
    public var targets: [String]?
    /// When set (`--affected`), only these of the selected targets are kept: the affected ones.
    public var restrictTo: Set<String>?

    public init(actions: [String], targets: [String]? = nil, restrictTo: Set<String>? = nil) {
        self.actions = actions
        self.targets = targets
        self.restrictTo = restrictTo
    }
}
