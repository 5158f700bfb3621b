// swift-tools-version: 6.1
// fleet: a declarative build engine for microservice monorepos.
//
// The target list is the architecture. Read it top to bottom: each module depends only on modules above it,
// planning (manifest → graph → keys → plan) is kept apart from execution, and each C library is imported by
// exactly one wrapping module.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "fleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fleet", targets: ["fleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: C libraries (a module map and a shim each, nothing else)
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

        // MARK: Foundations
        .target(name: "FleetBasics", swiftSettings: swiftSettings),
        .target(name: "FleetYAML", dependencies: ["FleetBasics", "CYAML"], swiftSettings: swiftSettings),
        .target(name: "FleetHashing", dependencies: ["FleetBasics", "CXXHash"], swiftSettings: swiftSettings),
        .target(name: "FleetGit", dependencies: ["FleetBasics", "CGit2"], swiftSettings: swiftSettings),

        // MARK: Planning (no side effects beyond reading files and git objects)
        .target(name: "FleetManifest", dependencies: ["FleetBasics", "FleetYAML"], swiftSettings: swiftSettings),
        .target(name: "FleetGraph", dependencies: ["FleetBasics", "FleetManifest"], swiftSettings: swiftSettings),
        .target(
            name: "FleetInputs",
            dependencies: ["FleetBasics", "FleetManifest", "FleetGraph", "FleetHashing", "FleetGit"],
            swiftSettings: swiftSettings),
        .target(
            name: "FleetPlanning", dependencies: ["FleetBasics", "FleetManifest", "FleetGraph", "FleetInputs"],
            swiftSettings: swiftSettings),

        // MARK: Execution and side effects
        .target(name: "FleetCache", dependencies: ["FleetBasics", "FleetHashing", "CZstd"], swiftSettings: swiftSettings),
        .target(
            name: "FleetExecution",
            dependencies: [
                "FleetBasics", "FleetManifest", "FleetGraph", "FleetInputs", "FleetPlanning", "FleetCache", "FleetHashing",
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "FleetGitOps", dependencies: ["FleetBasics", "FleetYAML", "FleetManifest", "FleetGit"],
            swiftSettings: swiftSettings),

        // MARK: Presentation
        .target(
            name: "FleetReports",
            dependencies: ["FleetBasics", "FleetManifest", "FleetGraph", "FleetInputs", "FleetExecution"],
            swiftSettings: swiftSettings),
        .target(
            name: "FleetCommands",
            dependencies: [
                "FleetBasics", "FleetYAML", "FleetManifest", "FleetGraph", "FleetGit", "FleetHashing", "FleetInputs",
                "FleetPlanning", "FleetCache", "FleetExecution", "FleetGitOps", "FleetReports", argumentParser,
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "fleet", dependencies: ["FleetCommands"], swiftSettings: swiftSettings),

        // MARK: Tests
        .target(name: "FleetTestSupport", dependencies: ["FleetBasics"], path: "Tests/FleetTestSupport",
                swiftSettings: swiftSettings),
        .testTarget(name: "FleetBasicsTests", dependencies: ["FleetBasics", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "FleetYAMLTests", dependencies: ["FleetYAML", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "FleetHashingTests", dependencies: ["FleetHashing", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "FleetGitTests", dependencies: ["FleetGit", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "FleetManifestTests", dependencies: ["FleetManifest", "FleetGraph", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "FleetInputsTests", dependencies: ["FleetInputs", "FleetGit", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "FleetCacheTests", dependencies: ["FleetCache", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(
            name: "FleetExecutionTests",
            dependencies: [
                "FleetExecution", "FleetPlanning", "FleetReports", "FleetInputs", "FleetGraph", "FleetManifest",
                "FleetCache", "FleetHashing", "FleetTestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "FleetGitOpsTests", dependencies: ["FleetGitOps", "FleetYAML", "FleetTestSupport"],
                    exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "FleetIntegrationTests", dependencies: ["fleet", "FleetTestSupport"],
                    swiftSettings: swiftSettings),
    ]
)
