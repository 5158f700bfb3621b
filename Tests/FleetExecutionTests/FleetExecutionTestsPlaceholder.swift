import FleetExecution
import Testing

// Placeholder until FleetExecution lands.
@Suite struct FleetExecutionTestsPlaceholder {}
