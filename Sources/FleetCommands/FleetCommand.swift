public import ArgumentParser
import FleetBasics

/// The root `fleet` command: global help and the list of subcommands.
public struct FleetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "A declarative build engine for microservice monorepos.",
        version: FleetVersion.current,
        subcommands: []
    )

    public init() {}
}
