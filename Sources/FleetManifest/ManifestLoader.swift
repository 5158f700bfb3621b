public import FleetBasics
import FleetYAML

/// The outcome of checking a manifest: the model (possibly partial) and every problem found.
public struct ManifestCheck: Sendable {
    /// The model, nil when the manifest could not be read as a manifest at all (malformed YAML, not a mapping,
    /// unsupported version). When ``problems`` is not empty it is partial: targets with unknown dependencies lose
    /// them, bad patterns are left out, and so on. Enough for further checks such as cycle detection.
    public var manifest: Manifest?
    /// Every problem, sorted by location.
    public var problems: [ManifestError]
    /// The bytes the manifest was read from (empty when they could not be read).
    public var source: [UInt8] = []

    /// The problems as diagnostics, sorted by location, without duplicates.
    public var diagnostics: [Diagnostic] { ManifestLoader.sortedDiagnostics(problems.flatMap(\.diagnostics)) }
}

/// Reads and validates `fleet.yaml` into a ``Manifest``.
public enum ManifestLoader {
    /// The largest manifest accepted (a manifest of a thousand services is well under 1 MiB).
    public static let maxManifestSize = 16 * 1024 * 1024

    /// Loads the workspace's manifest from disk.
    /// - Throws: ``DiagnosticsError`` with every problem, sorted by location.
    public static func load(workspace: Workspace) throws(DiagnosticsError) -> Manifest {
        try unwrap(check(workspace: workspace))
    }

    /// Loads a manifest from bytes: for a manifest read from a git blob of another revision.
    /// - Parameters:
    ///   - displayPath: the name shown in diagnostics (such as `HEAD~1:fleet.yaml`); default: the workspace's.
    ///   - checkPathsOnDisk: false to skip checking that `root` and target paths exist on disk (they may not exist
    ///     in the working tree for another revision).
    /// - Throws: ``DiagnosticsError`` with every problem, sorted by location.
    public static func load(bytes: [UInt8], workspace: Workspace, displayPath: String? = nil,
                            checkPathsOnDisk: Bool = true) throws(DiagnosticsError) -> Manifest {
        try unwrap(check(bytes: bytes, workspace: workspace, displayPath: displayPath,
                         checkPathsOnDisk: checkPathsOnDisk))
    }

    /// Reads and checks the workspace's manifest, returning problems instead of throwing.
    public static func check(workspace: Workspace) -> ManifestCheck {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(workspace.manifestPath, limit: maxManifestSize)
        } catch {
            let problem: ManifestError
            if error.errno == EFBIGValue {
                var info = stat()
                let size = stat(workspace.manifestPath, &info) == 0 ? Int(info.st_size) : maxManifestSize + 1
                problem = .tooLarge(path: workspace.displayPath, size: size, limit: maxManifestSize)
            } else {
                problem = .unreadable(path: workspace.displayPath, reason: error.reason)
            }
            return ManifestCheck(manifest: nil, problems: [problem])
        }
        return check(bytes: bytes, workspace: workspace)
    }

    /// Checks a manifest given as bytes; see ``load(bytes:workspace:displayPath:checkPathsOnDisk:)``.
    public static func check(bytes: [UInt8], workspace: Workspace, displayPath: String? = nil,
                             checkPathsOnDisk: Bool = true) -> ManifestCheck {
        var workspace = workspace
        if let displayPath { workspace.displayPath = displayPath }
        let file = workspace.displayPath
        let start = SourceLocation(file: file, line: 1, column: 1)

        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.parse(bytes, file: file)
        } catch {
            return ManifestCheck(manifest: nil, problems: [.yaml(error)])
        }
        guard let document = documents.first else {
            return ManifestCheck(manifest: nil, problems: [.empty(at: start)])
        }
        var problems: [ManifestError] = []
        if documents.count > 1 {
            problems.append(.multipleDocuments(count: documents.count, at: documents[1].start.location(in: file)))
        }
        if document.root.isNull {
            problems.append(.empty(at: document.start.location(in: file)))
            return ManifestCheck(manifest: nil, problems: problems)
        }
        let root: YAMLNode
        do {
            root = try document.resolved()
        } catch {
            return ManifestCheck(manifest: nil, problems: problems + [.yaml(error)])
        }

        var decoder = ManifestDecoder(file: file)
        let raw = decoder.decode(root)
        problems += decoder.problems
        guard let raw, !raw.hasUnsupportedVersion else {
            return ManifestCheck(manifest: nil, problems: sorted(problems))
        }
        var builder = ManifestBuilder(raw: raw, workspace: workspace, checkPathsOnDisk: checkPathsOnDisk)
        let manifest = builder.build()
        problems += builder.problems
        var check = ManifestCheck(manifest: manifest, problems: sorted(problems))
        check.source = bytes
        return check
    }

    // MARK: - Helpers

    private static func unwrap(_ check: ManifestCheck) throws(DiagnosticsError) -> Manifest {
        guard check.problems.isEmpty, let manifest = check.manifest else {
            throw DiagnosticsError(check.diagnostics)
        }
        return manifest
    }

    /// Problems by location, duplicates removed (an entry inherited from `defaults` fails the same way for
    /// every target).
    static func sorted(_ problems: [ManifestError]) -> [ManifestError] {
        var seen = Set<ManifestError>()
        let unique = problems.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (l?, r?): l == r ? a.offset < b.offset : l < r
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.offset < b.offset
            }
        }.map(\.element)
    }

    /// Diagnostics by location, duplicates removed.
    public static func sortedDiagnostics(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        var collector = DiagnosticCollector()
        for diagnostic in diagnostics where seen.insert(diagnostic).inserted { collector.append(diagnostic) }
        return collector.sorted
    }
}

#if canImport(Glibc)
import Glibc
private let EFBIGValue = EFBIG
#elseif canImport(Darwin)
import Darwin
private let EFBIGValue = EFBIG
#endif
