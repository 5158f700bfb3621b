import FleetBasics
import FleetGit
import FleetGraph
import FleetInputs
import FleetManifest
import FleetTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The guard against a wrong "not affected": random fleets with random histories, and for every pair of
/// revisions (both directions) and every revision against the working tree, the fast answer must be the
/// brute-force answer (every key at both sides, over file contents). A failure prints the seed; rerun one seed with
/// `FLEET_RANDOM_SEED=<seed> swift test --filter AffectedRandomizedTests`.
@Suite struct AffectedRandomizedTests {
    /// Where the manifest and the root are in the repository.
    struct Layout {
        var manifestDirectory: String
        var root: String
        var rootInRepository: String { RelativePath.join(manifestDirectory, root) }
        var manifestPath: String { RelativePath.join(manifestDirectory, "fleet.yaml") }
    }

    static let layouts = [
        Layout(manifestDirectory: "", root: ""),
        Layout(manifestDirectory: "", root: "app"),
        Layout(manifestDirectory: "sub", root: "shop"),
    ]

    static var seeds: [UInt64] {
        if let text = ProcessInfo.processInfo.environment["FLEET_RANDOM_SEED"], let seed = UInt64(text) {
            return [seed]
        }
        return Array(1...24).map { UInt64($0) &* 0x5851_F42D_4C95_7F2D }
    }

    @Test(arguments: seeds) func fastAnswerEqualsBruteForce(seed: UInt64) async throws {
        var history = try RandomHistory(seed: seed)
        defer { history.remove() }
        try await history.run()
        if ProcessInfo.processInfo.environment["FLEET_RANDOM_STATS"] != nil {
            print("seed \(seed): \(history.comparisons) comparisons, \(history.statistics.sorted { $0.key < $1.key })")
        }
        #expect(history.comparisons >= 30, "seed \(seed): only \(history.comparisons) comparisons")
    }
}

/// One random fleet in one repository, its history, and the comparisons.
struct RandomHistory {
    let seed: UInt64
    var random: SeededRandom
    var generator: FleetGenerator
    var renderer: FleetRenderer
    let layout: AffectedRandomizedTests.Layout
    let fixture: GitFixture
    var spec: FleetSpec
    var commits: [String] = []
    var log: [String] = []
    var comparisons = 0
    var counter = 0
    /// For tuning the generator (`FLEET_RANDOM_STATS=1`): how many comparisons had something affected, went
    /// through the exhaustive path, or had removed targets.
    var statistics: [String: Int] = [:]

    init(seed: UInt64) throws {
        self.seed = seed
        random = SeededRandom(seed: seed)
        generator = FleetGenerator(random: SeededRandom(seed: seed ^ 0xA5A5))
        renderer = FleetRenderer(random: SeededRandom(seed: seed ^ 0x5A5A))
        layout = random.pick(AffectedRandomizedTests.layouts)
        fixture = try GitFixture.make(prefix: "fleet-random")
        spec = generator.fleet(root: layout.root)
        FleetGenerator.repair(&spec)
        // A few generated fleets break a rule the generator does not model: draw again.
        for _ in 0..<30 where (try? load(spec)) == nil {
            spec = generator.fleet(root: layout.root)
            FleetGenerator.repair(&spec)
        }
    }

    func remove() { fixture.remove() }

    // MARK: - Files

    /// Directories files are created in, repository-relative: target directories and their subdirectories,
    /// shared places in the root, and places outside the root.
    var directories: [String] {
        var result = Set<String>()
        for path in FleetGenerator.paths + spec.targets.map(\.path) {
            let base = path == "." ? "" : path
            for sub in ["", "util", "tests", "dist", "out", "gen"] {
                result.insert(RelativePath.join(layout.rootInRepository, RelativePath.join(base, sub)))
            }
        }
        for shared in ["shared", "docs", "", "ignored"] {
            result.insert(RelativePath.join(layout.rootInRepository, shared))
        }
        result.insert("outside")
        result.insert("")
        return result.sorted()
    }

    static let fileNames = ["main.c", "util.c", "gen.c", "t.c", "README.md", "x.bin", "data.json", ".env", "go.work",
                            "notes.txt", "debug.log", "a.o"]

    /// Every file and symlink in the working tree, repository-relative (not .git).
    func files() -> [String] {
        var result: [String] = []
        var stack = [""]
        while let relative = stack.popLast() {
            let absolute = fixture.directory.appending(relative)
            for name in (try? FileSystem.listDirectory(absolute)) ?? [] where name != ".git" {
                let path = RelativePath.join(relative, name)
                let full = fixture.directory.appending(path)
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR { stack.append(path) } else { result.append(path) }
            }
        }
        return result.sorted()
    }

    func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(fixture.directory.appending(path), &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    mutating func content() -> String {
        counter += 1
        return "content \(counter) \(random.int(0...9))\n"
    }

    mutating func write(_ path: String, _ text: String) throws {
        let full = fixture.directory.appending(path)
        try FileSystem.createDirectory(FileSystem.parent(of: full))
        if isSymlink(path) { unlink(full) }
        try FileSystem.writeAtomically(Array(text.utf8), to: full, mode: random.chance(0.15) ? 0o755 : 0o644,
                                       sync: false)
    }

    /// One random change of a file; returns what it did.
    mutating func mutateFile() throws -> String {
        let existing = files().filter { $0 != layout.manifestPath && $0 != ".gitignore" }
        let choice = random.int(0...9)
        if existing.isEmpty || choice <= 1 {
            // Mostly in a target's directory.
            let targetPath = random.pick(spec.targets).path
            let directory = random.chance(0.7)
                ? RelativePath.join(layout.rootInRepository, targetPath == "." ? "" : targetPath)
                : random.pick(directories)
            let path = RelativePath.join(directory, random.pick(Self.fileNames))
            if FileSystem.isDirectory(fixture.directory.appending(path)) { return "nothing" }
            try write(path, content())
            return "add \(path)"
        }
        let path = random.pick(existing)
        let full = fixture.directory.appending(path)
        switch choice {
        case 2, 3:
            try write(path, content())
            return "edit \(path)"
        case 4:
            unlink(full)
            return "delete \(path)"
        case 5:
            let target = RelativePath.join(random.pick(directories), random.pick(Self.fileNames))
            let targetFull = fixture.directory.appending(target)
            if target == path || FileSystem.exists(targetFull) && FileSystem.isDirectory(targetFull) {
                return "nothing"
            }
            try FileSystem.createDirectory(FileSystem.parent(of: targetFull))
            guard rename(full, targetFull) == 0 else { return "nothing" }
            return "rename \(path) → \(target)"
        case 6:
            if isSymlink(path) { return "nothing" }
            var info = stat()
            guard lstat(full, &info) == 0 else { return "nothing" }
            let mode: mode_t = info.st_mode & 0o100 != 0 ? 0o644 : 0o755
            chmod(full, mode)
            return "chmod \(String(mode, radix: 8)) \(path)"
        case 7:
            // A symlink: new, retargeted, or replacing a file.
            let target = random.chance(0.5) ? path : RelativePath.join(random.pick(directories), "link")
            if FileSystem.isDirectory(fixture.directory.appending(target)) { return "nothing" }
            let text = random.pick(["main.c", "../util", "nowhere \(counter)", "util/", "content 1 1\n"])
            counter += 1
            try FileSystem.createDirectory(FileSystem.parent(of: fixture.directory.appending(target)))
            unlink(fixture.directory.appending(target))
            guard symlink(text, fixture.directory.appending(target)) == 0 else { return "nothing" }
            return "symlink \(target) → \(text)"
        case 8:
            // A symlink becomes a file with its target text as content, or a file is rewritten unchanged.
            if isSymlink(path) {
                var buffer = [CChar](repeating: 0, count: 4096)
                let count = readlink(full, &buffer, buffer.count - 1)
                let text = count > 0 ? String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) },
                                              as: UTF8.self) : ""
                unlink(full)
                try write(path, text)
                return "symlink → file \(path)"
            }
            let bytes = try FileSystem.readFile(full)
            try FileSystem.writeAtomically(bytes, to: full, mode: 0o644, sync: false)
            return "touch \(path)"
        default:
            try write(path, content())
            return "edit \(path)"
        }
    }

    // MARK: - The manifest

    /// Applies a random manifest edit (retrying until the loader accepts it) and writes fleet.yaml.
    mutating func mutateManifest() throws -> String {
        for _ in 0..<30 {
            var candidate = spec
            let what = generator.mutate(&candidate)
            FleetGenerator.repair(&candidate)
            if let _ = try? load(candidate) {
                spec = candidate
                try writeManifest()
                return "manifest: \(what)"
            }
        }
        try writeManifest()
        return "manifest: reformatted"
    }

    func workspace() -> Workspace {
        Workspace(manifestPath: fixture.directory.appending(layout.manifestPath), currentDirectory: fixture.path)
    }

    func load(_ candidate: FleetSpec) throws -> LoadedFleet {
        var renderer = FleetRenderer(random: SeededRandom(seed: 1))
        return try FleetLoader.load(
            bytes: Array(renderer.render(candidate).utf8), workspace: workspace(), checkPathsOnDisk: false)
    }

    mutating func writeManifest() throws {
        let text = renderer.render(spec)
        try FileSystem.createDirectory(fixture.directory.appending(layout.manifestDirectory))
        try FileSystem.writeAtomically(Array(text.utf8), to: fixture.directory.appending(layout.manifestPath),
                                       sync: false)
        // Target directories must exist for the working-tree manifest to load.
        for target in spec.targets {
            let path = RelativePath.join(layout.rootInRepository, target.path == "." ? "" : target.path)
            try FileSystem.createDirectory(fixture.directory.appending(path))
        }
    }

    // MARK: - Running

    mutating func run() async throws {
        do {
            _ = try load(spec)
        } catch {
            Issue.record("seed \(seed): the generated manifest does not load: \(error)\n\(renderer.render(spec))")
            return
        }
        try fixture.write(".gitignore", "*.log\nignored/\n")
        for target in spec.targets {
            let directory = RelativePath.join(layout.rootInRepository, target.path == "." ? "" : target.path)
            try write(RelativePath.join(directory, random.pick(Self.fileNames)), content())
            let sub = RelativePath.join(directory, random.pick(["util", "tests", "dist", "gen", "out"]))
            try write(RelativePath.join(sub, random.pick(Self.fileNames)), content())
        }
        for _ in 0..<6 {
            try write(RelativePath.join(random.pick(directories), random.pick(Self.fileNames)), content())
        }
        try write(RelativePath.join(layout.rootInRepository, "go.work"), "go\n")
        try write(RelativePath.join(layout.rootInRepository, "shared/a.json"), "{}\n")
        try writeManifest()
        commits.append(try fixture.commitAll("c0"))
        try await compareWithWorkingTree(base: commits[0])

        // Small commits (one change, sometimes two), so that most comparisons select a proper subset of targets.
        for index in 1...7 {
            var done: [String] = []
            for _ in 0..<(random.chance(0.7) ? 1 : 2) {
                done.append(random.chance(generator.swarm.manifestEdits) ? try mutateManifest() : try mutateFile())
            }
            if random.chance(0.2) { try writeManifest() }  // reformat only
            log.append("c\(index): " + done.joined(separator: "; "))
            commits.append(try fixture.commitAll("c\(index)"))
            // The working tree now has the commit's content: no key may differ.
            try await compareWithWorkingTree(base: commits[index])
        }

        let repository = try GitRepository.open(at: fixture.path, environment: pinnedGitEnvironment)
        let ids = try commits.map { try repository.resolveCommit($0) }
        do {
            let analyzer = try AffectedAnalyzer(repository: repository, workspace: workspace())
            // Neighbours both ways, every second one, and a few far pairs; the first commit from the empty tree.
            for i in ids.indices {
                for j in [i + 1, i + 2] where j < ids.count {
                    try await compare(analyzer, base: ids[i], head: .commit(ids[j]))
                    try await compare(analyzer, base: ids[j], head: .commit(ids[i]))
                }
            }
            for _ in 0..<4 {
                let (i, j) = (random.int(0...(ids.count - 1)), random.int(0...(ids.count - 1)))
                if i != j { try await compare(analyzer, base: ids[i], head: .commit(ids[j])) }
            }
            try await compare(analyzer, base: nil, head: .commit(ids[0]))
        }

        // Uncommitted work, one change at a time, each compared with HEAD: unstaged, staged, staged-then-reverted,
        // untracked, ignored, removed from the index only.
        for step in 0..<5 {
            var done: [String] = []
            switch random.int(0...9) {
            case 0:
                if let path = files().filter({ !isSymlink($0) && !$0.hasSuffix(".yaml") }).first {
                    let original = try FileSystem.readFile(fixture.directory.appending(path))
                    try write(path, content())
                    try fixture.git("add", "--", path)
                    try FileSystem.writeAtomically(original, to: fixture.directory.appending(path), sync: false)
                    done.append("staged then reverted \(path)")
                }
            case 1:
                let tracked = try fixture.git("ls-files").split(separator: "\n").map(String.init)
                    .filter { $0 != layout.manifestPath && $0 != ".gitignore" }
                if !tracked.isEmpty {
                    let path = random.pick(tracked)
                    try fixture.git("rm", "--quiet", "--cached", "--", path)
                    done.append("rm --cached \(path)")
                }
            case 2:
                let path = RelativePath.join(random.pick(directories), "debug.log")
                try write(path, content())
                done.append("ignored \(path)")
            default:
                done.append(random.chance(0.2) ? try mutateManifest() : try mutateFile())
            }
            if random.chance(0.4) {
                try fixture.git("add", "--all")
                done.append("git add --all")
            }
            log.append("worktree \(step): " + done.joined(separator: "; "))
            let analyzer = try AffectedAnalyzer(repository: repository, workspace: workspace())
            try await compare(analyzer, base: ids[ids.count - 1], head: .workingTree)
        }
        // Everything uncommitted against every commit and the empty tree.
        let analyzer = try AffectedAnalyzer(repository: repository, workspace: workspace())
        for base in ids.map(Optional.some) + [nil] {
            try await compare(analyzer, base: base, head: .workingTree)
        }
    }

    mutating func compareWithWorkingTree(base: String) async throws {
        let repository = try GitRepository.open(at: fixture.path, environment: pinnedGitEnvironment)
        let analyzer = try AffectedAnalyzer(repository: repository, workspace: workspace())
        let outcome = try await compare(analyzer, base: try repository.resolveCommit(base), head: .workingTree)
        if let outcome, !outcome.truth.affected.isEmpty || !outcome.report.affected.isEmpty {
            Issue.record("""
                seed \(seed): a clean working tree differs from its own commit: brute force \
                \(outcome.truth.affected.sorted()), fast \(outcome.report.affected.map(\.name))
                \(log.joined(separator: "\n"))
                """)
        }
    }

    @discardableResult
    mutating func compare(_ analyzer: AffectedAnalyzer, base: ObjectID?, head: AffectedAnalyzer.Head)
        async throws -> Outcome?
    {
        comparisons += 1
        let report: AffectedReport
        let truth: (affected: Set<String>, removed: Set<String>)
        do {
            report = try await analyzer.analyze(base: base, head: head)
            truth = try await analyzer.bruteForce(base: base, head: head)
        } catch {
            Issue.record("seed \(seed): \(describe(base, head)) failed: \(error)\n\(log.joined(separator: "\n"))")
            return nil
        }
        let fast = Set(report.affected.map(\.name))
        statistics["method \(report.method)", default: 0] += 1
        statistics[truth.affected.isEmpty ? "nothing affected" : "something affected", default: 0] += 1
        if !truth.removed.isEmpty { statistics["removed", default: 0] += 1 }
        statistics["affected \(truth.affected.count)", default: 0] += 1
        let headDescription = describe(base, head)
        if fast != truth.affected || Set(report.removed) != truth.removed {
            Issue.record("""
                seed \(seed): \(headDescription) (method \(report.method))
                missed (brute force only): \(truth.affected.subtracting(fast).sorted())
                extra (fast only): \(fast.subtracting(truth.affected).sorted())
                removed: fast \(report.removed), brute force \(truth.removed.sorted())
                changed paths: \(report.changedPaths)
                history:
                \(log.joined(separator: "\n"))
                manifest at head:
                \(manifestText(head))
                """)
        }
        checkReasons(report, description: headDescription)
        return Outcome(report: report, truth: truth)
    }

    /// Reasons are never empty, name only changed paths, and dependency reasons name dependencies at head.
    func checkReasons(_ report: AffectedReport, description: String) {
        guard report.degraded == nil else { return }
        let changed = Set(report.changedPaths)
        let byName = Dictionary(uniqueKeysWithValues: spec.targets.map { ($0.name, $0) })
        for target in report.affected {
            if target.reasons.isEmpty {
                Issue.record("seed \(seed): \(description): \(target.name) has no reason")
            }
            for reason in target.reasons {
                switch reason {
                case .files(let paths), .global(let paths):
                    for path in paths where !changed.contains(path) {
                        Issue.record("seed \(seed): \(description): \(target.name) names unchanged \(path)")
                    }
                case .dependency(let name):
                    // Only checkable against the working-tree spec; commits have older specs.
                    if report.head == nil, let spec = byName[target.name], !spec.deps.contains(name) {
                        Issue.record("seed \(seed): \(description): \(target.name) names non-dependency \(name)")
                    }
                case .manifest, .added:
                    break
                }
            }
        }
    }

    func describe(_ base: ObjectID?, _ head: AffectedAnalyzer.Head) -> String {
        let name = { (id: ObjectID?) -> String in
            guard let id else { return "empty tree" }
            return commits.firstIndex(of: id.description).map { "c\($0)" } ?? id.shortDescription
        }
        switch head {
        case .workingTree: return "\(name(base))..worktree"
        case .commit(let id): return "\(name(base))..\(name(id))"
        }
    }

    func manifestText(_ head: AffectedAnalyzer.Head) -> String {
        switch head {
        case .workingTree: return (try? fixture.directory.read(layout.manifestPath)) ?? "?"
        case .commit(let id): return (try? fixture.git("show", "\(id.description):\(layout.manifestPath)")) ?? "?"
        }
    }
}
