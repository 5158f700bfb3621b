import FleetGitOps
import Testing

// Placeholder until FleetGitOps lands.
@Suite struct FleetGitOpsTestsPlaceholder {}
