public import ArgumentParser
import FleetBasics
import FleetManifest
import Foundation

/// `--color` values (a local type, so that FleetBasics' `ColorMode` stays free of ArgumentParser).
enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never

    var mode: ColorMode {
        switch self {
        case .auto: .auto
        case .always: .always
        case .never: .never
        }
    }
}

/// Options every subcommand accepts.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp(
        "The manifest to use: a fleet.yaml file, or a directory that contains one.",
        discussion: "Default: the first fleet.yaml found in the current directory or one of its parents.",
        valueName: "path"))
    var manifest: String?

    @Option(name: .long, help: ArgumentHelp(
        "When to colour output: auto (a terminal, unless NO_COLOR is set), always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    @Flag(name: .shortAndLong, help: "Explain what is happening on stderr.")
    var verbose = false

    public init() {}

    /// Finds the workspace from `--manifest` or the current directory.
    func workspace() throws(ManifestError) -> Workspace {
        try Workspace.discover(manifest: manifest, from: FileSystem.currentDirectory())
    }

    /// Styling for text written to `fileDescriptor` (1: stdout, 2: stderr).
    func style(for fileDescriptor: Int32) -> TerminalStyle {
        TerminalStyle(isEnabled: color.mode.isEnabled(for: fileDescriptor,
                                                      environment: ProcessInfo.processInfo.environment))
    }
}
