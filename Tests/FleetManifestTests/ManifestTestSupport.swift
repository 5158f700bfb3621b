import FleetBasics
import FleetGraph
import FleetManifest
import FleetTestSupport
import Testing

/// A temporary workspace: `fleet.yaml` with `yaml`, plus a directory for every entry of `directories`.
struct ManifestFixture {
    let directory: TemporaryDirectory
    let workspace: Workspace

    init(_ yaml: String, directories: [String] = []) throws {
        directory = try TemporaryDirectory(prefix: "fleet-manifest")
        for path in directories { try directory.write(path + "/.keep", "") }
        try directory.write("fleet.yaml", yaml)
        workspace = Workspace(manifestPath: directory.appending("fleet.yaml"), displayPath: "fleet.yaml",
                              currentDirectory: directory.path)
    }

    /// Every diagnostic of the loader and the graph, rendered without colour.
    func diagnostics() -> [String] {
        do {
            _ = try FleetLoader.load(workspace: workspace)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// The first line of each diagnostic (`fleet.yaml:L:C: error: message`).
    func errorLines() -> [String] {
        diagnostics().map { String($0.split(separator: "\n", maxSplits: 1).first ?? "") }
    }

    func load() throws -> Manifest { try ManifestLoader.load(workspace: workspace) }

    func remove() { directory.remove() }
}

/// The error lines for a manifest written into a fresh workspace.
func errors(_ yaml: String, directories: [String] = []) throws -> [String] {
    let fixture = try ManifestFixture(yaml, directories: directories)
    defer { fixture.remove() }
    return fixture.errorLines()
}

/// The full diagnostics (with notes and hints) for a manifest written into a fresh workspace.
func fullDiagnostics(_ yaml: String, directories: [String] = []) throws -> [String] {
    let fixture = try ManifestFixture(yaml, directories: directories)
    defer { fixture.remove() }
    return fixture.diagnostics()
}

/// Loads a manifest that must be valid.
func loadValid(_ yaml: String, directories: [String] = []) throws -> Manifest {
    let fixture = try ManifestFixture(yaml, directories: directories)
    defer { fixture.remove() }
    do {
        return try fixture.load()
    } catch {
        Issue.record("unexpected diagnostics:\n\(error)")
        throw error
    }
}
