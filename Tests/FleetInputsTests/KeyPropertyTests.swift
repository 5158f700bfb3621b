import FleetBasics
import FleetGit
import FleetGraph
import FleetHashing
import FleetInputs
import FleetManifest
import FleetTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Keys of the working tree of a scenario (through git's file list and the real hasher).
func worktreeKeys(_ s: Scenario, environment: [String: String] = [:], cacheDirectory: String? = nil)
    async throws -> WorkspaceKeys.Result
{
    let fleet = try FleetLoader.load(workspace: s.workspace())
    return try await WorkspaceKeys.compute(
        fleet: fleet, cacheDirectory: cacheDirectory, environment: environment)
}

/// Keys of a commit from its blobs' contents.
func commitKeys(_ s: Scenario, _ revision: String = "HEAD") async throws -> KeySet {
    let repository = try s.repository()
    let commit = try repository.resolveCommit(revision)
    let analyzer = try s.analyzer()
    guard let bytes = try repository.blob(at: analyzer.manifestPath, in: commit) else {
        throw FixtureError("no manifest at \(revision)")
    }
    let fleet = try FleetLoader.load(bytes: bytes, workspace: s.workspace(), checkPathsOnDisk: false)
    let root = RelativePath.join(FileSystem.parent(of: "/" + analyzer.manifestPath).dropFirst().description,
                                 fleet.manifest.root)
    let layout = RepositoryLayout(rootInRepository: RelativePath.normalize(root) ?? root, manifestInRepository: "")
    let inventory = try FileInventory.commit(commit, repository: repository, layout: layout)
    return await KeyComputer(manifest: fleet.manifest, graph: fleet.graph, environment: [:])
        .computeKeys(inventory: inventory, digests: CommitContentDigests(
            repository: repository, layout: layout, commit: commit)).keys
}

/// Every action key and target key, by label, for comparing whole key sets.
func flatten(_ keys: KeySet) -> [String: String] {
    var result: [String: String] = [:]
    for (name, target) in keys.targets {
        result[name] = target.key.hex
        for action in target.actions { result[action.label] = action.key.hex }
    }
    return result
}

let keyManifest = """
    version: 1
    globals: ["//go.work"]
    inputs:
      prod: ["**", "!tests/**"]
    defaults:
      actions:
        build: {run: make, inputs: [prod], outputs: ["dist/**"], needs: ["^build"]}
        test: {run: make test, needs: [build]}
    libs:
      proto: {path: proto, actions: null}
      base: {path: base, deps: [proto]}
    services:
      app: {path: app, deps: [base, proto], env: [REGION], actions: {test: {env: [DEBUG]}}}

    """

let keyFiles = [
    "go.work": "go\n", "proto/a.proto": "a\n", "base/b.c": "b\n", "base/tests/t.c": "t\n",
    "app/main.c": "m\n", "app/run.sh": "#!/bin/sh\n", "docs/readme.md": "r\n",
]

@Suite struct KeyPropertyTests {
    @Test func keysHaveNoAbsolutePathsSoClonesAgree() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        try s.chmod("app/run.sh", 0o755)
        try s.symlink("app/link", to: "../base/b.c")
        try s.commit()
        let clone = GitFixture(directory: try TemporaryDirectory(prefix: "fleet-clone-with-a-longer-name"))
        defer { clone.remove() }
        try s.git("clone", "--quiet", s.path, clone.path)
        let cloned = try Scenario(existing: clone)
        let here = try await worktreeKeys(s, environment: ["REGION": "eu"])
        let there = try await worktreeKeys(cloned, environment: ["REGION": "eu"])
        #expect(!flatten(here.keys).isEmpty)
        #expect(flatten(here.keys) == flatten(there.keys))
        // Nothing in the recorded parts is absolute either.
        for target in here.keys.targets.values {
            for action in target.actions {
                for input in action.inputs + action.globals { #expect(!input.path.hasPrefix("/")) }
            }
        }
    }

    @Test func aCommitsKeysEqualTheWorkingTreesKeysForTheSameContent() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        try s.chmod("app/run.sh", 0o755)
        try s.symlink("app/link", to: "../base/b.c")
        try s.symlink("base/dangling", to: "nowhere/at/all")
        try s.commit()
        #expect(flatten(try await worktreeKeys(s).keys) == flatten(try await commitKeys(s)))
        // After edits, the commit that records them still agrees with the working tree.
        try s.write("base/b.c", "b2\n")
        try s.chmod("base/b.c", 0o755)
        try s.remove("app/link")
        try s.write("app/link", "../base/b.c")
        try s.commit()
        #expect(flatten(try await worktreeKeys(s).keys) == flatten(try await commitKeys(s)))
    }

    /// git records a file as executable when its owner may execute it, and only then.
    @Test(arguments: [0o654, 0o645, 0o744, 0o700, 0o600]) func executableBitAsGitRecordsIt(mode: Int) async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        try s.chmod("app/main.c", UInt32(mode))
        try s.commit()
        let recorded = try s.git("ls-files", "-s", "app/main.c").prefix(6)
        #expect(recorded == (mode & 0o100 != 0 ? "100755" : "100644"))
        #expect(flatten(try await worktreeKeys(s).keys) == flatten(try await commitKeys(s)))
        expectAffected(try await s.affected(base: "HEAD"), [:])
    }

    @Test func orderOfSetsCommentsAndFormattingDoNotMatter() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let before = flatten(try await worktreeKeys(s).keys)
        try s.write("fleet.yaml", """
            # reordered, reformatted, commented
            services:
              app:
                actions:
                  test:
                    env: [DEBUG]
                env: [REGION]
                deps: [proto, base]     # other order
                path: app/
            libs:
              base: {deps: [proto], path: ./base}
              proto: {actions: ~, path: proto}
            defaults:
              actions:
                test: {needs: [build], run: make test}
                build:
                  needs: ["^build"]
                  outputs: ["dist/**"]
                  run: make
                  inputs: [prod]
            inputs: {prod: ["**", "!tests/**"]}
            globals: [//go.work]
            version: 1
            """)
        #expect(try await flatten(worktreeKeys(s).keys) == before)
    }

    @Test func envValuesMatterOnlyForDeclaredVariables() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let plain = try await worktreeKeys(s, environment: ["REGION": "eu", "DEBUG": "1", "OTHER": "x"]).keys
        let other = try await worktreeKeys(s, environment: ["REGION": "eu", "DEBUG": "1", "OTHER": "y"]).keys
        #expect(flatten(plain) == flatten(other))
        let region = try await worktreeKeys(s, environment: ["REGION": "us", "DEBUG": "1"]).keys
        // REGION is app's (every action); DEBUG only app's test.
        #expect(plain.key(target: "app", action: "build")?.key != region.key(target: "app", action: "build")?.key)
        #expect(plain.key(target: "base", action: "build")?.key == region.key(target: "base", action: "build")?.key)
        let debug = try await worktreeKeys(s, environment: ["REGION": "eu", "DEBUG": "2"]).keys
        #expect(plain.key(target: "app", action: "build")?.key == debug.key(target: "app", action: "build")?.key)
        #expect(plain.key(target: "app", action: "test")?.key != debug.key(target: "app", action: "test")?.key)
        // Unset and empty are different values.
        let unset = try await worktreeKeys(s, environment: ["DEBUG": "1"]).keys
        let empty = try await worktreeKeys(s, environment: ["REGION": "", "DEBUG": "1"]).keys
        #expect(unset.key(target: "app", action: "build")?.key != empty.key(target: "app", action: "build")?.key)
        // Only the env part changed, and the value itself is not recorded.
        let before = try #require(plain.key(target: "app", action: "build"))
        let after = try #require(region.key(target: "app", action: "build"))
        #expect(before.components.env != after.components.env)
        #expect(before.components.sources == after.components.sources)
        #expect(before.components.manifest == after.components.manifest)
        #expect(!after.env.description.contains("us"))
    }

    @Test func namedPartsSayWhatChanged() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let before = try await worktreeKeys(s).keys
        try s.write("app/main.c", "m2\n")
        let files = try await worktreeKeys(s).keys
        let a = try #require(before.key(target: "app", action: "build"))
        let b = try #require(files.key(target: "app", action: "build"))
        #expect(a.components.sources != b.components.sources)
        #expect([a.components.manifest, a.components.globals, a.components.env, a.components.deps]
            == [b.components.manifest, b.components.globals, b.components.env, b.components.deps])
        // A dependency's build: only the deps part.
        try s.write("base/b.c", "b2\n")
        let deps = try await worktreeKeys(s).keys
        let c = try #require(deps.key(target: "app", action: "build"))
        #expect(c.components.deps != b.components.deps)
        #expect(c.components.sources == b.components.sources)
        // The globals.
        try s.write("go.work", "go 2\n")
        let globals = try await worktreeKeys(s).keys
        let d = try #require(globals.key(target: "app", action: "build"))
        #expect(d.components.globals != c.components.globals)
        #expect(d.components.sources == c.components.sources && d.components.deps != c.components.deps)
    }

    @Test func aDependencyWithoutTheActionContributesItsSources() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let before = try await worktreeKeys(s).keys
        let need = try #require(before.key(target: "base", action: "build")?.needs.first)
        #expect(need.label == "proto:build(sources)")
        // A file outside proto's srcs: nothing changes.
        try s.write("docs/readme.md", "r2\n")
        #expect(flatten(try await worktreeKeys(s).keys) == flatten(before))
        // proto's source: every build that needs ^build on it, and what needs those.
        try s.write("proto/a.proto", "a2\n")
        let after = try await worktreeKeys(s).keys
        for label in ["base:build", "app:build", "app:test", "base:test"] {
            let (target, action) = (String(label.split(separator: ":")[0]), String(label.split(separator: ":")[1]))
            #expect(before.key(target: target, action: action)?.key != after.key(target: target, action: action)?.key,
                    "\(label)")
        }
        #expect(before["proto"]?.key != after["proto"]?.key)
    }

    @Test func anUnreadableInputWarnsAndNeverHits() async throws {
        let s = try Scenario(manifest: keyManifest, files: keyFiles)
        let fleet = try FleetLoader.load(workspace: s.workspace())
        var entries = try FileInventory.workingTree(
            repository: s.repository(), layout: RepositoryLayout(rootInRepository: "", manifestInRepository: ""))
            .entries
        // Listed, then gone before it is read (or unreadable): the hasher cannot produce a digest.
        entries.append(FileInventory.Entry(path: "base/vanished.c", mode: .regular))
        let inventory = FileInventory(entries: entries)
        let hasher = WorkspaceHasher(root: s.path, memoPath: nil)
        let computer = KeyComputer(manifest: fleet.manifest, graph: fleet.graph, environment: [:])
        let first = await computer.computeKeys(inventory: inventory, digests: WorkingTreeDigests(hasher: hasher))
        let second = await computer.computeKeys(inventory: inventory, digests: WorkingTreeDigests(hasher: hasher))
        #expect(first.warnings.count == 1)
        #expect(first.warnings.first?.severity == .warning)
        #expect(first.warnings.first?.message.contains("base/vanished.c") == true)
        // Its actions never get the same key twice (no cache hit); others are stable.
        #expect(first.keys.key(target: "base", action: "build")?.key != second.keys.key(target: "base", action: "build")?.key)
        #expect(first.keys.key(target: "proto", action: "build") == nil)
        #expect(first.keys["proto"]?.key == second.keys["proto"]?.key)
        if geteuid() != 0 {
            // A real unreadable file (root reads anything, so only checked as a normal user).
            try s.chmod("base/b.c", 0)
            defer { try? s.chmod("base/b.c", 0o644) }
            let result = try await worktreeKeys(s)
            #expect(result.warnings.contains { $0.message.contains("base/b.c") })
        }
    }

    @Test func keysAreStableAcrossRunsWithTheCacheInsideTheWorkspace() async throws {
        // The default cache directory is cache/ next to fleet.yaml, and nothing makes git ignore it: its memo
        // must never become an input.
        let s = try Scenario(manifest: """
            version: 1
            services:
              all: {path: ., actions: {build: {run: make}}}
            """, files: ["main.c": "m\n"])
        let cache = s.fixture.directory.appending("cache")
        let first = flatten(try await worktreeKeys(s, cacheDirectory: cache).keys)
        let second = flatten(try await worktreeKeys(s, cacheDirectory: cache).keys)
        let third = flatten(try await worktreeKeys(s, cacheDirectory: cache).keys)
        #expect(first == second)
        #expect(second == third)
        // git ignores the cache directory from now on: no untracked files, no change for fleet affected.
        #expect(FileSystem.exists(FileSystem.join(cache, ".gitignore")))
        #expect(try s.git("status", "--porcelain") == "")
        expectAffected(try await s.affected(base: "HEAD"), [:])
        // Even where git does not ignore it, the cache is never an input.
        try s.remove("cache/.gitignore")
        #expect(flatten(try await worktreeKeys(s, cacheDirectory: cache).keys) == first)
    }
}

extension Scenario {
    /// A scenario over an existing repository (a clone).
    convenience init(existing fixture: GitFixture, manifestPath: String = "fleet.yaml") throws {
        self.init(fixture: fixture, manifestPath: manifestPath)
    }
}
