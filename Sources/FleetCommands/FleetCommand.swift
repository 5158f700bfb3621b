public import ArgumentParser
import FleetBasics

/// The root `fleet` command: global help and the list of subcommands.
public struct FleetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "A declarative build engine for microservice monorepos.",
        discussion: """
            fleet reads fleet.yaml, the manifest that declares the libs and services of a monorepo, their dependencies \
            and their actions (build, test, scan…). It works out what a change affects, runs actions in dependency \
            order over a content-addressed cache, and bumps images in a GitOps repository.

            Start with:
              fleet validate     check fleet.yaml, print a summary
              fleet graph        list the targets, dependencies first
              fleet run build    build everything, in dependency order, over the cache

            Every command looks for fleet.yaml in the current directory and its parents; --manifest points elsewhere.

            Exit codes: 0 success, 1 failure (an invalid manifest, a failed action), 64 usage error, 130 interrupted.

            Reference: docs/manifest.md (the manifest) and docs/cli.md (the commands).
            """,
        version: FleetVersion.current,
        subcommands: [
            ValidateCommand.self, GraphCommand.self, HashCommand.self, AffectedCommand.self, RunCommand.self,
            ExplainCommand.self, CacheCommand.self, BumpCommand.self, PromoteCommand.self, GitOpsCommand.self,
        ]
    )

    public init() {}
}
