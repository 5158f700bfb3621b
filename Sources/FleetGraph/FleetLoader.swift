public import FleetBasics
public import FleetManifest

/// A manifest that passed every check, with its graph: what commands and planning start from.
public struct LoadedFleet: Sendable {
    public var manifest: Manifest
    public var graph: TargetGraph
    /// The manifest's bytes, as read: what a saved computation over this manifest is checked against.
    public var source: [UInt8] = []
    public var workspace: Workspace { manifest.workspace }
}

/// The full validation of a workspace: the manifest loader's checks and the graph's (cycles), reported together.
public enum FleetLoader {
    /// Loads and validates the workspace's manifest and builds its graph.
    /// - Throws: ``DiagnosticsError`` with every problem of the manifest and its graph, sorted by location.
    public static func load(workspace: Workspace) throws(DiagnosticsError) -> LoadedFleet {
        try finish(ManifestLoader.check(workspace: workspace))
    }

    /// Like ``load(workspace:)`` for manifest bytes (for example from a git blob of another revision).
    public static func load(bytes: [UInt8], workspace: Workspace, displayPath: String? = nil,
                            checkPathsOnDisk: Bool = true) throws(DiagnosticsError) -> LoadedFleet {
        try finish(ManifestLoader.check(bytes: bytes, workspace: workspace, displayPath: displayPath,
                                        checkPathsOnDisk: checkPathsOnDisk))
    }

    private static func finish(_ check: ManifestCheck) throws(DiagnosticsError) -> LoadedFleet {
        var diagnostics = check.problems.flatMap(\.diagnostics)
        guard let manifest = check.manifest else {
            throw DiagnosticsError(ManifestLoader.sortedDiagnostics(diagnostics))
        }
        let graph = TargetGraph(uncheckedManifest: manifest)
        diagnostics += graph.cycleErrors().flatMap(\.diagnostics)
        guard diagnostics.isEmpty else { throw DiagnosticsError(ManifestLoader.sortedDiagnostics(diagnostics)) }
        return LoadedFleet(manifest: manifest, graph: graph, source: check.source)
    }
}
