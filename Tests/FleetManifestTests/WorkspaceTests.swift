import FleetBasics
import FleetManifest
import FleetTestSupport
import Foundation
import Testing

@Suite struct WorkspaceTests {
    @Test func discoversByWalkingUp() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("repo/fleet.yaml", "version: 1\n")
            try dir.write("repo/services/api/src/.keep", "")
            let workspace = try Workspace.discover(manifest: nil, from: dir.appending("repo/services/api/src"))
            #expect(workspace.manifestPath == dir.appending("repo/fleet.yaml"))
            #expect(workspace.manifestDirectory == dir.appending("repo"))
            #expect(workspace.displayPath == "../../../fleet.yaml")
            #expect(workspace.rootDirectory == workspace.manifestDirectory)
            // No .git anywhere up to / (in a temp dir): the repository root is the manifest's directory.
            #expect(workspace.repositoryRoot == dir.appending("repo")
                    || FileSystem.exists(workspace.repositoryRoot + "/.git"))
        }
    }

    @Test func noManifestAnywhere() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("a/b/.keep", "")
            let error = try #require(throws: ManifestError.self) {
                try Workspace.discover(manifest: nil, from: dir.appending("a/b"))
            }
            #expect(error.description == """
                error: no fleet.yaml in \(dir.appending("a/b")) or any parent directory
                  hint: run fleet inside a workspace, or pass --manifest PATH
                """)
        }
    }

    @Test func explicitManifestFileOrDirectory() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("sub/fleet.yaml", "version: 1\n")
            try dir.write("other.yaml", "version: 1\n")
            let byDirectory = try Workspace.discover(manifest: "sub", from: dir.path)
            #expect(byDirectory.manifestPath == dir.appending("sub/fleet.yaml"))
            #expect(byDirectory.displayPath == "sub/fleet.yaml")
            let byFile = try Workspace.discover(manifest: "other.yaml", from: dir.path)
            #expect(byFile.manifestPath == dir.appending("other.yaml"))
            #expect(byFile.displayPath == "other.yaml")
            let missing = try #require(throws: ManifestError.self) {
                try Workspace.discover(manifest: "nope.yaml", from: dir.path)
            }
            #expect(missing == .manifestMissing(path: "nope.yaml"))
        }
    }

    @Test func repositoryRootAndPathConversion() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("repo/.git/HEAD", "ref: refs/heads/main\n")
            try dir.write("repo/deploy/fleet.yaml", "version: 1\nroot: ../examples/shop\nlibs:\n  a: {path: libs/a}\n")
            try dir.write("repo/examples/shop/libs/a/.keep", "")
            let workspace = try Workspace.discover(manifest: nil, from: dir.appending("repo/deploy"))
            #expect(workspace.repositoryRoot == dir.appending("repo"))
            // `root` may not climb out of the manifest's directory.
            #expect(throws: DiagnosticsError.self) { try ManifestLoader.load(workspace: workspace) }

            try dir.write("repo/fleet.yaml", "version: 1\nroot: examples/shop\nlibs:\n  a: {path: libs/a}\n")
            let top = try Workspace.discover(manifest: nil, from: dir.appending("repo/examples"))
            let manifest = try ManifestLoader.load(workspace: top)
            #expect(manifest.workspace.rootDirectory == dir.appending("repo/examples/shop"))
            #expect(manifest.workspace.rootPathInRepository == "examples/shop")
            #expect(manifest.workspace.repositoryPath(forRootRelative: "libs/a") == "examples/shop/libs/a")
            #expect(manifest.workspace.rootRelativePath(forRepositoryPath: "examples/shop/libs/a/x.py")
                    == "libs/a/x.py")
            #expect(manifest.workspace.rootRelativePath(forRepositoryPath: "docs/x.md") == nil)
            #expect(manifest.workspace.absolutePath(forRootRelative: "") == dir.appending("repo/examples/shop"))
        }
    }

    @Test func gitFileMarksARepositoryToo() async throws {
        try await withTemporaryDirectory { dir in
            try dir.write("wt/.git", "gitdir: /elsewhere/.git/worktrees/wt\n")
            try dir.write("wt/fleet.yaml", "version: 1\n")
            let workspace = try Workspace.discover(manifest: nil, from: dir.appending("wt"))
            #expect(workspace.repositoryRoot == dir.appending("wt"))
        }
    }

    @Test func unreadableAndOversizedManifests() async throws {
        try await withTemporaryDirectory { dir in
            try FileSystem.createDirectory(dir.appending("fleet.yaml"))
            let workspace = Workspace(manifestPath: dir.appending("fleet.yaml"), displayPath: "fleet.yaml")
            let check = ManifestLoader.check(workspace: workspace)
            #expect(check.manifest == nil)
            #expect(check.diagnostics.first?.message.hasPrefix("cannot read 'fleet.yaml'") == true)
        }
    }

    @Test func oversizedManifestIsRefusedWithoutReadingIt() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appending("fleet.yaml")
            #expect(FileManager.default.createFile(atPath: path, contents: Data("version: 1\n".utf8)))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: UInt64(ManifestLoader.maxManifestSize + 1))  // sparse: instant
            try handle.close()
            let workspace = Workspace(manifestPath: path, displayPath: "fleet.yaml")
            let diagnostics = ManifestLoader.check(workspace: workspace).diagnostics
            #expect(diagnostics.map(\.description) == [
                "fleet.yaml:1:1: error: 'fleet.yaml' is too large (16777217 bytes); a manifest may be at most 16 MiB\n"
                    + "  hint: is this the right file?",
            ])
        }
    }
}
