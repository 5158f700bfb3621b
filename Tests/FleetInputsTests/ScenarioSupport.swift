import FleetBasics
import FleetGit
import FleetGraph
import FleetInputs
import FleetManifest
import FleetTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The environment repositories under test are opened with: no user or system config, like the fixtures' git CLI.
let pinnedGitEnvironment: [String: String] = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]

/// One conformance scenario: a git repository (made with the git CLI) holding a fleet, changed step by step, and
/// asked "what does this change affect?" through ``AffectedAnalyzer``. Every answer is also computed by brute
/// force (every key at both sides, over file contents), the definition the fast answer must equal.
final class Scenario {
    let fixture: GitFixture
    /// Repository-relative path of fleet.yaml.
    let manifestPath: String

    var path: String { fixture.path }

    /// Writes `files` (and `manifest` at `manifestPath`), creates the directories `directories`, and commits.
    init(manifest: String, files: [String: String], manifestPath: String = "fleet.yaml",
         directories: [String] = []) throws {
        fixture = try GitFixture.make(prefix: "fleet-affected")
        self.manifestPath = manifestPath
        var all = files
        all[manifestPath] = manifest
        try fixture.directory.write(all)
        for directory in directories { try FileSystem.createDirectory(fixture.directory.appending(directory)) }
        try fixture.commitAll("base")
    }

    /// An empty repository (no commit yet).
    init(emptyWithManifestAt manifestPath: String = "fleet.yaml") throws {
        fixture = try GitFixture.make(prefix: "fleet-affected")
        self.manifestPath = manifestPath
    }

    /// A scenario over an existing repository; it is removed with the scenario.
    init(fixture: GitFixture, manifestPath: String) {
        self.fixture = fixture
        self.manifestPath = manifestPath
    }

    deinit { fixture.remove() }

    // MARK: - Changing the repository

    func write(_ relative: String, _ content: String, executable: Bool = false) throws {
        try fixture.write(relative, content, executable: executable)
    }

    func write(_ files: [String: String]) throws { try fixture.directory.write(files) }

    func read(_ relative: String) throws -> String { try fixture.directory.read(relative) }

    func remove(_ relative: String) throws { try FileSystem.removeTree(fixture.directory.appending(relative)) }

    /// Moves a file in the working tree (not through git: git sees a deletion and an addition, or a rename).
    func move(_ from: String, _ to: String) throws {
        let target = fixture.directory.appending(to)
        try FileSystem.createDirectory(FileSystem.parent(of: target))
        guard rename(fixture.directory.appending(from), target) == 0 else {
            throw FixtureError("cannot move \(from) to \(to): errno \(errno)")
        }
    }

    func chmod(_ relative: String, _ mode: UInt32) throws {
        guard Glibc.chmod(fixture.directory.appending(relative), mode_t(mode)) == 0 else {
            throw FixtureError("cannot chmod \(relative)")
        }
    }

    /// Creates (or replaces) a symlink at `relative` whose target text is `target`.
    func symlink(_ relative: String, to target: String) throws {
        let full = fixture.directory.appending(relative)
        try FileSystem.createDirectory(FileSystem.parent(of: full))
        try? FileSystem.removeTree(full)
        guard Glibc.symlink(target, full) == 0 else {
            throw FixtureError("cannot create symlink \(relative): errno \(errno)")
        }
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String { try fixture.git(arguments) }

    /// Stages everything and commits; returns the commit id.
    @discardableResult
    func commit(_ message: String = "change") throws -> String { try fixture.commitAll(message) }

    // MARK: - Asking

    func repository() throws -> GitRepository {
        try GitRepository.open(at: fixture.path, environment: pinnedGitEnvironment)
    }

    func workspace() -> Workspace {
        Workspace(manifestPath: fixture.directory.appending(manifestPath), currentDirectory: fixture.path)
    }

    func analyzer() throws -> AffectedAnalyzer {
        try AffectedAnalyzer(repository: try repository(), workspace: workspace())
    }

    /// The answer for `base` (a revision; nil: the empty tree) against `head` (a revision; nil: the working tree),
    /// with the brute-force answer.
    func affected(base: String?, head: String? = nil) async throws -> Outcome {
        let repository = try repository()
        let analyzer = try AffectedAnalyzer(repository: repository, workspace: workspace())
        let baseID = try base.map { try repository.resolveCommit($0) }
        let headSide: AffectedAnalyzer.Head = try head.map { .commit(try repository.resolveCommit($0)) } ?? .workingTree
        let report = try await analyzer.analyze(base: baseID, head: headSide)
        let truth = try await analyzer.bruteForce(base: baseID, head: headSide)
        return Outcome(report: report, truth: truth)
    }
}

/// A fast answer and the brute-force answer for the same comparison.
struct Outcome {
    var report: AffectedReport
    var truth: (affected: Set<String>, removed: Set<String>)

    var names: [String] { report.affected.map(\.name) }
    var reasons: [String: [AffectedReason]] {
        Dictionary(uniqueKeysWithValues: report.affected.map { ($0.name, $0.reasons) })
    }
    /// Whether the fast answer is the brute-force one.
    var agrees: Bool { Set(names) == truth.affected && Set(report.removed) == truth.removed }
}

/// Checks the exact affected set with every target's reasons, the removed targets, and that the brute force
/// agrees.
func expectAffected(
    _ outcome: Outcome, _ expected: [String: [AffectedReason]], removed: [String] = [],
    method: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(outcome.names == expected.keys.sorted(), sourceLocation: sourceLocation)
    for (name, reasons) in expected.sorted(by: { $0.key < $1.key }) {
        #expect(outcome.reasons[name] == reasons, "reasons of \(name)", sourceLocation: sourceLocation)
    }
    #expect(outcome.report.removed == removed, sourceLocation: sourceLocation)
    #expect(outcome.report.degraded == nil, sourceLocation: sourceLocation)
    expectAgreesWithBruteForce(outcome, sourceLocation: sourceLocation)
    if let method { #expect(outcome.report.method == method, sourceLocation: sourceLocation) }
}

/// The fast answer equals the definition: no missed target, no extra one.
func expectAgreesWithBruteForce(_ outcome: Outcome, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let fast = Set(outcome.names)
    #expect(
        fast == outcome.truth.affected,
        "missed by the fast path: \(outcome.truth.affected.subtracting(fast).sorted()); extra: \(fast.subtracting(outcome.truth.affected).sorted())",
        sourceLocation: sourceLocation)
    #expect(Set(outcome.report.removed) == outcome.truth.removed, sourceLocation: sourceLocation)
}

extension Array where Element == String {
    /// `names.map { ($0, reasons) }` as a dictionary, for "all these targets, with the same reasons".
    func each(_ reasons: [AffectedReason]) -> [String: [AffectedReason]] {
        Dictionary(uniqueKeysWithValues: map { ($0, reasons) })
    }
}
