import FleetGit
import Testing

// Placeholder until FleetGit lands.
@Suite struct FleetGitTestsPlaceholder {}
